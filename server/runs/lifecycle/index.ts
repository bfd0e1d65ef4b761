import type { Actor } from '../../auth/roles.ts';
import type { VeraConfig } from '../../config.ts';
import type { Db } from '../../db/client.ts';
import type { Datastore } from '../../repo/index.ts';
import { pruneRuns, type PruneOptions, type RunPruneReport } from './prune.ts';
import { pruneWorktrees, type WorktreeEntry } from './worktrees.ts';

export { expiryFor, requirePurposeAllowed } from './policy.ts';
export { finishDeletions, pruneRuns, type KeptRun, type KeepReason, type PrunedRun, type PruneProgress } from './prune.ts';
export { grantPrune, listGrants, revokePrune, type GrantInfo } from './grants.ts';
export { listAudit, type AuditEntry } from './audit.ts';

export interface PruneReport extends RunPruneReport {
  worktrees: WorktreeEntry[];
}

/** `vera prune`: expired runs' datasets and files, then unused build worktrees; bytes summed. */
export async function prune(deps: { db: Db; datastore: Datastore; config: VeraConfig }, actor: Actor, opts: PruneOptions = {}): Promise<PruneReport> {
  const report = await pruneRuns(deps.db, deps.datastore, actor, opts);
  // Naming runs asks about those runs only.
  const worktrees = opts.runs ? [] : await pruneWorktrees(deps.db, deps.config.home, actor, { act: opts.act ?? false, keepDays: deps.config.worktreeKeepDays, now: opts.now });
  return { ...report, worktrees, bytes: report.bytes + worktrees.reduce((s, w) => s + w.bytes, 0) };
}
