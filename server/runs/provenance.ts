import { eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collections, datasets, quanta, quantumInputs, type QuantumPlan, type SoftwareVersion } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { getDatasets, type DatasetRef } from '../repo/index.ts';

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
  log: quanta.log,
  error: quanta.error,
  plan: quanta.plan,
};

export async function getQuanta(db: Db, ids: readonly string[]): Promise<QuantumInfo[]> {
  if (ids.length === 0) return [];
  return db.select(quantumColumns).from(quanta).innerJoin(collections, eq(collections.id, quanta.runId)).where(inArray(quanta.id, [...ids]));
}

export async function getQuantum(db: Db, id: string): Promise<QuantumInfo> {
  const [q] = await getQuanta(db, [id]);
  if (!q) throw new VeraError('NOT_FOUND', `no quantum with id ${id}`, { id });
  return q;
}

export async function quantaOfRun(db: Db, runCollectionId: number, opts: { status?: string; taskLabel?: string; limit?: number } = {}): Promise<QuantumInfo[]> {
  const rows = await db
    .select(quantumColumns)
    .from(quanta)
    .innerJoin(collections, eq(collections.id, quanta.runId))
    .where(eq(quanta.runId, runCollectionId))
    .orderBy(quanta.taskLabel, quanta.createdAt);
  return rows.filter((q) => (!opts.status || q.status === opts.status) && (!opts.taskLabel || q.taskLabel === opts.taskLabel)).slice(0, opts.limit ?? rows.length);
}

/** The datasets a quantum read, as registered when it succeeded. */
export async function quantumInputRefs(db: Db, quantumId: string): Promise<(DatasetRef & { connection: string })[]> {
  const links = await db.select().from(quantumInputs).where(eq(quantumInputs.quantumId, quantumId));
  const refs = await getDatasets(db, links.map((l) => l.datasetId));
  return refs.map((r, i) => ({ ...r, connection: links[i]!.connection }));
}

export async function quantumOutputRefs(db: Db, quantumId: string): Promise<DatasetRef[]> {
  const rows = await db.select({ id: datasets.id }).from(datasets).where(eq(datasets.quantumId, quantumId));
  return getDatasets(db, rows.map((r) => r.id));
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
    const next: string[] = [];
    for (const ref of refs) {
      const quantum = ref.quantumId ? producers.get(ref.quantumId) : undefined;
      const inputs = quantum ? (await db.select().from(quantumInputs).where(eq(quantumInputs.quantumId, quantum.id))).map((l) => l.datasetId) : [];
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
