import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import v8 from 'node:v8';
import { codecFor } from '../pipelines/framework/codecs.ts';
import type { InputDataset, Task, TaskInputs } from '../pipelines/framework/task.ts';
import { cacheKey, DecodedCache, decodedCacheBytesFromEnv, fingerprint, isReadOnly } from './decoded-cache.ts';
import { importTaskModule } from './pipeline/import-task.ts';
import { recordedTaskModuleUrl } from './pipeline/roots.ts';
import { withQuantumLog } from './quantum-log.ts';
import type { QuantumJob, QuantumResult, WarmJob } from './worker-job.ts';

const taskCache = new Map<string, Task>();

/** The task a job names, imported once per thread (a warm pool imports them before the first quantum). */
export async function loadTask(job: Pick<QuantumJob, 'modulePath' | 'exportName'>): Promise<Task> {
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

let cache: DecodedCache | undefined | null;

/** Replaces this thread's cache (tests; null: none). */
export function setDecodedCache(c: DecodedCache | null): void {
  cache = c;
}

/** This thread's cache of decoded datasets (VERA_DECODED_CACHE_MB; 0: none). */
export function decodedCache(): DecodedCache | undefined {
  if (cache === undefined) {
    const bytes = decodedCacheBytesFromEnv();
    cache = bytes > 0 ? new DecodedCache(bytes) : null;
  }
  return cache ?? undefined;
}

/**
 * Decodes one input, or takes it from the thread's cache: a read-only input is handed as the
 * cached value itself (and its fingerprint noted for the check after the task), any other a copy
 * of it, so a task that writes into its inputs cannot change what the next quantum receives;
 * unless no later quantum reads it (`lastUse`): then the task gets the value and the cache drops
 * it. That saves the copy (1.2 ms for a 3 MB exposure) and the cache holding a hand-off nobody
 * will read again, whose memory the next ones would otherwise take from fresh pages.
 */
async function decodeInput(
  d: QuantumJob['inputs'][number]['datasets'][number],
  readOnly: boolean,
  timings: QuantumResult['timings'],
  shared: Map<string, { connection: string; absPath: string; value: unknown; fingerprint: string }>,
  connection: string,
  counts: { hits: number; inputs: number },
): Promise<unknown> {
  counts.inputs++;
  const codec = codecFor(d.storageClass);
  const c = decodedCache();
  const key = c && d.checksum ? cacheKey(d.storageClass, d.checksum) : undefined;
  let t = performance.now();
  const hit = key ? c!.get(key) : undefined;
  if (hit) {
    counts.hits++;
    let value = hit.value;
    if (readOnly) {
      let fp = hit.fingerprint;
      if (fp === undefined) {
        // A hand-off (an output of an earlier quantum) read as read-only for the first time.
        fp = fingerprint(value);
        c!.set(key!, value, fp);
      }
      shared.set(key!, { connection, absPath: d.absPath, value, fingerprint: fp });
    } else if (d.lastUse) c!.delete(key!);
    else value = structuredClone(value);
    timings.decodeMs += performance.now() - t;
    return value;
  }
  const bytes = readInput(d.absPath, codec.decodeCopies === true);
  timings.readMs += performance.now() - t;
  t = performance.now();
  const value = await codec.decode(bytes);
  if (key && readOnly) {
    const fp = fingerprint(value);
    c!.set(key, value, fp);
    shared.set(key, { connection, absPath: d.absPath, value, fingerprint: fp });
  }
  timings.decodeMs += performance.now() - t;
  return value;
}

/**
 * Readies this thread before quanta arrive: imports the tasks (module loading and compilation,
 * otherwise paid by the first quantum of each) and decodes the read-only datasets into the cache,
 * as long as they fit its budget.
 */
export async function warmWorker(work: WarmJob): Promise<{ modules: number; datasets: number }> {
  for (const m of work.modules) await loadTask(m);
  const c = decodedCache();
  let datasets = 0;
  for (const d of work.datasets) {
    if (!c) break;
    const key = cacheKey(d.storageClass, d.checksum);
    if (c.has(key)) continue;
    const codec = codecFor(d.storageClass);
    const value = await codec.decode(readInput(d.absPath, codec.decodeCopies === true));
    c.set(key, value, fingerprint(value));
    if (!c.has(key)) break;
    datasets++;
  }
  return { modules: work.modules.length, datasets };
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
  const timings: QuantumResult['timings'] = { readMs: 0, decodeMs: 0, computeMs: 0, encodeMs: 0 };
  const inputs: Record<string, InputDataset | InputDataset[]> = {};
  // Cached values this task shares with later quanta, by cache key: checked for writes after it ran.
  const shared = new Map<string, { connection: string; absPath: string; value: unknown; fingerprint: string }>();
  const counts = { hits: 0, inputs: 0 };
  for (const input of job.inputs) {
    const values: InputDataset[] = [];
    const readOnly = isReadOnly(task.connections?.[input.connection]);
    for (const d of input.datasets) values.push({ dataId: d.dataId, value: await decodeInput(d, readOnly, timings, shared, input.connection, counts) });
    inputs[input.connection] = input.multiple ? values : values[0]!;
  }
  // In the quantum's log (provenance): which of its inputs were not read from their files.
  if (counts.hits > 0) lines.push(`[vera] ${counts.hits} of ${counts.inputs} inputs taken decoded from this worker's cache (same checksum), not read from their files`);
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
    // It may have written into a read-only value before failing: those are not kept.
    for (const key of shared.keys()) decodedCache()?.delete(key);
    throw withQuantumLog(e, lines);
  }
  timings.computeMs = performance.now() - t;
  t = performance.now();
  for (const [key, s] of shared) {
    if (fingerprint(s.value) === s.fingerprint) continue;
    decodedCache()?.delete(key);
    throw withQuantumLog(
      new Error(`task '${job.taskLabel}' wrote into its read-only input '${s.connection}' (${s.absPath}); a calibration, prerequisite or readOnly connection must not be modified (declare it without readOnly if the task needs its own copy)`),
      lines,
    );
  }
  timings.decodeMs += performance.now() - t;
  const outputs: QuantumResult['outputs'] = [];
  const written: string[] = [];
  try {
    for (const o of job.outputs) {
      if (!(o.connection in produced)) throw new Error(`task '${job.taskLabel}' returned no output '${o.connection}'`);
      t = performance.now();
      const codec = codecFor(o.storageClass);
      // Bytes that only go to a file are encoded into this thread's reusable buffer, when the codec sizes them first.
      const bytes = await codec.encode(produced[o.connection], o.tempPath ? encodeBuffer : undefined);
      const checksum = sha256(bytes);
      timings.encodeMs += performance.now() - t;
      if (o.tempPath && bytes.byteLength >= WORKER_WRITES_MIN_BYTES) {
        t = performance.now();
        writeOutput(o.tempPath, bytes);
        written.push(o.tempPath);
        timings.writeMs = (timings.writeMs ?? 0) + performance.now() - t;
        outputs.push({ connection: o.connection, checksum, written: { tempAbsPath: o.tempPath, sizeBytes: bytes.byteLength } });
      } else {
        // Handed back: never a view of the reused buffer, which the next output overwrites (and
        // which must not be transferred away).
        outputs.push({ connection: o.connection, bytes: encodeScratch && bytes.buffer === encodeScratch.buffer ? bytes.slice() : bytes, checksum });
      }
      // An output a later quantum of the run reads: kept decoded from the very bytes written, so a
      // dependent quantum on this thread gets what it would have read back from the file.
      if (o.handoff && decodedCache()) {
        t = performance.now();
        decodedCache()!.set(cacheKey(o.storageClass, checksum), await codec.decode(codec.decodeCopies ? bytes : bytes.slice()));
        timings.decodeMs += performance.now() - t;
      }
    }
  } catch (e) {
    // A quantum that fails leaves none of its temporary files behind.
    for (const f of written) fs.rmSync(f, { force: true });
    throw withQuantumLog(e, lines);
  }
  // Per-isolate memory (heap plus typed-array backing stores) while the outputs are still alive:
  // worker threads share one process, so its RSS would mix every quantum running at once.
  const heap = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
  const peakMemoryBytes = Math.max(heap.used_heap_size + (heap.external_memory ?? 0), heap.peak_malloced_memory);
  return { outputs, startedAt, endedAt: Date.now(), peakMemoryBytes, timings, log: lines.join('\n') };
}

