import { studentTTwoSidedPValue } from '../changepoints/index.ts';
import { quantity, type ThresholdSpecification, type Unit } from '../verify/index.ts';
import { mean, sampleVariance } from './stats.ts';
import type { NoiseEstimate } from './types.ts';

/**
 * The statistical tests detection is built from. Every test states a minimum sample size and
 * answers `insufficient` below it: too little data is never evidence of a change.
 */

export interface Insufficient {
  status: 'insufficient';
  reason: string;
}

export interface TTest {
  status: 'ok';
  /** Student t statistic, (mean(a) − mean(b)) / standard error: scipy's orientation. */
  t: number;
  df: number;
  /** P(|T| ≥ |t|). */
  pTwoSided: number;
  /** P(T ≤ t): small when mean(a) < mean(b) (scipy's `alternative='less'`). */
  pLess: number;
  /** P(T ≥ t): small when mean(a) > mean(b) (scipy's `alternative='greater'`). */
  pGreater: number;
  meanA: number;
  meanB: number;
}

/**
 * One-sided p-values from the two-sided one, each formed without cancellation on its small side:
 * the t distribution is symmetric, so the tail t points into holds half the two-sided mass.
 */
function tTest(t: number, df: number, meanA: number, meanB: number): TTest {
  const p = Number.isNaN(t) ? Number.NaN : t === 0 ? 1 : !Number.isFinite(t) ? 0 : studentTTwoSidedPValue(t, df);
  const half = p / 2;
  return { status: 'ok', t, df, pTwoSided: p, pLess: t < 0 ? half : 1 - half, pGreater: t > 0 ? half : 1 - half, meanA, meanB };
}

/**
 * Welch's unequal-variances t-test (Welch 1947), as `scipy.stats.ttest_ind(a, b,
 * equal_var=False)`: t = (x̄a − x̄b) / √(sa²/na + sb²/nb), with the Welch–Satterthwaite degrees
 * of freedom (Satterthwaite 1946) df = (sa²/na + sb²/nb)² / ((sa²/na)²/(na − 1) + (sb²/nb)²/(nb − 1)).
 * Needs `minSamples` (at least 2) values on each side.
 *
 * Where scipy answers NaN, both samples are constant: equal constants are plainly unchanged
 * (t = 0, p = 1), different ones plainly changed (t = ±∞, p = 0); df is NaN in both cases.
 */
export function welchTTest(a: ArrayLike<number>, b: ArrayLike<number>, minSamples = 2): TTest | Insufficient {
  const need = Math.max(2, minSamples);
  if (a.length < need || b.length < need) {
    return { status: 'insufficient', reason: `Welch's t-test needs ${need} values on each side, got ${a.length} and ${b.length}` };
  }
  const ma = mean(a);
  const mb = mean(b);
  const va = sampleVariance(a) / a.length;
  const vb = sampleVariance(b) / b.length;
  const se2 = va + vb;
  if (se2 === 0) return tTest(ma === mb ? 0 : ma > mb ? Infinity : -Infinity, Number.NaN, ma, mb);
  const df = (se2 * se2) / ((va * va) / (a.length - 1) + (vb * vb) / (b.length - 1));
  return tTest((ma - mb) / Math.sqrt(se2), df, ma, mb);
}

/**
 * Two-sample t-test with the variance taken from a noise estimate instead of the samples, for
 * when a side is too small to estimate its own (one commit on a branch): t = (x̄a − x̄b) /
 * (σ √(1/na + 1/nb)), with the estimate's degrees of freedom (Student 1908, pooled form).
 * Needs a noise estimate with at least `minSamples − 1` degrees of freedom.
 */
export function noiseTTest(a: ArrayLike<number>, b: ArrayLike<number>, noise: NoiseEstimate, minSamples = 2): TTest | Insufficient {
  if (a.length < 1 || b.length < 1) return { status: 'insufficient', reason: `no values on ${a.length < 1 ? 'one side' : 'the other side'}` };
  if (!(noise.df >= Math.max(1, minSamples - 1)) || !Number.isFinite(noise.sigma)) {
    return { status: 'insufficient', reason: `the noise estimate has ${noise.df} degrees of freedom, fewer than ${Math.max(1, minSamples - 1)}` };
  }
  const ma = mean(a);
  const mb = mean(b);
  const se = noise.sigma * Math.sqrt(1 / a.length + 1 / b.length);
  if (se === 0) return tTest(ma === mb ? 0 : ma > mb ? Infinity : -Infinity, noise.df, ma, mb);
  return tTest((ma - mb) / se, noise.df, ma, mb);
}

