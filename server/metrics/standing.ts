import { eq } from 'drizzle-orm';
import { hasRole, requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { measurements, runs, users, type SoftwareVersion } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { getRun } from '../runs/queries.ts';
import type { RunPurpose } from '../runs/types.ts';

/**
 * Whether a measurement is part of its branch's history. A branch's series, its regressions and
 * the base of a branch comparison use `branch` points only; everything else is a developer's
 * experiment, kept as its own series and compared with the branch on request.
 */
export type CountsAs = 'branch' | 'developer';

export interface Standing {
  countsAs: CountsAs;
  /** Why, in a sentence a user reads next to the point. */
  reason: string;
}

export interface RunForStanding {
  purpose: RunPurpose;
  software: SoftwareVersion | null;
  configOverrides: Record<string, Record<string, unknown>>;
  /** Name of the user who marked the run as branch history, if someone did. */
  markedBy: string | null;
}

/**
 * A run's standing. What disqualifies comes first: a point made from a dirty tree or with config
 * overrides is not what the commit produces, so no one can make it branch history; then a CI
 * build, or a run marked by its owner or an operator, counts.
 */
export function runStanding(run: RunForStanding): Standing {
  const sw = run.software;
  if (!sw?.commit) return { countsAs: 'developer', reason: 'no commit recorded: not part of any branch history' };
  if (sw.dirty) return { countsAs: 'developer', reason: 'dirty tree: the checkout had uncommitted changes' };
  const overridden = Object.keys(run.configOverrides ?? {});
  if (overridden.length > 0) return { countsAs: 'developer', reason: `config overrides (${overridden.join(', ')}): not what the commit produces` };
  if (run.purpose === 'ci') return { countsAs: 'branch', reason: 'CI build of a clean commit' };
  if (run.markedBy) return { countsAs: 'branch', reason: `clean commit, marked as branch history by ${run.markedBy}` };
  return { countsAs: 'developer', reason: `not a CI build (a ${run.purpose} run)` };
}

/** A posted lsst.verify Job: an external pipeline's build of a commit; without one it is no branch's history. */
export function jobStanding(commit: string | undefined, poster: string): Standing {
  if (!commit) return { countsAs: 'developer', reason: `lsst.verify job posted by ${poster} without a commit` };
  return { countsAs: 'branch', reason: `lsst.verify job for a commit, posted by ${poster}` };
}

/** The standing of a run's measurements, from the database. */
export async function standingOfRun(db: Db, runName: string): Promise<Standing> {
  const run = await getRun(db, runName);
  const [row] = await db
    .select({ markedBy: users.name })
    .from(runs)
    .leftJoin(users, eq(users.id, runs.branchHistoryBy))
    .where(eq(runs.collectionId, run.collectionId));
  return runStanding({ purpose: run.purpose, software: run.software, configOverrides: run.configOverrides, markedBy: row?.markedBy ?? null });
}

/**
 * Marks a run as its branch's history (or unmarks it): allowed to the run's owner and to
 * operators. Refused for a run that can never be branch history (dirty tree, overrides, no
 * commit), naming why. Its measurements follow at once, in one transaction; a later rescan of
 * the series then sees them.
 */
export async function markRunAsBranchHistory(db: Db, runName: string, mark: boolean, actor: Actor): Promise<Standing> {
  requireRole(actor, 'developer', 'marking a run as branch history');
  const run = await getRun(db, runName);
  const [row] = await db.select({ ownerId: runs.ownerId }).from(runs).where(eq(runs.collectionId, run.collectionId));
  if (row!.ownerId !== actor.id && !hasRole(actor, 'operator')) {
    throw new VeraError('NOT_OWNER', `run '${runName}' belongs to '${run.owner}'; only its owner or an operator may mark it as branch history (user '${actor.name}' is ${actor.role})`, {
      run: runName,
      owner: run.owner,
      actor: actor.name,
    });
  }
  const standing = runStanding({ purpose: run.purpose, software: run.software, configOverrides: run.configOverrides, markedBy: mark ? actor.name : null });
  if (mark && standing.countsAs !== 'branch') {
    throw new VeraError('NOT_BRANCH_HISTORY', `run '${runName}' cannot be branch history: ${standing.reason}`, { run: runName, reason: standing.reason });
  }
  await db.transaction(async (tx) => {
    await tx
      .update(runs)
      .set({ branchHistoryBy: mark ? actor.id : null })
      .where(eq(runs.collectionId, run.collectionId));
    await tx.update(measurements).set({ countsAs: standing.countsAs, standingReason: standing.reason }).where(eq(measurements.runId, run.collectionId));
  });
  return standing;
}
