import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets, putDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { getRun } from '../../server/runs/queries.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});
afterAll(async () => {
  await executor.close();
});

const log = createLogger({ logLevel: 'silent' });

async function makeRun(output: string, extra: Partial<Parameters<typeof createRun>[1]> = {}) {
  const alice = await makeActor(t.db);
  await seedToyRaw(t.db, v.vera.datastore, alice);
  return createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output, executor: 'local', ...extra }, alice);
}

async function totals(run: string) {
  const refs = await findDatasets(t.db, { datasetType: 'visitTotal', collections: [run] });
  const out: Record<number, unknown> = {};
  for (const r of refs) out[r.dataId.visit as number] = JSON.parse((await v.vera.datastore.read(r.path, r.checksum)).toString());
  return out;
}

/** The run's `scaled` intermediates (registered, whether or not still stored), by visit. */
async function scaledRows() {
  return queryRows<{ visit: number; path: string; stored: boolean }>(
    t.db,
    sql`SELECT (d.data_id->>'visit')::int AS visit, d.path, d.stored FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id WHERE t.name = 'scaled' ORDER BY 1`,
  );
}

describe('runs on the local executor', () => {
  it('builds the quantum graph, runs it in worker threads, and registers outputs with provenance', async () => {
    const { run } = await makeRun('u/alice/toy', { where: 'visit IN (1, 2)' });
    expect(run.progress).toMatchObject({ total: 6, pending: 6 }); // 2 visits x 2 detectors scale + 2 sums
    const status = await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy');
    expect(status).toBe('succeeded');
    expect(await totals('u/alice/toy')).toEqual({ 1: { value: 2 * (10 + 11), detectors: [0, 1] }, 2: { value: 2 * (20 + 21), detectors: [0, 1] } });

    const info = await getRun(t.db, 'u/alice/toy');
    expect(info.status).toBe('succeeded');
    expect(info.progress).toMatchObject({ total: 6, succeeded: 6 });
    const q = await queryRows<{ task_label: string; status: string; config_hash: string; executor: string; host: string; started_at: Date; ended_at: Date; peak_memory_bytes: string; log: string; software: { repo: string } }>(
      t.db,
      sql`SELECT * FROM quanta WHERE task_label = 'scale' ORDER BY data_id`,
    );
    expect(q).toHaveLength(4);
    for (const row of q) {
      expect(row.status).toBe('succeeded');
      expect(row.executor).toBe('local');
      expect(row.config_hash).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(Number(row.peak_memory_bytes)).toBeGreaterThan(0);
      expect(new Date(row.ended_at).getTime()).toBeGreaterThanOrEqual(new Date(row.started_at).getTime());
      expect(row.log).toMatch(/^scaled \d+ by 2$/);
      expect(row.software.repo).toBeTruthy();
    }
  });

  it('runs a subset (pipeline.yaml#name or #label): only its tasks, the other inputs from the input collections', async () => {
    const { actor, token } = await v.user('subsetter', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, actor);
    const text = `${toyPipelineText()}\nsubsets:\n  scaling: [scale]\n  summing:\n    subset: [sumVisit]\n    description: sums only\n`;
    const submit = (ref: string, inputs: string[], output: string) =>
      v.gql<{ submitRun: { run: { name: string; pipelineFile: string } } }>(
        `mutation($f: String!, $y: String!, $i: [String!]!, $o: String!) {
          submitRun(pipelineFile: $f, pipelineYaml: $y, inputs: $i, output: $o, where: "visit = 1", saveIntermediates: true) { run { name pipelineFile } }
        }`,
        { f: ref, y: text, i: inputs, o: output },
        token,
      );
    const finished = async (run: string) => {
      for (let i = 0; i < 3000; i++) {
        const status = (await getRun(t.db, run)).status;
        if (status !== 'pending' && status !== 'running') return status;
        await new Promise((r) => setTimeout(r, 100));
      }
      return 'still running';
    };
    const labels = async (run: string) =>
      (await queryRows<{ task_label: string }>(t.db, sql`SELECT q.task_label FROM quanta q JOIN collections c ON c.id = q.run_id WHERE c.name = ${run} ORDER BY 1`)).map((r) => r.task_label);

    const scaled = await submit(`${TOY_PIPELINE}#scaling`, ['TestCam/raw'], 'u/subsetter/scaled');
    expect(scaled.errors).toBeUndefined();
    expect(scaled.data!.submitRun.run.pipelineFile).toMatch(/toy\.yaml#scaling$/);
    expect(await finished('u/subsetter/scaled')).toBe('succeeded');
    expect(await labels('u/subsetter/scaled')).toEqual(['scale', 'scale']);

    // A task by its label; its input `scaled` now comes from the first run.
    const summed = await submit(`${TOY_PIPELINE}#sumVisit`, ['u/subsetter/scaled'], 'u/subsetter/summed');
    expect(summed.errors).toBeUndefined();
    expect(await finished('u/subsetter/summed')).toBe('succeeded');
    expect(await labels('u/subsetter/summed')).toEqual(['sumVisit']);
    expect(await totals('u/subsetter/summed')).toEqual({ 1: { value: 2 * (10 + 11), detectors: [0, 1] } });

    const bad = await submit(`${TOY_PIPELINE}#nope`, ['TestCam/raw'], 'u/subsetter/bad');
    expect(bad.errors?.[0]?.extensions?.code).toBe('PIPELINE_INVALID');
    expect(bad.errors?.[0]?.message).toMatch(/'#nope' names no subset \(scaling, summing\) and no task \(scale, sumVisit\)/);
  });

  it('records where each quantum\'s time went, and sums it per task on the run', async () => {
    await makeRun('u/alice/toy', { where: 'visit IN (1, 2)' });
    await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy');
    const res = await v.gql<{ run: { taskTimings: Record<string, number | string>[]; quanta: { taskLabel: string; timings: Record<string, number> }[] } }>(
      `{ run(name: "u/alice/toy") {
          taskTimings { taskLabel quanta queueMs readMs decodeMs computeMs encodeMs writeMs registerMs }
          quanta { taskLabel timings { queueMs readMs decodeMs computeMs encodeMs writeMs } }
        } }`,
    );
    expect(res.errors).toBeUndefined();
    const { taskTimings, quanta } = res.data!.run;
    const phases = ['queueMs', 'readMs', 'decodeMs', 'computeMs', 'encodeMs', 'writeMs'];
    for (const q of quanta) for (const p of phases) expect(q.timings[p]).toBeGreaterThanOrEqual(0);
    // Every quantum read files (the sums read what scale wrote) and wrote its outputs.
    for (const q of quanta) expect(q.timings.readMs! + q.timings.writeMs!).toBeGreaterThan(0);
    expect(taskTimings.map((s) => s.taskLabel).sort()).toEqual(['scale', 'sumVisit']);
    for (const sum of taskTimings) {
      const mine = quanta.filter((q) => q.taskLabel === sum.taskLabel);
      expect(sum.quanta).toBe(mine.length);
      for (const p of phases) expect(sum[p]).toBeCloseTo(mine.reduce((acc, q) => acc + q.timings[p]!, 0), 6);
      expect(sum.registerMs).toBeGreaterThan(0);
    }
  });

  it('drops intermediates after success but keeps their provenance rows; --save-intermediates keeps files', async () => {
    await makeRun('u/alice/toy');
    await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy');
    const scaled = await queryRows<{ path: string; stored: boolean }>(t.db, sql`SELECT path, stored FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id WHERE t.name = 'scaled'`);
    expect(scaled).toHaveLength(6);
    expect(scaled.every((s) => !s.stored && !v.vera.datastore.exists(s.path))).toBe(true);
  });

  it('keeps an intermediate while a quantum that reads it has still to run', async () => {
    const gate = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vera-gate-')), 'open');
    await makeRun('u/alice/toy', { where: 'visit IN (1, 2)', configOverrides: { scale: { waitForFile: gate, waitFromVisit: 2 } } });
    const running = executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy');
    // Visit 1's scale quanta finish; visit 2's, queued before the sum of visit 1 became ready,
    // then hold both workers at the gate, so that sum waits with its inputs registered.
    let scaled = await scaledRows();
    while (scaled.length < 2) {
      await new Promise((r) => setTimeout(r, 50));
      scaled = await scaledRows();
    }
    expect(scaled.map((s) => s.visit)).toEqual([1, 1]);
    expect(scaled.every((s) => s.stored && v.vera.datastore.exists(s.path))).toBe(true);
    expect((await getRun(t.db, 'u/alice/toy')).progress.succeeded).toBe(2);
    fs.writeFileSync(gate, '');
    expect(await running).toBe('succeeded');
    scaled = await scaledRows();
    expect(scaled).toHaveLength(4);
    expect(scaled.every((s) => !s.stored && !v.vera.datastore.exists(s.path))).toBe(true);
  });

  it('runs two runs on one executor at once: each finishes every quantum, though the other holds the workers', async () => {
    await makeRun('u/alice/toy-a', { where: 'visit IN (1, 2)', configOverrides: { scale: { sleepMs: 100 } } });
    const [alice] = await queryRows<{ id: number }>(t.db, sql`SELECT id FROM users WHERE name = 'alice'`);
    await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'u/alice/toy-b', executor: 'local', where: 'visit = 3' }, { id: alice!.id, name: 'alice', role: 'developer' });
    const statuses = await Promise.all(['u/alice/toy-a', 'u/alice/toy-b'].map((name) => executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, name)));
    expect(statuses).toEqual(['succeeded', 'succeeded']);
    expect((await getRun(t.db, 'u/alice/toy-a')).progress).toMatchObject({ total: 6, succeeded: 6 });
    expect((await getRun(t.db, 'u/alice/toy-b')).progress).toMatchObject({ total: 3, succeeded: 3 });
  });

  it('records the input runs a run reads from', async () => {
    await makeRun('u/alice/toy');
    const links = await queryRows<{ name: string }>(t.db, sql`SELECT c.name FROM run_input_runs l JOIN collections c ON c.id = l.input_collection_id`);
    expect(links.map((l) => l.name)).toEqual(['TestCam/raw']);
  });

  it('a failing quantum blocks its dependants while the others go on; resume after fixing nothing reruns only what is left', async () => {
    await makeRun('u/alice/toy', { configOverrides: { scale: { failOnVisit: 2 } } });
    const status = await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy');
    expect(status).toBe('failed');
    const info = await getRun(t.db, 'u/alice/toy');
    expect(info.progress).toMatchObject({ total: 9, succeeded: 6, failed: 2, blocked: 1 });
    expect(Object.keys(await totals('u/alice/toy')).sort()).toEqual(['1', '3']);
    const [failed] = await queryRows<{ error: string }>(t.db, sql`SELECT error FROM quanta WHERE status = 'failed' LIMIT 1`);
    expect(failed!.error).toContain('refusing visit 2 as configured');
    // The intermediates of visits 1 and 3 were dropped as soon as their sums succeeded, though the run failed.
    const scaled = await scaledRows();
    expect(scaled.map((s) => s.visit).sort()).toEqual([1, 1, 3, 3]);
    expect(scaled.every((s) => !s.stored && !v.vera.datastore.exists(s.path))).toBe(true);

    // Resuming retries the failed quanta (which fail again: same config) and registers nothing twice.
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy')).toBe('failed');
    const [{ n }] = (await queryRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name = 'u/alice/toy'`)) as [{ n: number }];
    expect(n).toBe(6); // 4 scaled (visits 1 and 3) + 2 totals
    // The run's timing totals count each quantum that succeeded once, across both executions.
    const { taskTimings } = await getRun(t.db, 'u/alice/toy');
    expect(taskTimings.scale!.quanta).toBe(4);
    expect(taskTimings.sumVisit!.quanta).toBe(2);
  });

  it('a quantum whose outputs cannot be registered fails alone; the others finishing with it are registered', async () => {
    await makeRun('u/alice/toy', { where: 'visit IN (1, 2, 3)' });
    // A dataset already in the run where one quantum will write: its registration must conflict.
    const admin = await makeActor(t.db, 'root', 'admin');
    await putDatasets(t.db, v.vera.datastore, { run: 'u/alice/toy', items: [{ datasetType: 'scaled', dataId: { instrument: 'TestCam', visit: 2, detector: 1 }, content: new TextEncoder().encode('{"value":0}') }] }, admin);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy')).toBe('failed');
    const info = await getRun(t.db, 'u/alice/toy');
    // The sum of visit 2 may find the dataset already there and run, or be blocked: either way,
    // only the conflicting quantum fails, and every other scale quantum is registered.
    expect(info.progress).toMatchObject({ total: 9, failed: 1 });
    expect(info.progress.succeeded + info.progress.blocked).toBe(8);
    const [{ n }] = (await queryRows<{ n: number }>(t.db, sql`SELECT count(*)::int AS n FROM quanta WHERE task_label = 'scale' AND status = 'succeeded'`)) as [{ n: number }];
    expect(n).toBe(5);
    const [failed] = await queryRows<{ task_label: string; data_id: Record<string, number>; error: string }>(t.db, sql`SELECT task_label, data_id, error FROM quanta WHERE status = 'failed'`);
    expect(failed).toMatchObject({ task_label: 'scale', data_id: { visit: 2, detector: 1 } });
    expect(failed!.error).toMatch(/already/);
    expect(Object.keys(await totals('u/alice/toy'))).toEqual(expect.arrayContaining(['1', '3']));
    // The failed quantum's files, which its worker wrote under temporary names, are gone with it.
    const files = await v.vera.datastore.listTree('u/alice/toy');
    expect(files.filter((f) => f.includes('.tmp-'))).toEqual([]);
    // Workers wrote next to the paths the registry gives (their data IDs in the universe's order):
    // every directory leads to a registered dataset's path (the dropped intermediates' included).
    const registered = await queryRows<{ path: string }>(t.db, sql`SELECT d.path FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name = 'u/alice/toy'`);
    const dirs = fs.readdirSync(v.vera.datastore.resolve('u/alice/toy'), { recursive: true, withFileTypes: true }).filter((e) => e.isDirectory());
    for (const d of dirs) expect(registered.some((r) => v.vera.datastore.resolve(r.path).startsWith(path.join(d.parentPath, d.name) + path.sep))).toBe(true);
  });

  it('refuses a where expression naming dimensions the pipeline does not have, and an empty graph', async () => {
    const e1 = await makeRun('u/alice/toy', { where: 'tract = 1' }).catch((e) => e);
    expect(e1.code).toBe('WHERE_UNKNOWN_NAME');
    const alice = { id: 1, name: 'alice', role: 'developer' as const };
    const e2 = await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: 'x', where: 'visit = 99', executor: 'local' }, alice).catch((e) => e);
    expect(e2.code).toBe('EMPTY_GRAPH');
    expect((await queryRows(t.db, sql`SELECT * FROM runs`)).length).toBe(0);
  });
});

describe('graph building', () => {
  it('names an input that no task produces and no input collection holds', async () => {
    const alice = await makeActor(t.db);
    await seedToyRaw(t.db, v.vera.datastore, alice);
    const { createCollection } = await import('../../server/repo/index.ts');
    await createCollection(t.db, { name: 'empty', type: 'RUN' }, alice);
    const e = await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['empty'], output: 'x', executor: 'local' }, alice).catch((err) => err);
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain("task 'scale' input 'raw': dataset type 'raw' is produced by no task of the pipeline and found in none of the input collections (empty)");
  });
});

describe('provenance and rerun', () => {
  it('walks a dataset back to raw, and rebuilding its sub-pipeline reproduces its bytes exactly', async () => {
    const { provenanceChain } = await import('../../server/runs/provenance.ts');
    const { createRerun } = await import('../../server/runs/rerun.ts');
    await makeRun('u/alice/toy', { seed: 7 });
    await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/toy');
    const [total] = await findDatasets(t.db, { datasetType: 'visitTotal', collections: ['u/alice/toy'], where: 'visit = 2' });

    const chain = await provenanceChain(t.db, total!.id);
    const types = chain.map((s) => `${s.dataset.datasetType}:${s.quantum?.taskLabel ?? 'ingested'}:${s.dataset.stored ? 'stored' : 'dropped'}`);
    expect(types).toEqual(['visitTotal:sumVisit:stored', 'scaled:scale:dropped', 'scaled:scale:dropped', 'raw:ingested:stored', 'raw:ingested:stored']);
    expect(chain[0]!.quantum!.software).toBeTruthy();
    expect(chain.slice(3).map((s) => s.dataset.dataId.detector).sort()).toEqual([0, 1]);

    const alice = { id: 1, name: 'alice', role: 'developer' as const };
    const rerun = await createRerun(t.db, { datasetId: total!.id, output: 'u/alice/rebuilt' }, alice);
    expect(rerun.progress.total).toBe(3); // the visit's two scale quanta and its sum
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/rebuilt')).toBe('succeeded');
    const [again] = await findDatasets(t.db, { datasetType: 'visitTotal', collections: ['u/alice/rebuilt'] });
    expect(again!.checksum).toBe(total!.checksum);
    expect(await v.vera.datastore.read(again!.path)).toEqual(await v.vera.datastore.read(total!.path));

    // With a config change the rebuilt dataset differs, and the override is recorded.
    await createRerun(t.db, { datasetId: total!.id, output: 'u/alice/rebuilt3', configOverrides: { scale: { factor: 3 } } }, alice);
    await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, 'u/alice/rebuilt3');
    const [tripled] = await findDatasets(t.db, { datasetType: 'visitTotal', collections: ['u/alice/rebuilt3'] });
    expect(JSON.parse((await v.vera.datastore.read(tripled!.path)).toString()).value).toBe(3 * (20 + 21));
  });
});
