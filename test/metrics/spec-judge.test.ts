import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurements } from '../../server/db/schema/index.ts';
import { importMetricsPackage } from '../../server/metrics/catalog.ts';
import { compareRefs } from '../../server/metrics/compare.ts';
import { comparisonMarkdown, regressionsIn } from '../../server/metrics/compare-format.ts';
import { judgeSpecs, pooledValue } from '../../server/metrics/spec-judge.ts';
import { parseUnit, ThresholdSpecification, type Operator } from '../../server/metrics/verify/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo } from '../support/git-repo.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * Specifications are judged per data ID: PA1 per band where g fails (12 mmag > 10) while the
 * mean of the bands (8 mmag) and even the pooled value pass would, judged on "all" alone, pass.
 */

const t = useTestDatabase();
const v = useTestVera(t);
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
let shas: string[];
let metricsDir: string;

// Per band: PA1 in mmag and the pooled sums the metric task writes (sumSquares in mmag², dof).
const GOOD = { g: 6, r: 6, i: 6 };
const BAD_G = { g: 12, r: 6, i: 6 };
const DOF = { g: 40, r: 160, i: 160 };

function pa1Rows(values: Record<'g' | 'r' | 'i', number>, sha: string) {
  return (['g', 'r', 'i'] as const).map((band) => ({
    metricName: 'demo.PA1',
    value: values[band],
    unit: 'mmag',
    dataset: 'Cam/raw',
    dataId: { skymap: 'sky', tract: 0, band },
    extras: { sumSquares: { value: values[band] ** 2 * DOF[band], unit: 'mmag2' }, dof: { value: DOF[band], unit: '' } },
    repo: repo.dir,
    commit: sha,
    branch: 'master',
    // CI points of clean commits: the branch's own history (server/metrics/standing.ts).
    countsAs: 'branch' as const,
  }));
}

beforeAll(async () => {
  repo = await makePipelineRepo('spec-judge');
  shas = [await repo.commit({ 'README.md': 'a\n' }, 'good'), await repo.commit({ 'README.md': 'b\n' }, 'g band broken')];
  metricsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-spec-judge-'));
  fs.mkdirSync(path.join(metricsDir, 'metrics'));
  fs.mkdirSync(path.join(metricsDir, 'specs', 'demo'), { recursive: true });
  fs.writeFileSync(path.join(metricsDir, 'metrics', 'demo.yaml'), 'PA1:\n  description: photometric repeatability\n  unit: mmag\n  reference: {}\n  tags: []\n');
  fs.writeFileSync(path.join(metricsDir, 'specs', 'demo', 'pa1.yaml'), "name: design\nmetric: PA1\nthreshold:\n  operator: '<='\n  value: 10\n  unit: mmag\n");
});
afterAll(() => {
  repo.remove();
  fs.rmSync(metricsDir, { recursive: true, force: true });
});

async function seed() {
  await importMetricsPackage(t.db, metricsDir, await makeActor(t.db, 'dev', 'developer'));
  await t.db.insert(measurements).values([...pa1Rows(GOOD, shas[0]!), ...pa1Rows(BAD_G, shas[1]!)]);
}

function threshold(name: string, value: number, unit: string, operator: Operator): ThresholdSpecification {
  return new ThresholdSpecification({ name, package: 'demo', metric: 'PA1', spec: name, threshold: { value, unit: parseUnit(unit), operator }, metadataQuery: {}, tags: [], extra: {} });
}

