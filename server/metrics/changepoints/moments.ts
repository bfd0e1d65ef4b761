/**
 * Mean and population standard deviation of a slice, summed exactly as numpy sums a contiguous
 * float64 array (pairwise summation, 8-way unrolled blocks of at most 128 values). Otava's
 * t-test takes `np.mean` and `np.std` of each segment; summing in numpy's order makes our means
 * bit-identical to Otava's, so ties between equal magnitudes and zero variances (constant
 * segments) resolve the same way it does.
 */

const BLOCK = 128;

/** numpy's `pairwise_sum` over `values[from, from + n)`. */
export function pairwiseSum(values: ArrayLike<number>, from: number, n: number): number {
  if (n < 8) {
    let res = 0;
    for (let i = 0; i < n; i++) res += values[from + i]!;
    return res;
  }
  if (n <= BLOCK) {
    let r0 = values[from]!, r1 = values[from + 1]!, r2 = values[from + 2]!, r3 = values[from + 3]!;
    let r4 = values[from + 4]!, r5 = values[from + 5]!, r6 = values[from + 6]!, r7 = values[from + 7]!;
    const whole = n - (n % 8);
    let i = 8;
    for (; i < whole; i += 8) {
      const k = from + i;
      r0 += values[k]!;
      r1 += values[k + 1]!;
      r2 += values[k + 2]!;
      r3 += values[k + 3]!;
      r4 += values[k + 4]!;
      r5 += values[k + 5]!;
      r6 += values[k + 6]!;
      r7 += values[k + 7]!;
    }
    let res = ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7));
    for (; i < n; i++) res += values[from + i]!;
    return res;
  }
  // Halve, keeping the first half a multiple of the unroll factor, as numpy does.
  let n2 = Math.floor(n / 2);
  n2 -= n2 % 8;
  return pairwiseSum(values, from, n2) + pairwiseSum(values, from + n2, n - n2);
}

export interface Moments {
  mean: number;
  /** Population standard deviation (numpy's default `ddof=0`). */
  std: number;
}

let scratch = new Float64Array(256);

/** `np.mean` and `np.std` of `values[from, to)`; `to > from`. */
export function moments(values: ArrayLike<number>, from: number, to: number): Moments {
  const n = to - from;
  const mean = pairwiseSum(values, from, n) / n;
  if (scratch.length < n) scratch = new Float64Array(Math.max(n, scratch.length * 2));
  for (let i = 0; i < n; i++) {
    const d = values[from + i]! - mean;
    scratch[i] = d * d;
  }
  return { mean, std: Math.sqrt(pairwiseSum(scratch, 0, n) / n) };
}
