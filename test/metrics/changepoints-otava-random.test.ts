import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectChangePoints, firstPassPValue, type ChangePoint } from '../../server/metrics/changepoints/index.ts';
import { splitWeak } from '../../server/metrics/changepoints/split.ts';

/**
 * Apache Otava's own output on seeded random series (steps, quantised and few-valued integer
 * data, noiseless segments, trends, outliers, means near zero, full-precision noise) with
 * random windows, p-value thresholds and magnitudes; recorded by
 * bench/baselines/record_otava_fixture.py (see test/fixtures/otava/README.md). JSON has no NaN:
 * null stands for it.
 */
type Recorded = { [K in keyof ChangePoint]: number | null };
interface Case {
  name: string;
  options: { window: number; maxPValue: number; minMagnitude: number };
  values: number[];
  weakIndices: number[];
  changePoints: Recorded[];
}
const fixture = JSON.parse(fs.readFileSync(new URL('../fixtures/otava/random-series.json', import.meta.url), 'utf8')) as {
  otava: { revision: string };
  cases: Case[];
};

/** Otava's number, or NaN where it wrote null. */
const num = (v: number | null): number => (v === null ? Number.NaN : v);

/**
 * p-values come from a different incomplete-beta implementation than scipy's (Boost), so they
 * agree to ~1e-13 relative rather than bitwise; the absolute floor covers p-values that one
 * side underflows to 0 and the other leaves subnormal.
 */
function expectSamePValue(got: number, want: number): void {
  if (Number.isNaN(want)) return expect(got).toBeNaN();
  expect(Math.abs(got - want)).toBeLessThanOrEqual(1e-9 * Math.abs(want) + 1e-300);
}

describe(`Otava ${fixture.otava.revision.slice(0, 10)} on ${fixture.cases.length} recorded random series`, () => {
  it('has a fixture exercising change points, quiet series and every option', () => {
    expect(fixture.cases.length).toBeGreaterThanOrEqual(200);
    expect(fixture.cases.filter((c) => c.changePoints.length > 0).length).toBeGreaterThan(50);
    expect(fixture.cases.filter((c) => c.changePoints.length === 0).length).toBeGreaterThan(20);
    expect(new Set(fixture.cases.map((c) => c.options.window)).size).toBeGreaterThan(5);
  });

  it('finds the same weak change points in the split step, for every series', () => {
    for (const c of fixture.cases) {
      const weak = splitWeak(Float64Array.from(c.values), c.options.window, firstPassPValue(c.options.maxPValue));
      expect(weak.map((p) => p.index), c.name).toEqual(c.weakIndices);
    }
  });

  it('reports the same change points with the same statistics, for every series', () => {
    for (const c of fixture.cases) {
      const got = detectChangePoints(c.values, c.options);
      expect(got.map((p) => p.index), c.name).toEqual(c.changePoints.map((p) => p.index));
      got.forEach((g, k) => {
        const want = c.changePoints[k]!;
        const where = `${c.name} #${k} (index ${g.index})`;
        expectSamePValue(g.pValue, num(want.pValue));
        // Means, deviations and magnitudes are summed in numpy's order, so they match exactly,
        // stale statistics of points whose right neighbour the merge step dropped included.
        expect(g.meanBefore, where).toBe(num(want.meanBefore));
        expect(g.meanAfter, where).toBe(num(want.meanAfter));
        expect(g.stdDevBefore, where).toBe(num(want.stdDevBefore));
        expect(g.stdDevAfter, where).toBe(num(want.stdDevAfter));
        expect(g.magnitude, where).toBe(num(want.magnitude));
        expect(g.forwardChangePercent, where).toBe(num(want.forwardChangePercent));
      });
    }
  });
});