describe('judging specifications per data ID', () => {
  const spec = threshold('demo.PA1.design', 10, 'mmag', '<=');

  it('pools "all" as the metric defines it: RMS over stars, not a mean of bands', () => {
    const rows = (['g', 'r', 'i'] as const).map((band) => ({ value: BAD_G[band], unit: 'mmag', dataId: { band }, extras: { sumSquares: { value: BAD_G[band] ** 2 * DOF[band] }, dof: { value: DOF[band] } } }));
    // sqrt((144·40 + 36·320) / 360) = sqrt(48) ≈ 6.93, where the mean of bands is 8.
    expect(pooledValue(rows, 'mmag')).toBeCloseTo(Math.sqrt(48), 10);
    // Without the sums, the mean of the data IDs.
    expect(pooledValue(rows.map((r) => ({ ...r, extras: {} })), 'mmag')).toBeCloseTo(8, 10);
    // Fractions pool counts: 100 · (9 + 1) / (10 + 10) = 50 %, where the mean of 90 % and 10 % is also 50 but weights differ.
    const frac = [
      { value: 90, unit: '%', dataId: { visit: 1 }, extras: { numerator: 9, denominator: 10 } },
      { value: 10, unit: '%', dataId: { visit: 2 }, extras: { numerator: 3, denominator: 30 } },
    ];
    expect(pooledValue(frac, '%')).toBeCloseTo(30, 10);
  });

  it('a failing band fails the spec although the mean and the pooled value pass, and is named', () => {
    const rows = (['g', 'r', 'i'] as const).map((band) => ({ value: BAD_G[band], unit: 'mmag', dataId: { band }, extras: {} }));
    const [verdict] = judgeSpecs([spec], rows, 'mmag');
    expect(verdict).toEqual({ spec: 'demo.PA1.design', pass: false, failingDataIds: 1, worstDataId: { band: 'g' }, worstValue: 12 });
    const [good] = judgeSpecs([spec], rows.map((r) => ({ ...r, value: 6 })), 'mmag');
    expect(good!.pass).toBe(true);
    // The threshold in another unit converts: 0.011 mag lets g (12 mmag) still fail, 0.013 does not.
    expect(judgeSpecs([threshold('x', 0.011, 'mag', '<=')], rows, 'mmag')[0]!.pass).toBe(false);
    expect(judgeSpecs([threshold('x', 0.013, 'mag', '<=')], rows, 'mmag')[0]!.pass).toBe(true);
  });

  it('comparisons, PR comments and the dashboard fail the spec by the failing band', async () => {
    await seed();
    const cmp = await compareRefs(t.db, { dataset: 'Cam/raw', head: shas[1]!, base: shas[0]! });
    const all = cmp.rows.find((r) => r.metric === 'demo.PA1' && r.dataId === null)!;
    expect(all.head).toBeCloseTo(Math.sqrt(48), 10);
    expect(all.specs).toEqual([{ spec: 'demo.PA1.design', base: true, head: false, failingDataIds: 1, worstDataId: { skymap: 'sky', tract: 0, band: 'g' }, worstValue: 12 }]);
    const g = cmp.rows.find((r) => r.dataId?.band === 'g')!;
    expect(g.specs[0]).toMatchObject({ base: true, head: false });
    expect(cmp.rows.find((r) => r.dataId?.band === 'r')!.specs[0]).toMatchObject({ base: true, head: true });
    expect(regressionsIn(cmp).map((r) => r.metric)).toEqual(['demo.PA1']);
    const md = comparisonMarkdown(cmp);
    expect(md).toContain('`demo.PA1` (worst: band=g tract=0)');
    expect(md).toContain('design: FAIL (worst band=g tract=0: 12)');

    const res = await v.gql<{ metricOverview: { metric: string; latest: number; status: string; specs: { pass: boolean; failingDataIds: number; worstDataId: unknown; worstValue: number }[] }[] }>(
      `{ metricOverview(branch: "master") { metric latest status specs { pass failingDataIds worstDataId worstValue } } }`,
    );
    expect(res.errors).toBeUndefined();
    const pa1 = res.data!.metricOverview.find((m) => m.metric === 'demo.PA1')!;
    expect(pa1.latest).toBeCloseTo(8, 10);
    expect(pa1.status).toBe('fail');
    expect(pa1.specs).toEqual([{ pass: false, failingDataIds: 1, worstDataId: { skymap: 'sky', tract: 0, band: 'g' }, worstValue: 12 }]);
  });
});
