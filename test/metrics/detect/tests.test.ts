import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { noiseTTest, welchTTest, zScore, exceedsAbsolute, exceedsPercent } from '../../../server/metrics/detect/index.ts';

/** scipy.stats.ttest_ind(a, b, equal_var=False), recorded by bench/baselines/record_welch_fixture.py. */
interface ScipyCase {
  name: string;
  a: number[];
  b: number[];
  t: number;
  df: number;
  pTwoSided: number;
  pLess: number;
  pGreater: number;
}
const scipy = JSON.parse(fs.readFileSync(new URL('../../fixtures/detect/welch-scipy.json', import.meta.url), 'utf8')) as { scipy: string; cases: ScipyCase[] };

function expectClose(actual: number, expected: number, rel: number, what: string): void {
  const tol = rel * Math.abs(expected) + 1e-300;
  expect(Math.abs(actual - expected), `${what}: ${actual} vs scipy ${expected}`).toBeLessThanOrEqual(tol);
}

describe("Welch's t-test against scipy", () => {
  it(`matches scipy ${scipy.scipy} on ${scipy.cases.length} recorded cases: t, df and all three p-values`, () => {
    for (const c of scipy.cases) {
      const r = welchTTest(c.a, c.b);
      expect(r.status, c.name).toBe('ok');
      if (r.status !== 'ok') continue;
      // The one constant-side case loses digits in scipy's own moment calculation (it warns so).
      const rel = c.name.includes('tiny scatter') ? 1e-7 : 1e-10;
      expectClose(r.t, c.t, rel, `${c.name} t`);
      expectClose(r.df, c.df, rel, `${c.name} df`);
      expectClose(r.pTwoSided, c.pTwoSided, 1e-8, `${c.name} two-sided p`);
      expectClose(r.pLess, c.pLess, 1e-8, `${c.name} p (less)`);
      expectClose(r.pGreater, c.pGreater, 1e-8, `${c.name} p (greater)`);
    }
  });

  it('is antisymmetric: swapping the samples negates t and swaps the one-sided p-values', () => {
    const c = scipy.cases.find((x) => x.name.startsWith('2 sigma step'))!;
    const ab = welchTTest(c.a, c.b);
    const ba = welchTTest(c.b, c.a);
    if (ab.status !== 'ok' || ba.status !== 'ok') throw new Error('expected ok');
    expect(ba.t).toBe(-ab.t);
    expect(ba.pLess).toBe(ab.pGreater);
    expect(ba.pTwoSided).toBe(ab.pTwoSided);
  });

  it('answers insufficient below the minimum sample size on either side, never a p-value', () => {
    expect(welchTTest([1], [2, 3, 4]).status).toBe('insufficient');
    expect(welchTTest([1, 2, 3, 4], [9, 9.1, 9.2, 9.3], 5)).toMatchObject({ status: 'insufficient', reason: expect.stringContaining('5 values on each side') });
    expect(welchTTest([1, 2, 3, 4, 5], [9, 9.1, 9.2, 9.3, 9.4], 5).status).toBe('ok');
  });

  it('treats two constant samples as unchanged when equal and as changed when not', () => {
    expect(welchTTest([2, 2, 2], [2, 2])).toMatchObject({ t: 0, pTwoSided: 1 });
    expect(welchTTest([2, 2, 2], [3, 3])).toMatchObject({ t: -Infinity, pTwoSided: 0, pLess: 0, pGreater: 1 });
  });
});

describe('t-test on a noise estimate', () => {
  it('uses σ √(1/na + 1/nb) and the estimate’s degrees of freedom', () => {
    const r = noiseTTest([12], [10, 10, 10, 10], { sigma: 1, df: 20, source: 'repeats' });
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.t).toBeCloseTo(2 / Math.sqrt(1 + 1 / 4), 12);
    expect(r.df).toBe(20);
    // 2 * scipy.stats.t.sf(2 / sqrt(1.25), 20) = 0.08879655230006496
    expect(r.pTwoSided).toBeCloseTo(0.0887965523, 9);
  });

  it('refuses an estimate with too few degrees of freedom', () => {
    expect(noiseTTest([12], [10, 11], { sigma: 1, df: 2, source: 'baseline' }, 5).status).toBe('insufficient');
  });
});

describe('z-score', () => {
  const baseline = [9, 10, 11, 10, 9, 11, 10, 10];
  const m = 10;
  const s = Math.sqrt(baseline.reduce((acc, v) => acc + (v - m) ** 2, 0) / (baseline.length - 1));

  it('is (x − mean) / sample std of the baseline, with the prediction-interval p-value', () => {
    const r = zScore(14, baseline, 5);
    if (r.status !== 'ok') throw new Error(r.reason);
    expect(r.baselineMean).toBe(10);
    expect(r.scale).toBeCloseTo(s, 14);
    expect(r.z).toBeCloseTo(4 / s, 12);
    expect(r.scaleSource).toBe('window');
    // 2 * scipy.stats.t.sf((4 / s) / sqrt(1 + 1/8), 7) with s = sqrt(4/7): 0.0015850266402878054
    expect(r.pValue).toBeCloseTo(0.00158502664, 10);
  });

  it('is insufficient with fewer baseline points than the minimum and no noise estimate', () => {
    expect(zScore(100, [1, 2, 3], 5).status).toBe('insufficient');
  });

  it('falls back on a noise estimate with enough degrees of freedom when the window is short', () => {
    const r = zScore(13, [10, 10.5], 5, { sigma: 0.5, df: 12, source: 'repeats' });
    expect(r).toMatchObject({ status: 'ok', scaleSource: 'noise', z: (13 - 10.25) / 0.5 });
    expect(zScore(13, [10, 10.5], 5, { sigma: 0.5, df: 3, source: 'repeats' }).status).toBe('insufficient');
  });

  it('gives ±∞ for any change from a constant baseline, 0 for none', () => {
    expect(zScore(5.001, [5, 5, 5, 5], 3)).toMatchObject({ z: Infinity, pValue: 0 });
    expect(zScore(5, [5, 5, 5, 5], 3)).toMatchObject({ z: 0, pValue: 1 });
  });
});

describe('percent and absolute thresholds', () => {
  it('compare |value − baseline| with a fraction of |baseline| or a fixed amount', () => {
    expect(exceedsPercent(110, 100, 10)).toBe(true);
    expect(exceedsPercent(109.9, 100, 10)).toBe(false);
    expect(exceedsPercent(-110, -100, 10)).toBe(true);
    expect(exceedsPercent(0, 0, 10)).toBe(false);
    expect(exceedsPercent(0.1, 0, 10)).toBe(true);
    expect(exceedsAbsolute(10.5, 10, 0.5)).toBe(true);
    expect(exceedsAbsolute(9.6, 10, 0.5)).toBe(false);
  });
});
