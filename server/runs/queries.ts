import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collections, quanta, runs, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import type { QuantumStatus, RunInfo, RunProgress, RunPurpose, RunStatus } from './types.ts';

const EMPTY: RunProgress = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0 };

/** Quanta counts by status of each run (by RUN collection id), in one query. */
export async function runProgresses(db: Db, collectionIds: readonly number[]): Promise<Map<number, RunProgress>> {
  const out = new Map(collectionIds.map((id) => [id, { ...EMPTY }]));
  if (out.size === 0) return out;
  const rows = await db
    .select({ runId: quanta.runId, status: quanta.status, n: sql<number>`count(*)::int` })
    .from(quanta)
    .where(inArray(quanta.runId, [...out.keys()]))
    .groupBy(quanta.runId, quanta.status);
  for (const r of rows) {
    const p = out.get(r.runId)!;
    p[r.status as QuantumStatus] = r.n;
    p.total += r.n;
  }
  return out;
}

export async function runProgress(db: Db, collectionId: number): Promise<RunProgress> {
  return (await runProgresses(db, [collectionId])).get(collectionId)!;
}

const runColumns = {
  id: runs.id,
  collectionId: runs.collectionId,
  name: collections.name,
  owner: users.name,
  ownerId: runs.ownerId,
  purpose: runs.purpose,
  status: runs.status,
  pipelineFile: runs.pipelineFile,
  inputs: runs.inputs,
  where: runs.where,
  configOverrides: runs.configOverrides,
  software: runs.software,
  executor: runs.executor,
  seed: runs.seed,
  saveIntermediates: runs.saveIntermediates,
  error: runs.error,
  createdAt: runs.createdAt,
  startedAt: runs.startedAt,
  endedAt: runs.endedAt,
  expiresAt: runs.expiresAt,
  heartbeatAt: runs.heartbeatAt,
  taskTimings: runs.taskTimings,
};

type RunRow = Awaited<ReturnType<typeof selectRuns>>[number];

function selectRuns(db: Db) {
  return db
    .select(runColumns)
    .from(runs)
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .innerJoin(users, eq(users.id, runs.ownerId));
}

export type RunRecord = RunInfo & { collectionId: number; ownerId: number };

/** Rows with their progress, counted for all of them in one query. */
async function toInfos(db: Db, rows: RunRow[]): Promise<RunRecord[]> {
  const progress = await runProgresses(
    db,
    rows.map((r) => r.collectionId),
  );
  return rows.map((r) => ({ ...r, purpose: r.purpose as RunPurpose, status: r.status as RunStatus, progress: progress.get(r.collectionId)! }));
}

export async function findRun(db: Db, name: string): Promise<RunRecord | undefined> {
  return (await findRuns(db, [name])).get(name);
}

/** Runs by name, in two queries whatever their number; names of no run are absent. */
export async function findRuns(db: Db, names: readonly string[]): Promise<Map<string, RunRecord>> {
  if (names.length === 0) return new Map();
  const rows = await selectRuns(db).where(inArray(collections.name, [...new Set(names)]));
  return new Map((await toInfos(db, rows)).map((r) => [r.name, r]));
}

export async function getRun(db: Db, name: string) {
  const run = await findRun(db, name);
  if (!run) throw new VeraError('UNKNOWN_RUN', `no run named '${name}'`, { run: name });
  return run;
}

/** Runs, newest first: `limit` of them (default 1000, at most 1000). */
export async function listRuns(db: Db, opts: { owner?: string; status?: string; limit?: number } = {}): Promise<RunRecord[]> {
  const conds = [opts.owner ? eq(users.name, opts.owner) : undefined, opts.status ? eq(runs.status, opts.status) : undefined];
  const rows = await selectRuns(db)
    .where(and(...conds))
    .orderBy(desc(runs.id))
    .limit(Math.max(1, Math.min(opts.limit ?? 1000, 1000)));
  return toInfos(db, rows);
}

/** Names of RUN collections by id. */
export async function collectionNames(db: Db, ids: Iterable<number | null>): Promise<Map<number, string>> {
  const unique = [...new Set([...ids].filter((i): i is number => i !== null))];
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: collections.id, name: collections.name }).from(collections).where(inArray(collections.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}
