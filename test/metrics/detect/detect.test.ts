import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectChangePoints } from '../../../server/metrics/changepoints/index.ts';
import { aggregateSeries, detectRegressions, seriesFromValues, type DetectionConfigInput, type FindingKind } from '../../../server/metrics/detect/index.ts';
import { resolveSpecFiles } from '../../../server/metrics/verify/index.ts';
import { VERIFY_METRICS, expectVeraError } from '../verify/support.ts';
import { ONLY, gaussian, stepSeries } from './support.ts';

/** The real LPM-17 PA1 specifications (design_gri: PA1 <= 5 mmag). */
const PA1_FILE = 'specs/validate_drp/LPM-17-PA1.yaml';
const PA1_SPECS = resolveSpecFiles([
  { package: 'validate_drp', yamlId: 'LPM-17-PA1', file: PA1_FILE, text: fs.readFileSync(`${VERIFY_METRICS}/${PA1_FILE}`, 'utf8') },
]).specs;

const STEP_AT = 50;
/** PA1-like: 4.0 ± 0.1 mmag for 50 commits, then 8σ worse (4.8 mmag) for 30. */
const pa1 = (seed: number, step = 0.8) => seriesFromValues(stepSeries(seed, 80, { level: 4, sigma: 0.1, step, at: STEP_AT }));

/** Each method alone, with thresholds between the noise (0.1 mmag) and the step (0.8 mmag). */
const METHODS: Record<FindingKind, Omit<DetectionConfigInput, 'direction'>> = {
  zscore: { ...ONLY, zscore: {} },
  welch: { ...ONLY, welch: {} },
  changepoint: { ...ONLY, changepoints: {} },
  percent: { ...ONLY, percent: { threshold: 12 } },
  absolute: { ...ONLY, absolute: { threshold: 0.5, unit: 'mmag' } },
  spec: { ...ONLY, specs: ['validate_drp.PA1.design_gri'] },
};
/** A 4.0 → 4.8 mmag step crosses no LPM-17 specification; shift it to cross design_gri (5 mmag). */
const levelFor = (kind: FindingKind) => (kind === 'spec' ? 0.6 : 0);

