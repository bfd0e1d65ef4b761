import crypto from 'node:crypto';
import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { datasets, quanta, quantumInputs } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { requireOwner, requireRole, type Actor } from '../auth/roles.ts';
import { getCollection } from './collections.ts';
import { groupOf } from './dataset-types.ts';
import { expandDataIds } from './dimensions.ts';
import { lookUpDatasetType, type LookupCache } from './lookup-cache.ts';
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
  /**
   * Where the quantum's time went; `putDatasets` adds to `writeMs` the time it spends writing the
   * files (or fsyncing those given staged), after what a worker spent writing them.
   */
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
      if (producers.length > 0) await insertQuanta(tx, run, producers);
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
    if (pgErrorCode(e) === '23503') await explainMissingInputs(db, producers);
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

async function writableRun(db: Db, name: string, actor: Actor, cache?: LookupCache): Promise<Collection> {
  requireRole(actor, 'developer', 'registering datasets');
  const key = `${actor.id} ${name}`;
  const known = cache?.writableRuns.get(key);
  if (known) return known;
  const run = await getCollection(db, name);
  if (run.type !== 'RUN') throw new VeraError('COLLECTION_TYPE', `datasets are written to RUN collections; '${name}' is ${run.type}`, { collection: name });
  requireOwner(actor, run.ownerId, run.owner, `run '${name}'`);
  cache?.writableRuns.set(key, run);
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
  cache?: LookupCache,
): Promise<PreparedDataset[]> {
  const byType = new Map<string, { type: DatasetType; indices: number[] }>();
  for (const [i, s] of specs.entries()) {
    if (!byType.has(s.datasetType)) byType.set(s.datasetType, { type: await lookUpDatasetType(db, s.datasetType, cache), indices: [] });
    byType.get(s.datasetType)!.indices.push(i);
  }
  const out: PreparedDataset[] = new Array(specs.length);
  for (const { type, indices } of byType.values()) {
    const expanded = await expandDataIds(db, groupOf(type), indices.map((i) => specs[i]!.dataId), `${type.name} in run '${run.name}'`, cache?.records);
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

/** Columns a quantum's provenance fills; a conflict with a planned (pending) row takes them from the new values. */
const PROVENANCE_COLUMNS = ['taskClass', 'config', 'configHash', 'software', 'executor', 'host', 'startedAt', 'endedAt', 'peakMemoryBytes', 'timings', 'log', 'error'] as const;
/** Rows per multi-row insert: quanta have 17 columns, PostgreSQL allows 65,535 parameters a statement. */
const QUANTA_PER_INSERT = 500;

/**
 * Records quanta as succeeded, creating their rows or completing the pending ones a run planned,
 * with their input links: a few multi-row statements whatever their number, since a batch of
 * small quanta would otherwise cost three round trips each. A quantum that already succeeded is
 * refused: its outputs are never registered twice.
 */
async function insertQuanta(tx: Db, run: Collection, specs: readonly QuantumSpec[]): Promise<void> {
  const seen = new Set<string>();
  for (const q of specs) {
    if (seen.has(q.id)) throw new VeraError('DATASET_CONFLICT', `quantum ${q.id} (${q.taskLabel}) appears twice in one registration`, { quantum: q.id });
    seen.add(q.id);
  }
  // With and without provenance apart: a row without it must keep what the plan wrote there.
  for (const withProvenance of [true, false]) {
    const group = specs.filter((q) => Boolean(q.provenance) === withProvenance);
    const updated = ['taskLabel', 'dataId', 'status', ...(withProvenance ? PROVENANCE_COLUMNS : [])] as const;
    const set = Object.fromEntries(updated.map((k) => [k, sql`excluded.${sql.identifier(quanta[k].name)}`]));
    for (let i = 0; i < group.length; i += QUANTA_PER_INSERT) {
      const chunk = group.slice(i, i + QUANTA_PER_INSERT);
      const done = await tx
        .insert(quanta)
        .values(chunk.map((q) => quantumValues(run, q)))
        .onConflictDoUpdate({ target: quanta.id, set, setWhere: sql`${quanta.status} <> 'succeeded' AND ${quanta.runId} = ${run.id}` })
        .returning({ id: quanta.id });
      if (done.length < chunk.length) {
        const written = new Set(done.map((d) => d.id));
        const q = chunk.find((c) => !written.has(c.id))!;
        throw new VeraError('DATASET_CONFLICT', `quantum ${q.id} (${q.taskLabel}) already succeeded in run '${run.name}'; its outputs are registered`, {
          quantum: q.id,
        });
      }
    }
  }
  // An input that is not a dataset fails the insert on its foreign key (the transaction is then
  // rolled back): only that case pays for finding which one (explainMissingInputs).
  const links = specs.flatMap((q) => q.inputs.map((i) => ({ quantumId: q.id, datasetId: i.datasetId, connection: i.connection })));
  for (let i = 0; i < links.length; i += INSERT_BATCH) await tx.insert(quantumInputs).values(links.slice(i, i + INSERT_BATCH)).onConflictDoNothing();
}

/** After a foreign-key violation: the input datasets of `specs` that do not exist, named in an UNKNOWN_DATASET error. */
async function explainMissingInputs(db: Db, specs: readonly QuantumSpec[]): Promise<void> {
  const ids = [...new Set(specs.flatMap((q) => q.inputs.map((i) => i.datasetId)))];
  for (let i = 0; i < ids.length; i += INSERT_BATCH) {
    const wanted = ids.slice(i, i + INSERT_BATCH);
    const found = new Set((await db.select({ id: datasets.id }).from(datasets).where(inArray(datasets.id, wanted))).map((f) => f.id));
    const missing = wanted.filter((id) => !found.has(id));
    if (missing.length > 0) {
      const q = specs.find((s) => s.inputs.some((input) => missing.includes(input.datasetId)))!;
      throw new VeraError('UNKNOWN_DATASET', `quantum ${q.taskLabel}: unknown input dataset(s) ${missing.join(', ')}`, { ids: missing });
    }
  }
}

function quantumValues(run: Collection, q: QuantumSpec): typeof quanta.$inferInsert {
  const p = q.provenance;
  return {
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
}

function translateInsertError(e: unknown, run: string): unknown {
  if (pgErrorCode(e) === '23505') {
    return new VeraError('DATASET_CONFLICT', `a dataset being registered in run '${run}' is already registered (same data ID or path)`, { run }, { cause: e });
  }
  return e;
}

/** A dataset to write and register: its content, or its file already staged (see `staged`). */
export type PutItem = PutContent | PutStaged;

export interface PutContent {
  datasetType: string;
  dataId: DataId;
  content: Content;
  /**
   * `sha256:<hex>` of `content` when it is one buffer whose checksum the caller computed (a
   * worker thread hashes the outputs it encodes); computed while writing otherwise.
   */
  checksum?: string | undefined;
  staged?: undefined;
}

/**
 * A dataset whose file is already written, complete, under a temporary name next to its final
 * path (`Datastore.tempPathFor(staged.path)`: a worker thread wrote a quantum's output there):
 * it is fsynced, published and, on failure, discarded like a file written here, but not written again.
 */
export interface PutStaged {
  datasetType: string;
  dataId: DataId;
  staged: StagedFile;
  content?: undefined;
  checksum?: undefined;
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
 * group's answer carries its refs and the time spent here writing (or, for files given staged,
 * fsyncing) its files (added to its quantum's timings' `writeMs`).
 */
export async function putQuantaOutputs(
  db: Db,
  store: Datastore,
  req: {
    run: string;
    groups: readonly OutputGroup[];
    cache?: LookupCache | undefined;
    /**
     * On failure, leave the items given `staged` at their temporary names (published ones are
     * renamed back) instead of discarding them: the caller registers them again (a failed batch,
     * retried quantum by quantum) and discards what finally fails.
     */
    keepStaged?: boolean | undefined;
  },
  actor: Actor,
): Promise<{ refs: DatasetRef[]; writeMs: number }[]> {
  const items = req.groups.flatMap((g) => g.items);
  const groupOfItem = req.groups.flatMap((g, k) => g.items.map(() => k));
  // Only the datastore's own temporary files are published, or removed on failure.
  for (const it of items) if (it.staged) store.assertTempFor(it.staged);
  // Files given staged: where each is now (it moves if its name was made for another path).
  const given = new Map<StagedFile, StagedFile>(items.flatMap((it) => (it.staged ? [[it.staged, it.staged] as const] : [])));
  const staged: StagedFile[] = [];
  const published: string[] = [];
  try {
    const run = await writableRun(db, req.run, actor, req.cache);
    const prepared = await prepareDatasets(db, run, items, req.cache);
    const writeMs = req.groups.map(() => 0);
    const files = [];
    for (const [i, p] of prepared.entries()) {
      const path = store.pathFor(run.name, p.type.name, p.dataId, storageClass(p.type.storageClass).extension);
      const item = items[i]!;
      if (!item.staged) files.push({ path, content: item.content, checksum: item.checksum });
      else if (item.staged.path === path) files.push({ path, staged: item.staged });
      else {
        // Named for another path than the registry gives it (its data ID written differently):
        // renamed, not copied (the directory made for the other name may stay, empty).
        const moved = await store.restage(item.staged, path);
        given.set(item.staged, moved);
        files.push({ path, staged: moved });
      }
    }
    staged.push(...(await store.stageMany(files, (i, ms) => (writeMs[groupOfItem[i]!]! += ms))));
    const producers = req.groups.flatMap((g, k) => (g.quantum ? [withWriteTime(g.quantum, writeMs[k]!)] : []));
    const refs = await commitDatasets(db, run, prepared, staged, producers, (i) => req.groups[groupOfItem[i]!]!.quantum?.id ?? null, () => store.publishMany(staged, published));
    const out = req.groups.map((_, k) => ({ refs: [] as DatasetRef[], writeMs: writeMs[k]! }));
    refs.forEach((r, i) => out[groupOfItem[i]!]!.refs.push(r));
    return out;
  } catch (e) {
    const mine = new Set(given.values());
    const isPublished = new Set(published);
    await Promise.all(staged.filter((s) => !mine.has(s) && !isPublished.has(s.path)).map((s) => store.discard(s)));
    await Promise.all(staged.filter((s) => !mine.has(s) && isPublished.has(s.path)).map((s) => store.remove(s.path)));
    await Promise.all([...given].map(([original, now]) => store.withdraw(now, isPublished.has(now.path), req.keepStaged ? original.tempAbsPath : undefined)));
    throw e;
  }
}

/** Adds the time spent here writing (or fsyncing) the quantum's files to what its worker spent writing them, if anything. */
function withWriteTime(q: QuantumSpec, writeMs: number): QuantumSpec {
  const p = q.provenance;
  return p?.timings ? { ...q, provenance: { ...p, timings: { ...p.timings, writeMs: p.timings.writeMs + writeMs } } } : q;
}
