import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { measurements } from '../../server/db/schema/index.ts';
import { importMetricsPackage } from '../../server/metrics/catalog.ts';
import { listReleases } from '../../server/metrics/releases.ts';
import { createRun } from '../../server/runs/create.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo } from '../support/git-repo.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
let shas: string[];
let feature: string;
let metricsDir: string;

beforeAll(async () => {
  repo = await makePipelineRepo('overview');
  shas = [];
  for (let i = 0; i < 5; i++) {
    shas.push(await repo.commit({ 'README.md': `commit ${i}\n` }, `step ${i}`));
    if (i === 1) await repo.git.addAnnotatedTag('v1.0', 'first release');
    if (i === 3) await repo.git.addTag('v1.1');
  }
  await repo.git.checkout(['-b', 'feature', shas[2]!]);
  feature = await repo.commit({ 'README.md': 'feature\n' }, 'feature work');
  await repo.git.addTag('feature-tag');
  await repo.git.checkout(['master']);
  metricsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-overview-metrics-'));
  fs.mkdirSync(path.join(metricsDir, 'metrics'));
  fs.mkdirSync(path.join(metricsDir, 'specs', 'demo'), { recursive: true });
  fs.writeFileSync(
    path.join(metricsDir, 'metrics', 'demo.yaml'),
    'offset:\n  description: photometric offset\n  unit: mmag\n  reference: {}\n  tags: []\nfwhm:\n  description: seeing\n  unit: arcsec\n  reference: {}\n  tags: []\n',
  );
  // The threshold is in mag; the overview reports it in the metric's unit (mmag).
  fs.writeFileSync(path.join(metricsDir, 'specs', 'demo', 'offset.yaml'), "name: design\nmetric: offset\nthreshold:\n  operator: '<='\n  value: 0.002\n  unit: mag\n");
});
afterAll(() => {
  repo.remove();
  fs.rmSync(metricsDir, { recursive: true, force: true });
});

async function seedMeasurements() {
  const dev = await makeActor(t.db, 'dev', 'developer');
  await importMetricsPackage(t.db, metricsDir, dev);
  const rows = [];
  // offset: 1 mmag on the first three commits, 3 mmag on the last two (two data IDs each).
  for (const [i, sha] of shas.entries()) {
    for (const visit of [1, 2]) rows.push({ metricName: 'demo.offset', value: (i < 3 ? 1 : 3) + visit * 0.1, unit: 'mmag', dataset: 'Cam/raw', dataId: { visit, band: 'g' }, repo: repo.dir, commit: sha, branch: 'master', countsAs: 'branch' as const });
    rows.push({ metricName: 'demo.fwhm', value: 0.7, unit: 'arcsec', dataset: 'Cam/raw', dataId: {}, repo: repo.dir, commit: sha, branch: 'master', countsAs: 'branch' as const });
  }
  rows.push({ metricName: 'demo.offset', value: 1.5, unit: 'mmag', dataset: 'Cam/raw', dataId: { visit: 1, band: 'g' }, repo: repo.dir, commit: feature, branch: 'feature', countsAs: 'branch' as const });
  await t.db.insert(measurements).values(rows);
}

