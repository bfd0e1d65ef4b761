import { dataIdText, type BuildRun, type BuildState, type FailedQuantum } from './builds.ts';
import type { ActionConfig } from './config.ts';

/**
 * Names of the regressed metrics, read from the headline of each comparison section of the
 * build's Markdown ("**2 metrics regressed**: `a.b`, `c.d`"). Vera's Build type has only the
 * count; the names are what a failing check should say.
 */
export function regressedMetrics(markdown: string | null): string[] {
  const names = new Set<string>();
  for (const line of (markdown ?? '').split('\n')) {
    const m = /^\*\*\d+ metrics? regressed\*\*:(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const name of m[1]!.matchAll(/`([^`]+)`/g)) names.add(name[1]!);
  }
  return [...names];
}

export interface Verdict {
  ok: boolean;
  /** For `::error::` (when not ok) or `::warning::` lines. */
  errors: string[];
  warnings: string[];
  /** The `status` output: the build's status, or `timeout`. */
  status: string;
}

/** A quantum's error is a message and a stack; annotations and headlines take the message. */
export function firstLine(text: string): string {
  return text.split(/\r?\n/, 1)[0]!.trim();
}

function runFailures(build: BuildState, failures: Map<string, FailedQuantum[]>): string[] {
  return build.runs
    .filter((r) => r.status !== 'succeeded')
    .map((r) => {
      // The first failed quantum's error says more than the run's own ("1 quanta failed, ...").
      const q = failures.get(r.name)?.[0];
      const more = r.progress.failed > 1 ? ` (and ${r.progress.failed - 1} more failed quanta)` : '';
      const why = q ? `${q.taskLabel} ${dataIdText(q.dataId)}: ${firstLine(q.error ?? 'failed')}${more}` : (r.error ?? `${r.progress.failed} quanta failed, ${r.progress.blocked} blocked`);
      return `run ${r.name} ${r.status}: ${why}`;
    });
}

export function durationText(ms: number): string {
  const minutes = ms / 60_000;
  if (minutes >= 1) return `${+minutes.toFixed(1)} minute${minutes === 1 ? '' : 's'}`;
  return `${+(ms / 1000).toFixed(3)} s`;
}

/** Whether the step passes: failed and error builds and timeouts never do; regressions when asked. */
export function verdict(
  build: BuildState,
  opts: { failOnRegression: boolean; timedOut: boolean; timeoutMs: number; failures: Map<string, FailedQuantum[]>; orphaned?: BuildRun[] },
): Verdict {
  const label = `Vera build ${build.id}`;
  if (opts.orphaned?.length) {
    const why = opts.orphaned.map((r) => `run ${r.name} stopped: ${r.error}; its finished quanta are kept: resume it (vera run --resume ${r.name}), then re-run this job`);
    return { ok: false, status: 'failed', errors: [`${label} failed: ${why.join('; ')}`], warnings: [] };
  }
  if (opts.timedOut) {
    return { ok: false, status: 'timeout', errors: [`${label} did not finish within ${durationText(opts.timeoutMs)} (still ${build.status})`], warnings: [] };
  }
  if (build.status === 'error') return { ok: false, status: build.status, errors: [`${label} could not start: ${build.error ?? 'no error recorded'}`], warnings: [] };
  if (build.status === 'failed') {
    const why = runFailures(build, opts.failures);
    return { ok: false, status: build.status, errors: [`${label} failed: ${why.join('; ') || build.error || 'no error recorded'}`], warnings: [] };
  }
  const n = build.regressions ?? 0;
  if (n > 0) {
    const names = build.regressedMetrics ?? regressedMetrics(build.summaryMarkdown);
    const what = `${label}: ${n} metric${n === 1 ? '' : 's'} regressed${names.length ? `: ${names.join(', ')}` : ''}`;
    return opts.failOnRegression ? { ok: false, status: build.status, errors: [what], warnings: [] } : { ok: true, status: build.status, errors: [], warnings: [what] };
  }
  // A build with no run passes, but nothing was verified: say so rather than show a bare tick.
  if (build.runs.length === 0) return { ok: true, status: build.status, errors: [], warnings: [`${label} ran no pipeline: vera.yaml at this commit lists no run for this event`] };
  return { ok: true, status: build.status, errors: [], warnings: [] };
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');

/** The step summary: a headline, the runs, then Vera's comparison (or what went wrong). */
export function stepSummary(build: BuildState, config: ActionConfig, v: Verdict, failures: Map<string, FailedQuantum[]>): string {
  const icon = v.ok ? (v.warnings.length ? '⚠️' : '✅') : '❌';
  const target = config.target;
  const lines = [
    `## ${icon} Vera build ${build.id}: ${v.status}`,
    '',
    `\`${build.repo}\` at \`${build.commit.slice(0, 10)}\` on \`${build.ref}\` (${target.event}${target.prNumber ? ` #${target.prNumber}` : ''})`,
    '',
  ];
  for (const message of [...v.errors, ...v.warnings]) lines.push(`> ${cell(message)}`, '');
  if (build.runs.length) {
    lines.push('| run | status | quanta succeeded | failed | blocked |', '|---|---|---|---|---|');
    for (const r of build.runs) lines.push(`| \`${cell(r.name)}\` | ${r.status} | ${r.progress.succeeded}/${r.progress.total} | ${r.progress.failed} | ${r.progress.blocked} |`);
    lines.push('');
  }
  for (const [run, quanta] of failures) {
    if (!quanta.length) continue;
    lines.push(`<details><summary>Failed quanta of <code>${run}</code></summary>`, '');
    for (const q of quanta) {
      lines.push(`- \`${q.taskLabel}\` ${dataIdText(q.dataId)}: ${cell(firstLine(q.error ?? 'no error recorded'))}`);
      if (q.error && q.error.trim() !== firstLine(q.error)) lines.push('', '  ```text', ...q.error.trimEnd().split(/\r?\n/).map((l) => `  ${l.replace(/```/g, "'''")}`), '  ```');
    }
    lines.push('', '</details>', '');
  }
  if (build.summaryMarkdown) lines.push(build.summaryMarkdown);
  else if (build.status === 'error' && build.error) lines.push(`Error: ${build.error}`);
  return `${lines.join('\n').trimEnd()}\n`;
}