export interface ZScore {
  status: 'ok';
  /** (value − baseline mean) / scale. */
  z: number;
  /**
   * Two-sided p-value of the prediction-interval t-test: t = (value − mean) / (scale √(1 + 1/n)),
   * Student t with the scale's degrees of freedom. This is what z means when σ is estimated.
   */
  pValue: number;
  baselineMean: number;
  /** Standard deviation the score is in units of; 0 for a constant baseline with no noise. */
  scale: number;
  scaleSource: 'window' | 'noise';
}

/** A z-score without its p-value, which costs an incomplete beta function; see `zScore`. */
export interface Score {
  z: number;
  baselineMean: number;
  scale: number;
  scaleSource: 'window' | 'noise';
  /** Degrees of freedom of the scale; NaN for a constant baseline (scale 0). */
  df: number;
  /** Number of baseline values. */
  n: number;
}

/** `zScore` without the p-value, for scanners that need it for the few flagged points only. */
export function scoreOf(value: number, baseline: ArrayLike<number>, minSamples = 2, noise?: NoiseEstimate): Score | Insufficient {
  const n = baseline.length;
  const need = Math.max(2, minSamples);
  const m = mean(baseline);
  const s = n >= 2 ? Math.sqrt(sampleVariance(baseline)) : Number.NaN;
  if (n >= need && s > 0) return { z: (value - m) / s, baselineMean: m, scale: s, scaleSource: 'window', df: n - 1, n };
  if (n >= 1 && noise !== undefined && noise.sigma > 0 && noise.df >= Math.max(1, minSamples - 1)) {
    return { z: (value - m) / noise.sigma, baselineMean: m, scale: noise.sigma, scaleSource: 'noise', df: noise.df, n };
  }
  if (n >= need && s === 0) {
    const d = value - m;
    return { z: d === 0 ? 0 : d > 0 ? Infinity : -Infinity, baselineMean: m, scale: 0, scaleSource: 'window', df: Number.NaN, n };
  }
  return { status: 'insufficient', reason: `a z-score needs ${need} baseline values or a noise estimate, got ${n}` };
}

/**
 * Two-sided p-value of the prediction-interval t-test behind a score: t = z / √(1 + 1/n), Student
 * t with the scale's degrees of freedom (the baseline mean is itself uncertain).
 */
export function scorePValue(score: Score): number {
  if (score.scale === 0) return score.z === 0 ? 1 : 0;
  return studentTTwoSidedPValue(score.z / Math.sqrt(1 + 1 / score.n), score.df);
}

/**
 * z-score of `value` against `baseline` (Student 1908's studentized form): the baseline's sample
 * standard deviation is the scale when the baseline has `minSamples` values and some scatter.
 * Otherwise `noise` (the standard deviation of one `value`, with its df) is used when its
 * estimate has ≥ minSamples − 1 degrees of freedom, so repeats let testing start earlier. A
 * constant baseline without noise gives z = ±∞ for any change (and 0 for none).
 */
export function zScore(value: number, baseline: ArrayLike<number>, minSamples = 2, noise?: NoiseEstimate): ZScore | Insufficient {
  const r = scoreOf(value, baseline, minSamples, noise);
  if ('status' in r) return r;
  return { status: 'ok', z: r.z, pValue: scorePValue(r), baselineMean: r.baselineMean, scale: r.scale, scaleSource: r.scaleSource };
}

/** |value − baseline| ≥ threshold % of |baseline|. */
export function exceedsPercent(value: number, baseline: number, thresholdPercent: number): boolean {
  const d = Math.abs(value - baseline);
  return d > 0 && d >= (thresholdPercent / 100) * Math.abs(baseline);
}

/** |value − baseline| ≥ threshold, both in the same unit. */
export function exceedsAbsolute(value: number, baseline: number, threshold: number): boolean {
  return Math.abs(value - baseline) >= threshold;
}

/**
 * Whether a value in `unit` passes a threshold specification: lsst.verify's
 * `measured <operator> threshold`, with the threshold converted into the value's unit first.
 * Throws `UNIT_INCOMPATIBLE` naming the specification and both units.
 */
export function passesSpec(spec: ThresholdSpecification, value: number, unit: Unit | string): boolean {
  return spec.check(quantity(value, unit));
}
