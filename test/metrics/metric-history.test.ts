import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { systemActor, type Actor } from '../../server/auth/index.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { importMetricsPackage } from '../../server/metrics/catalog.ts';
import { detectRegressions } from '../../server/metrics/detect/index.ts';
import { compareRunWithBranch } from '../../server/metrics/developer.ts';
import { ingestJob } from '../../server/metrics/ingest-job.ts';
import { ingestRunMeasurements } from '../../server/metrics/ingest.ts';
import { listRegressions, scanSeries } from '../../server/metrics/regressions.ts';
import { loadSeries } from '../../server/metrics/series.ts';
import { importDetectionConfigs } from '../../server/metrics/specs-db.ts';
import { markRunAsBranchHistory, runStanding } from '../../server/metrics/standing.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricTaskSource, toyMetricsFiles } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * The three promises of trustworthy metric history (docs/metric-history.md), on real runs of a
 * real pipeline repository: developer runs stay out of a branch's history, changes below the
 * practical threshold never open a regression, and a metric's direction comes from the
 * definitions shipped with the pipeline whether or not anyone imported them.
 */

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
const log = createLogger({ logLevel: 'silent' });
const repos: { remove(): void }[] = [];
beforeAll(() => {
  executor = createLocalExecutor({ threads: 1 });
});
afterAll(async () => {
  await executor.close();
  for (const r of repos) r.remove();
});

/** A deterministic toy metric: its value is exactly `value` (no noise), as SimCam's output is run to run. */
function pipeline(value: number): string {
  return `description: deterministic toy metric
tasks:
  metric:
    class: ./tasks.ts#offsetMetric
    dimensions: [instrument]
    config: { scale: 0, offset: ${value}, noise: 0 }
    connections:
      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: StructuredData, multiple: true }
      measurement: { kind: output, datasetType: toyMetric, dimensions: [instrument], storageClass: Measurement }
`;
}

const HIGHER_IS_BETTER = 'toy.offset: { direction: higher_is_better }\n';

async function runAt(repoDir: string, name: string, value: number, actor: Actor, extra: { purpose?: 'ci' | 'developer'; configOverrides?: Record<string, Record<string, unknown>> } = {}) {
  await createRun(t.db, { pipelineFile: path.join(repoDir, 'pipeline.yaml'), pipelineYaml: pipeline(value), inputs: ['TestCam/raw'], output: name, executor: 'local', ...extra }, actor);
  expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, name)).toBe('succeeded');
  return ingestRunMeasurements(t.db, v.vera.datastore, name);
}

