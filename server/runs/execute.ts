import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { datasetKey } from './graph/build.ts';
import { QuantumCancelledError, type Executor } from '../../runner/executors/executor.ts';
import type { QuantumJob, QuantumResult } from '../../runner/worker-job.ts';
import { splitQuantumLog } from '../../runner/quantum-log.ts';
import type { Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { quanta, runs, users, type QuantumPlan, type QuantumTimings, type SoftwareVersion } from '../db/schema/index.ts';
import { findDatasets, getDatasets, newLookupCache, putQuantaOutputs, type Datastore, type LookupCache, type DatasetRef, type OutputGroup, type PutItem, sortDimensions, storageClass } from '../repo/index.ts';
import type { Logger } from '../log.ts';
import { getRun } from './queries.ts';
import { dropIntermediates, markUnstored } from './intermediates.ts';
import { quantumSeed } from './seed.ts';
import { TaskTimingTotals } from './timings.ts';
import type { RunProgress, RunStatus } from './types.ts';

export interface ExecuteDeps {
  db: Db;
  datastore: Datastore;
  executor: Executor;
  log: Logger;
}

export interface ExecuteOptions {
  onProgress?: (p: RunProgress) => void;
  /** Stops starting new quanta; running ones finish and are registered. */
  signal?: AbortSignal;
  /**
   * Aborted when the run is cancelled (cancelRun): quanta stop starting, running ones are stopped
   * and set back to pending, finished ones are kept, and the run ends `cancelled`, resumable.
   */
  cancel?: AbortSignal;
  /** True once another process took the run over (RunManager): its final state is then not written here. */
  isLost?: () => boolean;
}

interface QuantumRow {
  id: string;
  taskLabel: string;
  dataId: Record<string, string | number>;
  status: string;
  taskClass: string | null;
  config: Record<string, unknown> | null;
  configHash: string | null;
  plan: QuantumPlan | null;
}

/**
 * Executes (or resumes) a run: quanta whose inputs all exist run as soon as a worker is free;
 * finished quanta have their outputs and provenance registered in batches, one transaction per
 * batch (all or nothing for the quanta in it); a failure marks the
 * quanta downstream of it `blocked` while the others go on. Quanta that already succeeded are
 * kept, so a run whose process died resumes where it stopped and registers nothing twice.
 */
export async function executeRun(deps: ExecuteDeps, runName: string, opts: ExecuteOptions = {}): Promise<RunStatus> {
  const { db } = deps;
  const run = await getRun(db, runName);
  const [owner] = await db.select().from(users).where(eq(users.id, run.ownerId));
  const actor: Actor = { id: owner!.id, name: owner!.name, role: owner!.role as Actor['role'] };
  await db.update(quanta).set({ status: 'pending', error: null }).where(and(eq(quanta.runId, run.collectionId), ne(quanta.status, 'succeeded')));
  await db.update(runs).set({ status: 'running', startedAt: run.startedAt ?? new Date(), endedAt: null, error: null, cancelRequestedAt: null }).where(eq(runs.id, run.id));

  const rows = (await db.select().from(quanta).where(eq(quanta.runId, run.collectionId))) as QuantumRow[];
  // Registry lookups repeated by every batch of outputs (types, dimension records), kept for the execution.
  const lookups = newLookupCache();
  const available = await availableDatasets(db, run.name, rows, lookups);
  const state = new Map(rows.map((q) => [q.id, q.status]));
  const consumers = new Map<string, QuantumRow[]>();
  for (const q of rows) {
    for (const i of q.plan!.inputs) {
      const key = datasetKey(i.datasetType, i.dataId);
      const list = consumers.get(key);
      if (list) list.push(q);
      else consumers.set(key, [q]);
    }
  }

  // Intermediates (`persist: false` outputs) of this run not yet dropped, by dataset key. Unless
  // the run saves them, each goes as soon as every quantum that reads it has succeeded (none may
  // read it again, a resume included), not all at the run's end: a long run's disk holds only the
  // intermediates still to be read, and the run ends without waiting for all their unlinks
  // (~200 ms for the runner bench's 48 exposures, most of it waiting on the filesystem).
  const intermediates = new Set(run.saveIntermediates ? [] : rows.flatMap((q) => q.plan!.outputs.flatMap((o) => (o.persist ? [] : [datasetKey(o.datasetType, o.dataId)]))));
  // Files of dropped intermediates being removed, beside execution; awaited before the run ends.
  const removals: Promise<void>[] = [];

  const progress = (): RunProgress => {
    const p: RunProgress = { total: rows.length, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0 };
    for (const s of state.values()) p[s as keyof Omit<RunProgress, 'total'>]++;
    return p;
  };
  const isReady = (q: QuantumRow) => state.get(q.id) === 'pending' && q.plan!.inputs.every((i) => available.has(inputKey(i)));
  const ready: QuantumRow[] = rows.filter(isReady);
  const queued = new Set(ready.map((q) => q.id));
  const timings = new TaskTimingTotals(run.taskTimings);
  opts.onProgress?.(progress());

  const block = async (failed: QuantumRow) => {
    const blocked: string[] = [];
    const stack = [failed];
    while (stack.length > 0) {
      const q = stack.pop()!;
      for (const o of q.plan!.outputs) {
        for (const c of consumers.get(datasetKey(o.datasetType, o.dataId)) ?? []) {
          if (state.get(c.id) !== 'pending') continue;
          state.set(c.id, 'blocked');
          blocked.push(c.id);
          stack.push(c);
        }
      }
    }
    if (blocked.length > 0) await db.update(quanta).set({ status: 'blocked' }).where(inArray(quanta.id, blocked));
  };
  const failNow = async (q: QuantumRow, e: unknown) => {
    const { error: message, log } = splitQuantumLog(e instanceof Error ? (e.stack ?? e.message) : String(e));
    deps.log.warn({ quantum: q.id, task: q.taskLabel, dataId: q.dataId, err: message }, 'quantum failed');
    state.set(q.id, 'failed');
    await db.update(quanta).set({ status: 'failed', error: message, log, endedAt: new Date(), host: os.hostname(), executor: deps.executor.name }).where(eq(quanta.id, q.id));
    await block(q);
  };
  // A batch executor gave the quantum back unexecuted (the run's execution stopped): pending again.
  const requeueNow = async (q: QuantumRow) => {
    state.set(q.id, 'pending');
    await db.update(quanta).set({ status: 'pending', startedAt: null }).where(and(eq(quanta.id, q.id), ne(quanta.status, 'succeeded')));
  };

  // A worker slot frees as soon as its quantum's outputs are back; registering them (files and
  // database) overlaps with the next quanta's computation instead of holding the slot.
  // `executing` holds the quanta on a worker; `changed` and `wake` tell the scheduling loop below
  // that a slot freed, quanta became ready or bookkeeping finished.
  let changed = false;
  let wake: () => void = () => {};
  const executing = new Set<Promise<void>>();

  // Every write about quanta while the run executes (marking them running, registering finished
  // ones, failing, requeueing) goes through one lane, in the order things happened: the
  // scheduling loop never waits for the database, and a quantum's rows never see its states out
  // of order. `crash` keeps an error of the bookkeeping itself (the database gone) for the loop.
  let crash: unknown;
  let lane: Promise<void> = Promise.resolve();
  let laneTasks = 0;
  const enqueue = (fn: () => Promise<void>) => {
    laneTasks++;
    lane = lane
      .then(fn)
      .catch((e: unknown) => void (crash ??= e))
      .finally(() => {
        laneTasks--;
        changed = true;
        wake();
      });
  };
  const fail = (q: QuantumRow, e: unknown) => enqueue(() => failNow(q, e).then(() => opts.onProgress?.(progress())));
  const requeue = (q: QuantumRow) => enqueue(() => requeueNow(q).then(() => opts.onProgress?.(progress())));

  // Quanta handed to the executor since the last flush; one statement marks them all running.
  let toMark: string[] = [];
  let markQueued = false;
  const markRunning = (id: string) => {
    toMark.push(id);
    if (markQueued) return;
    markQueued = true;
    enqueue(async () => {
      markQueued = false;
      const ids = toMark;
      toMark = [];
      // A quantum that already finished and was registered (succeeded) is left alone.
      for (let i = 0; i < ids.length; i += 1000) {
        await db
          .update(quanta)
          .set({ status: 'running', startedAt: new Date() })
          .where(and(inArray(quanta.id, ids.slice(i, i + 1000)), eq(quanta.status, 'pending')));
      }
    });
  };

  // Registration of finished quanta runs beside execution, one batch at a time: everything that
  // finished while the previous batch was being registered goes in the next one, in a single
  // transaction. Small quanta then cost one transaction per batch, not one each.
  const finished: Finished[] = [];
  const register = async (batch: Finished[]) => {
    const t0 = performance.now();
    let answers: Awaited<ReturnType<typeof putQuantaOutputs>>;
    try {
      // Files a worker wrote survive a failed batch (keepStaged) for the retry one by one below;
      // a quantum failing alone has them discarded.
      const groups = batch.map((f) => outputGroup(f, run, deps.executor.name, available));
      answers = await putQuantaOutputs(db, deps.datastore, { run: run.name, groups, cache: lookups, keepStaged: batch.length > 1 }, actor);
    } catch (e) {
      if (batch.length === 1) return failNow(batch[0]!.q, e);
      // One bad quantum must not fail the batch: register each alone, so only it fails.
      for (const f of batch) await register([f]);
      return;
    }
    // Files are written a few at once, so their summed times can exceed the batch's: never below 0.
    const registerMs = Math.max(0, performance.now() - t0 - answers.reduce((sum, a) => sum + a.writeMs, 0)) / batch.length;
    for (const [k, f] of batch.entries()) {
      const { refs, writeMs } = answers[k]!;
      timings.add(f.q.taskLabel, { ...f.timings, writeMs: f.timings.writeMs + writeMs }, registerMs);
      for (const ref of refs) available.set(datasetKey(ref.datasetType, ref.dataId), ref);
      state.set(f.q.id, 'succeeded');
      for (const ref of refs) {
        for (const c of consumers.get(datasetKey(ref.datasetType, ref.dataId)) ?? []) {
          if (!queued.has(c.id) && isReady(c)) {
            queued.add(c.id);
            ready.push(c);
          }
        }
      }
    }
    await dropSpent(batch);
  };
  // The intermediates these newly succeeded quanta read or wrote that no quantum will read again:
  // their rows are marked unstored here, in the lane, and their files removed beside execution.
  // A file that cannot be removed is logged and left (its row already says it is gone).
  const dropSpent = async (batch: Finished[]) => {
    // Nothing left to drop (a run that saves its intermediates, or has none): no keys to build.
    if (intermediates.size === 0) return;
    const spent: string[] = [];
    for (const { q } of batch) {
      for (const d of [...q.plan!.inputs.filter((i) => !i.existingId), ...q.plan!.outputs]) {
        const key = datasetKey(d.datasetType, d.dataId);
        if (!intermediates.has(key) || !(consumers.get(key) ?? []).every((c) => state.get(c.id) === 'succeeded')) continue;
        intermediates.delete(key);
        spent.push(available.get(key)!.id);
      }
    }
    const paths = await markUnstored(db, run.collectionId, spent);
    if (paths.length === 0) return;
    removals.push(deps.datastore.removeMany(paths).catch((e: unknown) => deps.log.warn({ run: run.name, err: String(e) }, 'files of dropped intermediates not removed')));
  };
  // While quanta wait in the ready queue, no worker waits for what a registration would make
  // ready, so the next batch may linger a moment for more finished quanta to join it: each
  // transaction's fixed statements are then shared by several quanta, not paid by each of a
  // stream of big quanta that finish one at a time. Cut short once the queue runs dry, the batch
  // is full, or the run stops.
  let endLinger: (() => void) | undefined;
  const mayLinger = () => ready.length > 0 && finished.length < LINGER_BATCH && !opts.signal?.aborted && !opts.cancel?.aborted && !crash;
  const linger = () =>
    new Promise<void>((resolve) => {
      const timer = setTimeout(() => endLinger?.(), REGISTRATION_LINGER_MS);
      endLinger = () => {
        clearTimeout(timer);
        endLinger = undefined;
        resolve();
      };
    });
  let drainQueued = false;
  const scheduleRegistration = () => {
    if (drainQueued) return;
    drainQueued = true;
    enqueue(async () => {
      if (mayLinger()) await linger();
      // Quanta finishing from here on queue the next batch.
      drainQueued = false;
      const batch = finished.splice(0, MAX_REGISTRATION_BATCH);
      if (finished.length > 0) scheduleRegistration();
      if (batch.length === 0) return;
      await register(batch);
      opts.onProgress?.(progress());
    });
  };

  // A batch executor cancels its jobs when the execution stops for any reason, a user's cancel included.
  const stopped = opts.signal && opts.cancel ? AbortSignal.any([opts.signal, opts.cancel]) : (opts.signal ?? opts.cancel);
  const launch = (q: QuantumRow) => {
    state.set(q.id, 'running');
    markRunning(q.id);
    // Where the executor's worker writes each output, when it does (the local executor): a
    // temporary name next to the final path, decided here, so path safety stays on this side.
    const files = deps.executor.writesOutputs ? q.plan!.outputs.map((o) => stagingPaths(deps.datastore, run.name, o)) : undefined;
    const job = jobFor(q, run.seed, available, deps.datastore, deps.executor.affinity ? { consumers, state } : undefined, files);
    const dispatchedAt = Date.now();
    const task = deps.executor.run(job, { run: run.name, signal: stopped, cancel: opts.cancel }).then(
      (result) => {
        // writeMs: the worker's time writing the files, if it wrote them; registration adds the server's.
        finished.push({ q, result, files, timings: { queueMs: Math.max(0, result.startedAt - dispatchedAt), ...result.timings, writeMs: result.timings.writeMs ?? 0 } });
        scheduleRegistration();
      },
      async (e: unknown) => {
        // What the worker wrote before it failed or was stopped is not kept (it removes its own
        // files when the task fails; a terminated thread cannot).
        if (files) await Promise.all(files.map((f) => deps.datastore.discard(f)));
        // Stopped by a cancellation: not a failure; it runs again when the run is resumed.
        if (opts.cancel?.aborted) {
          state.set(q.id, 'pending');
          return;
        }
        if (e instanceof QuantumCancelledError) requeue(q);
        else fail(q, e);
      },
    );
    const done = task.catch((e: unknown) => void (crash ??= e)).finally(() => {
      executing.delete(done);
      changed = true;
      wake();
    });
    executing.add(done);
  };

  // Whether to hand the executor another quantum now, and where it would go: to an idle worker;
  // or queued behind running quanta: this run's share of the executor (`concurrency`), whatever
  // other runs on it hold, or one more per worker for an executor that prefetches, while at least
  // twice as many quanta as workers are ready (so the run's last quanta never wait behind another
  // while a worker idles).
  const slot = (): 'idle' | 'queue' | undefined => {
    if (ready.length === 0 || opts.signal?.aborted || crash) return undefined;
    const { concurrency, prefetch = 0 } = deps.executor;
    const idle = deps.executor.idle?.();
    if (idle !== undefined && idle > 0) return 'idle';
    if (executing.size < concurrency) return idle === undefined ? 'idle' : 'queue';
    return prefetch > 0 && executing.size < concurrency * (1 + prefetch) && ready.length >= 2 * concurrency ? 'queue' : undefined;
  };

  // The next quantum to launch: in order, except that one whose inputs the worker it would go to
  // holds decoded goes first (a free worker's, or for a queued one a busy worker's with room), and
  // one whose inputs only other workers hold waits for them while others can run.
  const takeReady = (where: 'idle' | 'queue'): QuantumRow => {
    const affinity = deps.executor.affinity?.bind(deps.executor);
    if (!affinity || ready.length === 1) return ready.shift()!;
    const best = where === 'idle' ? 'free' : 'room';
    let other = -1;
    for (let k = 0; k < Math.min(ready.length, AFFINITY_WINDOW); k++) {
      const held = affinity(ready[k]!.plan!.inputs.map((i) => available.get(inputKey(i))!.checksum));
      if (held === best) return ready.splice(k, 1)[0]!;
      if (held === 'none' && other < 0) other = k;
    }
    return ready.splice(Math.max(0, other), 1)[0]!;
  };

  try {
    await schedule();
  } finally {
    // A batch executor cancels what it still holds of the run and forgets its credential.
    await deps.executor.endRun?.(run.name);
  }

  async function schedule() {
    for (;;) {
      for (let where = slot(); where; where = slot()) launch(takeReady(where));
      if (endLinger && !mayLinger()) endLinger();
      if (executing.size === 0 && laneTasks === 0) break;
      if (!changed) await new Promise<void>((resolve) => (wake = resolve));
      changed = false;
      if (crash) throw crash;
    }
  }

  const final = progress();
  if (opts.isLost?.()) return 'cancelled';
  const cancelled = Boolean(opts.cancel?.aborted);
  const status: RunStatus = final.succeeded === final.total ? 'succeeded' : cancelled || (opts.signal?.aborted && final.failed === 0) ? 'cancelled' : 'failed';
  await Promise.all(removals);
  if (status === 'succeeded' && !run.saveIntermediates) await dropIntermediates(db, deps.datastore, run.collectionId, rows);
  // Quanta stopped mid-way are pending again (the statement marking launched quanta running may
  // have landed after their abort), so a resume runs them.
  if (status === 'cancelled') await db.update(quanta).set({ status: 'pending', startedAt: null }).where(and(eq(quanta.runId, run.collectionId), eq(quanta.status, 'running')));
  const error =
    status === 'failed'
      ? `${final.failed} quanta failed, ${final.blocked} blocked, ${final.pending} not run`
      : cancelled && status === 'cancelled'
        ? `cancelled: ${final.succeeded} of ${final.total} quanta finished and are kept; ${final.pending} not run (vera runs resume continues it)`
        : null;
  await db.update(runs).set({ status, endedAt: new Date(), error, taskTimings: timings.toJSON() }).where(eq(runs.id, run.id));
  return status;
}

/** How many ready quanta the scheduler looks through for one whose inputs a free worker holds. */
const AFFINITY_WINDOW = 16;

/** Outputs of at most this many finished quanta are registered in one transaction. */
const MAX_REGISTRATION_BATCH = 256;

/**
 * How long a registration batch may wait for more finished quanta while others are ready to run,
 * and how many it waits for at most. Measured on the runner bench (48 raws of isr +
 * characterizeImage, 2 workers, PGlite): quanta finish ~60 ms apart and registered one per
 * transaction, 4 statements each; lingering 200 ms took the run from 397 statements to 116 and
 * the main thread from 17 to 10 ms of CPU per raw. A quantum is at most this much later in the
 * registry (and a crash in between reruns it).
 */
const REGISTRATION_LINGER_MS = 200;
const LINGER_BATCH = 64;

/** A quantum whose outputs came back from the executor, waiting to be registered. */
interface Finished {
  q: QuantumRow;
  result: QuantumResult;
  /** Per planned output, where the worker was told to write it (executors that write outputs). */
  files: StagingPaths[] | undefined;
  timings: QuantumTimings;
}

/** An output's final path in the datastore (relative) and the temporary file its worker writes. */
interface StagingPaths {
  path: string;
  tempAbsPath: string;
}

/**
 * The path registration will give the output (putQuantaOutputs: `pathFor` of the data ID with its
 * keys in the universe's order; a plan read back from jsonb has them in another order), and a
 * temporary name next to it. Should they still differ, registration renames the file.
 */
function stagingPaths(store: Datastore, runName: string, o: QuantumPlan['outputs'][number]): StagingPaths {
  const dataId = Object.fromEntries(sortDimensions(Object.keys(o.dataId)).map((k) => [k, o.dataId[k]!]));
  const path = store.pathFor(runName, o.datasetType, dataId, storageClass(o.storageClass).extension);
  return { path, tempAbsPath: store.tempPathFor(path) };
}

/** The outputs of a finished quantum and its provenance, as the repository registers them. */
function outputGroup(f: Finished, run: { name: string; software: SoftwareVersion | null }, executor: string, available: Map<string, DatasetRef>): OutputGroup {
  const { q, result } = f;
  return {
    items: q.plan!.outputs.map((o, k): PutItem => {
      const out = result.outputs.find((r) => r.connection === o.connection)!;
      if (!out.written) return { datasetType: o.datasetType, dataId: o.dataId, content: out.bytes, checksum: out.checksum };
      // The paths this side chose (not ones the worker reports), with the size and checksum of what it wrote there.
      const file = f.files?.[k];
      if (!file || file.tempAbsPath !== out.written.tempAbsPath) throw new Error(`quantum ${q.id}: output '${o.connection}' was written to ${out.written.tempAbsPath}, not where it was asked to`);
      return { datasetType: o.datasetType, dataId: o.dataId, staged: { ...file, sizeBytes: out.written.sizeBytes, checksum: out.checksum } };
    }),
    quantum: {
      id: q.id,
      taskLabel: q.taskLabel,
      dataId: q.dataId,
      inputs: q.plan!.inputs.map((i) => ({ datasetId: available.get(inputKey(i))!.id, connection: i.connection })),
      provenance: {
        taskClass: q.taskClass!,
        config: q.config ?? {},
        configHash: q.configHash ?? '',
        software: run.software,
        executor,
        host: result.host ?? os.hostname(),
        startedAt: new Date(result.startedAt),
        endedAt: new Date(result.endedAt),
        peakMemoryBytes: result.peakMemoryBytes,
        timings: f.timings,
        log: result.log,
      },
    },
  };
}

function inputKey(i: QuantumPlan['inputs'][number]): string {
  return i.existingId ? `id:${i.existingId}` : datasetKey(i.datasetType, i.dataId);
}

/** Datasets quanta may read: existing inputs (by id) and outputs this run already registered. */
async function availableDatasets(db: Db, runName: string, rows: QuantumRow[], lookups: LookupCache): Promise<Map<string, DatasetRef>> {
  const out = new Map<string, DatasetRef>();
  const existing = [...new Set(rows.flatMap((q) => q.plan!.inputs.flatMap((i) => (i.existingId ? [i.existingId] : []))))];
  for (let i = 0; i < existing.length; i += 1000) for (const ref of await getDatasets(db, existing.slice(i, i + 1000))) out.set(`id:${ref.id}`, ref);
  const types = [...new Set(rows.flatMap((q) => q.plan!.outputs.map((o) => o.datasetType)))];
  for (const t of types) {
    for (const ref of await findDatasets(db, { datasetType: t, collections: [runName], includeUnstored: true }, lookups)) out.set(datasetKey(ref.datasetType, ref.dataId), ref);
  }
  return out;
}

/**
 * The worker's message for a quantum. `readers` (executors whose workers keep decoded datasets
 * between quanta): each dataset's consuming quanta in this run, and where each quantum stands.
 */
function jobFor(
  q: QuantumRow,
  runSeed: number,
  available: Map<string, DatasetRef>,
  store: Datastore,
  readers: { consumers: Map<string, QuantumRow[]>; state: Map<string, string> } | undefined,
  files: StagingPaths[] | undefined,
): QuantumJob {
  const [modulePath, exportName] = q.taskClass!.split('#') as [string, string];
  const byConnection = new Map<string, QuantumJob['inputs'][number]>();
  for (const i of q.plan!.inputs) {
    const ref = available.get(inputKey(i))!;
    const entry = byConnection.get(i.connection) ?? { connection: i.connection, multiple: i.multiple, datasets: [] };
    // An output of this run that no other quantum of it still has to read (the others that read it have run).
    const others = i.existingId ? undefined : readers?.consumers.get(datasetKey(i.datasetType, i.dataId));
    const lastUse = others?.every((c) => c.id === q.id || readers!.state.get(c.id) === 'succeeded') ?? false;
    entry.datasets.push({ absPath: store.resolve(ref.path), storageClass: i.storageClass, dataId: ref.dims, checksum: ref.checksum, ...(lastUse ? { lastUse } : {}) });
    byConnection.set(i.connection, entry);
  }
  return {
    quantumId: q.id,
    taskLabel: q.taskLabel,
    modulePath,
    exportName,
    config: q.config ?? {},
    dataId: q.dataId,
    seed: quantumSeed(runSeed, q.taskLabel, q.dataId),
    inputs: [...byConnection.values()],
    // An output read by a later quantum of this run is kept decoded in the worker (execute-quantum.ts),
    // when the executor's workers outlive a quantum and it can send the consumer there (`consumers`).
    outputs: q.plan!.outputs.map((o, k) => ({
      connection: o.connection,
      storageClass: o.storageClass,
      dataId: o.dataId,
      handoff: readers?.consumers.has(datasetKey(o.datasetType, o.dataId)) ?? false,
      tempPath: files?.[k]!.tempAbsPath,
    })),
  };
}
