import { DivisiveCalculator } from './qhat.ts';
import { compareSegments } from './ttest.ts';

/**
 * E-divisive within one window `values[start, end)` (Otava's `ChangePointDetector` with its
 * t-test tester): repeatedly take the interval whose best split has the largest q-hat (first
 * interval on ties), test that split with the t-test between the two halves of *that interval*,
 * keep it when p <= maxPValue, and stop at the first split that fails. Matteson & James (2014)
 * use a permutation test here; Otava's windowed variant replaces it with the t-test.
 *
 * Returns the accepted change points as global indices, ascending.
 */
export function divisiveInWindow(
  values: Float64Array,
  start: number,
  end: number,
  maxPValue: number,
  calculator: DivisiveCalculator = new DivisiveCalculator(end - start),
): number[] {
  const calc = calculator.load(values.subarray(start, end));
  const n = end - start;
  // Window-local boundaries [0, cp1, ..., n] and each interval's cached best split, which
  // depends only on the interval itself.
  const bounds = [0, n];
  const cache: Array<{ index: number; qhat: number } | null> = [null];
  for (;;) {
    let pick = -1;
    let pickQ = Number.NEGATIVE_INFINITY;
    for (let k = 0; k + 1 < bounds.length; k++) {
      const s = bounds[k]!;
      const e = bounds[k + 1]!;
      if (e - s < 2) continue;
      let cand = cache[k];
      if (!cand) {
        cand = calc.bestSplit(s, e);
        cache[k] = cand;
      }
      // Python's max(): the first candidate wins ties; the first one is taken even if NaN.
      if (pick < 0 || cand.qhat > pickQ) {
        pick = k;
        pickQ = cand.qhat;
      }
    }
    if (pick < 0) break;
    const tau = cache[pick]!.index;
    const stats = compareSegments(values, start + bounds[pick]!, start + tau, start + bounds[pick + 1]!);
    if (!(stats.pValue <= maxPValue)) break;
    bounds.splice(pick + 1, 0, tau);
    cache.splice(pick, 1, null, null);
  }
  const out: number[] = [];
  for (let k = 1; k + 1 < bounds.length; k++) out.push(start + bounds[k]!);
  return out;
}
