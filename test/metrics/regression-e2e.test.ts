import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { compareRefs } from '../../server/metrics/compare.ts';
import { ingestRunMeasurements } from '../../server/metrics/ingest.ts';
import { getRegression, scanSeries } from '../../server/metrics/regressions.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource, toyMetricsFiles } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';
import { systemActor } from '../../server/auth/index.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
beforeAll(async () => {
  executor = createLocalExecutor({ threads: 1 });
  repo = await makePipelineRepo('regression-e2e');
});
afterAll(async () => {
  await executor.close();
  repo.remove();
});

describe('regression detection end to end', () => {
  it('runs at every commit of a pipeline repo; the commit that changes the config is found, and the explanation names it', async () => {
    const alice = await makeActor(t.db, 'alice', 'developer');
    // Runs under ci/ are Vera CI's: the test plays the CI that made them.
    const ci = await systemActor(t.db);
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 2, nDetectors: 1 });
    const log = createLogger({ logLevel: 'silent' });
    const shas: string[] = [];
    const BAD = 12;
    for (let i = 0; i < 18; i++) {
      // The repository ships the metric's definition: ingestion loads it, nobody imports it by hand.
      const files: Record<string, string> = { 'README.md': `commit ${i}\n`, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(i >= BAD ? 1 : 0), ...toyMetricsFiles() };
      shas.push(await repo.commit(files, i === BAD ? 'Raise the offset of the toy metric' : `Tidy up, step ${i}`));
      const run = `ci/master/${i}`;
      await createRun(
        t.db,
        { pipelineFile: path.join(repo.dir, 'pipeline.yaml'), pipelineYaml: metricPipeline(i >= BAD ? 1 : 0), inputs: ['TestCam/raw'], output: run, executor: 'local', seed: i + 1, purpose: 'ci' },
        ci,
      );
      expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, run)).toBe('succeeded');
      expect((await ingestRunMeasurements(t.db, v.vera.datastore, run)).ingested).toBe(1);
    }

    const { series, findings, regressions } = await scanSeries(t.db, { metric: 'toy.offset', dataset: 'TestCam/raw', branch: 'master' });
    expect(series.order).toBe('git');
    expect(series.points.map((p) => p.commit)).toEqual(shas);
    const bad = findings.filter((f) => f.direction === 'regression');
    expect(bad.length).toBeGreaterThan(0);
    expect(new Set(bad.map((f) => f.commit))).toEqual(new Set([shas[BAD]]));
    expect(regressions.every((r) => r.firstBadCommit === shas[BAD] && r.lastGoodCommit === shas[BAD - 1])).toBe(true);

    const r = await getRegression(t.db, regressions[0]!.id);
    expect(r.status).toBe('open');
    expect(r.explanation!.commits.map((c) => c.sha)).toEqual([shas[BAD]]);
    expect(r.explanation!.commits[0]!.subject).toBe('Raise the offset of the toy metric');
    expect(r.explanation!.configChanges).toEqual([{ task: 'metric', field: 'offset', before: 0, after: 1 }]);
    // Identical input collections are recorded as such, not left out as if unknown.
    expect(r.explanation!.inputCollections).toEqual({ before: ['TestCam/raw'], after: ['TestCam/raw'] });
    expect(r.explanation!.goodRun).toBe(`ci/master/${BAD - 1}`);
    expect(r.explanation!.badRun).toBe(`ci/master/${BAD}`);

    // A rescan finds the same regression and does not duplicate it.
    const again = await scanSeries(t.db, { metric: 'toy.offset', dataset: 'TestCam/raw', branch: 'master' });
    expect(again.regressions.map((x) => x.id).sort()).toEqual(regressions.map((x) => x.id).sort());

    // A branch from before the change compared with master's head... and master's head against the branch point.
    await repo.git.checkout(['-b', 'feature', shas[BAD - 2]!]);
    // No repo named: the one the runs' software version recorded (this checkout).
    const cmp = await compareRefs(t.db, { dataset: 'TestCam/raw', head: 'master', base: 'feature' });
    const row = cmp.rows.find((x) => x.metric === 'toy.offset' && x.dataId === null)!;
    expect(cmp.base.commit).toBe(shas[BAD - 2]);
    expect(cmp.head.commit).toBe(shas[17]);
    expect(row.delta).toBeGreaterThan(0.5);

    // The same through GraphQL: the series, its change points, the regression, a run comparison.
    const res = await v.gql<{
      series: { unit: string; points: { commit: string; runs: string[] }[] };
      changePoints: { commit: string }[];
      regressions: { id: number; status: string; finding: { kind: string; direction: string; commit: string; alsoFoundBy: { kind: string }[] }; explanation: { configChanges: unknown[]; commits: { sha: string }[] } }[];
      compare: { rows: { metric: string; dataId: unknown; status: string; delta: number }[] };
    }>(
      `query($b: String!, $h: String!) {
        series(metric: "toy.offset", dataset: "TestCam/raw", branch: "master") { unit points { commit runs } }
        changePoints(metric: "toy.offset", dataset: "TestCam/raw", branch: "master") { commit }
        regressions(status: open) { id status finding { kind direction commit alsoFoundBy { kind } } explanation { configChanges { task field before after } commits { sha } } }
        compare: compareRuns(base: $b, head: $h) { rows { metric dataId status delta } }
      }`,
      { b: `ci/master/${BAD - 1}`, h: `ci/master/${BAD}` },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.series.unit).toBe('mmag');
    expect(res.data!.series.points[BAD]!.runs).toEqual([`ci/master/${BAD}`]);
    expect(res.data!.changePoints.map((c) => c.commit)).toEqual([shas[BAD]]);
    // Typed objects, not JSON: the finding and explanation as the schema declares them.
    const reg = res.data!.regressions[0]!;
    expect(reg.explanation.configChanges).toEqual([{ task: 'metric', field: 'offset', before: 0, after: 1 }]);
    expect(reg.explanation.commits.map((c) => c.sha)).toEqual([shas[BAD]]);
    expect(reg.finding).toMatchObject({ direction: 'regression', commit: shas[BAD] });
    expect(reg.finding.alsoFoundBy.map((e) => e.kind)).not.toContain(reg.finding.kind);
    const cmpRow = res.data!.compare.rows.find((x) => x.dataId === null)!;
    expect(cmpRow.delta).toBeGreaterThan(0.5);

    const { token } = await v.user('triager', 'developer');
    const ack = await v.gql<{ setRegressionStatus: { status: string } }>(
      `mutation($id: Int!) { setRegressionStatus(id: $id, status: acknowledged, note: "expected: offset raised on purpose") { status } }`,
      { id: res.data!.regressions[0]!.id },
      token,
    );
    expect(ack.data!.setRegressionStatus.status).toBe('acknowledged');
    const rescanned = await scanSeries(t.db, { metric: 'toy.offset', dataset: 'TestCam/raw', branch: 'master' });
    expect(rescanned.regressions.find((x) => x.id === res.data!.regressions[0]!.id)!.status).toBe('acknowledged');
  });
});