/**
 * Outputs at least this large are written by the worker to the temporary path the job names;
 * smaller ones go back as bytes for the server to stage. What the worker saves by writing is the
 * transfer of multi-megabyte buffers, whose external memory drove the main isolate's full
 * collections (22 per 48 raws to 1); for a small file it saves nothing, and costs more: the
 * worker pays the file's creation (~0.1-0.2 ms of CPU here, formerly the I/O pool's), and
 * registrations that write nothing finish sooner, so the batches of many tiny quanta settle
 * smaller and each pays its transaction's fixed statements (measured on 1000 no-op quanta:
 * 6-8 batches became 28-52, the main thread's CPU per quantum 0.9-1.5 -> 1.5-2.1 ms on PGlite).
 */
const WORKER_WRITES_MIN_BYTES = 256 << 10;

/** Inputs up to this size are read into one buffer the thread keeps (see readInput); outputs up to it encoded into another (encodeBuffer). */
const SCRATCH_MAX_BYTES = 64 << 20;
let scratch: Buffer | undefined;
let encodeScratch: Uint8Array | undefined;

/**
 * A zeroed buffer of `byteLength` bytes for an output's encoding: a view of one this thread keeps
 * (grown to the largest output so far), valid until the next output is encoded. Only for bytes
 * that are written to their file here and dropped (never transferred, never kept: a hand-off is
 * decoded from them first, by a codec that copies what it keeps, or from a copy): a fresh
 * multi-megabyte buffer per output is what drives a worker's full collections.
 */
