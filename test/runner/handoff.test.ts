import { afterAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';
import type { QuantumJob } from '../../runner/worker-job.ts';

/**
 * Outputs handed to dependent quanta in the same worker thread (runner/execute-quantum.ts,
 * runner/executors/local.ts): the toy pipeline's `scale` outputs (intermediates) are read by
 * `sumVisit` from the worker that made them, not from their files, with the same results and
 * provenance as a run whose workers keep nothing.
 */
const t = useTestDatabase();
const v = useTestVera(t);
const log = createLogger({ logLevel: 'silent' });
const executors: Executor[] = [];
afterAll(async () => {
  await Promise.all(executors.map((e) => e.close()));
});

/**
 * A local executor of one worker thread that sees VERA_DECODED_CACHE_MB as given (threads copy the
 * environment when they start). One thread: every consumer runs where its inputs were produced,
 * whatever the timing (with two, a consumer whose producer is busy goes to the free one).
 */
function executorWithCache(mb: string | undefined): Executor {
  const before = process.env.VERA_DECODED_CACHE_MB;
  if (mb === undefined) delete process.env.VERA_DECODED_CACHE_MB;
  else process.env.VERA_DECODED_CACHE_MB = mb;
  try {
    const e = createLocalExecutor({ threads: 1 });
    executors.push(e);
    return e;
  } finally {
    if (before === undefined) delete process.env.VERA_DECODED_CACHE_MB;
    else process.env.VERA_DECODED_CACHE_MB = before;
  }
}

async function sums(run: string) {
  const rows = await queryRows<{ id: string; log: string; data_id: { visit: number } }>(
    t.db,
    sql`SELECT q.id, q.log, q.data_id FROM quanta q JOIN collections c ON c.id = q.run_id WHERE c.name = ${run} AND q.task_label = 'sumVisit' ORDER BY q.data_id->>'visit'`,
  );
  const out = [];
  for (const r of rows) {
    const inputs = await queryRows<{ type: string; detector: number; connection: string }>(
      t.db,
      sql`SELECT dt.name AS type, (d.data_id->>'detector')::int AS detector, qi.connection FROM quantum_inputs qi JOIN datasets d ON d.id = qi.dataset_id JOIN dataset_types dt ON dt.id = d.dataset_type_id WHERE qi.quantum_id = ${r.id} ORDER BY 2`,
    );
    out.push({ visit: r.data_id.visit, log: r.log, inputs });
  }
  return out;
}

async function outputs(run: string) {
  const refs = await findDatasets(t.db, { datasetType: 'visitTotal', collections: [run] });
  return Object.fromEntries(refs.map((r) => [r.dataId.visit as number, r.checksum]));
}

describe('outputs handed to dependent quanta in the same worker', () => {
  it('skips the read and decode for a consumer on the producing worker, with identical outputs and the inputs still in provenance', async () => {
    const alice = await makeActor(t.db);
    await seedToyRaw(t.db, v.vera.datastore, alice, { nVisits: 3, nDetectors: 2 });
    const make = (output: string) => createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output, executor: 'local' }, alice);

    await make('u/alice/handoff');
    // The jobs the worker receives, seen on their way to it.
    const local = executorWithCache(undefined);
    const jobs: QuantumJob[] = [];
    const watched: Executor = { ...local, affinity: local.affinity!.bind(local), run: (job, ctx) => (jobs.push(job), local.run(job, ctx)) };
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor: watched, log }, 'u/alice/handoff')).toBe('succeeded');
    // A sum is the only reader of its visit's scaled values: the worker may give it the cached values
    // themselves. The raws, read from an input collection, are never marked so.
    const lastUses = (label: string) => jobs.filter((j) => j.taskLabel === label).flatMap((j) => j.inputs.flatMap((i) => i.datasets.map((d) => d.lastUse ?? false)));
    expect(lastUses('sumVisit')).toEqual(new Array(6).fill(true));
    expect(lastUses('scale')).toEqual(new Array(6).fill(false));
    await make('u/alice/nocache');
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor: executorWithCache('0'), log }, 'u/alice/nocache')).toBe('succeeded');

    expect(await outputs('u/alice/handoff')).toEqual(await outputs('u/alice/nocache'));
    const handed = await sums('u/alice/handoff');
    const read = await sums('u/alice/nocache');
    expect(handed).toHaveLength(3);
    // Each sum runs on the worker that produced its inputs: both come from memory.
    for (const s of handed) expect(s.log).toMatch(/\[vera\] 2 of 2 inputs taken decoded from this worker's cache/);
    for (const s of read) expect(s.log).not.toMatch(/taken decoded/);
    // Provenance lists the same inputs either way: the handed-over datasets were still written and registered.
    const expected = [0, 1].map((detector) => ({ type: 'scaled', detector, connection: 'scaled' }));
    for (const s of [...handed, ...read]) expect(s.inputs).toEqual(expected);
  });
});
