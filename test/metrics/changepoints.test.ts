import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { isVeraError } from '../../server/errors.ts';
import { OTAVA_DEFAULTS, detectChangePoints, firstPassPValue } from '../../server/metrics/changepoints/index.ts';
import { divisiveInWindow } from '../../server/metrics/changepoints/divisive.ts';
import { mergeWeak } from '../../server/metrics/changepoints/merge.ts';
import { moments, pairwiseSum } from '../../server/metrics/changepoints/moments.ts';
import { DivisiveCalculator } from '../../server/metrics/changepoints/qhat.ts';
import { studentTTwoSidedPValue } from '../../server/metrics/changepoints/student-t.ts';
import { changeMagnitude, compareSegments } from '../../server/metrics/changepoints/ttest.ts';

/**
 * Otava's own test cases (https://github.com/apache/otava, tests/*.py) with the indices they
 * assert, transcribed into test/fixtures/otava/ported-tests.json; each case names its source
 * file and test function.
 */
interface PortedCase {
  source: string;
  test: string;
  series: number[];
  options: { window?: number; maxPValue?: number; minMagnitude?: number };
  expectedIndices: number[];
}
const ported = JSON.parse(fs.readFileSync(new URL('../fixtures/otava/ported-tests.json', import.meta.url), 'utf8')) as {
  detectorCases: PortedCase[];
  divisive: { source: string; sequence: number[]; ttestMaxPValue: number; expectedIndices: number[] };
  significance: { maxPValue: number; splitIndex: number; notSignificant: number[]; significant: number[] };
};

describe("Otava's tests, ported", () => {
  for (const c of ported.detectorCases) {
    it(`${c.source} ${c.test}: change points at [${c.expectedIndices.join(', ')}]`, () => {
      expect(detectChangePoints(c.series, c.options).map((p) => p.index)).toEqual(c.expectedIndices);
    });
  }

  it('tests/series_test.py test_change_point_min_magnitude: every reported magnitude is >= min magnitude', () => {
    const c = ported.detectorCases.find((x) => x.test === 'test_change_point_min_magnitude (series1)')!;
    const found = detectChangePoints(c.series, c.options);
    expect(found.length).toBeGreaterThan(0);
    for (const p of found) expect(p.magnitude).toBeGreaterThanOrEqual(c.options.minMagnitude!);
  });

  it('tests/csv_e2e_test.py test_analyze_csv: metric2 changes by -12.9 %', () => {
    const c = ported.detectorCases.find((x) => x.test === 'test_analyze_csv (metric2)')!;
    const [p] = detectChangePoints(c.series, c.options);
    expect(p!.forwardChangePercent.toFixed(1)).toBe('-12.9');
  });

  it('tests/change_point_divisive_test.py test_ttest: E-divisive with the t-test on the whole series', () => {
    const { sequence, ttestMaxPValue, expectedIndices } = ported.divisive;
    const x = Float64Array.from(sequence);
    expect(divisiveInWindow(x, 0, x.length, ttestMaxPValue)).toEqual(expectedIndices);
  });

  it('tests/analysis_test.py test_significance_tester: no shift is insignificant, a 20 % drop is significant', () => {
    const { maxPValue, splitIndex, notSignificant, significant } = ported.significance;
    const flat = compareSegments(notSignificant, 0, splitIndex, notSignificant.length);
    expect(flat.pValue).toBeGreaterThan(0.99);
    expect(flat.pValue).toBeLessThan(1.01);
    const drop = compareSegments(significant, 0, splitIndex, significant.length);
    expect(drop.pValue).toBeGreaterThan(0);
    expect(drop.pValue).toBeLessThan(maxPValue);
  });
});

/** Q(τ, κ) of Matteson & James (2014) straight from its definition, O(n⁴): the reference. */
function bruteForceBestSplit(z: number[]): { index: number; qhat: number } {
  let best = { index: -1, qhat: Number.NEGATIVE_INFINITY };
  for (let tau = 1; tau < z.length; tau++) {
    for (let kappa = tau + 1; kappa <= z.length; kappa++) {
      const x = z.slice(0, tau);
      const y = z.slice(tau, kappa);
      const n = x.length;
      const m = y.length;
      let between = 0;
      for (const a of x) for (const b of y) between += Math.abs(a - b);
      let withinX = 0;
      for (let i = 0; i < n; i++) for (let k = i + 1; k < n; k++) withinX += Math.abs(x[i]! - x[k]!);
      let withinY = 0;
      for (let j = 0; j < m; j++) for (let k = j + 1; k < m; k++) withinY += Math.abs(y[j]! - y[k]!);
      const q =
        (2 / (m + n)) * between - (n > 1 ? ((2 * m) / ((m + n) * (n - 1))) * withinX : 0) - (m > 1 ? ((2 * n) / ((m + n) * (m - 1))) * withinY : 0);
      if (q > best.qhat) best = { index: tau, qhat: q };
    }
  }
  return best;
}