function encodeBuffer(byteLength: number): Uint8Array {
  if (byteLength > SCRATCH_MAX_BYTES) return new Uint8Array(byteLength);
  if (!encodeScratch || encodeScratch.length < byteLength) encodeScratch = new Uint8Array(byteLength);
  else encodeScratch.fill(0, 0, byteLength);
  return encodeScratch.subarray(0, byteLength);
}

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

/**
 * Writes an output to the temporary path the server chose for it (next to its final path, named
 * so that Datastore.sweepStaleTemps removes it should the server die): created, never
 * overwritten ('wx'), synchronously, since this thread has nothing else to do meanwhile. Not
 * fsynced here: the server fsyncs it when it registers the file (Datastore.syncStaged), in the
 * I/O pool while this thread computes the next quantum, instead of this thread waiting for the
 * disk. Measured on the two-core VM's ext4: an fsync of a freshly written 4 MiB file takes 4.4 ms
 * (median; p90 8 ms), so ~10 ms per isr or characterizeImage quantum of the worker waiting; the
 * process's CPU per raw was the same either way within the machine's noise (1-worker runner
 * bench, 3 runs each: 273-312 ms fsyncing here, 275-330 ms on the server).
 */
function writeOutput(tempPath: string, bytes: Uint8Array): void {
  fs.mkdirSync(path.dirname(tempPath), { recursive: true });
  // Created here or not at all: a file already at the path (not ours) is never written over nor removed.
  const fd = fs.openSync(tempPath, 'wx', 0o644);
  try {
    for (let off = 0; off < bytes.byteLength; ) off += fs.writeSync(fd, bytes, off, bytes.byteLength - off);
  } catch (e) {
    fs.closeSync(fd);
    fs.rmSync(tempPath, { force: true });
    throw e;
  }
  fs.closeSync(fd);
}

/** The checksum the datastore records for a file of these bytes. */
export function sha256(bytes: Uint8Array): string {
  return `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
}
