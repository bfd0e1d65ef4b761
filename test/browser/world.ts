import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Executor } from '../../runner/executors/local.ts';
import { systemActor, type Actor } from '../../server/auth/index.ts';
import type { Db } from '../../server/db/client.ts';
import { importMetricsPackage } from '../../server/metrics/catalog.ts';
import { ingestRunMeasurements } from '../../server/metrics/ingest.ts';
import { scanSeries, type RegressionRow } from '../../server/metrics/regressions.ts';
import { setDetectionConfig } from '../../server/metrics/specs-db.ts';
import { createLogger } from '../../server/log.ts';
import type { Datastore } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, PROJECT_ROOT } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';

/**
 * Real data for the dashboard's browser tests: a git repository of pipeline code with a
 * three-task toy pipeline (calibrate per visit and detector, per-visit metrics, a summary), CI
 * runs at every master commit (the commit BAD raises an offset and loses completeness), two
 * release tags, a feature branch, measurements ingested from the runs, and the regressions a
 * scan finds.
 */
export const DATASET = 'TestCam/raw';
export const MASTER_COMMITS = 14;
export const BAD = 9;

export function tasksSource(): string {
  const framework = path.join(PROJECT_ROOT, 'pipelines/framework/task.ts');
  return `import { z } from 'zod';
import { defineTask, many, single } from '${framework}';

function noise(seed: number): number {
  let x = seed || 1;
  const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) + 0.5) / 4294967296; };
  return Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
}

export const calibrate = defineTask({
  description: 'applies a gain to a raw value',
  config: z.object({ gain: z.number().default(1), sleepMs: z.number().default(0) }).strict(),
  run(inputs, config, ctx) {
    const raw = single<{ value: number }>(inputs, 'raw');
    const end = Date.now() + config.sleepMs;
    while (Date.now() < end) { /* CPU work, as pixel loops are */ }
    ctx.log('calibrated visit ' + ctx.dataId.visit + ' detector ' + ctx.dataId.detector + ' with gain ' + config.gain);
    return { calexp: { value: raw.value.value * config.gain } };
  },
});

export const visitMetrics = defineTask({
  description: 'photometric offset of a visit',
  config: z.object({ offset: z.number().default(0), noise: z.number().default(0.05) }).strict(),
  run(inputs, config, ctx) {
    const parts = many<{ value: number }>(inputs, 'calexps');
    const mean = parts.reduce((s, p) => s + p.value.value, 0) / parts.length;
    ctx.log('visit ' + ctx.dataId.visit + ': ' + parts.length + ' detectors, mean ' + mean);
    return { offset: { metric: 'toy.offset', value: mean * 0.01 + config.offset + config.noise * noise(ctx.seed), unit: 'mmag' } };
  },
});

export const summary = defineTask({
  description: 'completeness over the whole instrument',
  config: z.object({ loss: z.number().default(0) }).strict(),
  run(inputs, config, ctx) {
    const parts = many<{ value: number }>(inputs, 'calexps');
    return { completeness: { metric: 'toy.completeness', value: 97.5 - config.loss + 0.3 * noise(ctx.seed + parts.length), unit: '%' } };
  },
});
`;
}

export function pipelineYaml(bad: boolean): string {
  return `description: toy DRP for the dashboard tests
tasks:
  calibrate:
    class: ./tasks.ts#calibrate
    dimensions: [instrument, visit, detector]
    connections:
      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: StructuredData }
      calexp: { kind: output, datasetType: toyCalexp, dimensions: [instrument, visit, detector], storageClass: StructuredData }
  visitMetrics:
    class: ./tasks.ts#visitMetrics
    dimensions: [instrument, visit]
    config: { offset: ${bad ? 1 : 0} }
    connections:
      calexps: { kind: input, datasetType: toyCalexp, dimensions: [instrument, visit, detector], storageClass: StructuredData, multiple: true }
      offset: { kind: output, datasetType: metricvalue_toy_offset, dimensions: [instrument, visit], storageClass: Measurement }
  summary:
    class: ./tasks.ts#summary
    dimensions: [instrument]
    config: { loss: ${bad ? 4 : 0} }
    connections:
      calexps: { kind: input, datasetType: toyCalexp, dimensions: [instrument, visit, detector], storageClass: StructuredData, multiple: true }
      completeness: { kind: output, datasetType: metricvalue_toy_completeness, dimensions: [instrument], storageClass: Measurement }
`;
}

