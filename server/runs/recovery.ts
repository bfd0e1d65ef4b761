import { and, eq } from 'drizzle-orm';
import type { RunDeps } from './deps.ts';
import { quanta, runs } from '../db/schema/index.ts';
import { DrainLoop } from '../util/drain-loop.ts';
import { claimOrphanedRuns, type OrphanedRun } from './lease.ts';
import { orphanedRunError } from '../../contracts/orphan-reason.ts';

export interface RecoveryOutcome {
  resumed: string[];
  failed: string[];
}

/**
 * Takes over runs whose executing process died (a SIGKILLed server, a lost machine): each is
 * claimed atomically (lease.ts), then resumed here, finished quanta kept, or marked failed with
 * the reason, as `config.orphanedRuns` says. On PGlite, where this process is the only one on
 * the database, call it at start-up only: every run still running then is orphaned.
 */
export async function recoverOrphanedRuns(vera: RunDeps): Promise<RecoveryOutcome> {
  const { db } = vera.database;
  const claimed = await claimOrphanedRuns(db, { leaseMs: vera.config.runLeaseMs, singleProcess: vera.database.driver === 'pglite', exclude: vera.runs.activeRuns() });
  const outcome: RecoveryOutcome = { resumed: [], failed: [] };
  for (const run of claimed) {
    const last = run.lastHeartbeat?.toISOString() ?? null;
    if (vera.config.orphanedRuns === 'resume') {
      try {
        await vera.runs.start(run.name, { claimed: run.token });
        outcome.resumed.push(run.name);
        vera.log.warn({ run: run.name, lastHeartbeat: last }, 'resuming a run whose server stopped');
        continue;
      } catch (e) {
        vera.log.error({ run: run.name, err: e }, 'could not resume a run whose server stopped; marking it failed');
      }
    }
    if (await failOrphanedRun(vera, run)) {
      outcome.failed.push(run.name);
      vera.log.warn({ run: run.name, lastHeartbeat: last }, 'marked failed a run whose server stopped (VERA_ORPHANED_RUNS=fail)');
      await vera.runs.runEnded(run.name, 'failed');
    }
  }
  return outcome;
}

/** Fails a claimed orphan with the reason; quanta the dead process left running are pending again (not run). */
async function failOrphanedRun(vera: RunDeps, run: OrphanedRun): Promise<boolean> {
  return vera.database.db.transaction(async (tx) => {
    const [done] = await tx
      .update(runs)
      .set({ status: 'failed', error: orphanedRunError(run.lastHeartbeat), endedAt: new Date() })
      .where(and(eq(runs.id, run.id), eq(runs.heartbeatAt, run.token)))
      .returning({ id: runs.id });
    if (!done) return false;
    await tx.update(quanta).set({ status: 'pending', startedAt: null }).where(and(eq(quanta.runId, run.collectionId), eq(quanta.status, 'running')));
    return true;
  });
}

/**
 * Checks for orphaned runs every `intervalMs` (default half the lease), so a server on a shared
 * PostgreSQL takes over the runs of a peer that died, without waiting for a restart.
 */
export function startRunRecovery(vera: RunDeps, intervalMs = vera.config.runLeaseMs / 2): { stop(): Promise<void> } {
  const loop = new DrainLoop(
    async () => {
      await recoverOrphanedRuns(vera);
    },
    (e) => vera.log.error({ err: e }, 'recovery of orphaned runs failed'),
  );
  loop.start(intervalMs);
  return { stop: () => loop.stop() };
}
