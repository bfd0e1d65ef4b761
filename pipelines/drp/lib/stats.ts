/**
 * Small robust statistics on typed arrays, without allocation in the hot paths: selection
 * (Hoare's quickselect), medians, MAD/IQR widths and sigma-clipped means.
 */

/** Rearranges a[lo..hi] so that a[k] holds the value it would have if sorted; returns it. */
export function quickselect(a: Float64Array | Float32Array, k: number, lo = 0, hi = a.length - 1): number {
  while (hi > lo) {
    // Median of three as the pivot keeps sorted or constant inputs from going quadratic.
    const mid = (lo + hi) >> 1;
    if (a[mid]! < a[lo]!) swap(a, mid, lo);
    if (a[hi]! < a[lo]!) swap(a, hi, lo);
    if (a[hi]! < a[mid]!) swap(a, hi, mid);
    const pivot = a[mid]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        swap(a, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return a[k]!;
  }
  return a[k]!;
}

function swap(a: Float64Array | Float32Array, i: number, j: number): void {
  const t = a[i]!;
  a[i] = a[j]!;
  a[j] = t;
}

/** Median of the first n values of a scratch array (reordered in place); NaN when n = 0. */
export function medianInPlace(a: Float64Array | Float32Array, n = a.length): number {
  if (n === 0) return Number.NaN;
  const h = n >> 1;
  const upper = quickselect(a, h, 0, n - 1);
  if (n % 2 === 1) return upper;
  // The lower middle is the largest value left of h after selection.
  let lower = -Infinity;
  for (let i = 0; i < h; i++) if (a[i]! > lower) lower = a[i]!;
  return (lower + upper) / 2;
}

/** Median of values (copied, not modified). */
export function median(values: ArrayLike<number>): number {
  const a = Float64Array.from(values);
  return medianInPlace(a, a.length);
}

/** Quantile q in [0, 1] by linear interpolation between order statistics (numpy's default). */
export function quantile(values: ArrayLike<number>, q: number): number {
  const a = Float64Array.from(values).sort();
  if (a.length === 0) return Number.NaN;
  const pos = q * (a.length - 1);
  const i = Math.floor(pos);
  const f = pos - i;
  return i + 1 < a.length ? a[i]! * (1 - f) + a[i + 1]! * f : a[i]!;
}

/** Gaussian-equivalent sigma from the median absolute deviation (1.4826 MAD). */
export function madSigma(values: ArrayLike<number>, center = median(values)): number {
  const d = Float64Array.from(values, (v) => Math.abs(v - center));
  return 1.4826 * medianInPlace(d, d.length);
}

export interface ClippedStats {
  mean: number;
  stdev: number;
  n: number;
}

/**
 * Sigma-clipped mean of the first n values of a scratch array (as afw's MEANCLIP): start from
 * the median and an IQR-based sigma, then repeatedly keep values within clipSigma·stdev of the
 * current mean. The scratch array is reordered.
 */
export function clippedMeanInPlace(a: Float64Array, n: number, clipSigma: number, nIter: number): ClippedStats {
  if (n === 0) return { mean: Number.NaN, stdev: Number.NaN, n: 0 };
  const q1 = quickselect(a, Math.floor(0.25 * (n - 1)), 0, n - 1);
  const q3 = quickselect(a, Math.floor(0.75 * (n - 1)), 0, n - 1);
  let center = medianInPlace(a, n);
  let sigma = 0.7413 * (q3 - q1);
  let kept = n;
  for (let it = 0; it < nIter; it++) {
    const lo = center - clipSigma * sigma;
    const hi = center + clipSigma * sigma;
    let s = 0;
    let s2 = 0;
    let m = 0;
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      if (sigma > 0 && (v < lo || v > hi)) continue;
      s += v;
      m++;
    }
    if (m === 0) break;
    const mean = s / m;
    for (let i = 0; i < n; i++) {
      const v = a[i]!;
      if (sigma > 0 && (v < lo || v > hi)) continue;
      s2 += (v - mean) * (v - mean);
    }
    center = mean;
    sigma = m > 1 ? Math.sqrt(s2 / (m - 1)) : 0;
    kept = m;
  }
  return { mean: center, stdev: sigma, n: kept };
}

/** Weighted mean and its formal error 1/sqrt(Σw). */
export function weightedMean(values: ArrayLike<number>, weights: ArrayLike<number>): { mean: number; err: number } {
  let sw = 0;
  let swx = 0;
  for (let i = 0; i < values.length; i++) {
    sw += weights[i]!;
    swx += weights[i]! * values[i]!;
  }
  return { mean: swx / sw, err: 1 / Math.sqrt(sw) };
}