/** Master's history: a CI build at each commit, the commit's pipeline giving `values[i]`. */
async function masterHistory(name: string, values: number[], opts: { detection?: string; ship?: boolean } = {}) {
  const repo = await makePipelineRepo(name);
  repos.push(repo);
  const ci = await systemActor(t.db);
  const shas: string[] = [];
  for (const [i, value] of values.entries()) {
    const files = { 'README.md': `step ${i}\n`, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': pipeline(value), ...(opts.ship === false ? {} : toyMetricsFiles({ detection: opts.detection })) };
    shas.push(await repo.commit(files, `step ${i}: metric ${value}`));
    const summary = await runAt(repo.dir, `ci/master/${i}`, value, ci, { purpose: 'ci' });
    expect(summary.standing).toEqual({ countsAs: 'branch', reason: 'CI build of a clean commit' });
  }
  return { repo, shas };
}

describe('series standing: only branch history makes a branch series', () => {
  it('a developer run with overrides at a master commit leaves master series and regressions unchanged; a 0.02 % change opens none', async () => {
    const alice = await makeActor(t.db, 'alice', 'developer');
    const bob = await makeActor(t.db, 'bob', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 1, nDetectors: 1 });
    // Six commits at 100 mmag, then five at 100.02: a 0.02 % change, "certain" on a noise-free series.
    const values = [...Array(6).fill(100), ...Array(5).fill(100.02)];
    const { repo, shas } = await masterHistory('history-standing', values);
    const head = shas.at(-1)!;
    const q = { metric: 'toy.offset', dataset: 'TestCam/raw', branch: 'master' };

    const before = await scanSeries(t.db, q);
    expect(before.series.points.map((p) => p.mean)).toEqual(values);
    expect(before.findings).toEqual([]);
    expect(await listRegressions(t.db)).toEqual([]);
    // Without the practical threshold the same points would alarm: significance alone is not enough.
    const bare = detectRegressions(before.series.points, { direction: 'lower_is_better' }, { unit: 'mmag' });
    expect(bare.filter((f) => f.direction === 'regression').length).toBeGreaterThan(0);

    // Alice tries a config override at master's head: a developer point, not master's.
    const dev = await runAt(repo.dir, 'u/alice/try', 140, alice, { configOverrides: { metric: { offset: 140 } } });
    expect(dev.standing).toEqual({ countsAs: 'developer', reason: 'config overrides (metric): not what the commit produces' });
    const after = await scanSeries(t.db, q);
    expect(after.series.points).toEqual(before.series.points);
    expect(after.findings).toEqual([]);
    expect(await listRegressions(t.db)).toEqual([]);

    // Her runs form their own series, and compare with master on request.
    const mine = await loadSeries(t.db, { ...q, standing: 'developer' });
    expect(mine.points.map((p) => p.mean)).toEqual([140]);
    const cmp = await compareRunWithBranch(t.db, 'u/alice/try');
    expect(cmp.base.commit).toBe(head);
    expect(cmp.base.runs).toEqual([`ci/master/${values.length - 1}`]);
    expect(cmp.rows.find((r) => r.dataId === null)).toMatchObject({ base: 100.02, head: 140 });

    // The same over GraphQL, with the reason each point counts.
    const res = await v.gql<{ master: { points: { standingReasons: string[] }[] }; mine: { standing: string; points: { mean: number }[] }; cmp: { base: { label: string }; standing: { countsAs: string } } }>(
      `{ master: series(metric: "toy.offset", dataset: "TestCam/raw", branch: "master") { points { standingReasons } }
         mine: series(metric: "toy.offset", dataset: "TestCam/raw", branch: "master", standing: developer) { standing points { mean } }
         cmp: compareRunWithBranch(run: "u/alice/try") { base { label } standing { countsAs } } }`,
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.master.points.every((p) => p.standingReasons.join() === 'CI build of a clean commit')).toBe(true);
    expect(res.data!.mine).toEqual({ standing: 'developer', points: [{ mean: 140 }] });
    expect(res.data!.cmp).toEqual({ base: { label: `master at ${head.slice(0, 12)}` }, standing: { countsAs: 'developer' } });

    // An overridden run can never be branch history, whoever asks.
    const op = await makeActor(t.db, 'olga', 'operator');
    await expect(markRunAsBranchHistory(t.db, 'u/alice/try', true, op)).rejects.toMatchObject({ code: 'NOT_BRANCH_HISTORY' });
    // A clean run of the commit may be marked, by its owner or an operator only.
    await runAt(repo.dir, 'u/alice/clean', 100.02, alice);
    await expect(markRunAsBranchHistory(t.db, 'u/alice/clean', true, bob)).rejects.toMatchObject({ code: 'NOT_OWNER' });
    const { token: bobToken } = await v.user('bob2', 'developer');
    const refused = await v.gql(`mutation { markRunAsBranchHistory(run: "u/alice/clean") { countsAs } }`, {}, bobToken);
    expect(refused.errors![0]!.extensions.code).toBe('NOT_OWNER');
    expect(await markRunAsBranchHistory(t.db, 'u/alice/clean', true, alice)).toEqual({ countsAs: 'branch', reason: 'clean commit, marked as branch history by alice' });
    const marked = await loadSeries(t.db, q);
    expect(marked.points.at(-1)!.n).toBe(2);
    expect(marked.points.slice(0, -1)).toEqual(before.series.points.slice(0, -1));
  });

  it('a dirty tree or overrides disqualify before anything qualifies', () => {
    const software = { repo: '/r', commit: 'a'.repeat(40), branch: 'master', tag: null, dirty: false, diffHash: null };
    expect(runStanding({ purpose: 'ci', software: { ...software, dirty: true }, configOverrides: {}, markedBy: null }).countsAs).toBe('developer');
    expect(runStanding({ purpose: 'developer', software, configOverrides: {}, markedBy: 'olga' })).toEqual({ countsAs: 'branch', reason: 'clean commit, marked as branch history by olga' });
    expect(runStanding({ purpose: 'operator', software, configOverrides: {}, markedBy: null })).toEqual({ countsAs: 'developer', reason: 'not a CI build (a operator run)' });
    expect(runStanding({ purpose: 'ci', software: null, configOverrides: {}, markedBy: null }).countsAs).toBe('developer');
  });
});

