import os from 'node:os';
import { and, eq, inArray, ne } from 'drizzle-orm';
import { datasetKey } from './graph/build.ts';
import type { Executor } from '../../runner/executors/local.ts';
import type { QuantumJob } from '../../runner/worker-job.ts';
import type { Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { quanta, runs, users, type QuantumPlan } from '../db/schema/index.ts';
import { findDatasets, getDatasets, putDatasets, type Datastore, type DatasetRef } from '../repo/index.ts';
import type { Logger } from '../log.ts';
import { getRun } from './queries.ts';
import { dropIntermediates } from './intermediates.ts';
import { quantumSeed } from './seed.ts';
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
 * each success registers its outputs and provenance in one transaction; a failure marks the
 * quanta downstream of it `blocked` while the others go on. Quanta that already succeeded are
 * kept, so a run whose process died resumes where it stopped and registers nothing twice.
 */
export async function executeRun(deps: ExecuteDeps, runName: string, opts: ExecuteOptions = {}): Promise<RunStatus> {
  const { db } = deps;
  const run = await getRun(db, runName);
  const [owner] = await db.select().from(users).where(eq(users.id, run.ownerId));
  const actor: Actor = { id: owner!.id, name: owner!.name, role: owner!.role as Actor['role'] };
  await db.update(quanta).set({ status: 'pending', error: null }).where(and(eq(quanta.runId, run.collectionId), ne(quanta.status, 'succeeded')));
  await db.update(runs).set({ status: 'running', startedAt: run.startedAt ?? new Date(), endedAt: null, error: null }).where(eq(runs.id, run.id));

  const rows = (await db.select().from(quanta).where(eq(quanta.runId, run.collectionId))) as QuantumRow[];
  const available = await availableDatasets(db, run.name, rows);
  const state = new Map(rows.map((q) => [q.id, q.status]));
  const producers = new Map<string, QuantumRow>();
  for (const q of rows) for (const o of q.plan!.outputs) producers.set(datasetKey(o.datasetType, o.dataId), q);
  const consumers = new Map<string, QuantumRow[]>();
  for (const q of rows) for (const i of q.plan!.inputs) consumers.set(datasetKey(i.datasetType, i.dataId), [...(consumers.get(datasetKey(i.datasetType, i.dataId)) ?? []), q]);

  const progress = (): RunProgress => {
    const p: RunProgress = { total: rows.length, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0 };
    for (const s of state.values()) p[s as keyof Omit<RunProgress, 'total'>]++;
    return p;
  };
  const isReady = (q: QuantumRow) => state.get(q.id) === 'pending' && q.plan!.inputs.every((i) => available.has(inputKey(i)));
  const ready: QuantumRow[] = rows.filter(isReady);
  const running = new Set<Promise<void>>();
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

  // A worker slot frees as soon as its quantum's outputs are back; registering them (files and
  // database) overlaps with the next quantum's computation instead of holding the slot.
  let computing = 0;
  let freed = false;
  let wake: () => void = () => {};
  const launch = (q: QuantumRow) => {
    computing++;
    state.set(q.id, 'running');
    const job = jobFor(q, run.seed, available, deps.datastore);
    const task = (async () => {
      await db.update(quanta).set({ status: 'running', startedAt: new Date() }).where(eq(quanta.id, q.id));
      try {
        const result = await deps.executor.run(job).finally(() => {
          computing--;
          freed = true;
          wake();
        });
        const refs = await putDatasets(
          db,
          deps.datastore,
          {
            run: run.name,
            items: q.plan!.outputs.map((o) => ({
              datasetType: o.datasetType,
              dataId: o.dataId,
              content: result.outputs.find((r) => r.connection === o.connection)!.bytes,
            })),
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
                executor: deps.executor.name,
                host: os.hostname(),
                startedAt: new Date(result.startedAt),
                endedAt: new Date(result.endedAt),
                peakMemoryBytes: result.peakMemoryBytes,
                log: result.log,
              },
            },
          },
          actor,
        );
        for (const ref of refs) available.set(datasetKey(ref.datasetType, ref.dataId), ref);
        state.set(q.id, 'succeeded');
        for (const ref of refs) for (const c of consumers.get(datasetKey(ref.datasetType, ref.dataId)) ?? []) if (isReady(c) && !ready.includes(c)) ready.push(c);
      } catch (e) {
        const message = e instanceof Error ? (e.stack ?? e.message) : String(e);
        deps.log.warn({ quantum: q.id, task: q.taskLabel, dataId: q.dataId, err: message }, 'quantum failed');
        state.set(q.id, 'failed');
        await db
          .update(quanta)
          .set({ status: 'failed', error: message, endedAt: new Date(), host: os.hostname(), executor: deps.executor.name })
          .where(eq(quanta.id, q.id));
        await block(q);
      }
      opts.onProgress?.(progress());
    })();
    running.add(task);
    void task.finally(() => running.delete(task));
  };

  while (ready.length > 0 || running.size > 0) {
    while (ready.length > 0 && computing < deps.executor.concurrency && !opts.signal?.aborted) launch(ready.shift()!);
    if (running.size === 0) break;
    if (!freed) await Promise.race([...running, new Promise<void>((resolve) => (wake = resolve))]);
    freed = false;
  }

  const final = progress();
  if (opts.isLost?.()) return 'cancelled';
  const status: RunStatus = final.succeeded === final.total ? 'succeeded' : opts.signal?.aborted && final.failed === 0 ? 'cancelled' : 'failed';
  if (status === 'succeeded' && !run.saveIntermediates) await dropIntermediates(db, deps.datastore, run.collectionId, rows);
  const error = status === 'failed' ? `${final.failed} quanta failed, ${final.blocked} blocked, ${final.pending} not run` : null;
  await db.update(runs).set({ status, endedAt: new Date(), error }).where(eq(runs.id, run.id));
  return status;
}

