import { and, asc, eq, inArray, lte, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collections, datasets, quanta, quantumInputs, type QuantumPlan, type QuantumTimings, type SoftwareVersion } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { assertUuids, getDatasets, type DatasetRef } from '../repo/index.ts';

export interface QuantumInfo {
  id: string;
  run: string;
  runCollectionId: number;
  taskLabel: string;
  taskClass: string | null;
  dataId: Record<string, string | number>;
  status: string;
  config: Record<string, unknown> | null;
  configHash: string | null;
  software: SoftwareVersion | null;
  executor: string | null;
  host: string | null;
  startedAt: Date | null;
  endedAt: Date | null;
  peakMemoryBytes: number | null;
  timings: QuantumTimings | null;
  log: string | null;
  error: string | null;
  plan: QuantumPlan | null;
}

const quantumColumns = {
  id: quanta.id,
  run: collections.name,
  runCollectionId: quanta.runId,
  taskLabel: quanta.taskLabel,
  taskClass: quanta.taskClass,
  dataId: quanta.dataId,
  status: quanta.status,
  config: quanta.config,
  configHash: quanta.configHash,
  software: quanta.software,
  executor: quanta.executor,
  host: quanta.host,
  startedAt: quanta.startedAt,
  endedAt: quanta.endedAt,
  peakMemoryBytes: quanta.peakMemoryBytes,
  timings: quanta.timings,
  log: quanta.log,
  error: quanta.error,
  plan: quanta.plan,
};

export async function getQuanta(db: Db, ids: readonly string[]): Promise<QuantumInfo[]> {
  assertUuids(ids, 'quantum');
  if (ids.length === 0) return [];
  return db.select(quantumColumns).from(quanta).innerJoin(collections, eq(collections.id, quanta.runId)).where(inArray(quanta.id, [...ids]));
}

export async function getQuantum(db: Db, id: string): Promise<QuantumInfo> {
  const [q] = await getQuanta(db, [id]);
  if (!q) throw new VeraError('NOT_FOUND', `no quantum with id ${id}`, { id });
  return q;
}

export interface QuantaFilter {
  status?: string | undefined;
  taskLabel?: string | undefined;
  /** At most this many per run (default 1000). */
  limit?: number | undefined;
}

export async function quantaOfRun(db: Db, runCollectionId: number, opts: QuantaFilter = {}): Promise<QuantumInfo[]> {
  return (await quantaOfRuns(db, [runCollectionId], opts)).get(runCollectionId)!;
}

/**
 * The quanta of several runs (by RUN collection id) in one query, ordered by task label and
 * creation; the filter and the limit apply to each run.
 */
export async function quantaOfRuns(db: Db, runCollectionIds: readonly number[], opts: QuantaFilter = {}): Promise<Map<number, QuantumInfo[]>> {
  const out = new Map<number, QuantumInfo[]>(runCollectionIds.map((id) => [id, []]));
  if (out.size === 0) return out;
  const ranked = db
    .select({
      ...quantumColumns,
      createdAt: quanta.createdAt,
      rank: sql<number>`row_number() OVER (PARTITION BY ${quanta.runId} ORDER BY ${quanta.taskLabel}, ${quanta.createdAt})`.as('rank'),
    })
    .from(quanta)
    .innerJoin(collections, eq(collections.id, quanta.runId))
    .where(
      and(
        inArray(quanta.runId, [...out.keys()]),
        opts.status ? eq(quanta.status, opts.status) : undefined,
        opts.taskLabel ? eq(quanta.taskLabel, opts.taskLabel) : undefined,
      ),
    )
    .as('ranked');
  const rows = await db
    .select()
    .from(ranked)
    .where(lte(ranked.rank, Math.max(1, opts.limit ?? 1000)))
    .orderBy(asc(ranked.runCollectionId), asc(ranked.rank));
  for (const { rank: _rank, createdAt: _createdAt, ...q } of rows) out.get(q.runCollectionId)!.push(q);
  return out;
}

/** The datasets a quantum read, as registered when it succeeded. */
export async function quantumInputRefs(db: Db, quantumId: string): Promise<(DatasetRef & { connection: string })[]> {
  return (await quantumInputRefsOf(db, [quantumId])).get(quantumId)!;
}

