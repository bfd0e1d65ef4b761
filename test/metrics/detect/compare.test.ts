import { describe, expect, it } from 'vitest';
import { compareSamples, welchTTest } from '../../../server/metrics/detect/index.ts';
import { expectVeraError } from '../verify/support.ts';
import { stepSeries } from './support.ts';

const PA1 = { direction: 'lower_is_better' } as const;

describe('compareSamples (branch against base)', () => {
  const base = stepSeries(21, 12, { level: 4, sigma: 0.1 });

  it("uses Welch's t-test when both sides have enough values, and says which way the change goes", () => {
    const head = stepSeries(22, 8, { level: 4.3, sigma: 0.1 });
    const r = compareSamples(base, head, PA1);
    const w = welchTTest(head, base);
    if (w.status !== 'ok') throw new Error('expected ok');
    expect(r).toMatchObject({ status: 'regression', test: 'welch', significant: true, pValue: w.pTwoSided, t: w.t, df: w.df });
    expect(r.delta).toBeCloseTo(w.meanA - w.meanB, 14);
    expect(r.relativeDelta).toBeCloseTo(r.delta / r.baseMean, 14);
    expect(compareSamples(base, head, { direction: 'higher_is_better' }).status).toBe('improvement');
  });

  it('is unchanged when the difference is not significant', () => {
    const head = stepSeries(23, 8, { level: 4.02, sigma: 0.1 });
    expect(compareSamples(base, head, PA1)).toMatchObject({ status: 'unchanged', significant: false, test: 'welch' });
  });

  it("tests a single head commit against the base's scatter, or a caller's noise estimate", () => {
    const r = compareSamples(base, [4.9], PA1);
    expect(r).toMatchObject({ status: 'regression', test: 'noise', df: base.length - 1 });
    const withNoise = compareSamples([4.0], [4.9], PA1, { noise: { sigma: 0.1, df: 40, source: 'repeats' } });
    expect(withNoise).toMatchObject({ status: 'regression', test: 'noise', df: 40 });
    expect(withNoise.t).toBeCloseTo(0.9 / (0.1 * Math.SQRT2), 10);
  });

  it('is insufficient, never a regression, without enough data for any test', () => {
    const cases: Array<[number[], number[]]> = [
      [[4.0], [9.0]],
      [[4.0, 4.1], [9.0]],
      [[], [4.0]],
      [[4.0, 4.1, 3.9], [9, 9.1, 8.9]],
    ];
    for (const [b, h] of cases) {
      const r = compareSamples(b, h, PA1);
      expect(r.status, JSON.stringify([b, h])).toBe('insufficient');
      expect(r.significant).toBe(false);
      expect(r.pValue).toBeNaN();
    }
    // A noise estimate with too few degrees of freedom does not make the data sufficient.
    expect(compareSamples([4.0], [9.0], PA1, { noise: { sigma: 0.1, df: 2, source: 'baseline' } }).status).toBe('insufficient');
  });

  it('calls a significant change below every configured threshold unchanged', () => {
    const b = stepSeries(31, 20, { level: 4, sigma: 0.001 });
    const h = stepSeries(32, 20, { level: 4.01, sigma: 0.001 });
    expect(compareSamples(b, h, PA1).status).toBe('regression');
    const gated = compareSamples(b, h, { ...PA1, percent: { threshold: 1 }, absolute: { threshold: 0.5, unit: 'mmag' } }, { unit: 'mmag' });
    expect(gated).toMatchObject({ status: 'unchanged', significant: true });
    expect(gated.reason).toContain('within the configured thresholds');
    expect(compareSamples(b, h, { ...PA1, absolute: { threshold: 0.005 } }).status).toBe('regression');
  });

  it('refuses non-finite values', () => {
    expectVeraError(() => compareSamples([1, Number.NaN], [1], PA1), 'BAD_INPUT', 'base[1] is NaN');
  });
});
