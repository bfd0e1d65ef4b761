import crypto from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { datasets, quanta, quantumInputs } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { requireOwner, requireRole, type Actor } from '../auth/roles.ts';
import { getCollection } from './collections.ts';
import { getDatasetType, groupOf } from './dataset-types.ts';
import { expandDataIds } from './dimensions.ts';
import type { Datastore, Content, StagedFile } from './datastore/index.ts';
import { pgErrorCode } from '../db/pg-errors.ts';
import { storageClass } from './storage-classes.ts';
import type { QuantumTimings, SoftwareVersion } from '../db/schema/index.ts';
import type { Collection, DataId, DatasetRef, DatasetType } from './types.ts';

export interface DatasetRecordSpec {
  datasetType: string;
  dataId: DataId;
  /** Set to keep a known id (a re-ingest); a new random UUID otherwise. */
  id?: string | undefined;
  path: string;
  sizeBytes: number;
  checksum: string;
}

/** How a quantum ran: recorded with its outputs, in the same transaction. */
export interface QuantumProvenance {
  taskClass: string;
  config: Record<string, unknown>;
  configHash: string;
  software: SoftwareVersion | null;
  executor: string;
  host: string;
  startedAt: Date;
  endedAt: Date;
  peakMemoryBytes: number;
  /** Where the quantum's time went; `putDatasets` sets `writeMs`, the time it spends writing the files. */
  timings?: QuantumTimings | undefined;
  log: string;
}

/** The quantum that produced the datasets being registered, and what it read. */
export interface QuantumSpec {
  id: string;
  taskLabel: string;
  dataId: DataId;
  inputs: readonly { datasetId: string; connection: string }[];
  provenance?: QuantumProvenance | undefined;
}

export interface RegisterRequest {
  run: string;
  datasets: readonly DatasetRecordSpec[];
  quantum?: QuantumSpec | undefined;
}

const INSERT_BATCH = 1000;

/**
 * Registers datasets whose files are already in the datastore, in a RUN collection, with their
 * producing quantum, in one transaction. Data IDs are validated against the dimension records
 * and expanded with implied values.
 */
export async function registerDatasets(db: Db, req: RegisterRequest, actor: Actor): Promise<DatasetRef[]> {
  const run = await writableRun(db, req.run, actor);
  const prepared = await prepareDatasets(db, run, req.datasets);
  return commitDatasets(db, run, prepared, req.datasets, req.quantum ? [req.quantum] : [], () => req.quantum?.id ?? null);
}

/**
 * Inserts the quantum and the dataset rows in one transaction. `beforeCommit` runs inside it
 * after every row is in (the datastore publishes files there), so a failure anywhere, or a kill
 * at any point, leaves nothing registered.
 */
async function commitDatasets(
  db: Db,
  run: Collection,
  prepared: PreparedDataset[],
  files: readonly FileFacts[],
  producers: readonly QuantumSpec[],
  producerOf: (datasetIndex: number) => string | null,
  beforeCommit?: () => Promise<void>,
): Promise<DatasetRef[]> {
  const createdAt = new Date();
  const refs: DatasetRef[] = prepared.map((p, i) => ({
    id: p.id,
    datasetType: p.type.name,
    run: run.name,
    dataId: p.dataId,
    dims: p.dims,
    path: files[i]!.path,
    sizeBytes: files[i]!.sizeBytes,
    checksum: files[i]!.checksum,
    quantumId: producerOf(i),
    createdAt,
  }));
  try {
    return await db.transaction(async (tx) => {
      for (const quantum of producers) await insertQuantum(tx, run, quantum);
      for (let i = 0; i < refs.length; i += INSERT_BATCH) {
        const batch = refs.slice(i, i + INSERT_BATCH).map((r, j) => ({
          id: r.id,
          datasetTypeId: prepared[i + j]!.type.id,
          runId: run.id,
          dataId: r.dataId,
          dims: r.dims,
          path: r.path,
          sizeBytes: r.sizeBytes,
          checksum: r.checksum,
          quantumId: r.quantumId,
          createdAt,
        }));
        await tx.insert(datasets).values(batch);
      }
      await beforeCommit?.();
      return refs;
    });
  } catch (e) {
    // The unique (type, run, data ID) index decides; only a conflict pays for finding which one.
    if (pgErrorCode(e) === '23505') await explainConflict(db, run, prepared);
    throw translateInsertError(e, run.name);
  }
}

