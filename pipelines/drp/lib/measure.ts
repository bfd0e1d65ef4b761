import { PsfStamp, type DoubleGaussianPsf } from './psf.ts';

/**
 * Single-source measurements on a background-subtracted image with its variance and mask:
 * Gaussian-weighted centroid, Gaussian-weighted second moments, circular aperture flux and PSF
 * flux (free or forced position). Pixel coordinates are 0-based with pixel centres at integers.
 */

export interface Planes {
  data: Float32Array;
  variance: Float32Array;
  mask: Int32Array;
  width: number;
  height: number;
}

export interface Centroid {
  x: number;
  y: number;
  /** False when the iteration failed (no positive weighted flux, or it ran away); x, y are then the start. */
  ok: boolean;
}

let centroidWeights = new Float64Array(64);

/** gaussianCentroid's per-column weights, grown as needed and kept (it runs for every peak). */
function columnWeights(n: number): Float64Array {
  if (centroidWeights.length < n) centroidWeights = new Float64Array(n);
  return centroidWeights;
}

/**
 * Iterative Gaussian-weighted centroid (the SDSS-style adaptive centroid): the weight is a
 * Gaussian of sigmaW centred on the current estimate; for a Gaussian source of the same width
 * the weighted mean recovers half the offset, so each step doubles the measured shift. The fixed
 * point is the centre of any symmetric profile. Runs until the step is below 1e-4 px.
 */
export function gaussianCentroid(p: Planes, x0: number, y0: number, sigmaW: number, ignoreMask: number, maxShiftPx = 2): Centroid {
  const r = Math.ceil(3 * sigmaW);
  const inv2s2 = 1 / (2 * sigmaW * sigmaW);
  let x = x0;
  let y = y0;
  for (let it = 0; it < 40; it++) {
    const cx = Math.round(x);
    const cy = Math.round(y);
    let sw = 0;
    let swx = 0;
    let swy = 0;
    // The x weights are the same on every row: computed once per iteration, not once per pixel.
    const i0 = Math.max(0, cx - r);
    const i1 = Math.min(p.width - 1, cx + r);
    const wx = columnWeights(i1 - i0 + 1);
    for (let i = i0; i <= i1; i++) {
      const dx = i - x;
      wx[i - i0] = Math.exp(-dx * dx * inv2s2);
    }
    for (let j = Math.max(0, cy - r); j <= Math.min(p.height - 1, cy + r); j++) {
      const dy = j - y;
      const wy = Math.exp(-dy * dy * inv2s2);
      const row = j * p.width;
      for (let i = i0; i <= i1; i++) {
        const k = row + i;
        if ((p.mask[k]! & ignoreMask) !== 0) continue;
        const dx = i - x;
        const w = wy * wx[i - i0]! * p.data[k]!;
        sw += w;
        swx += w * dx;
        swy += w * dy;
      }
    }
    if (!(sw > 0)) return { x: x0, y: y0, ok: false };
    const stepX = (2 * swx) / sw;
    const stepY = (2 * swy) / sw;
    x += stepX;
    y += stepY;
    if (Math.hypot(x - x0, y - y0) > maxShiftPx) return { x: x0, y: y0, ok: false };
    if (Math.abs(stepX) < 1e-4 && Math.abs(stepY) < 1e-4) break;
  }
  return { x, y, ok: true };
}

/**
 * Per-axis errors of gaussianCentroid's fixed point, by linear propagation of the pixel noise.
 * The fixed point solves g(x) = Σ W(u) u I = 0 (u = i − x, W the Gaussian weight of sigmaW), so
 * δx = −δg / g′ with Var δg = Σ W² u² V (V the variance plane) and g′ = −Σ W (1 − u²/σw²) I.
 * I is the PSF model times the flux, not the pixels, so a faint source's noise does not enter
 * the slope. This replaces the Gaussian rule √2·σ/SNR, which assumed a Gaussian PSF matched to
 * the weight and overstated the errors of SimCam's double-Gaussian stars by ~12%.
 */
export function centroidErrorPx(p: Planes, psf: DoubleGaussianPsf, x: number, y: number, sigmaW: number, flux: number, ignoreMask: number): [number, number] {
  if (!(flux > 0)) return [Number.NaN, Number.NaN];
  const r = Math.ceil(3 * sigmaW);
  const cx = Math.round(x);
  const cy = Math.round(y);
  const x0 = cx - r;
  const y0 = cy - r;
  const n = 2 * r + 1;
  stamp.fill(psf, x, y, x0, y0, n, n);
  const inv2s2 = 1 / (2 * sigmaW * sigmaW);
  const invS2 = 1 / (sigmaW * sigmaW);
  let varGx = 0;
  let varGy = 0;
  let slopeX = 0;
  let slopeY = 0;
  for (let j = 0; j < n; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= p.height) continue;
    const dy = yy - y;
    for (let i = 0; i < n; i++) {
      const xx = x0 + i;
      if (xx < 0 || xx >= p.width) continue;
      const k = yy * p.width + xx;
      if ((p.mask[k]! & ignoreMask) !== 0 || !Number.isFinite(p.variance[k]!)) continue;
      const dx = xx - x;
      const w = Math.exp(-(dx * dx + dy * dy) * inv2s2);
      const model = flux * stamp.value(i, j);
      varGx += w * w * dx * dx * p.variance[k]!;
      varGy += w * w * dy * dy * p.variance[k]!;
      slopeX += w * (1 - dx * dx * invS2) * model;
      slopeY += w * (1 - dy * dy * invS2) * model;
    }
  }
  return [slopeX > 0 ? Math.sqrt(varGx) / slopeX : Number.NaN, slopeY > 0 ? Math.sqrt(varGy) / slopeY : Number.NaN];
}

