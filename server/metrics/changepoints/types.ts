/**
 * A change point found by E-divisive means (Matteson & James 2014) with Otava's windowed
 * split / merge refinement (Fleming et al. 2023, "Hunter"; Apache Otava `otava/analysis.py`).
 */
export interface ChangePoint {
  /** 0-based index of the first point of the new regime (DESIGN §5). */
  index: number;
  /**
   * Two-sided p-value of Student's pooled-variance t-test between the segment before and the
   * segment after the point, as Otava reports it (see `ttest.ts` for its quirks). May be NaN when
   * both segments are constant and equal, which Otava also produces.
   */
  pValue: number;
  /** Mean of the segment that ends at this point (from the previous change point). */
  meanBefore: number;
  /** Mean of the segment that starts at this point (up to the next change point). */
  meanAfter: number;
  /**
   * Otava's `change_magnitude`: max(|meanAfter/meanBefore − 1|, |meanBefore/meanAfter − 1|), a
   * dimensionless relative change (0.25 = 25 %), where a ratio with a zero denominator counts as
   * 0. It is symmetric: a drop to half and a rise to double both have magnitude 1. It is the
   * quantity `minMagnitude` is compared with; it is Otava's, not part of Matteson & James.
   */
  magnitude: number;
  /** Otava's `forward_change_percent`: 100 · (meanAfter/meanBefore − 1), 0 when meanBefore is 0. */
  forwardChangePercent: number;
  /** Population standard deviations (ddof = 0) of the two segments, as Otava reports them. */
  stdDevBefore: number;
  stdDevAfter: number;
}

export interface ChangePointOptions {
  /** Points analysed at once by E-divisive; windows advance by half of it. Integer >= 2. */
  window?: number;
  /** Largest p-value a reported change point may have. */
  maxPValue?: number;
  /** Smallest `magnitude` a change point may have when its p-value passes. */
  minMagnitude?: number;
}

/** Otava's `AnalysisOptions` defaults (`otava/series.py`), which its CLI also uses. */
export const OTAVA_DEFAULTS = { window: 50, maxPValue: 0.001, minMagnitude: 0 } as const;
