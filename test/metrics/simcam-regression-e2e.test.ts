import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { readFileSync } from 'node:fs';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { importMetricsPackage } from '../../server/metrics/catalog.ts';
import { ingestRunMeasurements } from '../../server/metrics/ingest.ts';
import { getRegression, scanSeries } from '../../server/metrics/regressions.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, PROJECT_ROOT } from '../support/git-repo.ts';
import { useTestVera } from '../support/vera.ts';
import { systemActor } from '../../server/auth/index.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
beforeAll(async () => {
  executor = createLocalExecutor({ threads: 2 });
  repo = await makePipelineRepo('simcam-regression');
});
afterAll(async () => {
  await executor.close();
  repo.remove();
});

/** The single-frame part of pipelines/drp.yaml with its completeness metric, classes relative to the repository in .test-tmp/. */
function singleFramePipeline(thresholdSigma: number): string {
  const drp = parse(readFileSync(path.join(PROJECT_ROOT, 'pipelines/drp.yaml'), 'utf8')) as { tasks: Record<string, { class: string; config?: Record<string, unknown> }> };
  const tasks = Object.fromEntries(
    ['isr', 'characterizeImage', 'calibrate', 'detectionCompleteness'].map((label) => {
      const task = drp.tasks[label]!;
      return [label, { ...task, class: path.relative(repo.dir, path.join(PROJECT_ROOT, 'pipelines', task.class)) }];
    }),
  );
  tasks.characterizeImage!.config = { ...(tasks.characterizeImage!.config ?? {}), thresholdSigma };
  return stringify({ description: 'SimCam single-frame processing with its completeness metric', tasks });
}

describe('regression detection on SimCam processing', () => {
  it('a commit that raises the detection threshold is found at that commit, and its explanation names the config change', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    // Runs under ci/ are Vera CI's: the test plays the CI that made them.
    const ci = await systemActor(t.db);
    await generateSimCam(t.db, v.vera.datastore, { nVisits: 1, bands: ['r'], detectorGrid: [1, 1] }, op);
    await importMetricsPackage(t.db, path.join(PROJECT_ROOT, 'pipelines/metrics'), op);
    const log = createLogger({ logLevel: 'silent' });
    const BAD = 8;
    const shas: string[] = [];
    for (let i = 0; i < 12; i++) {
      const yaml = singleFramePipeline(i >= BAD ? 25 : 5);
      shas.push(await repo.commit({ 'pipeline.yaml': yaml, 'README.md': `${i}\n` }, i === BAD ? 'Detect only very significant sources' : `Refactor, step ${i}`));
      const run = `ci/master/${i}`;
      await createRun(t.db, { pipelineFile: path.join(repo.dir, 'pipeline.yaml'), pipelineYaml: yaml, inputs: [SIMCAM.defaults], output: run, executor: 'local', purpose: 'ci' }, ci);
      expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, run)).toBe('succeeded');
      await ingestRunMeasurements(t.db, v.vera.datastore, run);
    }
    const { series, findings, regressions } = await scanSeries(t.db, { metric: 'simcam_drp.Completeness', dataset: SIMCAM.defaults, branch: 'master' });
    expect(series.points).toHaveLength(12);
    expect(series.points[BAD]!.mean).toBeLessThan(series.points[BAD - 1]!.mean - 10); // percent
    const bad = findings.filter((f) => f.direction === 'regression');
    expect(new Set(bad.map((f) => f.commit))).toEqual(new Set([shas[BAD]]));
    expect(regressions.length).toBeGreaterThan(0);
    const r = await getRegression(t.db, regressions[0]!.id);
    expect(r.lastGoodCommit).toBe(shas[BAD - 1]);
    expect(r.explanation!.commits.map((c) => c.subject)).toEqual(['Detect only very significant sources']);
    expect(r.explanation!.configChanges).toEqual([{ task: 'characterizeImage', field: 'thresholdSigma', before: 5, after: 25 }]);
    expect(r.explanation!.quanta.find((q) => q.task === 'characterizeImage')).toMatchObject({ total: 1, changed: 1 });
    // ISR is upstream of the change: its outputs (checksums kept even for intermediates) did not move.
    expect(r.explanation!.quanta.find((q) => q.task === 'isr')).toMatchObject({ total: 1, changed: 0 });
    expect(r.explanation!.dataIds[0]!.delta).toBeLessThan(-10);
  });
});
