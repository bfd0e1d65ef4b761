import { and, eq, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { runs } from '../db/schema/index.ts';

/**
 * Which process executes a run is a lease on the run's row: `runs.heartbeat_at`, written when a
 * process claims the run and refreshed while it executes. A run is taken by one atomic UPDATE
 * whose WHERE only matches a run nobody holds (not running, or its heartbeat older than the
 * lease), so two servers never both take it.
 *
 * The value a process last wrote is its claim token: a refresh only succeeds while the row still
 * holds that value, so a process whose lease was taken over (cut off from the database for
 * longer than the lease) learns it on its next refresh and stops. Times are the database's, so
 * servers with skewed clocks agree, and kept to milliseconds so a token survives the round trip
 * through a JavaScript Date.
 */
const NOW = sql`date_trunc('milliseconds', now())`;

export interface LeaseOptions {
  leaseMs: number;
  /**
   * PGlite: one process has the database, so a run it does not execute has no live executor,
   * whatever its heartbeat says.
   */
  singleProcess: boolean;
}

function cutoff(leaseMs: number): SQL {
  return sql`now() - ${`${leaseMs} milliseconds`}::interval`;
}

/** Claims a run for execution by this process; the claim token, or undefined when a live executor holds it. */
export async function claimRun(db: Db, runId: number, opts: LeaseOptions): Promise<Date | undefined> {
  const free = opts.singleProcess
    ? undefined
    : sql`(${runs.status} <> 'running' OR ${runs.heartbeatAt} IS NULL OR ${runs.heartbeatAt} < ${cutoff(opts.leaseMs)})`;
  const [row] = await db
    .update(runs)
    .set({ status: 'running', heartbeatAt: NOW })
    .where(and(eq(runs.id, runId), free))
    .returning({ token: runs.heartbeatAt });
  return row?.token ?? undefined;
}

/** Refreshes this process's lease on a run: the new token, or undefined when another process took the run over. */
export async function refreshHeartbeat(db: Db, runId: number, token: Date): Promise<Date | undefined> {
  const [row] = await db
    .update(runs)
    .set({ heartbeatAt: NOW })
    .where(and(eq(runs.id, runId), eq(runs.heartbeatAt, token)))
    .returning({ token: runs.heartbeatAt });
  return row?.token ?? undefined;
}

export interface OrphanedRun {
  id: number;
  collectionId: number;
  name: string;
  /** Its status before the claim: `running`, or `pending` (created, never started). */
  previousStatus: 'pending' | 'running';
  lastHeartbeat: Date | null;
  /** The claim token: the run is now `running`, held by the caller. */
  token: Date;
}

/**
 * Claims every run whose executor died: `running` with a heartbeat older than the lease (or
 * none), or `pending` for longer than the lease (its creator died before starting it). One
 * statement; rows another server is claiming at the same moment are skipped, not waited for.
 * Runs named in `exclude` are this process's own.
 */
export async function claimOrphanedRuns(db: Db, opts: LeaseOptions & { exclude?: string[] }): Promise<OrphanedRun[]> {
  const before = cutoff(opts.leaseMs);
  const stale = opts.singleProcess
    ? sql`r.status IN ('pending', 'running')`
    : sql`((r.status = 'running' AND (r.heartbeat_at IS NULL OR r.heartbeat_at < ${before}))
          OR (r.status = 'pending' AND coalesce(r.heartbeat_at, r.created_at) < ${before}))`;
  const mine = opts.exclude?.length
    ? sql`AND c.name NOT IN (${sql.join(
        opts.exclude.map((n) => sql`${n}`),
        sql`, `,
      )})`
    : sql``;
  const rows = await queryRows<{ id: number; collection_id: number; name: string; previous_status: 'pending' | 'running'; last_heartbeat: Date | string | null; token: Date | string }>(
    db,
    sql`UPDATE runs SET status = 'running', heartbeat_at = ${NOW}
        FROM (SELECT r.id, r.status, r.heartbeat_at, c.name FROM runs r JOIN collections c ON c.id = r.collection_id
              WHERE ${stale} ${mine}
              FOR UPDATE OF r SKIP LOCKED) AS o
        WHERE runs.id = o.id
        RETURNING runs.id, runs.collection_id, o.name, o.status AS previous_status, o.heartbeat_at AS last_heartbeat, runs.heartbeat_at AS token`,
  );
  return rows.map((r) => ({
    id: r.id,
    collectionId: r.collection_id,
    name: r.name,
    previousStatus: r.previous_status,
    lastHeartbeat: r.last_heartbeat === null ? null : new Date(r.last_heartbeat),
    token: new Date(r.token),
  }));
}
