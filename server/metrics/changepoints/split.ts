import { divisiveInWindow } from './divisive.ts';
import { DivisiveCalculator } from './qhat.ts';
import { compareSegments, type SegmentStats } from './ttest.ts';

/** A change point with the statistics of the segments on either side of it. */
export interface ScoredPoint {
  index: number;
  stats: SegmentStats;
}

/**
 * Otava's split step (`split` in `otava/analysis.py`): E-divisive on sliding windows of
 * `window` points. The next window starts half a window later, or at the last change point the
 * window found if that is further on, so a regime found late in one window is re-examined from
 * its start. The union of all windows' points ("weak" change points) is then scored with the
 * t-test between its neighbours in that union.
 */
export function splitWeak(values: Float64Array, window: number, firstPassPValue: number): ScoredPoint[] {
  const n = values.length;
  const step = Math.floor(window / 2);
  const seen = new Set<number>();
  const calculator = new DivisiveCalculator(Math.min(window, n));
  let start = 0;
  while (start < n) {
    const end = Math.min(start + window, n);
    const found = divisiveInWindow(values, start, end, firstPassPValue, calculator);
    const last = found.length > 0 ? found[found.length - 1]! : 0;
    start = Math.max(last, start + step);
    for (const i of found) seen.add(i);
  }
  const indices = [...seen].sort((a, b) => a - b);
  return indices.map((index, k) => ({
    index,
    stats: compareSegments(values, k === 0 ? 0 : indices[k - 1]!, index, k + 1 < indices.length ? indices[k + 1]! : n),
  }));
}
