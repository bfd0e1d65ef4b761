/**
 * Per-quantum overhead of the Slurm executor against the local one, on the same run: N quanta of
 * a task that does almost nothing (`scale` of the toy pipeline), executed once in worker threads
 * and once as Slurm job arrays on a single-node cluster on this machine (started here by
 * scripts/slurm/cluster.sh, which needs root and installs slurm-wlm and munge when missing), one
 * quantum per array element and then clustered (quantaPerJob). The difference is what a batch
 * job costs a quantum: sbatch, scheduling, a Node start-up per element, the HTTP report.
 *
 *   VERA_BENCH_SLURM_QUANTA=40 npm run bench -- slurm-overhead   (default 40)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { stringify } from 'yaml';
import { createLocalExecutor } from '../runner/executors/local.ts';
import { openVera } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { startHttpServer } from '../server/http/server.ts';
import { createLogger } from '../server/log.ts';
import { createRun } from '../server/runs/create.ts';
import { executeRun } from '../server/runs/execute.ts';
import { makeActor } from '../test/support/factories.ts';
import { seedToyRaw } from '../test/support/runs.ts';
import { startSlurmCluster, stopSlurmCluster } from '../test/support/slurm-cluster.ts';
import { NOOP_PIPELINE } from './fixtures.ts';
import { report, timeMs } from './lib.ts';

const N = Number(process.env.VERA_BENCH_SLURM_QUANTA ?? 40);
const DETECTORS = 4;
const { pipelineFile, pipelineYaml } = NOOP_PIPELINE;

async function slurmRun(dir: string, label: string, quantaPerJob: number, seed: (vera: Awaited<ReturnType<typeof openVera>>) => Promise<void>) {
  const settings = path.join(dir, `${label}.yaml`);
  fs.writeFileSync(settings, stringify({ default: { cpus: 1, memoryMB: 300 }, quantaPerJob, pollSeconds: 0.5, gatherMilliseconds: 100 }));
  const config = loadConfig({ VERA_HOME: path.join(dir, label), VERA_LOG_LEVEL: 'silent', VERA_EXECUTOR: 'slurm', VERA_SLURM_CONFIG: settings });
  const vera = await openVera(config, createLogger(config));
  const http = await startHttpServer(vera, { host: '127.0.0.1', port: 0 });
  try {
    await seed(vera);
    const { ms, value } = await timeMs(async () => {
      await vera.runs.start('bench/slurm');
      return vera.runs.wait('bench/slurm');
    });
    if (value !== 'succeeded') throw new Error(`run bench/slurm ${value}`);
    return ms;
  } finally {
    await http.close();
    await vera.close();
  }
}

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-slurm-'));
// Its own temp directory: munged must reach it, and cluster.sh opens only that one to others.
const clusterDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-slurm-cluster-'));
try {
  await startSlurmCluster(clusterDir);
  const seedRun = (executor: string) => async (vera: Awaited<ReturnType<typeof openVera>>) => {
    const actor = await makeActor(vera.database.db, 'bench', 'operator');
    await seedToyRaw(vera.database.db, vera.datastore, actor, { nVisits: Math.ceil(N / DETECTORS), nDetectors: DETECTORS });
    await createRun(vera.database.db, { pipelineFile, pipelineYaml, inputs: ['TestCam/raw'], output: `bench/${executor}`, executor }, actor);
  };

  // Local: the same run in worker threads (a pool warmed by a first run, as a server's is).
  const localConfig = loadConfig({ VERA_HOME: path.join(dir, 'local'), VERA_LOG_LEVEL: 'silent' });
  const local = await openVera(localConfig, createLogger(localConfig));
  const executor = createLocalExecutor({ threads: os.availableParallelism() });
  let localMs: number;
  try {
    await seedRun('local')(local);
    await createRun(local.database.db, { pipelineFile, pipelineYaml, inputs: ['TestCam/raw'], output: 'bench/warm-up', where: 'visit = 1', executor: 'local' }, await makeActor(local.database.db, 'warm', 'operator'));
    await executeRun({ db: local.database.db, datastore: local.datastore, executor, log: local.log }, 'bench/warm-up');
    const { ms, value } = await timeMs(() => executeRun({ db: local.database.db, datastore: local.datastore, executor, log: local.log }, 'bench/local'));
    if (value !== 'succeeded') throw new Error(`run bench/local ${value}`);
    localMs = ms;
  } finally {
    await executor.close();
    await local.close();
  }
  const cpus = os.availableParallelism();
  const group = `slurm overhead (${N} no-op quanta, single-node cluster, ${cpus} CPUs)`;
  report(group, 'local: wall time per quantum', localMs / N, 'ms', `${(localMs / 1000).toFixed(1)} s in all`);
  for (const perJob of [1, 10]) {
    const ms = await slurmRun(dir, `slurm-${perJob}`, perJob, seedRun('slurm'));
    report(group, `slurm, ${perJob} quanta per job: wall time per quantum`, ms / N, 'ms', `${(ms / 1000).toFixed(1)} s in all; ${((ms - localMs) / N).toFixed(0)} ms per quantum more than local`);
  }
} finally {
  try {
    await stopSlurmCluster(clusterDir);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(clusterDir, { recursive: true, force: true });
  }
}
