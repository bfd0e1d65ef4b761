import cliProgress from 'cli-progress';
import { VeraError } from '../server/errors.ts';
import { isOrphanedRunError } from '../contracts/orphan-reason.ts';
import type { VeraClient } from './client.ts';
import { graphql } from './generated/gql.ts';
import type { RunStateQuery } from './generated/graphql.ts';

type RunState = NonNullable<RunStateQuery['run']>;

const RUN_STATE = graphql(`
  query RunState($name: String!) { run(name: $name) { name status error heartbeatAt progress { total pending running succeeded failed blocked } } }
`);

/** The run lease's default (VERA_RUN_LEASE_SECONDS), for callers without a config at hand. */
const DEFAULT_LEASE_MS = 60_000;

/**
 * Polls a run until it ends, drawing a progress bar on a terminal (stderr), or a line per change
 * otherwise, so logs of CI jobs stay readable. Returns the final state.
 *
 * Stops with RUN_ORPHANED instead of polling forever when the server executing the run died: the
 * run was failed for that reason (VERA_ORPHANED_RUNS=fail), or its heartbeat has not moved for
 * two leases, longer than any server takes to recover it, so none is there to.
 */
export async function followRun(client: VeraClient, name: string, opts: { intervalMs?: number; quiet?: boolean; leaseMs?: number } = {}): Promise<RunState> {
  const tty = process.stderr.isTTY && !opts.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${name} [{bar}] {value}/{total} quanta | {failed} failed {blocked} blocked | {duration_formatted}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  const silence = heartbeatWatch(2 * (opts.leaseMs ?? DEFAULT_LEASE_MS));
  let last = '';
  let started = false;
  try {
    for (;;) {
      const { run } = await client.request(RUN_STATE, { name });
      if (!run) throw new Error(`run '${name}' disappeared`);
      const p = run.progress;
      const done = p.succeeded + p.failed + p.blocked;
      if (bar) {
        if (!started) bar.start(p.total, done, { failed: p.failed, blocked: p.blocked });
        bar.update(done, { failed: p.failed, blocked: p.blocked });
        started = true;
      } else if (!opts.quiet) {
        const line = `${name}: ${run.status} ${done}/${p.total} quanta (${p.succeeded} succeeded, ${p.failed} failed, ${p.blocked} blocked)`;
        if (line !== last) process.stderr.write(`${line}\n`);
        last = line;
      }
      if (run.status === 'failed' && isOrphanedRunError(run.error)) {
        throw new VeraError('RUN_ORPHANED', `run '${name}' failed: ${run.error}; its finished quanta are kept: resume it with vera run --resume ${name}`, { run: name });
      }
      if (run.status !== 'pending' && run.status !== 'running') return run;
      const silentMs = silence(run.heartbeatAt);
      if (silentMs !== undefined) {
        const what = run.heartbeatAt ? `its heartbeat has not moved for ${Math.round(silentMs / 1000)} s (last ${run.heartbeatAt})` : `no server has started it in ${Math.round(silentMs / 1000)} s`;
        throw new VeraError(
          'RUN_ORPHANED',
          `run '${name}' is ${run.status} but ${what}: the server executing it stopped and none has taken it over. Start vera serve on its database, or resume it with vera run --resume ${name}`,
          { run: name, heartbeatAt: run.heartbeatAt },
        );
      }
      await new Promise((r) => setTimeout(r, opts.intervalMs ?? 300));
    }
  } finally {
    bar?.stop();
  }
}

/**
 * Watches a heartbeat on this machine's monotonic clock (the heartbeat is the database's time,
 * which this clock need not agree with): returns how long it has not moved once that exceeds
 * `limitMs`, else undefined.
 */
function heartbeatWatch(limitMs: number): (heartbeat: string | null) => number | undefined {
  let seen: string | null | undefined;
  let since = performance.now();
  return (heartbeat) => {
    const now = performance.now();
    if (heartbeat !== seen) {
      seen = heartbeat;
      since = now;
      return undefined;
    }
    return now - since > limitMs ? now - since : undefined;
  };
}
