import crypto from 'node:crypto';
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { codecFor } from '../pipelines/framework/codecs.ts';
import type { InputDataset, Task, TaskInputs } from '../pipelines/framework/task.ts';
import { importTaskModule } from './pipeline/import-task.ts';
import { recordedTaskModuleUrl } from './pipeline/roots.ts';
import { withQuantumLog } from './quantum-log.ts';
import type { QuantumJob, QuantumResult } from './worker-job.ts';

const taskCache = new Map<string, Task>();

async function loadTask(job: QuantumJob): Promise<Task> {
  const key = `${job.modulePath}#${job.exportName}`;
  let task = taskCache.get(key);
  if (!task) {
    // Through importTaskModule: in the compiled CLI (`vera exec-quantum` in a batch job) task
    // modules, which are TypeScript, need the loader it registers on first use.
    const mod = (await importTaskModule(recordedTaskModuleUrl(job.modulePath))) as Record<string, Task>;
    task = mod[job.exportName];
    if (!task || typeof task.run !== 'function') throw new Error(`${key} is not a task`);
    taskCache.set(key, task);
  }
  return task;
}

/**
 * Executes one quantum: reads and decodes its inputs, runs the task, encodes its outputs.
 * Runs in a worker thread (local executor) or a batch job (`vera exec-quantum`); it never
 * touches the database: the server registers what it returns.
 */
export async function executeQuantum(job: QuantumJob): Promise<QuantumResult> {
  const startedAt = Date.now();
  const task = await loadTask(job);
  const lines: string[] = [];
  const timings = { readMs: 0, decodeMs: 0, computeMs: 0, encodeMs: 0 };
  const inputs: Record<string, InputDataset | InputDataset[]> = {};
  for (const input of job.inputs) {
    const values: InputDataset[] = [];
    for (const d of input.datasets) {
      const codec = codecFor(d.storageClass);
      let t = performance.now();
      const bytes = readInput(d.absPath, codec.decodeCopies === true);
      timings.readMs += performance.now() - t;
      t = performance.now();
      values.push({ dataId: d.dataId, value: await codec.decode(bytes) });
      timings.decodeMs += performance.now() - t;
    }
    inputs[input.connection] = input.multiple ? values : values[0]!;
  }
  const config = task.config.parse(job.config);
  const outputDataIds = Object.fromEntries(job.outputs.map((o) => [o.connection, [o.dataId]]));
  let t = performance.now();
  let produced: Awaited<ReturnType<Task['run']>>;
  try {
    produced = await task.run(inputs as TaskInputs, config, {
      dataId: job.dataId,
      seed: job.seed,
      outputDataIds,
      log: (message) => lines.push(message),
    });
  } catch (e) {
    throw withQuantumLog(e, lines);
  }
  timings.computeMs = performance.now() - t;
  t = performance.now();
  const outputs: QuantumResult['outputs'] = [];
  for (const o of job.outputs) {
    if (!(o.connection in produced)) throw new Error(`task '${job.taskLabel}' returned no output '${o.connection}'`);
    const bytes = await codecFor(o.storageClass).encode(produced[o.connection]);
    outputs.push({ connection: o.connection, bytes, checksum: sha256(bytes) });
  }
  timings.encodeMs = performance.now() - t;
  // Per-isolate memory (heap plus typed-array backing stores) while the outputs are still alive:
  // worker threads share one process, so its RSS would mix every quantum running at once.
  const heap = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
  const peakMemoryBytes = Math.max(heap.used_heap_size + (heap.external_memory ?? 0), heap.peak_malloced_memory);
  return { outputs, startedAt, endedAt: Date.now(), peakMemoryBytes, timings, log: lines.join('\n') };
}

/** Inputs up to this size are read into one buffer the thread keeps (see readInput). */
const SCRATCH_MAX_BYTES = 64 << 20;
let scratch: Buffer | undefined;

/**
 * The bytes of an input file. Read synchronously: a worker runs one quantum at a time, so it
 * blocks nothing, and skips the I/O pool's round trip per 512 KiB that an async read costs.
 * When its decoder copies what it keeps (`reusable`), the file goes into one buffer reused for
 * every such input instead of a new one each time: fewer large allocations, whose external
 * memory is what drives a worker's full garbage collections. Valid until the next call; the
 * decoders that reuse it are synchronous, so nothing runs between a read and its decode.
 */
function readInput(absPath: string, reusable: boolean): Uint8Array {
  const fd = fs.openSync(absPath, 'r');
  try {
    const size = fs.fstatSync(fd).size;
    // A buffer of the file's own otherwise (never one of Node's pooled slabs), as decoders had before.
    let target: Buffer;
    if (reusable && size <= SCRATCH_MAX_BYTES) {
      if (!scratch || scratch.length < size) scratch = Buffer.allocUnsafeSlow(size);
      target = scratch;
    } else target = Buffer.allocUnsafeSlow(size);
    let read = 0;
    while (read < size) {
      const n = fs.readSync(fd, target, read, size - read, read);
      if (n === 0) throw new Error(`input ${absPath} ended after ${read} of its ${size} bytes`);
      read += n;
    }
    return new Uint8Array(target.buffer, target.byteOffset, size);
  } finally {
    fs.closeSync(fd);
  }
}

/** The checksum the datastore records for a file of these bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}