function writeMetricsPackage(): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-toy-metrics-'));
  fs.mkdirSync(path.join(root, 'metrics'));
  fs.mkdirSync(path.join(root, 'specs', 'toy'), { recursive: true });
  fs.writeFileSync(
    path.join(root, 'metrics', 'toy.yaml'),
    `offset:\n  description: Mean photometric offset of a visit's detectors.\n  unit: mmag\n  reference: {}\n  tags: [photometry]\n` +
      `completeness:\n  description: Percentage of truth stars detected.\n  unit: '%'\n  reference: {}\n  tags: [detection]\n`,
  );
  fs.writeFileSync(path.join(root, 'specs', 'toy', 'offset.yaml'), "name: design\nmetric: offset\nthreshold:\n  operator: '<='\n  value: 1.0\n  unit: mmag\n");
  fs.writeFileSync(path.join(root, 'specs', 'toy', 'completeness.yaml'), "name: design\nmetric: completeness\nthreshold:\n  operator: '>='\n  value: 95\n  unit: '%'\n");
  return root;
}

export interface World {
  alice: Actor;
  repoDir: string;
  pipelineFile: string;
  masterShas: string[];
  featureShas: string[];
  regressions: RegressionRow[];
  remove(): void;
}

export async function buildWorld(db: Db, datastore: Datastore, executor: Executor): Promise<World> {
  const alice = await makeActor(db, 'alice', 'developer');
  // Runs under ci/ are Vera CI's: the world plays the CI that made them.
  const ci = await systemActor(db);
  await seedToyRaw(db, datastore, alice, { nVisits: 4, nDetectors: 2 });
  const metricsDir = writeMetricsPackage();
  await importMetricsPackage(db, metricsDir, alice);
  fs.rmSync(metricsDir, { recursive: true, force: true });
  await setDetectionConfig(db, 'toy.offset', { direction: 'lower_is_better' });
  await setDetectionConfig(db, 'toy.completeness', { direction: 'higher_is_better' });

  const repo = await makePipelineRepo('dashboard-browser');
  const pipelineFile = path.join(repo.dir, 'pipeline.yaml');
  const log = createLogger({ logLevel: 'silent' });
  const run = async (name: string, bad: boolean, seed: number) => {
    await createRun(db, { pipelineFile, pipelineYaml: pipelineYaml(bad), inputs: [DATASET], output: name, executor: 'local', seed, purpose: 'ci' }, ci);
    const status = await executeRun({ db, datastore, executor, log }, name);
    if (status !== 'succeeded') throw new Error(`run ${name} ended ${status}`);
    await ingestRunMeasurements(db, datastore, name);
  };
  const masterShas: string[] = [];
  for (let i = 0; i < MASTER_COMMITS; i++) {
    const files = { 'README.md': `toy pipeline, commit ${i}\n`, 'tasks.ts': tasksSource(), 'pipeline.yaml': pipelineYaml(i >= BAD) };
    masterShas.push(await repo.commit(files, i === BAD ? 'Raise the photometric offset and the detection loss' : `Refactor step ${i}`));
    if (i === 4) await repo.git.addAnnotatedTag('v1.0', 'release 1.0');
    if (i === 11) await repo.git.addAnnotatedTag('v1.1', 'release 1.1');
    await run(`ci/master/${i}`, i >= BAD, i + 1);
  }
  await repo.git.checkout(['-b', 'feature', masterShas[6]!]);
  const featureShas: string[] = [];
  for (let i = 0; i < 3; i++) {
    featureShas.push(await repo.commit({ 'README.md': `feature work ${i}\n` }, `Feature work ${i}`));
    await run(`ci/feature/${i}`, false, 100 + i);
  }
  await repo.git.checkout(['master']);
  const regressions: RegressionRow[] = [];
  for (const metric of ['toy.offset', 'toy.completeness']) regressions.push(...(await scanSeries(db, { metric, dataset: DATASET, branch: 'master' })).regressions);
  return { alice, repoDir: repo.dir, pipelineFile, masterShas, featureShas, regressions, remove: repo.remove };
}