/** The datasets each quantum read, in two queries whatever their number. */
export async function quantumInputRefsOf(db: Db, quantumIds: readonly string[]): Promise<Map<string, (DatasetRef & { connection: string })[]>> {
  const out = new Map<string, (DatasetRef & { connection: string })[]>(quantumIds.map((id) => [id, []]));
  if (out.size === 0) return out;
  const links = await db
    .select()
    .from(quantumInputs)
    .where(inArray(quantumInputs.quantumId, [...out.keys()]))
    .orderBy(quantumInputs.quantumId, quantumInputs.connection, quantumInputs.datasetId);
  const refs = new Map((await getDatasets(db, [...new Set(links.map((l) => l.datasetId))])).map((r) => [r.id, r]));
  for (const l of links) out.get(l.quantumId)!.push({ ...refs.get(l.datasetId)!, connection: l.connection });
  return out;
}

export async function quantumOutputRefs(db: Db, quantumId: string): Promise<DatasetRef[]> {
  return (await quantumOutputRefsOf(db, [quantumId])).get(quantumId)!;
}

/** The datasets each quantum wrote, in two queries whatever their number. */
export async function quantumOutputRefsOf(db: Db, quantumIds: readonly string[]): Promise<Map<string, DatasetRef[]>> {
  const out = new Map<string, DatasetRef[]>(quantumIds.map((id) => [id, []]));
  if (out.size === 0) return out;
  const rows = await db
    .select({ id: datasets.id, quantumId: datasets.quantumId })
    .from(datasets)
    .where(inArray(datasets.quantumId, [...out.keys()]))
    .orderBy(datasets.createdAt, datasets.id);
  const refs = await getDatasets(
    db,
    rows.map((r) => r.id),
  );
  rows.forEach((r, i) => out.get(r.quantumId!)!.push(refs[i]!));
  return out;
}

export interface ProvenanceStep {
  dataset: DatasetRef & { stored: boolean };
  /** The quantum that produced it; absent for datasets ingested from outside (raw data, calibrations). */
  quantum?: QuantumInfo | undefined;
  /** Ids of the datasets that quantum read. */
  inputs: string[];
}

/**
 * Walks from a dataset back to raw data: the dataset, its producing quantum, that quantum's
 * inputs, their producers, and so on, each dataset once. Steps come in breadth-first order
 * from the starting dataset.
 */
export async function provenanceChain(db: Db, datasetId: string): Promise<ProvenanceStep[]> {
  const steps: ProvenanceStep[] = [];
  const seen = new Set<string>([datasetId]);
  let frontier = [datasetId];
  while (frontier.length > 0) {
    const refs = await getDatasets(db, frontier);
    const stored = new Map(
      (await db.select({ id: datasets.id, stored: datasets.stored }).from(datasets).where(inArray(datasets.id, frontier))).map((r) => [r.id, r.stored]),
    );
    const producers = new Map((await getQuanta(db, refs.flatMap((r) => (r.quantumId ? [r.quantumId] : [])))).map((q) => [q.id, q]));
    const inputsOf = new Map<string, string[]>();
    if (producers.size > 0) {
      const links = await db
        .select({ quantumId: quantumInputs.quantumId, datasetId: quantumInputs.datasetId })
        .from(quantumInputs)
        .where(inArray(quantumInputs.quantumId, [...producers.keys()]));
      for (const l of links) inputsOf.set(l.quantumId, [...(inputsOf.get(l.quantumId) ?? []), l.datasetId]);
    }
    const next: string[] = [];
    for (const ref of refs) {
      const quantum = ref.quantumId ? producers.get(ref.quantumId) : undefined;
      const inputs = quantum ? (inputsOf.get(quantum.id) ?? []) : [];
      steps.push({ dataset: { ...ref, stored: stored.get(ref.id) ?? true }, quantum, inputs });
      for (const id of inputs) {
        if (seen.has(id)) continue;
        seen.add(id);
        next.push(id);
      }
    }
    frontier = next;
  }
  return steps;
}
