import cliProgress from 'cli-progress';
import type { RunProgress } from '../server/runs/types.ts';
import type { VeraClient } from './client.ts';


interface RunState {
  name: string;
  status: string;
  error: string | null;
  progress: RunProgress;
}

const RUN_STATE = `query($name: String!) { run(name: $name) { name status error progress { total pending running succeeded failed blocked } } }`;

/**
 * Polls a run until it ends, drawing a progress bar on a terminal (stderr), or a line per change
 * otherwise, so logs of CI jobs stay readable. Returns the final state.
 */
export async function followRun(client: VeraClient, name: string, opts: { intervalMs?: number; quiet?: boolean } = {}): Promise<RunState> {
  const tty = process.stderr.isTTY && !opts.quiet;
  const bar = tty
    ? new cliProgress.SingleBar(
        { format: `${name} [{bar}] {value}/{total} quanta | {failed} failed {blocked} blocked | {duration_formatted}`, stream: process.stderr, hideCursor: true },
        cliProgress.Presets.shades_classic,
      )
    : undefined;
  let last = '';
  let started = false;
  for (;;) {
    const { run } = await client.request<{ run: RunState | null }>(RUN_STATE, { name });
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
    if (run.status !== 'pending' && run.status !== 'running') {
      bar?.stop();
      return run;
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 300));
  }
}
