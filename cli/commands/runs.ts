import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { followRun } from '../follow.ts';
import { dataIdText, printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { QuantumStatus, RunDetailQuery, RunStatus } from '../generated/graphql.ts';

/**
 * `vera runs`: list runs, show one (progress, counts per task, failed quanta with the end of
 * their logs), print quantum logs, cancel and resume. Everything goes through GraphQL.
 */

const RUN_STATUSES: readonly RunStatus[] = ['pending', 'running', 'succeeded', 'failed', 'partial', 'cancelled'];

const RUNS = graphql(`
  query RunsList($owner: String, $status: RunStatus, $limit: Int) {
    runs(owner: $owner, status: $status, limit: $limit) { name owner purpose status createdAt endedAt error progress { total succeeded failed blocked running pending } }
  }
`);

const ME = graphql(`
  query Me { me { name } }
`);

const RUN_DETAIL = graphql(`
  query RunDetail($name: String!, $quanta: Int) {
    run(name: $name) {
      name owner purpose status pipelineFile inputs where executor error createdAt startedAt endedAt
      progress { total pending running succeeded failed blocked }
      quanta(limit: $quanta) { id taskLabel dataId status }
      failed: quanta(status: failed, limit: 50) { id taskLabel dataId error log }
    }
  }
`);

const RUN_LOGS = graphql(`
  query RunLogs($name: String!, $status: QuantumStatus, $limit: Int) {
    run(name: $name) { quanta(status: $status, limit: $limit) { id taskLabel dataId status error log } }
  }
`);

const QUANTUM_LOG = graphql(`
  query QuantumLog($id: ID!) { quantum(id: $id) { id run taskLabel dataId status error log } }
`);

const CANCEL_RUN = graphql(`
  mutation CancelRun($name: String!) { cancelRun(name: $name) { name status } }
`);

const RESUME = graphql(`
  mutation RunsResume($name: String!) { resumeRun(name: $name) { name status } }
`);

type RunDetail = NonNullable<RunDetailQuery['run']>;

/** The largest number of quanta `runs show` counts per task (the server's limit on Run.quanta). */
const MAX_QUANTA = 10_000;

const when = (iso: string | null | undefined) => (iso ? iso.slice(0, 19).replace('T', ' ') : '');

/** The last `lines` lines of a text, with a note of how many came before. */
export function tail(text: string, lines: number): string {
  const all = text.replace(/\n+$/, '').split('\n');
  if (all.length <= lines) return all.join('\n');
  return [`… (${all.length - lines} earlier lines; vera runs logs shows all)`, ...all.slice(-lines)].join('\n');
}

function parseStatus(value: string): RunStatus {
  if (!(RUN_STATUSES as readonly string[]).includes(value)) throw new VeraError('BAD_INPUT', `--status '${value}': expected one of ${RUN_STATUSES.join(', ')}`, { value });
  return value as RunStatus;
}

function parseCount(option: string) {
  return (value: string) => {
    if (!/^\d+$/.test(value) || Number(value) < 1) throw new VeraError('BAD_INPUT', `${option} '${value}': expected a whole number of at least 1`, { value });
    return Number(value);
  };
}

/** Per task: how many quanta are in each state. */
export function countsPerTask(quanta: { taskLabel: string; status: QuantumStatus }[]) {
  const counts = new Map<string, Record<QuantumStatus, number> & { total: number }>();
  for (const q of quanta) {
    const c = counts.get(q.taskLabel) ?? { total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0 };
    c.total++;
    c[q.status]++;
    counts.set(q.taskLabel, c);
  }
  return [...counts].map(([task, c]) => ({ task, ...c }));
}

function printRun(run: RunDetail, logLines: number): void {
  const p = run.progress;
  const out = process.stdout;
  out.write(`run ${run.name}: ${run.status}, ${p.succeeded}/${p.total} quanta succeeded (${p.running} running, ${p.pending} pending, ${p.failed} failed, ${p.blocked} blocked)\n`);
  out.write(`  owner ${run.owner}, purpose ${run.purpose}, executor ${run.executor}\n`);
  out.write(`  pipeline ${run.pipelineFile}\n  inputs ${run.inputs.join(', ')}${run.where ? `\n  where ${run.where}` : ''}\n`);
  out.write(`  created ${when(run.createdAt)}${run.startedAt ? `, started ${when(run.startedAt)}` : ''}${run.endedAt ? `, ended ${when(run.endedAt)}` : ''}\n`);
  if (run.error) out.write(`  error: ${run.error}\n`);
  out.write('\n');
  printTable(
    ['TASK', 'QUANTA', 'SUCCEEDED', 'RUNNING', 'PENDING', 'FAILED', 'BLOCKED'],
    countsPerTask(run.quanta).map((c) => [c.task, c.total, c.succeeded, c.running, c.pending, c.failed, c.blocked]),
  );
  if (p.total > run.quanta.length) out.write(`(counts of the first ${run.quanta.length} of ${p.total} quanta)\n`);
  for (const q of run.failed) {
    out.write(`\nfailed quantum ${q.id}: ${q.taskLabel} ${dataIdText(q.dataId)}\n`);
    const text = [q.log ?? '', q.error ?? ''].filter((s) => s.trim() !== '').join('\n');
    out.write(`${tail(text || '(no log recorded)', logLines).replace(/^/gm, '  | ')}\n`);
  }
  if (run.failed.length > 0) out.write(`\nwhole logs: vera runs logs ${run.name} --quantum ID\n`);
}

export function register(program: Command): void {
  const runs = program.command('runs').description('processing runs: list, show, logs, cancel, resume');

  runs
    .command('list', { isDefault: true })
    .description('list runs, newest first')
    .option('--owner <user>', 'runs of this user ("me": yours)')
    .option('--status <status>', `only runs in this state: ${RUN_STATUSES.join(', ')}`, parseStatus)
    .option('--limit <n>', 'at most this many runs (default 100)', parseCount('--limit'))
    .option('--json', 'machine-readable output')
    .action(async (opts: { owner?: string; status?: RunStatus; limit?: number; json?: boolean }) => {
      const rows = await withClient(async (c) => {
        const owner = opts.owner === 'me' ? (await c.request(ME)).me.name : opts.owner;
        return (await c.request(RUNS, { owner, status: opts.status, limit: opts.limit })).runs;
      });
      if (opts.json) return printJson(rows);
      printTable(
        ['NAME', 'OWNER', 'PURPOSE', 'STATUS', 'QUANTA', 'FAILED', 'CREATED', 'ENDED'],
        rows.map((r) => [r.name, r.owner, r.purpose, r.status, `${r.progress.succeeded}/${r.progress.total}`, r.progress.failed, when(r.createdAt), when(r.endedAt)]),
      );
    });

  runs
    .command('show')
    .description('a run: progress, quanta per task and state, failed quanta with the end of their logs')
    .argument('<name>', 'the run (its RUN collection)')
    .option('--lines <n>', 'log lines shown per failed quantum', parseCount('--lines'), 20)
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { lines: number; json?: boolean }) => {
      const { run } = await withClient((c) => c.request(RUN_DETAIL, { name, quanta: MAX_QUANTA }));
      if (!run) throw new VeraError('UNKNOWN_RUN', `no run named '${name}'; see vera runs list`, { run: name });
      if (opts.json) {
        const { quanta, ...rest } = run;
        return printJson({ ...rest, tasks: countsPerTask(quanta) });
      }
      printRun(run, opts.lines);
    });

  runs
    .command('logs')
    .description("print the logs of a run's quanta (all, failed ones, or one)")
    .argument('<name>', 'the run')
    .option('--quantum <id>', 'only this quantum (ids: vera runs show)')
    .option('--failed', 'only failed quanta')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { quantum?: string; failed?: boolean; json?: boolean }) => {
      const quanta = await withClient(async (c) => {
        if (opts.quantum) {
          const { quantum } = await c.request(QUANTUM_LOG, { id: opts.quantum });
          if (!quantum || quantum.run !== name) throw new VeraError('NOT_FOUND', `run '${name}' has no quantum '${opts.quantum}'; see vera runs show ${name}`, { run: name, quantum: opts.quantum });
          return [quantum];
        }
        const { run } = await c.request(RUN_LOGS, { name, status: opts.failed ? 'failed' : undefined, limit: MAX_QUANTA });
        if (!run) throw new VeraError('UNKNOWN_RUN', `no run named '${name}'; see vera runs list`, { run: name });
        return run.quanta;
      });
      if (opts.json) return printJson(quanta);
      for (const q of quanta) {
        process.stdout.write(`== ${q.taskLabel} ${dataIdText(q.dataId)} (${q.status}, quantum ${q.id})\n`);
        if (q.log) process.stdout.write(q.log.endsWith('\n') ? q.log : `${q.log}\n`);
        if (q.error) process.stdout.write(`error: ${q.error}\n`);
      }
    });

  runs
    .command('cancel')
    .description('cancel a run: running quanta are stopped, the rest never start, finished ones are kept (resumable)')
    .argument('<name>', 'the run')
    .option('--no-wait', 'return once the cancellation is recorded, not once the run has stopped')
    .option('--json', 'print the final run state as JSON')
    .action(async (name: string, opts: { wait: boolean; json?: boolean }) => {
      await withClient(async (c, config) => {
        const { cancelRun } = await c.request(CANCEL_RUN, { name });
        const final = cancelRun.status === 'running' && opts.wait ? await followRun(c, name, { quiet: true, leaseMs: config.runLeaseMs }) : cancelRun;
        if (opts.json) return printJson(final);
        process.stderr.write(final.status === 'cancelled' ? `run '${name}' cancelled; finished quanta are kept: vera runs resume ${name} continues it\n` : `run '${name}' ${final.status}\n`);
      });
    });

  runs
    .command('resume')
    .description('resume a stopped (cancelled, failed, killed) run: finished quanta are kept, the rest run')
    .argument('<name>', 'the run')
    .option('--no-wait', 'return once the run is restarted')
    .option('--json', 'print the final run state as JSON')
    .action(async (name: string, opts: { wait: boolean; json?: boolean }) => {
      await withClient(async (c, config) => {
        await c.request(RESUME, { name });
        if (!opts.wait) return process.stderr.write(`run '${name}' resumed\n`);
        const final = await followRun(c, name, { quiet: Boolean(opts.json), leaseMs: config.runLeaseMs });
        if (opts.json) printJson(final);
        else process.stderr.write(`run '${name}' ${final.status}${final.error ? `: ${final.error}` : ''}\n`);
        if (final.status !== 'succeeded') throw new VeraError('RUN_FAILED', `run '${name}' ${final.status}`, { run: name });
      });
    });
}