export interface Moments {
  ixx: number;
  iyy: number;
  ixy: number;
}

/** Gaussian-weighted second moments about (x, y), px²; NaN when the weighted flux is not positive. */
export function gaussianMoments(p: Planes, x: number, y: number, sigmaW: number, ignoreMask: number): Moments {
  const r = Math.ceil(3 * sigmaW);
  const inv2s2 = 1 / (2 * sigmaW * sigmaW);
  const cx = Math.round(x);
  const cy = Math.round(y);
  let sw = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  for (let j = Math.max(0, cy - r); j <= Math.min(p.height - 1, cy + r); j++) {
    const dy = j - y;
    const row = j * p.width;
    for (let i = Math.max(0, cx - r); i <= Math.min(p.width - 1, cx + r); i++) {
      const k = row + i;
      if ((p.mask[k]! & ignoreMask) !== 0) continue;
      const dx = i - x;
      const w = Math.exp(-(dx * dx + dy * dy) * inv2s2) * p.data[k]!;
      sw += w;
      sxx += w * dx * dx;
      syy += w * dy * dy;
      sxy += w * dx * dy;
    }
  }
  if (!(sw > 0)) return { ixx: Number.NaN, iyy: Number.NaN, ixy: Number.NaN };
  return { ixx: sxx / sw, iyy: syy / sw, ixy: sxy / sw };
}

export interface Flux {
  flux: number;
  fluxErr: number;
  /** Pixels of the aperture or stamp that were masked (not used) or off the image. */
  nMissing: number;
  /** OR of the mask bits in the aperture or stamp. */
  maskBits: number;
}

/** Sum of the pixels whose centres lie within radiusPx of (x, y); masked pixels are left out and counted. */
export function apertureFlux(p: Planes, x: number, y: number, radiusPx: number, ignoreMask: number): Flux {
  const r2 = radiusPx * radiusPx;
  const r = Math.ceil(radiusPx);
  const cx = Math.round(x);
  const cy = Math.round(y);
  let flux = 0;
  let v = 0;
  let missing = 0;
  let bits = 0;
  for (let j = cy - r; j <= cy + r; j++) {
    const dy = j - y;
    for (let i = cx - r; i <= cx + r; i++) {
      const dx = i - x;
      if (dx * dx + dy * dy > r2) continue;
      if (i < 0 || j < 0 || i >= p.width || j >= p.height) {
        missing++;
        continue;
      }
      const k = j * p.width + i;
      bits |= p.mask[k]!;
      if ((p.mask[k]! & ignoreMask) !== 0) {
        missing++;
        continue;
      }
      flux += p.data[k]!;
      v += p.variance[k]!;
    }
  }
  return { flux, fluxErr: Math.sqrt(v), nMissing: missing, maskBits: bits };
}

const stamp = new PsfStamp();

/**
 * PSF flux at a fixed position: the amplitude of the pixel-integrated PSF model fitted to the
 * pixels within radiusPx (a square stamp), first unweighted (LSST's PsfFlux: Σ P·I / Σ P²),
 * then, when sourceVarPerFlux > 0, twice reweighted with the model variance
 * w = P / (skyVar + sourceVarPerFlux·F·P), which is the optimal (minimum-variance) linear
 * estimator and, since the weights come from the model rather than the pixels, unbiased.
 * sourceVarPerFlux is the variance a unit of flux adds (1 for an image in electrons).
 * The error propagates the variance plane through the weights.
 */
export function psfFlux(p: Planes, psf: DoubleGaussianPsf, x: number, y: number, radiusPx: number, skyVar: number, sourceVarPerFlux: number, ignoreMask: number): Flux {
  const cx = Math.round(x);
  const cy = Math.round(y);
  const r = Math.ceil(radiusPx);
  const x0 = cx - r;
  const y0 = cy - r;
  const n = 2 * r + 1;
  stamp.fill(psf, x, y, x0, y0, n, n);
  let missing = 0;
  let bits = 0;
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < n; i++) {
      const xx = x0 + i;
      const yy = y0 + j;
      if (xx < 0 || yy < 0 || xx >= p.width || yy >= p.height) missing++;
      else {
        const m = p.mask[yy * p.width + xx]!;
        bits |= m;
        if ((m & ignoreMask) !== 0) missing++;
      }
    }
  }
  let flux = 0;
  let err = Number.NaN;
  const passes = sourceVarPerFlux > 0 && skyVar > 0 ? 3 : 1;
  for (let pass = 0; pass < passes; pass++) {
    const fSource = pass === 0 ? 0 : Math.max(flux, 0) * sourceVarPerFlux;
    let swi = 0;
    let swp = 0;
    let sw2v = 0;
    for (let j = 0; j < n; j++) {
      const yy = y0 + j;
      if (yy < 0 || yy >= p.height) continue;
      const row = yy * p.width;
      for (let i = 0; i < n; i++) {
        const xx = x0 + i;
        if (xx < 0 || xx >= p.width) continue;
        const k = row + xx;
        if ((p.mask[k]! & ignoreMask) !== 0) continue;
        const model = stamp.value(i, j);
        const w = pass === 0 ? model : model / (skyVar + fSource * model);
        swi += w * p.data[k]!;
        swp += w * model;
        sw2v += w * w * p.variance[k]!;
      }
    }
    if (!(swp > 0)) return { flux: Number.NaN, fluxErr: Number.NaN, nMissing: missing, maskBits: bits };
    flux = swi / swp;
    err = Math.sqrt(sw2v) / swp;
  }
  return { flux, fluxErr: err, nMissing: missing, maskBits: bits };
}