async function explainConflict(db: Db, run: Collection, prepared: PreparedDataset[]): Promise<void> {
  const byType = new Map<number, { type: DatasetType; keys: string[] }>();
  for (const p of prepared) {
    const entry = byType.get(p.type.id) ?? { type: p.type, keys: [] };
    entry.keys.push(JSON.stringify(p.dataId));
    byType.set(p.type.id, entry);
  }
  for (const { type, keys } of byType.values()) await assertNotRegistered(db, run, type, keys);
}

async function writableRun(db: Db, name: string, actor: Actor): Promise<Collection> {
  requireRole(actor, 'developer', 'registering datasets');
  const run = await getCollection(db, name);
  if (run.type !== 'RUN') throw new VeraError('COLLECTION_TYPE', `datasets are written to RUN collections; '${name}' is ${run.type}`, { collection: name });
  requireOwner(actor, run.ownerId, run.owner, `run '${name}'`);
  return run;
}

interface FileFacts {
  path: string;
  sizeBytes: number;
  checksum: string;
}

interface PreparedDataset {
  id: string;
  type: DatasetType;
  dataId: DataId;
  dims: DataId;
}

/** Resolves types, validates and expands data IDs, and refuses duplicates, before any write. */
async function prepareDatasets(
  db: Db,
  run: Collection,
  specs: readonly { datasetType: string; dataId: DataId; id?: string | undefined }[],
): Promise<PreparedDataset[]> {
  const byType = new Map<string, { type: DatasetType; indices: number[] }>();
  for (const [i, s] of specs.entries()) {
    if (!byType.has(s.datasetType)) byType.set(s.datasetType, { type: await getDatasetType(db, s.datasetType), indices: [] });
    byType.get(s.datasetType)!.indices.push(i);
  }
  const out: PreparedDataset[] = new Array(specs.length);
  for (const { type, indices } of byType.values()) {
    const expanded = await expandDataIds(db, groupOf(type), indices.map((i) => specs[i]!.dataId), `${type.name} in run '${run.name}'`);
    const seen = new Set<string>();
    indices.forEach((specIndex, j) => {
      const { dataId, dims } = expanded[j]!;
      const key = JSON.stringify(dataId);
      if (seen.has(key)) throw new VeraError('DATASET_CONFLICT', `${type.name} ${key} appears twice in one registration`, { dataId });
      seen.add(key);
      out[specIndex] = { id: specs[specIndex]!.id ?? crypto.randomUUID(), type, dataId, dims };
    });
  }
  return out;
}

async function assertNotRegistered(db: Db, run: Collection, type: DatasetType, dataIdJsons: string[]): Promise<void> {
  for (let i = 0; i < dataIdJsons.length; i += INSERT_BATCH) {
    const chunk = dataIdJsons.slice(i, i + INSERT_BATCH).map((j) => sql`${j}::jsonb`);
    const [hit] = await db
      .select({ id: datasets.id, dataId: datasets.dataId })
      .from(datasets)
      .where(and(eq(datasets.runId, run.id), eq(datasets.datasetTypeId, type.id), sql`${datasets.dataId} IN (${sql.join(chunk, sql`, `)})`))
      .limit(1);
    if (hit) {
      throw new VeraError('DATASET_CONFLICT', `run '${run.name}' already has ${type.name} ${JSON.stringify(hit.dataId)} (dataset ${hit.id})`, {
        run: run.name,
        dataset: hit.id,
      });
    }
  }
}

/**
 * Records a quantum as succeeded, creating its row or completing the pending one a run planned.
 * A quantum that already succeeded is refused: its outputs are never registered twice.
 */
async function insertQuantum(tx: Db, run: Collection, q: QuantumSpec): Promise<void> {
  const p = q.provenance;
  const values = {
    id: q.id,
    runId: run.id,
    taskLabel: q.taskLabel,
    dataId: q.dataId,
    status: 'succeeded',
    ...(p
      ? {
          taskClass: p.taskClass,
          config: p.config,
          configHash: p.configHash,
          software: p.software,
          executor: p.executor,
          host: p.host,
          startedAt: p.startedAt,
          endedAt: p.endedAt,
          peakMemoryBytes: p.peakMemoryBytes,
          timings: p.timings ?? null,
          log: p.log,
          error: null,
        }
      : {}),
  };
  const { id: _id, runId: _run, ...update } = values;
  const done = await tx
    .insert(quanta)
    .values(values)
    .onConflictDoUpdate({ target: quanta.id, set: update, setWhere: sql`${quanta.status} <> 'succeeded' AND ${quanta.runId} = ${run.id}` })
    .returning({ id: quanta.id });
  if (done.length === 0) {
    throw new VeraError('DATASET_CONFLICT', `quantum ${q.id} (${q.taskLabel}) already succeeded in run '${run.name}'; its outputs are registered`, {
      quantum: q.id,
    });
  }
  if (q.inputs.length > 0) {
    const ids = [...new Set(q.inputs.map((i) => i.datasetId))];
    const found = await tx.select({ id: datasets.id }).from(datasets).where(inArray(datasets.id, ids));
    const missing = ids.filter((id) => !found.some((f) => f.id === id));
    if (missing.length > 0) throw new VeraError('UNKNOWN_DATASET', `quantum ${q.taskLabel}: unknown input dataset(s) ${missing.join(', ')}`, { ids: missing });
    await tx
      .insert(quantumInputs)
      .values(q.inputs.map((i) => ({ quantumId: q.id, datasetId: i.datasetId, connection: i.connection })))
      .onConflictDoNothing();
  }
}

