/**
 * Domain types of regression detection on a series (DESIGN.md §4 "Series", "Regression"; §7).
 * The detection config's types are inferred from its zod schema in `config.ts`.
 */
export type { DetectionConfig, DetectionConfigInput, Direction, Statistic } from './config.ts';

/** One measurement of a series' metric at one commit (a rerun, or one data ID of several). */
export interface SeriesMeasurement {
  /** Commit SHA (or any stable commit key). */
  commit: string;
  /**
   * Position of the commit in the branch's first-parent history, oldest first. Every measurement
   * of a commit carries the same position; two commits never share one.
   */
  position: number;
  /** NaN and infinities are dropped (lsst.verify writes unmeasurable values as null / NaN). */
  value: number;
  /** Unit of `value` (astropy-style); the series unit when absent. */
  unit?: string;
}

/** The measurements of one commit, summarized. Values are in the series unit. */
export interface SeriesPoint {
  commit: string;
  position: number;
  /** Number of finite measurements. */
  n: number;
  mean: number;
  median: number;
  /** Sample standard deviation (n − 1 in the denominator); NaN when n < 2. */
  std: number;
  /**
   * Median absolute deviation from the median, unscaled (scipy's `median_abs_deviation` with
   * scale = 1); for Gaussian noise σ ≈ 1.4826 · MAD.
   */
  mad: number;
  min: number;
  max: number;
  /** The finite measurements, in input order. */
  values: readonly number[];
}

/**
 * Scatter of a single measurement, with the degrees of freedom of its estimate (what a t-test
 * built on it uses).
 */
export interface NoiseEstimate {
  /** Standard deviation of one measurement, in the series unit. */
  sigma: number;
  df: number;
  /**
   * `repeats`: pooled within-commit variance Σᵢ Σⱼ (xᵢⱼ − x̄ᵢ)² / Σᵢ (nᵢ − 1) over commits with
   * several measurements; `baseline`: sample variance of the point values in a baseline window.
   */
  source: 'repeats' | 'baseline';
}

export type FindingKind = 'spec' | 'percent' | 'absolute' | 'zscore' | 'welch' | 'changepoint';

export type ChangeDirection = 'regression' | 'improvement';

/** What one method saw; a Finding is the strongest of these at its index. */
export interface Evidence {
  kind: FindingKind;
  /**
   * The reference the change is measured from, in the series unit: the baseline window's mean
   * (zscore), median (percent, absolute), the mean of the window before (welch) or of the
   * segment before (changepoint), or the specification's threshold (spec).
   */
  baseline: number;
  /**
   * The changed value: the first bad point's value (spec, percent, absolute, zscore), the mean of
   * the window after (welch) or of the segment after (changepoint).
   */
  value: number;
  /** value − baseline, in the series unit. */
  delta: number;
  /** delta / |baseline| (0.1 = 10 %); ±Infinity when the baseline is 0 and delta is not. */
  relativeDelta: number;
  /** Two-sided p-value (zscore, welch: Student t; changepoint: Otava's). */
  pValue?: number;
  zScore?: number;
  /** Otava's change magnitude (changepoint). */
  magnitude?: number;
  /** Fully qualified specification name (spec). */
  spec?: string;
  direction: ChangeDirection;
  message: string;
}

export interface Finding extends Evidence {
  /** Index (into the points) of the first bad point: the first point of the new regime. */
  index: number;
  /** Index of the last good point before it; null when the series starts bad. */
  lastGoodIndex: number | null;
  commit: string;
  lastGoodCommit: string | null;
  /** Other methods that found a change at the same index in the same direction, strongest first. */
  alsoFoundBy: Evidence[];
}

export type ComparisonStatus = 'regression' | 'improvement' | 'unchanged' | 'insufficient';

/** Branch (head) against its base (the merge base's series), DESIGN.md §7. */
export interface Comparison {
  status: ComparisonStatus;
  /** mean(head) − mean(base), in the series unit; NaN when a side is empty. */
  delta: number;
  /** delta / |mean(base)|. */
  relativeDelta: number;
  /** Two-sided p-value; NaN when insufficient. */
  pValue: number;
  /** pValue ≤ welch.maxPValue. */
  significant: boolean;
  /** `welch`: both sides large enough; `noise`: a side too small, tested with a noise estimate. */
  test: 'welch' | 'noise' | 'none';
  t: number;
  df: number;
  baseMean: number;
  headMean: number;
  /** Why the status is what it is, in a sentence. */
  reason: string;
}