describe('a step regression', () => {
  for (const [kind, cfg] of Object.entries(METHODS) as Array<[FindingKind, Omit<DetectionConfigInput, 'direction'>]>) {
    it(`is found by ${kind} at the first bad commit, with the last good one before it, and nothing earlier`, () => {
      const points = seriesFromValues(stepSeries(11, 80, { level: 4 + levelFor(kind), sigma: 0.1, step: 0.8, at: STEP_AT }));
      const found = detectRegressions(points, { direction: 'lower_is_better', ...cfg }, { unit: 'mmag', metric: 'validate_drp.PA1', specs: PA1_SPECS });
      const regressions = found.filter((f) => f.direction === 'regression');
      expect(regressions.map((f) => [f.kind, f.index])).toEqual([[kind, STEP_AT]]);
      const f = regressions[0]!;
      expect(f).toMatchObject({ lastGoodIndex: STEP_AT - 1, commit: `#${STEP_AT}`, lastGoodCommit: `#${STEP_AT - 1}` });
      expect(f.delta).toBeGreaterThan(0);
      expect(f.value - f.baseline).toBeCloseTo(f.delta, 12);
      expect(f.message).toMatch(/^PA1 .*#50/);
    });
  }

  it('is located exactly by every statistical method on at least 95 % of 40 seeded series, and seldom earlier', () => {
    const kinds = ['zscore', 'welch', 'changepoint'] as const;
    const exact = { zscore: 0, welch: 0, changepoint: 0 };
    const early = { zscore: 0, welch: 0, changepoint: 0 };
    const SERIES = 40;
    for (let seed = 0; seed < SERIES; seed++) {
      const points = pa1(1000 + seed);
      for (const kind of kinds) {
        const idx = detectRegressions(points, { direction: 'lower_is_better', ...METHODS[kind] }).filter((f) => f.direction === 'regression').map((f) => f.index);
        if (idx.includes(STEP_AT)) exact[kind]++;
        if (idx.some((i) => i < STEP_AT)) early[kind]++;
      }
    }
    for (const kind of kinds) {
      expect(exact[kind] / SERIES, kind).toBeGreaterThanOrEqual(0.95);
      // z-score and Welch alarm on flat noise < 1 % of the time, Otava's change points ~5 % per 100 points.
      expect(early[kind] / SERIES, kind).toBeLessThanOrEqual(kind === 'changepoint' ? 0.1 : 0.05);
    }
  });

  it('found by several methods at one index is one finding, led by the strongest evidence', () => {
    const points = seriesFromValues(stepSeries(11, 80, { level: 4.6, sigma: 0.1, step: 0.8, at: STEP_AT }));
    const cfg: DetectionConfigInput = { direction: 'lower_is_better', percent: { threshold: 12 } };
    const [f, ...rest] = detectRegressions(points, cfg, { unit: 'mmag' }).filter((x) => x.index === STEP_AT);
    expect(rest).toEqual([]);
    const kinds = [f!.kind, ...f!.alsoFoundBy.map((e) => e.kind)];
    expect(new Set(kinds)).toEqual(new Set(['zscore', 'welch', 'changepoint', 'percent']));
    // Statistical evidence by ascending p-value, then the plain threshold.
    const ps = [f!, ...f!.alsoFoundBy].filter((e) => e.kind !== 'percent').map((e) => e.pValue!);
    expect(ps).toEqual([...ps].sort((a, b) => a - b));
    expect(kinds.at(-1)).toBe('percent');
    // A specification breach leads: it is a fact about the value, not an inference.
    const withSpec = detectRegressions(points, { ...cfg, specs: ['validate_drp.PA1.design_gri'] }, { unit: 'mmag', specs: PA1_SPECS });
    const lead = withSpec.find((x) => x.index === STEP_AT)!;
    expect(lead.kind).toBe('spec');
    expect(lead.alsoFoundBy.map((e) => e.kind)).toEqual(kinds);
  });

  it("maps Otava's change-point index (first point of the new regime) to first bad / last good", () => {
    const values = stepSeries(5, 120, { level: 4, sigma: 0.1, step: 0.5, at: 70 });
    const otava = detectChangePoints(values);
    const ours = detectRegressions(seriesFromValues(values), { direction: 'lower_is_better', ...METHODS.changepoint });
    expect(ours.map((f) => f.index)).toEqual(otava.map((c) => c.index));
    expect(ours.map((f) => f.lastGoodIndex)).toEqual(otava.map((c) => c.index - 1));
    const at70 = ours.find((f) => f.index === 70)!;
    const cp = otava.find((c) => c.index === 70)!;
    expect(at70).toMatchObject({ baseline: cp.meanBefore, value: cp.meanAfter, pValue: cp.pValue, magnitude: cp.magnitude, direction: 'regression' });
  });
});

describe('direction', () => {
  it('reports a step in the good direction as an improvement, never a regression', () => {
    for (const kind of Object.keys(METHODS) as FindingKind[]) {
      if (kind === 'spec') continue;
      const points = pa1(11, -0.8);
      const found = detectRegressions(points, { direction: 'lower_is_better', ...METHODS[kind] }, { unit: 'mmag' });
      expect(found.filter((f) => f.direction === 'regression'), kind).toEqual([]);
      expect(found.find((f) => f.index === STEP_AT), kind).toMatchObject({ kind, direction: 'improvement' });
      expect(found.find((f) => f.index === STEP_AT)!.message, kind).toContain('better');
    }
  });

  it('makes a drop a regression when higher is better (completeness) and a rise an improvement', () => {
    const drop = seriesFromValues(stepSeries(3, 80, { level: 0.95, sigma: 0.005, step: -0.04, at: 60 }));
    const found = detectRegressions(drop, { direction: 'higher_is_better' });
    expect(found.find((f) => f.index === 60)).toMatchObject({ direction: 'regression' });
    const rise = seriesFromValues(stepSeries(3, 80, { level: 0.9, sigma: 0.005, step: 0.04, at: 60 }));
    expect(detectRegressions(rise, { direction: 'higher_is_better' }).filter((f) => f.direction === 'regression')).toEqual([]);
  });
});

describe('specification thresholds with units', () => {
  it('checks a series in mag against design_gri in mmag, reporting the breach and the recovery', () => {
    const values = [...stepSeries(2, 30, { level: 0.004, sigma: 0.0001 }), 0.0052, 0.0055, 0.0053, 0.0047, 0.0046];
    const found = detectRegressions(seriesFromValues(values), { direction: 'lower_is_better', ...METHODS.spec }, { unit: 'mag', metric: 'validate_drp.PA1', specs: PA1_SPECS });
    expect(found.map((f) => [f.kind, f.index, f.direction])).toEqual([
      ['spec', 30, 'regression'],
      ['spec', 33, 'improvement'],
    ]);
    expect(found[0]!.baseline).toBeCloseTo(0.005, 15);
    expect(found[0]!.delta).toBeCloseTo(0.0002, 15);
    expect(found[0]!.message).toContain('fails validate_drp.PA1.design_gri (<= 5 mmag)');
    expect(found[1]!.message).toContain('passes validate_drp.PA1.design_gri (<= 5 mmag) again');
  });

  it('reports a series that starts out failing at index 0 with no last good point', () => {
    const found = detectRegressions(seriesFromValues([6, 6.1, 6.2]), { direction: 'lower_is_better', ...METHODS.spec }, { unit: 'mmag', specs: [...PA1_SPECS.values()] });
    expect(found).toMatchObject([{ kind: 'spec', index: 0, lastGoodIndex: null, lastGoodCommit: null }]);
  });

  it('converts an absolute threshold in mmag to a series in mag', () => {
    const values = [...stepSeries(4, 20, { level: 0.004, sigma: 0.00005 }), 0.0046];
    const cfg: DetectionConfigInput = { direction: 'lower_is_better', ...ONLY, absolute: { threshold: 0.5, unit: 'mmag' } };
    expect(detectRegressions(seriesFromValues(values), cfg, { unit: 'mag' }).map((f) => f.index)).toEqual([20]);
    const within = [...values.slice(0, 20), 0.0044];
    expect(detectRegressions(seriesFromValues(within), cfg, { unit: 'mag' })).toEqual([]);
  });

  it('refuses unknown specifications, specifications of another metric and incompatible units', () => {
    const cfg: DetectionConfigInput = { direction: 'lower_is_better', ...ONLY, specs: ['validate_drp.PA1.nope'] };
    expectVeraError(() => detectRegressions(seriesFromValues([1]), cfg, { unit: 'mmag', specs: PA1_SPECS }), 'SPEC_UNRESOLVED', "field 'specs[0]'", 'validate_drp.PA1.nope');
    const spec = { ...cfg, specs: ['validate_drp.PA1.design_gri'] };
    expectVeraError(() => detectRegressions(seriesFromValues([1]), spec, { unit: 'mmag', metric: 'validate_drp.AM1', specs: PA1_SPECS }), 'CONFIG_INVALID', 'is for validate_drp.PA1, not validate_drp.AM1');
    expectVeraError(() => detectRegressions(seriesFromValues([1]), spec, { unit: 'arcsec', specs: PA1_SPECS }), 'UNIT_INCOMPATIBLE', 'arcsec');
    expectVeraError(() => detectRegressions(seriesFromValues([1]), spec, { specs: PA1_SPECS }), 'BAD_INPUT', 'series unit');
  });
});

describe('minimum sample size', () => {
  it('raises no alarm before a baseline exists, however large the jump', () => {
    const points = seriesFromValues([4.0, 4.1, 3.9, 4.05, 40]);
    expect(detectRegressions(points, { direction: 'lower_is_better', changepoints: false })).toEqual([]);
  });

  it('lets repeats of each commit stand in for a short baseline (pooled within-commit noise)', () => {
    const g = gaussian(8);
    const measurements = [];
    for (let c = 0; c < 7; c++) for (let r = 0; r < 3; r++) measurements.push({ commit: `c${c}`, position: c, value: 4 + (c === 6 ? 1 : 0) + 0.05 * g() });
    const { points } = aggregateSeries(measurements);
    // 6 commits × 2 df = 12 df of noise before commit 6, more than zscore.minSamples − 1 = 9.
    const found = detectRegressions(points, { direction: 'lower_is_better', ...ONLY, zscore: {} });
    expect(found).toMatchObject([{ kind: 'zscore', index: 6, direction: 'regression' }]);
    expect(found[0]!.message).toContain('noise of repeats');
    // Without repeats the same six-commit baseline is too short.
    expect(detectRegressions(seriesFromValues(points.map((p) => p.mean)), { direction: 'lower_is_better', ...ONLY, zscore: {} })).toEqual([]);
  });

  it('refuses a point whose statistic is not finite', () => {
    const points = seriesFromValues([1, 2, Number.NaN]);
    expectVeraError(() => detectRegressions(points, { direction: 'lower_is_better' }), 'BAD_INPUT', 'point 2 (commit #2) has mean NaN');
  });
});
