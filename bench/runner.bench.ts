/**
 * The runner on real work: `isr` + `characterizeImage` over the default SimCam demo (12 visits x
 * 4 detectors of 512x512) with the local executor on 1 and on 2 worker threads: wall time,
 * pixels per second per core, and the scaling ratio. Includes reading, decoding, encoding and
 * registering every dataset, which the per-task numbers of drp.bench.ts leave out.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
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
import { report, timeMs } from './lib.ts';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const drp = parse(fs.readFileSync(path.join(root, 'pipelines/drp.yaml'), 'utf8')) as { tasks: Record<string, { class: string }> };
const tasks = Object.fromEntries(['isr', 'characterizeImage'].map((label) => [label, drp.tasks[label]!]));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-runner-'));
// Named as if it lay next to drp.yaml: its relative task classes resolve there, inside Vera's checkout.
const pipelineFile = path.join(root, 'pipelines', 'isr-char.yaml');
const pipelineYaml = stringify({ description: 'isr and characterizeImage', tasks });

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
  // Worker time per raw against the tasks' own compute, both from the phases each quantum
  // recorded in the 2-worker run: what reading, decoding and encoding add around the science.
  const totals = Object.values((await getRun(database.db, 'bench/threads-2')).taskTimings);
  const sum = (k: 'readMs' | 'decodeMs' | 'computeMs' | 'encodeMs') => totals.reduce((acc, t) => acc + t[k], 0);
  const computePerRaw = sum('computeMs') / sim.raws;
  const workerPerRaw = (sum('readMs') + sum('decodeMs') + sum('computeMs') + sum('encodeMs')) / sim.raws;
  report('runner isr+characterizeImage', 'task compute per raw (2 workers)', computePerRaw, 'ms');
  report('runner isr+characterizeImage', 'worker time per raw vs compute', workerPerRaw / computePerRaw, 'x', `${workerPerRaw.toFixed(0)} ms per raw; goal <= 1.15`);
  report('runner isr+characterizeImage', 'scaling 1 -> 2 workers', wall[1]! / wall[2]!, 'x', `${os.availableParallelism()} cores; ideal 2`);
} finally {
  await database.close();
  fs.rmSync(dir, { recursive: true, force: true });
}
