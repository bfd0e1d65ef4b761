import { VeraError } from '../../errors.ts';
import { mergeWeak } from './merge.ts';
import { splitWeak } from './split.ts';
import { changeMagnitude, forwardChangePercent } from './ttest.ts';
import { OTAVA_DEFAULTS, type ChangePoint, type ChangePointOptions } from './types.ts';

export type { ChangePoint, ChangePointOptions } from './types.ts';
export { OTAVA_DEFAULTS } from './types.ts';
export { parseSeriesText, type ParsedSeries } from './input.ts';

/**
 * Each window's E-divisive pass keeps two (n−1)² matrices of running distance sums, so the window
 * bounds memory: 4096 points need 256 MiB. (Otava's numpy code needs several such matrices too.)
 */
export const MAX_WINDOW_POINTS = 4096;

/**
 * Otava's first pass is looser than the final threshold, so that the merge step has weak points
 * to choose from: 10× below 0.05, 2× below 0.5, unchanged above (`compute_change_points`).
 */
export function firstPassPValue(maxPValue: number): number {
  if (maxPValue < 0.05) return maxPValue * 10;
  if (maxPValue < 0.5) return maxPValue * 2;
  return maxPValue;
}

/**
 * Change points of a series, as Apache Otava's `compute_change_points` finds them: E-divisive
 * means (Matteson & James 2014) on sliding windows with a t-test as the significance test
 * (split), then removal of weak points (merge). Same series and options, same indices.
 */
export function detectChangePoints(values: ArrayLike<number>, opts: ChangePointOptions = {}): ChangePoint[] {
  const window = opts.window ?? OTAVA_DEFAULTS.window;
  const maxPValue = opts.maxPValue ?? OTAVA_DEFAULTS.maxPValue;
  const minMagnitude = opts.minMagnitude ?? OTAVA_DEFAULTS.minMagnitude;
  if (!Number.isInteger(window) || window < 2) {
    throw new VeraError('BAD_INPUT', `window must be an integer >= 2, got ${window}`, { window });
  }
  if (!(maxPValue >= 0 && maxPValue <= 1)) {
    throw new VeraError('BAD_INPUT', `max p-value must be in [0, 1], got ${maxPValue}`, { maxPValue });
  }
  if (!Number.isFinite(minMagnitude)) {
    throw new VeraError('BAD_INPUT', `min magnitude must be a finite number, got ${minMagnitude}`, { minMagnitude });
  }
  const series = Float64Array.from(values);
  for (let i = 0; i < series.length; i++) {
    if (!Number.isFinite(series[i]!)) {
      throw new VeraError('BAD_INPUT', `value ${i} of the series is ${values[i]}, not a finite number`, { index: i });
    }
  }
  if (Math.min(window, series.length) > MAX_WINDOW_POINTS) {
    throw new VeraError('BAD_INPUT', `window of ${window} points is too large: at most ${MAX_WINDOW_POINTS}`, { window });
  }
  const weak = splitWeak(series, window, firstPassPValue(maxPValue));
  return mergeWeak(series, weak, maxPValue, minMagnitude).map(({ index, stats }) => ({
    index,
    pValue: stats.pValue,
    meanBefore: stats.meanBefore,
    meanAfter: stats.meanAfter,
    magnitude: changeMagnitude(stats),
    forwardChangePercent: forwardChangePercent(stats),
    stdDevBefore: stats.stdDevBefore,
    stdDevAfter: stats.stdDevAfter,
  }));
}

/** Two-sided p-value of Student's t, shared with server/metrics/detect. */
export { studentTTwoSidedPValue } from './student-t.ts';
