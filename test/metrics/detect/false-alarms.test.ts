import { describe, expect, it } from 'vitest';
import { aggregateSeries, detectRegressions, seriesFromValues, type DetectionConfigInput, type SeriesPoint } from '../../../server/metrics/detect/index.ts';
import { gaussian, stepSeries } from './support.ts';

/**
 * Flat series of Gaussian noise: every regression reported on them is a false alarm. Seeds are
 * fixed, so each rate is exact and stable; the bounds sit above the long-run rates behind the
 * defaults in server/metrics/detect/config.ts (from 4000 series: z-score + Welch 0.9 %, Otava's
 * change points 4.5 %, 0.5 % at p ≤ 1e-4) with room for the sampling error of 300 series.
 */
const SERIES = 300;
const LENGTH = 100;

function rate(make: (seed: number) => SeriesPoint[], config: DetectionConfigInput): number {
  let alarms = 0;
  for (let s = 0; s < SERIES; s++) {
    if (detectRegressions(make(s), config).some((f) => f.direction === 'regression')) alarms++;
  }
  return alarms / SERIES;
}

const flat = (seed: number) => seriesFromValues(stepSeries(40_000 + seed, LENGTH, { level: 4, sigma: 0.1 }));

describe(`false alarms on ${SERIES} flat noisy series of ${LENGTH} commits`, () => {
  it('z-score and Welch at their defaults together alarm on at most 2 % of series', () => {
    expect(rate(flat, { direction: 'lower_is_better', changepoints: false })).toBeLessThanOrEqual(0.02);
  });

  it("Otava's default change points alarm on at most 8 % of series, and on at most 1 % with maxPValue 1e-4", () => {
    const only = { direction: 'lower_is_better', zscore: false, welch: false } as const;
    expect(rate(flat, only)).toBeLessThanOrEqual(0.08);
    expect(rate(flat, { ...only, changepoints: { maxPValue: 1e-4 } })).toBeLessThanOrEqual(0.01);
  });

  it('all defaults together alarm on at most 10 % of series, whichever direction is bad', () => {
    expect(rate(flat, { direction: 'lower_is_better' })).toBeLessThanOrEqual(0.1);
    expect(rate(flat, { direction: 'higher_is_better' })).toBeLessThanOrEqual(0.1);
  });

  it('series with 3 noisy repeats per commit (noise from repeats) alarm on at most 2 % with z-score and Welch', () => {
    const repeats = (seed: number) => {
      const g = gaussian(90_000 + seed);
      const ms = [];
      for (let c = 0; c < LENGTH; c++) for (let r = 0; r < 3; r++) ms.push({ commit: `c${c}`, position: c, value: 4 + 0.1 * g() });
      return aggregateSeries(ms).points;
    };
    expect(rate(repeats, { direction: 'lower_is_better', changepoints: false })).toBeLessThanOrEqual(0.02);
  });
});
