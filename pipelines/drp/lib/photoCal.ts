/**
 * Photometric zero point from matched stars: zp_i = m_ref,i + 2.5 log10(flux_i), each with
 * error σ_i = 1.0857 / SNR_i, combined as a weighted mean with weights 1/(σ_i² + floor²) and
 * iterative clipping of stars more than clipSigma·sqrt(σ_i² + floor²) from it (variables,
 * blends, bad matches). The floor keeps a few very bright stars from dominating and lets a
 * flat-field error of ~1% show up as scatter rather than as clipped stars. LSST's PhotoCalTask
 * fits the same quantity with a sigma-clipped mean.
 */

export interface ZeroPointFit {
  zeroPointMag: number;
  /** Formal error of the weighted mean, mag. */
  zeroPointErrMag: number;
  /** RMS of the kept stars' residuals, mag. */
  rmsMag: number;
  /** Indices (into the inputs) of the stars kept. */
  used: number[];
}

export function fitZeroPoint(refMag: ArrayLike<number>, flux: ArrayLike<number>, snr: ArrayLike<number>, floorMag: number, clipSigma: number, maxIter: number): ZeroPointFit | undefined {
  const zp: number[] = [];
  const err: number[] = [];
  const index: number[] = [];
  for (let i = 0; i < flux.length; i++) {
    if (!(flux[i]! > 0) || !(snr[i]! > 0) || !Number.isFinite(refMag[i]!)) continue;
    zp.push(refMag[i]! + 2.5 * Math.log10(flux[i]!));
    err.push(Math.hypot(1.0857 / snr[i]!, floorMag));
    index.push(i);
  }
  if (zp.length === 0) return undefined;
  // Start from the median: robust against a few wild matches.
  const sorted = [...zp].sort((a, b) => a - b);
  let center = sorted[sorted.length >> 1]!;
  let kept = zp.map((_, k) => k);
  for (let it = 0; it < maxIter; it++) {
    const next = zp.map((_, k) => k).filter((k) => Math.abs(zp[k]! - center) <= clipSigma * err[k]!);
    if (next.length === 0) break;
    let sw = 0;
    let swz = 0;
    for (const k of next) {
      const w = 1 / err[k]! ** 2;
      sw += w;
      swz += w * zp[k]!;
    }
    const mean = swz / sw;
    const same = next.length === kept.length && Math.abs(mean - center) < 1e-9;
    center = mean;
    kept = next;
    if (same) break;
  }
  let sw = 0;
  let s2 = 0;
  for (const k of kept) {
    sw += 1 / err[k]! ** 2;
    s2 += (zp[k]! - center) ** 2;
  }
  return { zeroPointMag: center, zeroPointErrMag: 1 / Math.sqrt(sw), rmsMag: Math.sqrt(s2 / kept.length), used: kept.map((k) => index[k]!) };
}
