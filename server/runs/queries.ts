import { and, desc, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collections, quanta, runs, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import type { QuantumStatus, RunInfo, RunProgress, RunPurpose, RunStatus } from './types.ts';

const EMPTY: RunProgress = { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0 };

export async function runProgress(db: Db, collectionId: number): Promise<RunProgress> {
  const rows = await db
    .select({ status: quanta.status, n: sql<number>`count(*)::int` })
    .from(quanta)
    .where(eq(quanta.runId, collectionId))
    .groupBy(quanta.status);
  const p = { ...EMPTY };
  for (const r of rows) {
    p[r.status as QuantumStatus] = r.n;
    p.total += r.n;
  }
  return p;
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
};

type RunRow = Awaited<ReturnType<typeof selectRuns>>[number];

function selectRuns(db: Db) {
  return db
    .select(runColumns)
    .from(runs)
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .innerJoin(users, eq(users.id, runs.ownerId));
}

async function toInfo(db: Db, r: RunRow): Promise<RunInfo & { collectionId: number; ownerId: number }> {
  return { ...r, purpose: r.purpose as RunPurpose, status: r.status as RunStatus, progress: await runProgress(db, r.collectionId) };
}

export async function findRun(db: Db, name: string) {
  const [row] = await selectRuns(db).where(eq(collections.name, name));
  return row ? toInfo(db, row) : undefined;
}

export async function getRun(db: Db, name: string) {
  const run = await findRun(db, name);
  if (!run) throw new VeraError('UNKNOWN_RUN', `no run named '${name}'`, { run: name });
  return run;
}

/** Runs, newest first. */
export async function listRuns(db: Db, opts: { owner?: string; status?: string; limit?: number } = {}) {
  const conds = [opts.owner ? eq(users.name, opts.owner) : undefined, opts.status ? eq(runs.status, opts.status) : undefined];
  const rows = await selectRuns(db)
    .where(and(...conds))
    .orderBy(desc(runs.id))
    .limit(Math.min(opts.limit ?? 1000, 1000));
  return Promise.all(rows.map((r) => toInfo(db, r)));
}

/** Names of RUN collections by id. */
export async function collectionNames(db: Db, ids: Iterable<number | null>): Promise<Map<number, string>> {
  const unique = [...new Set([...ids].filter((i): i is number => i !== null))];
  if (unique.length === 0) return new Map();
  const rows = await db.select({ id: collections.id, name: collections.name }).from(collections).where(inArray(collections.id, unique));
  return new Map(rows.map((r) => [r.id, r.name]));
}
