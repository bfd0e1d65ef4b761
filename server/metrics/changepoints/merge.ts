import type { ScoredPoint } from './split.ts';
import { changeMagnitude, compareSegments } from './ttest.ts';

/**
 * Otava's merge step (`merge` in `otava/analysis.py`): drop weak change points one at a time
 * until all remaining ones pass. Each round removes
 *  - the point with the largest p-value (the first one on ties), if that p-value is not below
 *    `maxPValue` (a NaN p-value counts as failing only when it is the first point), otherwise
 *  - the point with the smallest magnitude (first on ties), unless that exceeds `minMagnitude`,
 *    in which case the survivors are the answer.
 *
 * After a removal Otava re-scores the points at the removed point's list position and the one
 * after it, i.e. the right neighbour and its successor. The *left* neighbour, whose right
 * segment just grew, keeps its old statistics. We keep that behaviour, stale statistics and
 * all, because they steer every later round and are what Otava reports.
 */
export function mergeWeak(values: Float64Array, points: ScoredPoint[], maxPValue: number, minMagnitude: number): ScoredPoint[] {
  const cps = points.slice();
  const n = values.length;
  const rescore = (k: number): void => {
    if (k < 0 || k >= cps.length) return;
    const from = k === 0 ? 0 : cps[k - 1]!.index;
    const to = k + 1 < cps.length ? cps[k + 1]!.index : n;
    cps[k] = { index: cps[k]!.index, stats: compareSegments(values, from, cps[k]!.index, to) };
  };
  while (cps.length > 0) {
    let weakest = 0;
    for (let k = 1; k < cps.length; k++) if (cps[k]!.stats.pValue > cps[weakest]!.stats.pValue) weakest = k;
    if (cps[weakest]!.stats.pValue < maxPValue) {
      weakest = 0;
      let smallest = changeMagnitude(cps[0]!.stats);
      for (let k = 1; k < cps.length; k++) {
        const mag = changeMagnitude(cps[k]!.stats);
        if (mag < smallest) {
          weakest = k;
          smallest = mag;
        }
      }
      if (smallest > minMagnitude) return cps;
    }
    cps.splice(weakest, 1);
    rescore(weakest);
    rescore(weakest + 1);
  }
  return cps;
}
