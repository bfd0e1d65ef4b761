import { and, eq, inArray, sql } from 'drizzle-orm';
import { hasRole, requireOwner, requireRole, type Actor } from '../auth/roles.ts';
import { quanta, runs } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import type { RunDeps } from './deps.ts';
import { getRun } from './queries.ts';
import type { RunInfo } from './types.ts';

/**
 * Cancels a run: no quantum of it starts any more, running ones are stopped, finished ones are
 * kept, and the run ends `cancelled`; `resumeRun` continues it. The owner or an operator may.
 *
 * The request is recorded on the run's row first, so whichever process executes it sees it: this
 * one stops it at once; another server on the same PostgreSQL within a second (RunManager polls).
 * A run nobody executes (pending, or its server gone) is marked cancelled here. Returns the run
 * as it is then: `cancelled`, or still `running` while another server is stopping it.
 */
export async function cancelRun(vera: RunDeps, name: string, actor: Actor): Promise<RunInfo> {
  requireRole(actor, 'developer', 'cancelling runs');
  const { db } = vera.database;
  const run = await getRun(db, name);
  if (!hasRole(actor, 'operator')) requireOwner(actor, run.ownerId, run.owner, `run '${name}'`);
  if (run.status === 'cancelled') return run;
  if (run.status !== 'pending' && run.status !== 'running') {
    throw new VeraError('RUN_ENDED', `run '${name}' has already ${run.status === 'partial' ? 'ended (partial)' : run.status}; there is nothing to cancel`, { run: name, status: run.status });
  }
  await db
    .update(runs)
    .set({ cancelRequestedAt: new Date() })
    .where(and(eq(runs.id, run.id), inArray(runs.status, ['pending', 'running'])));
  if (await vera.runs.cancel(name)) return getRun(db, name);

  // Not executed here. Unless another server holds a live lease on it, nobody executes it.
  const singleProcess = vera.database.driver === 'pglite';
  const unheld = singleProcess
    ? sql`${runs.status} IN ('pending', 'running')`
    : sql`(${runs.status} = 'pending' OR ${runs.heartbeatAt} IS NULL OR ${runs.heartbeatAt} < now() - ${`${vera.config.runLeaseMs} milliseconds`}::interval)`;
  const ended = await db.transaction(async (tx) => {
    const [row] = await tx
      .update(runs)
      .set({ status: 'cancelled', endedAt: new Date(), error: 'cancelled before it ran to the end (vera runs resume continues it)' })
      .where(and(eq(runs.id, run.id), unheld))
      .returning({ id: runs.id });
    if (!row) return false;
    await tx.update(quanta).set({ status: 'pending', startedAt: null }).where(and(eq(quanta.runId, run.collectionId), eq(quanta.status, 'running')));
    return true;
  });
  if (ended) await vera.runs.runEnded(name, 'cancelled');
  return getRun(db, name);
}