describe('definitions ship with the pipeline', () => {
  // 100 → 85: a 15 % drop of a higher-is-better metric, whose direction only its definitions tell.
  const values = [...Array(5).fill(100), ...Array(5).fill(85)];

  it.each([
    { label: 'imported by hand first', byHand: true },
    { label: 'never imported by hand', byHand: false },
  ])('the same 15-percent drop is a regression when the definitions were $label', async ({ byHand }) => {
    const alice = await makeActor(t.db, 'alice', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 1, nDetectors: 1 });
    if (byHand) {
      // What a user did before: import the package and the detection file with the CLI's functions.
      const dir = fs.mkdtempSync(path.join(v.vera.config.home, 'defs-'));
      for (const [rel, text] of Object.entries(toyMetricsFiles({ detection: HIGHER_IS_BETTER }))) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      await importMetricsPackage(t.db, path.join(dir, 'metrics'), alice);
      await importDetectionConfigs(t.db, HIGHER_IS_BETTER, 'detection.yaml');
    }
    const { shas } = await masterHistory(`history-defs-${byHand}`, values, { detection: HIGHER_IS_BETTER });
    const { findings, regressions } = await scanSeries(t.db, { metric: 'toy.offset', dataset: 'TestCam/raw', branch: 'master' });
    expect(findings.filter((f) => f.direction === 'improvement')).toEqual([]);
    expect(regressions.length).toBeGreaterThan(0);
    expect(new Set(regressions.map((r) => r.firstBadCommit))).toEqual(new Set([shas[5]]));
  });

  it('a measurement of a metric nobody defined is stored and flagged, never judged', async () => {
    const alice = await makeActor(t.db, 'alice', 'developer');
    const job = (value: number) => JSON.stringify({ measurements: [{ metric: 'toy.mystery', identifier: `m${value}`, value, unit: 'mmag', blob_refs: [] }], blobs: [], metrics: [], specs: [] });
    for (const [i, value] of values.entries()) {
      await ingestJob(t.db, job(value + i * 1e-9), { dataset: 'Posted/raw', commit: `c${i}`, branch: 'master', measuredAt: new Date(Date.UTC(2026, 0, 1, i)) }, alice);
    }
    const flags = await queryRows<{ flag: string | null; counts_as: string }>(t.db, sql`SELECT flag, counts_as FROM measurements`);
    expect(flags).toHaveLength(values.length);
    expect(flags.every((f) => f.flag?.startsWith('unknown metric') && f.counts_as === 'branch')).toBe(true);
    const scan = await scanSeries(t.db, { metric: 'toy.mystery', dataset: 'Posted/raw', branch: 'master' });
    expect(scan.series.defined).toBe(false);
    expect(scan.series.points).toHaveLength(values.length);
    expect(scan.findings).toEqual([]);
    expect(await listRegressions(t.db)).toEqual([]);
  });
});

describe('the default branch follows the repository', () => {
  it('compareRefs without a base compares with main when the repository has main, not master', async () => {
    const repo = await makePipelineRepo('history-main');
    repos.push(repo);
    const shas: string[] = [];
    for (let i = 0; i < 3; i++) shas.push(await repo.commit({ 'README.md': `main ${i}\n` }, `main ${i}`));
    await repo.git.raw(['branch', '-m', 'master', 'main']);
    await repo.git.checkout(['-b', 'feature', shas[1]!]);
    const feature = await repo.commit({ 'README.md': 'feature\n' }, 'feature work');
    const point = (commit: string, branch: string, value: number) => ({ metricName: 'toy.offset', value, unit: 'mmag', dataset: 'Main/raw', dataId: {}, repo: repo.dir, commit, branch, countsAs: 'branch' as const });
    const { measurements } = await import('../../server/db/schema/index.ts');
    await t.db.insert(measurements).values([...shas.map((c, i) => point(c, 'main', 1 + i)), point(feature, 'feature', 5)]);
    const res = await v.gql<{ compareRefs: { base: { label: string; commit: string } } }>(`{ compareRefs(dataset: "Main/raw", head: "feature") { base { label commit } } }`);
    expect(res.errors).toBeUndefined();
    expect(res.data!.compareRefs.base).toEqual({ label: 'merge base with main', commit: shas[1] });
  });
});