function inputKey(i: QuantumPlan['inputs'][number]): string {
  return i.existingId ? `id:${i.existingId}` : datasetKey(i.datasetType, i.dataId);
}

/** Datasets quanta may read: existing inputs (by id) and outputs this run already registered. */
async function availableDatasets(db: Db, runName: string, rows: QuantumRow[]): Promise<Map<string, DatasetRef>> {
  const out = new Map<string, DatasetRef>();
  const existing = [...new Set(rows.flatMap((q) => q.plan!.inputs.flatMap((i) => (i.existingId ? [i.existingId] : []))))];
  for (let i = 0; i < existing.length; i += 1000) for (const ref of await getDatasets(db, existing.slice(i, i + 1000))) out.set(`id:${ref.id}`, ref);
  const types = [...new Set(rows.flatMap((q) => q.plan!.outputs.map((o) => o.datasetType)))];
  for (const t of types) {
    for (const ref of await findDatasets(db, { datasetType: t, collections: [runName] })) out.set(datasetKey(ref.datasetType, ref.dataId), ref);
  }
  return out;
}

function jobFor(q: QuantumRow, runSeed: number, available: Map<string, DatasetRef>, store: Datastore): QuantumJob {
  const [modulePath, exportName] = q.taskClass!.split('#') as [string, string];
  const byConnection = new Map<string, QuantumJob['inputs'][number]>();
  for (const i of q.plan!.inputs) {
    const ref = available.get(inputKey(i))!;
    const entry = byConnection.get(i.connection) ?? { connection: i.connection, multiple: i.multiple, datasets: [] };
    entry.datasets.push({ absPath: store.resolve(ref.path), storageClass: i.storageClass, dataId: ref.dims });
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
    outputs: q.plan!.outputs.map((o) => ({ connection: o.connection, storageClass: o.storageClass, dataId: o.dataId })),
  };
}
