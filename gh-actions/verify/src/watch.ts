import { isOrphanedRunError } from '../../../contracts/orphan-reason.ts';
import { dataIdText, failedQuanta, FINISHED_BUILD, FINISHED_RUN, getBuild, type BuildRun, type BuildState, type FailedQuantum } from './builds.ts';
import type { Step } from './toolkit.ts';
import type { VeraClient } from './vera-client.ts';

export interface WatchResult {
  build: BuildState;
  timedOut: boolean;
  /** Failed quanta of runs that did not succeed, by run name. */
  failures: Map<string, FailedQuantum[]>;
  /** Runs Vera failed because the server executing them stopped (VERA_ORPHANED_RUNS=fail). */
  orphaned: BuildRun[];
}

export function progressLine(run: BuildRun): string {
  const p = run.progress;
  const done = p.succeeded + p.failed + p.blocked;
  const parts = [`${p.succeeded} succeeded`, ...(p.failed ? [`${p.failed} failed`] : []), ...(p.blocked ? [`${p.blocked} blocked`] : []), ...(p.running ? [`${p.running} running`] : [])];
  return `${run.name}: ${run.status}, ${done}/${p.total} quanta done (${parts.join(', ')})`;
}

function runGroup(run: BuildRun, failed: FailedQuantum[]): { title: string; lines: string[] } {
  const p = run.progress;
  const lines = [`status: ${run.status}`, `quanta: ${p.total} in all, ${p.succeeded} succeeded, ${p.failed} failed, ${p.blocked} blocked`];
  if (run.error) lines.push(`error: ${run.error}`);
  for (const q of failed) {
    const [message = 'no error recorded', ...stack] = (q.error ?? '').trimEnd().split(/\r?\n/);
    lines.push(`failed quantum ${q.taskLabel} ${dataIdText(q.dataId)}: ${message || 'no error recorded'}`, ...stack);
  }
  return { title: `Run ${run.name}: ${run.status} (${p.succeeded}/${p.total} quanta succeeded)`, lines };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Polls a build until it finishes or the deadline passes. Logs a line whenever a run's status
 * or quantum counts change, and a collapsible group per run once it ends (its counts, error and
 * first failed quanta), so the log reads as the build progresses. Stops as soon as a run is
 * failed because the server executing it stopped: the build cannot pass without someone
 * resuming that run, so waiting for the others only delays the news.
 */
export async function watchBuild(client: VeraClient, step: Step, first: BuildState, opts: { pollMs: number; deadline: number }): Promise<WatchResult> {
  const seen = new Map<string, string>();
  const reported = new Set<string>();
  const failures = new Map<string, FailedQuantum[]>();
  let build = first;
  for (;;) {
    for (const run of build.runs) {
      const line = progressLine(run);
      if (seen.get(run.name) !== line) step.info(line);
      seen.set(run.name, line);
      if (FINISHED_RUN.has(run.status) && !reported.has(run.name)) {
        reported.add(run.name);
        const failed = run.status === 'succeeded' ? [] : await failedQuanta(client, run.name);
        if (run.status !== 'succeeded') failures.set(run.name, failed);
        const g = runGroup(run, failed);
        step.group(g.title, g.lines);
      }
    }
    const orphaned = build.runs.filter((r) => r.status === 'failed' && isOrphanedRunError(r.error));
    if (FINISHED_BUILD.has(build.status) || orphaned.length > 0) return { build, timedOut: false, failures, orphaned };
    const left = opts.deadline - Date.now();
    if (left <= 0) return { build, timedOut: true, failures, orphaned };
    await sleep(Math.min(opts.pollMs, left));
    build = await getBuild(client, build.id);
  }
}
