/**
 * How a run taken over from a dead executor is marked failed (VERA_ORPHANED_RUNS=fail). Followers
 * (the CLI, the GitHub Action) recognise it by this wording, so it lives in a module that imports
 * nothing and that the Action's bundle can include (contracts/: shared by the server and its clients).
 */
export const ORPHANED_RUN_REASON = 'the server executing it stopped';

export function orphanedRunError(lastHeartbeat: Date | null): string {
  return `${ORPHANED_RUN_REASON} (last heartbeat ${lastHeartbeat ? lastHeartbeat.toISOString() : 'never: it had not started'})`;
}

export function isOrphanedRunError(error: string | null | undefined): boolean {
  return typeof error === 'string' && error.startsWith(ORPHANED_RUN_REASON);
}