function translateInsertError(e: unknown, run: string): unknown {
  if (pgErrorCode(e) === '23505') {
    return new VeraError('DATASET_CONFLICT', `a dataset being registered in run '${run}' is already registered (same data ID or path)`, { run }, { cause: e });
  }
  return e;
}

export interface PutItem {
  datasetType: string;
  dataId: DataId;
  content: Content;
}

/**
 * Writes dataset files and registers them atomically: files are staged under temporary names,
 * rows inserted, files renamed to their final names, then the transaction commits. Whatever
 * fails (or a kill at any point) leaves no registered dataset without its complete file.
 */
export async function putDatasets(
  db: Db,
  store: Datastore,
  req: { run: string; items: readonly PutItem[]; quantum?: QuantumSpec | undefined },
  actor: Actor,
): Promise<DatasetRef[]> {
  const [group] = await putQuantaOutputs(db, store, { run: req.run, groups: [{ items: req.items, quantum: req.quantum }] }, actor);
  return group!.refs;
}

/** The outputs of one quantum (or datasets with no producer, when `quantum` is absent). */
export interface OutputGroup {
  items: readonly PutItem[];
  quantum?: QuantumSpec | undefined;
}

/**
 * `putDatasets` for the outputs of several finished quanta at once: one permission check, one
 * data-ID expansion and one transaction for all of them, which is what keeps registration off
 * the runner's critical path when quanta are small. All or nothing, like `putDatasets`. Each
 * group's answer carries its refs and the time spent writing its files (recorded in its
 * quantum's timings as `writeMs`).
 */
export async function putQuantaOutputs(
  db: Db,
  store: Datastore,
  req: { run: string; groups: readonly OutputGroup[] },
  actor: Actor,
): Promise<{ refs: DatasetRef[]; writeMs: number }[]> {
  const run = await writableRun(db, req.run, actor);
  const items = req.groups.flatMap((g) => g.items);
  const groupOfItem = req.groups.flatMap((g, k) => g.items.map(() => k));
  const prepared = await prepareDatasets(db, run, items);
  const staged: StagedFile[] = [];
  const published: string[] = [];
  try {
    const writeMs = req.groups.map(() => 0);
    for (const [i, p] of prepared.entries()) {
      const t = performance.now();
      const path = store.pathFor(run.name, p.type.name, p.dataId, storageClass(p.type.storageClass).extension);
      staged.push(await store.stage(path, items[i]!.content));
      writeMs[groupOfItem[i]!]! += performance.now() - t;
    }
    const producers = req.groups.flatMap((g, k) => (g.quantum ? [withWriteTime(g.quantum, writeMs[k]!)] : []));
    const refs = await commitDatasets(db, run, prepared, staged, producers, (i) => req.groups[groupOfItem[i]!]!.quantum?.id ?? null, async () => {
      for (const s of staged) {
        await store.publish(s);
        published.push(s.path);
      }
    });
    const out = req.groups.map((_, k) => ({ refs: [] as DatasetRef[], writeMs: writeMs[k]! }));
    refs.forEach((r, i) => out[groupOfItem[i]!]!.refs.push(r));
    return out;
  } catch (e) {
    await Promise.all(staged.map((s) => store.discard(s)));
    await Promise.all(published.map((p) => store.remove(p)));
    throw e;
  }
}

function withWriteTime(q: QuantumSpec, writeMs: number): QuantumSpec {
  const p = q.provenance;
  return p?.timings ? { ...q, provenance: { ...p, timings: { ...p.timings, writeMs } } } : q;
}