describe('what has been measured', () => {
  it('lists measured series, their data IDs and the measurements of some commits', async () => {
    await seedMeasurements();
    const res = await v.gql<{
      measuredSeries: { metric: string; dataset: string; branch: string; repo: string; measurements: number; commits: number }[];
      measuredDataIds: Record<string, unknown>[];
      measurements: { value: number; dataId: Record<string, unknown>; commit: string }[];
    }>(
      `query($c: [String!]) {
        measuredSeries { metric dataset branch repo measurements commits }
        measuredDataIds(metric: "demo.offset", dataset: "Cam/raw")
        measurements(metric: "demo.offset", commits: $c) { value dataId commit }
      }`,
      { c: [shas[4]] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.measuredSeries).toEqual([
      { metric: 'demo.fwhm', dataset: 'Cam/raw', branch: 'master', repo: repo.dir, measurements: 5, commits: 5 },
      { metric: 'demo.offset', dataset: 'Cam/raw', branch: 'feature', repo: repo.dir, measurements: 1, commits: 1 },
      { metric: 'demo.offset', dataset: 'Cam/raw', branch: 'master', repo: repo.dir, measurements: 10, commits: 5 },
    ]);
    expect(res.data!.measuredDataIds).toEqual([
      { band: 'g', visit: 1 },
      { band: 'g', visit: 2 },
    ]);
    expect(res.data!.measurements.map((m) => m.value).sort()).toEqual([3.1, 3.2]);
  });

  it("gives each metric's latest value on a branch against its specs (converted to the metric's unit), with a sparkline", async () => {
    await seedMeasurements();
    type Row = { metric: string; latest: number; commit: string; n: number; sparkline: number[]; specs: { name: string; operator: string; value: number; unit: string; pass: boolean }[]; status: string };
    const res = await v.gql<{ metricOverview: Row[]; specifications: { name: string; metricUnitValue: number }[] }>(
      `{ metricOverview(branch: "master", points: 3) { metric latest commit n sparkline specs { name operator value unit pass } status }
         specifications(metric: "demo.offset") { name metricUnitValue } }`,
    );
    expect(res.errors).toBeUndefined();
    const [fwhm, offset] = res.data!.metricOverview;
    expect(fwhm).toMatchObject({ metric: 'demo.fwhm', latest: 0.7, specs: [], status: 'none' });
    expect(offset!.metric).toBe('demo.offset');
    expect(offset!.latest).toBeCloseTo(3.15, 10);
    expect(offset!.commit).toBe(shas[4]);
    expect(offset!.n).toBe(2);
    expect(offset!.sparkline.map((x) => Number(x.toFixed(2)))).toEqual([1.15, 3.15, 3.15]);
    expect(offset!.specs).toHaveLength(1);
    expect(offset!.specs[0]).toMatchObject({ name: 'demo.offset.design', operator: '<=', unit: 'mmag', pass: false });
    expect(offset!.specs[0]!.value).toBeCloseTo(2, 10);
    expect(offset!.status).toBe('fail');
    expect(res.data!.specifications[0]!.metricUnitValue).toBeCloseTo(2, 10);

    // The feature branch shares master's first three commits and adds its own point.
    const onFeature = await v.gql<{ metricOverview: Row[] }>(`{ metricOverview(branch: "feature") { metric latest status } }`);
    expect(onFeature.data!.metricOverview.find((r) => r.metric === 'demo.offset')).toEqual({ metric: 'demo.offset', latest: 1.5, status: 'pass' });
    // A branch the repository does not have: nothing to summarize, no error.
    expect((await v.gql<{ metricOverview: Row[] }>(`{ metricOverview(branch: "nope") { metric } }`)).data!.metricOverview).toEqual([]);
  });
});

describe('releases', () => {
  it("lists the repository's tags with the commits they point at, placed on a branch's history", async () => {
    await seedMeasurements();
    const tags = await listReleases(repo.dir, { branch: 'master' });
    expect(tags.map((r) => [r.tag, r.commit, r.position])).toEqual(
      expect.arrayContaining([
        ['v1.0', shas[1], 1],
        ['v1.1', shas[3], 3],
        ['feature-tag', feature, null],
      ]),
    );
    expect(tags.find((r) => r.tag === 'v1.0')!.subject).toBe('first release');
    // Over GraphQL: of the repository the dataset's measurements record.
    const res = await v.gql<{ releases: { tag: string; position: number | null }[] }>(`{ releases(dataset: "Cam/raw", branch: "feature") { tag position } }`);
    expect(res.data!.releases.find((r) => r.tag === 'feature-tag')!.position).toBe(3);
    // repo names a tracked repository, never a path on the server, even one measurements record.
    for (const other of ['/nonexistent/repo', process.cwd(), repo.dir]) {
      const refused = await v.gql(`query($r: String!) { releases(repo: $r) { tag } }`, { r: other });
      expect(refused.errors![0]!.extensions.code).toBe('NOT_FOUND');
    }
  });
});

describe('runs', () => {
  it('lists the newest runs first, filtered by status', async () => {
    const dev = await makeActor(t.db, 'dev', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, dev, { nVisits: 1, nDetectors: 1 });
    for (const name of ['u/dev/a', 'u/dev/b', 'u/dev/c']) {
      await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: name, executor: 'local' }, dev);
    }
    const res = await v.gql<{ runs: { name: string }[]; none: { name: string }[] }>(`{ runs(limit: 2) { name } none: runs(status: failed) { name } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.runs.map((r) => r.name)).toEqual(['u/dev/c', 'u/dev/b']);
    expect(res.data!.none).toEqual([]);
  });
});
