/**
 * The runner on real work: `isr` + `characterizeImage` over the default SimCam demo (12 visits x
 * 4 detectors of 512x512) with the local executor on 1 and on 2 worker threads: wall time,
 * pixels per second per core, and the scaling ratio. Includes reading, decoding, encoding and
 * registering every dataset, which the per-task numbers of drp.bench.ts leave out.
 *
 * Measured in the same run, so a busy machine moves both alike:
 * - a pure-compute control: the same two tasks on in-memory frames in 1 and 2 plain worker
 *   threads (no files, no database); the runner's scaling is judged against the control's;
 * - the two tasks' compute per raw on this thread, as drp.bench.ts measures it; the runner's
 *   worker time per raw (read, decode, compute, encode) is judged against it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { parse, stringify } from 'yaml';
import { createLocalExecutor } from '../runner/executors/local.ts';
import { createUser } from '../server/auth/index.ts';
import { openDatabase } from '../server/db/client.ts';
import { createLogger } from '../server/log.ts';
import { Datastore } from '../server/repo/index.ts';
import { createRun } from '../server/runs/create.ts';
import { executeRun } from '../server/runs/execute.ts';
import { getRun } from '../server/runs/queries.ts';
import { generateSimCam, SIMCAM } from '../server/simcam/generate.ts';
import { compute, frame, FRAMES } from './compute-control.ts';
import { report, timeMs } from './lib.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const drp = parse(fs.readFileSync(path.join(root, 'pipelines/drp.yaml'), 'utf8')) as { tasks: Record<string, { class: string }> };
const tasks = Object.fromEntries(['isr', 'characterizeImage'].map((label) => [label, drp.tasks[label]!]));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-runner-'));
// Named as if it lay next to drp.yaml: its relative task classes resolve there, inside Vera's checkout.
const pipelineFile = path.join(root, 'pipelines', 'isr-char.yaml');
const pipelineYaml = stringify({ description: 'isr and characterizeImage', tasks });

/**
 * Frames per second of the compute control on `threads` plain worker threads, each computing its
 * own frames `rounds` times once all are ready (rendering the frames is not timed).
 */
async function controlThroughput(threads: number, framesPerThread: number, rounds: number): Promise<number> {
  const entry = fileURLToPath(new URL('./compute-control-worker.js', import.meta.url));
  const workers = Array.from({ length: threads }, (_, i) => new Worker(entry, { workerData: { first: i * framesPerThread, frames: framesPerThread, rounds } }));
  try {
    const next = (w: Worker) =>
      new Promise<unknown>((resolve, reject) => {
        w.once('message', resolve);
        w.once('error', reject);
      });
    await Promise.all(workers.map(next));
    const t0 = performance.now();
    const done = workers.map(next);
    for (const w of workers) w.postMessage('go');
    await Promise.all(done);
    return (threads * framesPerThread * rounds) / ((performance.now() - t0) / 1000);
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** CPU milliseconds per raw of isr + characterizeImage on this thread, as drp.bench.ts measures them. */
function computePerRaw(): number {
  const frames = Array.from({ length: FRAMES }, (_, k) => frame(k));
  for (const f of frames.slice(0, 3)) compute(f); // warm-up, as drp.bench.ts
  const c0 = process.cpuUsage();
  for (const f of frames) compute(f);
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000 / frames.length;
}

const drpComputePerRaw = computePerRaw();
report('runner isr+characterizeImage', 'drp.bench compute per raw (this thread)', drpComputePerRaw, 'ms', 'isr + characterizeImage, CPU');
const control: Record<number, number> = {};
for (const threads of [1, 2]) control[threads] = await controlThroughput(threads, 4, 3);
report('runner isr+characterizeImage', 'control: compute-only scaling 1 -> 2 threads', control[2]! / control[1]!, 'x', `${control[1]!.toFixed(1)} -> ${control[2]!.toFixed(1)} frames/s`);

const database = await openDatabase({});
try {
  const user = await createUser(database.db, 'bench', 'admin');
  const actor = { id: user.id, name: 'bench', role: 'admin' as const };
  const store = new Datastore(path.join(dir, 'datastore'));
  const sim = await generateSimCam(database.db, store, {}, actor);
  const pixels = sim.raws * 512 * 512;
  const log = createLogger({ logLevel: 'silent' });
  const wall: Record<number, number> = {};
  for (const threads of [1, 2]) {
    const output = `bench/threads-${threads}`;
    await createRun(database.db, { pipelineFile, pipelineYaml, inputs: [SIMCAM.defaults], output, executor: 'local' }, actor);
    const executor = createLocalExecutor({ threads });
    try {
      const { ms, value } = await timeMs(() => executeRun({ db: database.db, datastore: store, executor, log }, output));
      if (value !== 'succeeded') throw new Error(`run ${output} ${value}`);
      wall[threads] = ms;
    } finally {
      await executor.close();
    }
    report('runner isr+characterizeImage', `wall time, ${threads} worker${threads > 1 ? 's' : ''}`, wall[threads]! / 1000, 's', `${sim.raws} raws, ${(pixels / 1e6).toFixed(1)} Mpx`);
  }
  report('runner isr+characterizeImage', 'pixels/s per core (1 worker)', pixels / (wall[1]! / 1000), 'px/s');
  // Worker time per raw against the tasks' own compute: from the phases each quantum recorded
  // in the 1-worker run (on 2 cores nothing else competes with its worker but the main thread),
  // against the control's compute per raw on this thread (drp.bench.ts's measure).
  const totals = Object.values((await getRun(database.db, 'bench/threads-1')).taskTimings);
  const sum = (k: 'readMs' | 'decodeMs' | 'computeMs' | 'encodeMs') => totals.reduce((acc, t) => acc + t[k], 0);
  const runnerComputePerRaw = sum('computeMs') / sim.raws;
  const workerPerRaw = (sum('readMs') + sum('decodeMs') + sum('computeMs') + sum('encodeMs')) / sim.raws;
  report('runner isr+characterizeImage', 'task compute per raw (1 worker)', runnerComputePerRaw, 'ms');
  report('runner isr+characterizeImage', 'worker time per raw vs compute', workerPerRaw / drpComputePerRaw, 'x', `${workerPerRaw.toFixed(0)} ms per raw in the worker, ${drpComputePerRaw.toFixed(0)} ms compute; goal <= 1.15`);
  const scaling = wall[1]! / wall[2]!;
  const controlScaling = control[2]! / control[1]!;
  report('runner isr+characterizeImage', 'scaling 1 -> 2 workers', scaling, 'x', `${os.availableParallelism()} cores; control ${controlScaling.toFixed(2)}x; goal >= 1.8`);
  report('runner isr+characterizeImage', 'scaling vs control', scaling / controlScaling, 'x', '1 = the runner scales as well as bare compute');
} finally {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
