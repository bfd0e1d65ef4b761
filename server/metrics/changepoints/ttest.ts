import { moments } from './moments.ts';
import { studentTTwoSidedPValue } from './student-t.ts';

/**
 * Otava's `TTestSignificanceTester.compare` between `values[a, b)` and `values[b, c)`.
 *
 * Reproduced on purpose, quirks included, because they decide which points survive:
 * - the standard deviations are population ones (`np.std`, ddof = 0) yet are passed to
 *   `scipy.stats.ttest_ind_from_stats`, which expects ddof = 1 ones; the pooled Student t-test
 *   (equal variances) then runs on them;
 * - a one-point segment has variance 0, and two one-point segments give p = 1;
 * - equal constant segments give 0/0 = NaN for t and hence a NaN p-value; unequal constant
 *   segments give |t| = ∞ and p = 0.
 */
export interface SegmentStats {
  pValue: number;
  meanBefore: number;
  meanAfter: number;
  stdDevBefore: number;
  stdDevAfter: number;
}

export function compareSegments(values: ArrayLike<number>, a: number, b: number, c: number): SegmentStats {
  const n1 = b - a;
  const n2 = c - b;
  const left = moments(values, a, b);
  const right = moments(values, b, c);
  const std1 = n1 >= 2 ? left.std : 0;
  const std2 = n2 >= 2 ? right.std : 0;
  let pValue = 1;
  if (n1 + n2 > 2) {
    // scipy's `_equal_var_ttest_denom`, operation for operation.
    const v1 = n1 === 1 ? 0 : std1 * std1;
    const v2 = n2 === 1 ? 0 : std2 * std2;
    const df = n1 + n2 - 2;
    const pooledVar = ((n1 - 1) * v1 + (n2 - 1) * v2) / df;
    const denom = Math.sqrt(pooledVar * (1 / n1 + 1 / n2));
    pValue = studentTTwoSidedPValue((left.mean - right.mean) / denom, df);
  }
  return { pValue, meanBefore: left.mean, meanAfter: right.mean, stdDevBefore: std1, stdDevAfter: std2 };
}

function forwardRelChange(s: SegmentStats): number {
  return s.meanBefore === 0 ? 0 : s.meanAfter / s.meanBefore - 1;
}

function backwardRelChange(s: SegmentStats): number {
  return s.meanAfter === 0 ? 0 : s.meanBefore / s.meanAfter - 1;
}

/** Otava's `change_magnitude` (documented on `ChangePoint.magnitude`). */
export function changeMagnitude(s: SegmentStats): number {
  const f = Math.abs(forwardRelChange(s));
  const b = Math.abs(backwardRelChange(s));
  // Python's max(f, b): b only wins when strictly greater (so NaN never replaces f).
  return b > f ? b : f;
}

export function forwardChangePercent(s: SegmentStats): number {
  return forwardRelChange(s) * 100;
}
