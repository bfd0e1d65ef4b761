import { describe, expect, it } from 'vitest';
import { aggregateSeries, estimateNoise, seriesFromValues, type SeriesMeasurement } from '../../../server/metrics/detect/index.ts';
import { expectVeraError } from '../verify/support.ts';

const m = (commit: string, position: number, value: number, unit?: string): SeriesMeasurement => (unit ? { commit, position, value, unit } : { commit, position, value });

describe('aggregateSeries', () => {
  it('makes one point per commit with mean, median, sample std, MAD, min, max and n', () => {
    const { points } = aggregateSeries([m('a', 0, 1), m('a', 0, 2), m('a', 0, 4), m('a', 0, 10)]);
    expect(points).toHaveLength(1);
    const p = points[0]!;
    expect(p).toMatchObject({ commit: 'a', position: 0, n: 4, mean: 4.25, median: 3, min: 1, max: 10, values: [1, 2, 4, 10] });
    // numpy: np.std([1, 2, 4, 10], ddof=1) = 4.031128874149275
    expect(p.std).toBeCloseTo(4.031128874149275, 14);
    // scipy.stats.median_abs_deviation([1, 2, 4, 10]) = 1.5 (|x − 3| = 2, 1, 1, 7)
    expect(p.mad).toBe(1.5);
  });

  it('orders points by first-parent position whatever the input order, keeping repeats in input order', () => {
    const { points } = aggregateSeries([m('c', 7, 3), m('a', 2, 1), m('c', 7, 3.5), m('b', 5, 2), m('a', 2, 1.5)]);
    expect(points.map((p) => p.commit)).toEqual(['a', 'b', 'c']);
    expect(points[2]!.values).toEqual([3, 3.5]);
  });

  it('has NaN std for a single measurement and drops non-finite values, listing commits left empty', () => {
    const { points, emptyCommits } = aggregateSeries([m('a', 0, 5), m('b', 1, Number.NaN), m('c', 2, 6), m('c', 2, Infinity)]);
    expect(points.map((p) => [p.commit, p.n])).toEqual([
      ['a', 1],
      ['c', 1],
    ]);
    expect(points[0]!.std).toBeNaN();
    expect(points[0]!.mad).toBe(0);
    expect(emptyCommits).toEqual(['b']);
  });

  it('converts measurements into the series unit', () => {
    const { points } = aggregateSeries([m('a', 0, 0.005, 'mag'), m('a', 0, 7, 'mmag')], { unit: 'mmag' });
    expect(points[0]!.values[0]).toBeCloseTo(5, 12);
    expect(points[0]!.mean).toBeCloseTo(6, 12);
  });

  it('refuses a commit with two positions, two commits at one position, and unconvertible units', () => {
    expectVeraError(() => aggregateSeries([m('a', 0, 1), m('a', 1, 2)]), 'BAD_INPUT', 'commit a has two positions');
    expectVeraError(() => aggregateSeries([m('a', 0, 1), m('b', 0, 2)]), 'BAD_INPUT', 'commits a and b both have position 0');
    expectVeraError(() => aggregateSeries([m('a', 0, 1, 'arcsec')], { unit: 'mmag' }), 'UNIT_INCOMPATIBLE', 'arcsec');
  });
});

describe('estimateNoise', () => {
  it('pools within-commit variance over commits with repeats (Σ (x − x̄ᵢ)² / Σ (nᵢ − 1))', () => {
    const { points } = aggregateSeries([m('a', 0, 1), m('a', 0, 3), m('b', 1, 100), m('c', 2, 10), m('c', 2, 11), m('c', 2, 15)]);
    // a: SS 2 (df 1); c: mean 12, SS 4 + 1 + 9 = 14 (df 2); pooled variance 16 / 3. The level
    // difference between commits, and the single-measurement commit b, do not enter.
    expect(estimateNoise(points)).toEqual({ sigma: Math.sqrt(16 / 3), df: 3, source: 'repeats' });
  });

  it("uses the baseline window's scatter when there are no repeats", () => {
    const points = seriesFromValues([50, 1, 2, 3, 4, 5]);
    expect(estimateNoise(points, { from: 1, to: 6 })).toEqual({ sigma: Math.sqrt(2.5), df: 4, source: 'baseline' });
  });

  it('ignores repeats that agree exactly (bit-identical reruns), and has no estimate from one point', () => {
    const { points } = aggregateSeries([m('a', 0, 2), m('a', 0, 2), m('b', 1, 4), m('b', 1, 4)]);
    expect(estimateNoise(points)).toEqual({ sigma: Math.sqrt(2), df: 1, source: 'baseline' });
    expect(estimateNoise(points, { to: 1 })).toBeUndefined();
  });
});