describe('E-divisive statistic', () => {
  it('tests/change_point_divisive_test.py test_calculator_candidate: best split matches the definition', () => {
    const seq = ported.divisive.sequence;
    const got = new DivisiveCalculator(seq.length).load(Float64Array.from(seq)).bestSplit(0, seq.length);
    const ref = bruteForceBestSplit(seq);
    expect(got.index).toBe(ref.index);
    expect(got.qhat).toBeCloseTo(ref.qhat, 9);
  });

  it('finds the same split as the definition on sub-intervals of random windows', () => {
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648);
    for (let trial = 0; trial < 30; trial++) {
      const n = 4 + Math.floor(rand() * 20);
      const x = Float64Array.from({ length: n }, (_, i) => (i > n / 2 ? 3 : 0) + rand());
      const calc = new DivisiveCalculator(n).load(x);
      const s = Math.floor(rand() * (n - 3));
      const e = s + 2 + Math.floor(rand() * (n - s - 1));
      const got = calc.bestSplit(s, e);
      const ref = bruteForceBestSplit([...x.subarray(s, e)]);
      expect(got.index - s).toBe(ref.index);
      expect(got.qhat).toBeCloseTo(ref.qhat, 9);
    }
  });
});

describe("Student's t p-values", () => {
  // Closed forms of the t distribution (Abramowitz & Stegun 26.7.3-4), θ = atan(|t|/√df).
  const closedForm: Record<number, (t: number) => number> = {
    1: (t) => 1 - (2 / Math.PI) * Math.atan(Math.abs(t)),
    2: (t) => 1 - Math.abs(t) / Math.sqrt(2 + t * t),
    3: (t) => {
      const th = Math.atan(Math.abs(t) / Math.sqrt(3));
      return 1 - (2 / Math.PI) * (th + Math.sin(th) * Math.cos(th));
    },
    4: (t) => {
      const th = Math.atan(Math.abs(t) / 2);
      return 1 - Math.sin(th) * (1 + Math.cos(th) ** 2 / 2);
    },
  };
  for (const df of [1, 2, 3, 4]) {
    it(`agrees with the closed form for ${df} degree(s) of freedom`, () => {
      for (const t of [-7.5, -2, -0.3, 0.01, 0.5, 1, 1.7, 3, 6]) {
        expect(studentTTwoSidedPValue(t, df)).toBeCloseTo(closedForm[df]!(t), 13);
      }
    });
  }

  it('keeps relative accuracy deep in the tail and for many degrees of freedom', () => {
    // df = 2: p = 1 − |t|/√(2+t²) = 2/(√(2+t²)·(√(2+t²)+|t|)), without cancellation.
    const t = 1e4;
    const exact = 2 / (Math.sqrt(2 + t * t) * (Math.sqrt(2 + t * t) + t));
    expect(Math.abs(studentTTwoSidedPValue(t, 2) / exact - 1)).toBeLessThan(1e-13);
    // For df → ∞ the t distribution tends to the normal: P(|Z| > 1.959963984540054) = 0.05.
    expect(studentTTwoSidedPValue(1.959963984540054, 1e7)).toBeCloseTo(0.05, 6);
    expect(studentTTwoSidedPValue(1e-300, 5)).toBe(1);
    expect(studentTTwoSidedPValue(Number.POSITIVE_INFINITY, 5)).toBe(0);
    expect(studentTTwoSidedPValue(Number.NaN, 5)).toBeNaN();
  });
});

