/**
 * Per-quantum overhead of the local executor: a run of 10,000 quanta of a task that does almost
 * nothing (`scale` of the toy pipeline multiplies one number), so the wall time per quantum is
 * the runner's own cost: dispatch, file I/O, checksums, registration. Prints it with where the
 * time went (the phases every quantum records), the main thread's busy time and its CPU time per
 * quantum.
 *
 *   VERA_BENCH_QUANTA=2000 npm run bench -- runner-overhead   (default 10,000)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createLocalExecutor } from '../runner/executors/local.ts';
import { openDatabase, type Database } from '../server/db/client.ts';
import { createLogger } from '../server/log.ts';
import { Datastore } from '../server/repo/index.ts';
import { createRun } from '../server/runs/create.ts';
import { executeRun } from '../server/runs/execute.ts';
import { getRun } from '../server/runs/queries.ts';
import { QUANTUM_PHASES } from '../server/runs/timings.ts';
import { makeActor } from '../test/support/factories.ts';
import { seedToyRaw } from '../test/support/runs.ts';
import { NOOP_PIPELINE, withBenchDatabase } from './fixtures.ts';
import { mainThreadCpuMs, report, timeMs } from './lib.ts';

const N_QUANTA = Number(process.env.VERA_BENCH_QUANTA ?? 10_000);
const DETECTORS = 10;
const { pipelineFile, pipelineYaml } = NOOP_PIPELINE;

async function bench(label: string, database: Database, dir: string): Promise<void> {
  const actor = await makeActor(database.db);
  const store = new Datastore(path.join(dir, 'datastore'));
  await seedToyRaw(database.db, store, actor, { nVisits: Math.ceil(N_QUANTA / DETECTORS), nDetectors: DETECTORS });
  const threads = os.availableParallelism();
  const executor = createLocalExecutor({ threads });
  const log = createLogger({ logLevel: 'silent' });
  // Warm-up: workers start, load TypeScript and the task module (seconds, once per pool), and
  // the JIT settles; a server's pool lives across runs, so this is not a per-quantum cost.
  await createRun(database.db, { pipelineFile, pipelineYaml, inputs: ['TestCam/raw'], output: 'bench/warm-up', where: 'visit IN (1..5)', executor: 'local' }, actor);
  await executeRun({ db: database.db, datastore: store, executor, log }, 'bench/warm-up');
  await createRun(database.db, { pipelineFile, pipelineYaml, inputs: ['TestCam/raw'], output: 'bench/noop', executor: 'local' }, actor);
  const elu0 = performance.eventLoopUtilization();
  const cpu0 = process.cpuUsage();
  const main0 = mainThreadCpuMs();
  try {
    const { ms, value } = await timeMs(() => executeRun({ db: database.db, datastore: store, executor, log }, 'bench/noop'));
    if (value !== 'succeeded') throw new Error(`run bench/noop ${value}`);
    const elu = performance.eventLoopUtilization(elu0);
    const cpu = process.cpuUsage(cpu0);
    const main1 = mainThreadCpuMs();
    const t = (await getRun(database.db, 'bench/noop')).taskTimings.scale!;
    const n = t.quanta;
    const group = `runner overhead ${label} (${n} no-op quanta, ${threads} workers)`;
    report(group, 'wall time per quantum', ms / n, 'ms', `goal <= 2 ms; ${(ms / 1000).toFixed(1)} s in all`);
    report(group, 'main thread busy per quantum', elu.active / n, 'ms', `event loop ${(100 * elu.utilization).toFixed(0)}% busy`);
    if (main0 !== undefined && main1 !== undefined) report(group, 'main thread CPU per quantum', (main1 - main0) / n, 'ms', 'PGlite runs on it; PostgreSQL\'s own CPU is not counted');
    report(group, 'process CPU per quantum', (cpu.user + cpu.system) / 1000 / n, 'ms', 'all threads of this process; PostgreSQL\'s own are not counted');
    // Phases overlap across quanta (two compute while others register), so these are latencies
    // per quantum, not shares of the wall time.
    for (const phase of [...QUANTUM_PHASES, 'registerMs'] as const) {
      report(group, `mean ${phase.replace(/Ms$/, '')}`, t[phase] / n, 'ms');
    }
  } finally {
    await executor.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-overhead-'));
try {
  const lite = await openDatabase({ dataDir: path.join(dir, 'db') });
  try {
    await bench('pglite', lite, path.join(dir, 'lite'));
  } finally {
    await lite.close();
  }
  await withBenchDatabase('runner overhead postgres', async (url) => {
    const server = await openDatabase({ url });
    try {
      await bench('postgres', server, path.join(dir, 'pg'));
    } finally {
      await server.close();
    }
  });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
