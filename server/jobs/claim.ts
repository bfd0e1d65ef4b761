import { inArray, type SQL } from 'drizzle-orm';
import type { PgColumn, PgTable, PgUpdateSetSource } from 'drizzle-orm/pg-core';
import type { Db } from '../db/client.ts';

/**
 * Durable background work kept in a table (webhook deliveries, GitHub calls): each row is a job
 * with a status, an attempt count and a time it is next due. A worker claims due rows in one
 * transaction with `FOR UPDATE SKIP LOCKED`, and the claim itself pushes `next_attempt_at` one
 * lease ahead: other servers on the database skip the rows while they are locked and do not see
 * them as due afterwards, and a worker that dies holding a claim loses it when the lease ends.
 * (graphile-worker's get_job is the model.)
 */
export interface JobQueue<T extends PgTable> {
  table: T;
  id: PgColumn;
  /** Which rows are due now: waiting status and next_attempt_at <= now. */
  due: () => SQL | undefined;
  /** Oldest first, so nothing starves. */
  order: PgColumn;
}

/** Claims up to `limit` due jobs: `claim` is what the UPDATE sets (attempts + 1, the lease). */
export async function claimDue<T extends PgTable>(db: Db, queue: JobQueue<T>, limit: number, claim: PgUpdateSetSource<T>): Promise<T['$inferSelect'][]> {
  return db.transaction(async (tx) => {
    const due = await tx
      .select({ id: queue.id })
      .from(queue.table as PgTable)
      .where(queue.due())
      .orderBy(queue.order)
      .limit(limit)
      .for('update', { skipLocked: true });
    if (due.length === 0) return [];
    const claimed = await tx
      .update(queue.table)
      .set(claim)
      .where(inArray(queue.id, due.map((d) => d.id)))
      .returning();
    return claimed as T['$inferSelect'][];
  });
}

/** Backoff after the n-th failed attempt: 1 s, 2 s, 4 s, ... capped at `maxMs`. */
export function backoffMs(attempts: number, maxMs = 600_000): number {
  return Math.min(maxMs, 1000 * 2 ** Math.max(0, attempts - 1));
}