describe('segment statistics', () => {
  it('sums pairwise in blocks of 8, as numpy does, not left to right', () => {
    const x = [1e16, 1, 1, 1, 1, 1, 1, 1, 1];
    let sequential = 0;
    for (const v of x) sequential += v;
    expect(sequential).toBe(1e16); // each +1 is rounded away
    expect(pairwiseSum(x, 0, x.length)).toBe(1e16 + 8); // the eight-way partial sums keep them
  });

  it('uses population standard deviations, and zero variance for one-point segments', () => {
    const m = moments([1, 2, 3, 4], 0, 4);
    expect(m.mean).toBe(2.5);
    expect(m.std).toBeCloseTo(Math.sqrt(1.25), 15);
    expect(compareSegments([5, 1, 3], 0, 1, 3).stdDevBefore).toBe(0);
    expect(compareSegments([5, 7], 0, 1, 2).pValue).toBe(1); // two single points: Otava's p = 1
  });

  it('gives NaN for equal constant segments and 0 for different constant ones', () => {
    expect(compareSegments([2, 2, 2, 2], 0, 2, 4).pValue).toBeNaN();
    expect(compareSegments([2, 2, 3, 3], 0, 2, 4).pValue).toBe(0);
  });

  it("reports magnitude as Otava's symmetric relative change", () => {
    const [cp] = detectChangePoints([...Array(20).fill(10), ...Array(20).fill(5)]);
    expect(cp).toMatchObject({ index: 20, meanBefore: 10, meanAfter: 5, pValue: 0, forwardChangePercent: -50 });
    expect(cp!.magnitude).toBe(1); // max(|5/10 − 1|, |10/5 − 1|)
    expect(changeMagnitude({ pValue: 0, meanBefore: 0, meanAfter: 3, stdDevBefore: 0, stdDevAfter: 0 })).toBe(1);
  });
});

describe('merge step', () => {
  it('re-scores only the right neighbour of a dropped point; the left one keeps stale statistics', () => {
    const x = Float64Array.from([0, 0.1, 0, 0.1, 5, 5.1, 5, 5.1, 5.05, 5, 9, 9.1, 9, 9.1]);
    const score = (idx: number[]) =>
      idx.map((index, k) => ({ index, stats: compareSegments(x, k ? idx[k - 1]! : 0, index, k + 1 < idx.length ? idx[k + 1]! : x.length) }));
    const weak = score([4, 8, 10]);
    // 8 is the weak point (5.05 vs 5.0); dropping it widens both its neighbours' segments.
    const merged = mergeWeak(x, weak, 0.001, 0);
    expect(merged.map((p) => p.index)).toEqual([4, 10]);
    expect(merged[0]!.stats).toEqual(weak[0]!.stats); // left neighbour: not re-scored
    expect(merged[1]!.stats).toEqual(score([4, 10])[1]!.stats); // right neighbour: re-scored
    expect(merged[1]!.stats).not.toEqual(weak[2]!.stats);
  });

  it('drops the first of equally weak points, and keeps all once every magnitude exceeds the minimum', () => {
    const x = Float64Array.from([1, 1, 1, 1.5, 1.5, 1.5, 9, 9, 9]);
    const same = { pValue: 0.5, meanBefore: 1, meanAfter: 2, stdDevBefore: 0, stdDevAfter: 0 };
    const merged = mergeWeak(x, [{ index: 3, stats: same }, { index: 6, stats: same }], 0.001, 0);
    // Dropping index 3 first (the first of the tied p-values) leaves 6, re-scored as a strong
    // 1.25 → 9 step. Dropping 6 first would have left 3 (1 → 5.25, p ≈ 0.1), then nothing.
    expect(merged.map((p) => p.index)).toEqual([6]);
    const strong = { ...same, pValue: 1e-9 };
    expect(mergeWeak(x, [{ index: 3, stats: strong }], 0.001, 0.99).map((p) => p.index)).toEqual([3]);
    expect(mergeWeak(x, [{ index: 3, stats: strong }], 0.001, 1)).toEqual([]);
  });
});

describe('detectChangePoints', () => {
  it("uses Otava's defaults and its looser first pass", () => {
    expect(OTAVA_DEFAULTS).toEqual({ window: 50, maxPValue: 0.001, minMagnitude: 0 });
    expect(firstPassPValue(0.001)).toBe(0.001 * 10);
    expect(firstPassPValue(0.2)).toBe(0.4);
    expect(firstPassPValue(0.7)).toBe(0.7);
  });

  it('handles empty and one-point series', () => {
    expect(detectChangePoints([])).toEqual([]);
    expect(detectChangePoints([3])).toEqual([]);
  });

  it('rejects bad options and non-finite values with BAD_INPUT', () => {
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return isVeraError(e) ? e.code : 'other';
      }
      return 'none';
    };
    expect(bad(() => detectChangePoints([1, 2], { window: 1 }))).toBe('BAD_INPUT');
    expect(bad(() => detectChangePoints([1, 2], { window: 2.5 }))).toBe('BAD_INPUT');
    expect(bad(() => detectChangePoints([1, 2], { maxPValue: 2 }))).toBe('BAD_INPUT');
    expect(bad(() => detectChangePoints([1, Number.NaN]))).toBe('BAD_INPUT');
    expect(bad(() => detectChangePoints([1, 2], { minMagnitude: Number.NaN }))).toBe('BAD_INPUT');
  });
});
