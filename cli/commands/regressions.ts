import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { dataIdText, printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { RegressionDetailQuery, RegressionStatus } from '../generated/graphql.ts';

/** `vera regressions`: list, explain in words, and triage (acknowledge, fix, reopen) regressions. */

const STATUSES: readonly RegressionStatus[] = ['open', 'acknowledged', 'fixed', 'false_alarm'];

const LIST = graphql(`
  query RegressionsList($status: RegressionStatus, $metric: String) {
    regressions(status: $status, metric: $metric) { id metric dataset branch dataId kind status firstBadCommit finding { delta relativeDelta } createdAt }
  }
`);

const DETAIL = graphql(`
  query RegressionDetail($id: Int!) {
    regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { run } after { run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt }
  }
`);

const SET_STATUS = graphql(`
  mutation SetRegressionStatusCli($id: Int!, $status: RegressionStatus!, $note: String) {
    setRegressionStatus(id: $id, status: $status, note: $note) { id status note }
  }
`);

type Regression = NonNullable<RegressionDetailQuery['regression']>;

const short = (sha: string | null | undefined) => (sha ? sha.slice(0, 10) : '–');
const num = (v: number | null | undefined) => (v === null || v === undefined || !Number.isFinite(v) ? '–' : String(Number(v.toPrecision(6))));
const json = (v: unknown) => (v === undefined ? 'unset' : JSON.stringify(v));

function parseId(value: string): number {
  if (!/^\d+$/.test(value)) throw new VeraError('BAD_INPUT', `regression id '${value}' is not a number; see vera regressions list`, { id: value });
  return Number(value);
}

function parseStatus(value: string): RegressionStatus {
  if (!(STATUSES as readonly string[]).includes(value)) throw new VeraError('BAD_INPUT', `--status '${value}': expected one of ${STATUSES.join(', ')}`, { value });
  return value as RegressionStatus;
}

/** A regression and its explanation (server/metrics/explain.ts) as plain sentences. */
export function regressionText(r: Regression): string {
  const f = r.finding;
  const x = r.explanation;
  const lines: string[] = [];
  const where = [r.dataset, r.branch, dataIdText(r.dataId)].filter(Boolean).join(', ');
  lines.push(`Regression #${r.id}: ${r.metric} (${where}), ${r.status}, found by ${r.kind}`);
  if (f.message) lines.push(`  ${f.message}`);
  lines.push(`  before ${num(f.baseline)}, after ${num(f.value)}, change ${num(f.delta)}${f.relativeDelta !== null && f.relativeDelta !== undefined ? ` (${(f.relativeDelta * 100).toFixed(1)}%)` : ''}${f.pValue !== null && f.pValue !== undefined ? `, p-value ${num(f.pValue)}` : ''}`);
  lines.push(`  last good commit ${short(r.lastGoodCommit)}, first bad commit ${short(r.firstBadCommit)}`);
  if (r.note) lines.push(`  note: ${r.note}`);
  lines.push('');
  if (!x) {
    lines.push('No explanation was recorded (the runs needed to explain it were missing).');
  } else {
    lines.push('What changed between the last good and the first bad run:');
    lines.push(`  runs: ${x.goodRun ?? '–'} -> ${x.badRun ?? '–'}`);
    if (x.commits.length === 0) lines.push('  commits: none between them');
    else {
      lines.push(`  ${x.commits.length} commit${x.commits.length === 1 ? '' : 's'}:`);
      for (const c of x.commits) lines.push(`    ${short(c.sha)} ${c.subject} (${c.author}, ${c.date.slice(0, 10)})`);
    }
    if (x.configChanges.length === 0) lines.push('  config: unchanged');
    else {
      lines.push(`  config changes (${x.configChanges.length}):`);
      for (const c of x.configChanges) lines.push(`    ${c.task}.${c.field}: ${json(c.before)} -> ${json(c.after)}`);
    }
    if (x.inputCollections) lines.push(`  input collections: ${x.inputCollections.before.join(', ') || '–'} -> ${x.inputCollections.after.join(', ') || '–'}`);
    const calibs = x.inputChanges.filter((c) => c.isCalibration);
    const inputs = x.inputChanges.filter((c) => !c.isCalibration);
    for (const [label, list] of [['input datasets', inputs], ['calibrations', calibs]] as const) {
      if (list.length === 0) lines.push(`  ${label}: unchanged`);
      else {
        lines.push(`  ${label} changed (${list.length}):`);
        for (const c of list.slice(0, 10)) lines.push(`    ${c.datasetType} ${dataIdText(c.dataId)}: ${c.before?.run ?? 'none'} -> ${c.after?.run ?? 'none'}`);
        if (list.length > 10) lines.push(`    … and ${list.length - 10} more`);
      }
    }
    const changed = x.quanta.filter((q) => q.changed > 0);
    if (changed.length === 0) lines.push('  quanta: every task produced the same bytes');
    else {
      lines.push('  quanta whose outputs changed:');
      for (const q of changed) lines.push(`    ${q.task}: ${q.changed} of ${q.total}`);
    }
    if (x.dataIds.length > 0) {
      lines.push('  data IDs that moved most:');
      for (const d of x.dataIds.slice(0, 5)) lines.push(`    ${dataIdText(d.dataId)}: ${num(d.before)} -> ${num(d.after)} (${num(d.delta)})`);
    }
  }
  if (r.history.length > 0) {
    lines.push('', 'Triage:');
    for (const h of r.history) lines.push(`  ${h.at.slice(0, 16).replace('T', ' ')} ${h.actor}: ${h.fromStatus} -> ${h.toStatus}${h.note ? ` (${h.note})` : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

export function register(program: Command): void {
  const regressions = program.command('regressions').description('regressions found in metric series: list, explain, acknowledge, fix, reopen');

  regressions
    .command('list', { isDefault: true })
    .description('list regressions, newest first')
    .option('--status <status>', `only in this state: ${STATUSES.join(', ')}`, parseStatus)
    .option('--metric <name>', 'only of this metric, e.g. drp.photometricRepeatability')
    .option('--json', 'machine-readable output')
    .action(async (opts: { status?: RegressionStatus; metric?: string; json?: boolean }) => {
      const { regressions: rows } = await withClient((c) => c.request(LIST, { status: opts.status, metric: opts.metric }));
      if (opts.json) return printJson(rows);
      printTable(
        ['ID', 'METRIC', 'DATASET', 'BRANCH', 'DATA ID', 'KIND', 'STATUS', 'FIRST BAD', 'CHANGE'],
        rows.map((r) => {
          const f = r.finding;
          return [r.id, r.metric, r.dataset, r.branch, dataIdText(r.dataId), r.kind, r.status, short(r.firstBadCommit), f.relativeDelta !== null && f.relativeDelta !== undefined ? `${(f.relativeDelta * 100).toFixed(1)}%` : num(f.delta)];
        }),
      );
    });

  regressions
    .command('show')
    .description('a regression and its explanation: commits, config, inputs, calibrations, quanta and data IDs that changed')
    .argument('<id>', 'regression id (vera regressions list)', parseId)
    .option('--json', 'machine-readable output')
    .action(async (id: number, opts: { json?: boolean }) => {
      const { regression } = await withClient((c) => c.request(DETAIL, { id }));
      if (!regression) throw new VeraError('NOT_FOUND', `no regression #${id}; see vera regressions list`, { id });
      if (opts.json) return printJson(regression);
      process.stdout.write(regressionText(regression));
    });

  const triage: [string, RegressionStatus, string][] = [
    ['ack', 'acknowledged', 'acknowledge a regression: known, being looked at'],
    ['fix', 'fixed', 'mark a regression fixed'],
    ['reopen', 'open', 'reopen a regression'],
  ];
  for (const [name, status, description] of triage) {
    regressions
      .command(name)
      .description(description)
      .argument('<id>', 'regression id', parseId)
      .option('--note <text>', 'why (kept in its history)')
      .option('--json', 'machine-readable output')
      .action(async (id: number, opts: { note?: string; json?: boolean }) => {
        const { setRegressionStatus } = await withClient((c) => c.request(SET_STATUS, { id, status, note: opts.note }));
        if (opts.json) return printJson(setRegressionStatus);
        process.stderr.write(`regression #${setRegressionStatus.id} is now ${setRegressionStatus.status}\n`);
      });
  }
}
