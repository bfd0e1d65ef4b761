import type { TanWcs } from '../../image/types.ts';
import { intermediateToSky, skyToIntermediate, skyToPixel } from '../../image/wcs.ts';

/**
 * TAN WCS fit: CRPIX is held (at the header's value, the boresight for a SimCam detector, so
 * the fitted WCS has the same form as the camera's), CD and CRVAL are fitted. Reference
 * positions are projected onto the tangent plane at the current CRVAL, giving (ξ, η); two
 * weighted linear least-squares fits
 *     ξ = CD11·(x - crpixX) + CD12·(y - crpixY) + ξ0,   η = CD21·… + CD22·… + η0
 * give CD, and CRVAL moves to the sky position of (ξ0, η0); repeated until the shift is
 * negligible (the tangent plane moves with CRVAL, a second-order effect). Outliers beyond
 * clipSigma times the weighted RMS residual are dropped and the fit repeated.
 */

const DEG = Math.PI / 180;

export interface WcsFit {
  wcs: TanWcs;
  /** Indices (into the inputs) of the points kept by the clipping. */
  used: number[];
  /** Unweighted RMS of the kept points' residuals, pixels (combined x and y: sqrt(mean(dx² + dy²))). */
  rmsPx: number;
  /** Residuals of every input point, pixels (measured - predicted). */
  dxPx: Float64Array;
  dyPx: Float64Array;
}

export function fitTanWcs(start: TanWcs, x: ArrayLike<number>, y: ArrayLike<number>, raDeg: ArrayLike<number>, decDeg: ArrayLike<number>, weight: ArrayLike<number>, clipSigma: number, clipIterations: number): WcsFit {
  const n = x.length;
  let used = Array.from({ length: n }, (_, i) => i);
  let wcs = start;
  const dxPx = new Float64Array(n);
  const dyPx = new Float64Array(n);
  let rms = Number.NaN;
  for (let clip = 0; clip <= clipIterations; clip++) {
    wcs = fitOnce(wcs, used, x, y, raDeg, decDeg, weight);
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      const [px, py] = skyToPixel(wcs, raDeg[i]!, decDeg[i]!);
      dxPx[i] = x[i]! - px;
      dyPx[i] = y[i]! - py;
    }
    for (const i of used) {
      const r2 = dxPx[i]! ** 2 + dyPx[i]! ** 2;
      s += weight[i]! * r2;
      s2 += r2;
    }
    rms = Math.sqrt(s2 / used.length);
    if (clip === clipIterations) break;
    // Clip in units of each point's own expected error (weight = 1/σ²), scaled by the fit's chi.
    const chi2PerPoint = s / Math.max(1, used.length);
    const next = used.filter((i) => (dxPx[i]! ** 2 + dyPx[i]! ** 2) * weight[i]! <= clipSigma * clipSigma * Math.max(chi2PerPoint, 2));
    if (next.length === used.length || next.length < 6) break;
    used = next;
  }
  return { wcs, used, rmsPx: rms, dxPx, dyPx };
}

function fitOnce(start: TanWcs, used: number[], x: ArrayLike<number>, y: ArrayLike<number>, raDeg: ArrayLike<number>, decDeg: ArrayLike<number>, weight: ArrayLike<number>): TanWcs {
  let crval: [number, number] = [start.crvalDeg[0], start.crvalDeg[1]];
  const [cx, cy] = start.crpixPx;
  let cd = start.cdDegPerPx;
  for (let it = 0; it < 6; it++) {
    // Normal equations for [a, b, c0] in v = a·dx + b·dy + c0, shared by ξ and η.
    const m = new Float64Array(9);
    const rx = new Float64Array(3);
    const ry = new Float64Array(3);
    for (const i of used) {
      const [xi, eta] = skyToIntermediate(crval, raDeg[i]!, decDeg[i]!);
      const basis = [x[i]! - cx, y[i]! - cy, 1];
      const w = weight[i]!;
      for (let r = 0; r < 3; r++) {
        rx[r]! += w * basis[r]! * (xi / DEG);
        ry[r]! += w * basis[r]! * (eta / DEG);
        for (let c = 0; c < 3; c++) m[3 * r + c]! += w * basis[r]! * basis[c]!;
      }
    }
    const sx = solve3(m, rx);
    const sy = solve3(m, ry);
    if (!sx || !sy) return start;
    cd = [
      [sx[0], sx[1]],
      [sy[0], sy[1]],
    ];
    crval = intermediateToSky(crval, sx[2] * DEG, sy[2] * DEG);
    if (Math.hypot(sx[2], sy[2]) * 3600 < 1e-7) break;
  }
  return { crvalDeg: crval, crpixPx: [cx, cy], cdDegPerPx: cd };
}

/** Solves the 3x3 system m·v = r (Gaussian elimination with partial pivoting). */
function solve3(m: Float64Array, r: Float64Array): [number, number, number] | undefined {
  const a = [
    [m[0]!, m[1]!, m[2]!, r[0]!],
    [m[3]!, m[4]!, m[5]!, r[1]!],
    [m[6]!, m[7]!, m[8]!, r[2]!],
  ];
  for (let col = 0; col < 3; col++) {
    let piv = col;
    for (let row = col + 1; row < 3; row++) if (Math.abs(a[row]![col]!) > Math.abs(a[piv]![col]!)) piv = row;
    if (!(Math.abs(a[piv]![col]!) > 0)) return undefined;
    [a[col], a[piv]] = [a[piv]!, a[col]!];
    for (let row = 0; row < 3; row++) {
      if (row === col) continue;
      const f = a[row]![col]! / a[col]![col]!;
      for (let k = col; k < 4; k++) a[row]![k]! -= f * a[col]![k]!;
    }
  }
  return [a[0]![3]! / a[0]![0]!, a[1]![3]! / a[1]![1]!, a[2]![3]! / a[2]![2]!];
}
