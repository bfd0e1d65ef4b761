/**
 * Descriptive statistics on small samples (a window of commits, a commit's repeats). Two-pass
 * variance: metric values are often large with tiny scatter (a zero point of 27.0 mag varying in
 * the fourth decimal), where the one-pass Σx² − n·x̄² loses every significant digit.
 */

/** Arithmetic mean of `xs[from, to)`; NaN when empty. */
export function mean(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  const n = to - from;
  if (n <= 0) return Number.NaN;
  let s = 0;
  for (let i = from; i < to; i++) s += xs[i]!;
  return s / n;
}

/** Sum of squared deviations from `m` over `xs[from, to)`. */
export function sumSquares(xs: ArrayLike<number>, m: number, from = 0, to = xs.length): number {
  let ss = 0;
  for (let i = from; i < to; i++) {
    const d = xs[i]! - m;
    ss += d * d;
  }
  return ss;
}

/** Sample variance (ddof = 1) of `xs[from, to)`; NaN below two values. */
export function sampleVariance(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  const n = to - from;
  if (n < 2) return Number.NaN;
  return sumSquares(xs, mean(xs, from, to), from, to) / (n - 1);
}

/** Median of `xs[from, to)`, averaging the middle pair when the count is even; NaN when empty. */
export function median(xs: ArrayLike<number>, from = 0, to = xs.length): number {
  const n = to - from;
  if (n <= 0) return Number.NaN;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = xs[from + i]!;
  sorted.sort();
  const h = n >> 1;
  return n % 2 === 1 ? sorted[h]! : (sorted[h - 1]! + sorted[h]!) / 2;
}

/** Median absolute deviation from the median, unscaled. */
export function medianAbsoluteDeviation(xs: ArrayLike<number>): number {
  const m = median(xs);
  const dev = new Float64Array(xs.length);
  for (let i = 0; i < xs.length; i++) dev[i] = Math.abs(xs[i]! - m);
  return median(dev);
}

/** (value − baseline) / |baseline|: 0 when both are equal, ±Infinity from a zero baseline. */
export function relativeChange(value: number, baseline: number): number {
  const delta = value - baseline;
  if (delta === 0) return 0;
  return delta / Math.abs(baseline);
}

/**
 * Median of the `window` values before each index: out[i] = median(xs[max(0, i − window), i)),
 * NaN at i = 0. One sorted copy of the window slides along (a binary-searched removal and
 * insertion per step), so a scan costs O(n · window) moves and no allocation per point.
 */
export function trailingMedians(xs: ArrayLike<number>, window: number): Float64Array {
  const out = new Float64Array(xs.length);
  const sorted = new Float64Array(window);
  let size = 0;
  for (let i = 0; i < xs.length; i++) {
    out[i] = size === 0 ? Number.NaN : size % 2 === 1 ? sorted[size >> 1]! : (sorted[(size >> 1) - 1]! + sorted[size >> 1]!) / 2;
    if (size === window) {
      const k = lowerBound(sorted, size, xs[i - window]!);
      sorted.copyWithin(k, k + 1, size);
      size--;
    }
    const v = xs[i]!;
    const k = lowerBound(sorted, size, v);
    sorted.copyWithin(k + 1, k, size);
    sorted[k] = v;
    size++;
  }
  return out;
}

/** First index in sorted[0, size) whose value is not below `v`. */
function lowerBound(sorted: Float64Array, size: number, v: number): number {
  let lo = 0;
  let hi = size;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (sorted[mid]! < v) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
