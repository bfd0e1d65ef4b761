import type { Comparison, CompareRow } from './compare.ts';
import { dataIdLabel } from './spec-judge.ts';

/** Formatting of comparisons for terminals and for GitHub (PR comments, step summaries). */

function fmt(v: number | null, digits = 4): string {
  if (v === null || !Number.isFinite(v)) return '';
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e6) ? v.toExponential(2) : v.toPrecision(digits).replace(/(\.\d*?)0+$/, '$1').replace(/\.$/, '');
}

function pct(v: number | null): string {
  return v === null || !Number.isFinite(v) ? '' : `${v >= 0 ? '+' : ''}${(100 * v).toFixed(1)}%`;
}

/** "design: FAIL (worst band=g: 12.3; 2 data IDs fail)": a spec fails where its worst data ID is named. */
function specCell(r: CompareRow): string {
  return r.specs
    .map((s) => {
      const verdict = `${s.spec.split('.').pop()}: ${s.head === null ? '?' : s.head ? 'pass' : 'FAIL'}`;
      if (s.head !== false || r.dataId !== null || !s.worstDataId) return verdict;
      const more = s.failingDataIds > 1 ? `; ${s.failingDataIds} data IDs fail` : '';
      return `${verdict} (worst ${dataIdLabel(s.worstDataId)}: ${fmt(s.worstValue)}${more})`;
    })
    .join(', ');
}

function dataIdCell(r: CompareRow): string {
  return dataIdLabel(r.dataId);
}

export function comparisonTableRows(c: Comparison, opts: { perDataId?: boolean } = {}): string[][] {
  return c.rows
    .filter((r) => opts.perDataId || r.dataId === null)
    .map((r) => [r.metric, dataIdCell(r), fmt(r.base), fmt(r.head), fmt(r.delta), pct(r.relativeDelta), r.unit, r.pValue === null ? '' : r.pValue.toExponential(1), r.status, specCell(r)]);
}

export const COMPARISON_HEADERS = ['METRIC', 'DATA ID', 'BASE', 'HEAD', 'DELTA', 'REL', 'UNIT', 'P', 'STATUS', 'SPECS'];

export function regressionsIn(c: Comparison): CompareRow[] {
  return c.rows.filter((r) => r.dataId === null && (r.status === 'regression' || r.specs.some((s) => s.base !== false && s.head === false)));
}

/** " (worst: band=g)" when a failing spec names its worst data ID. */
function worstIn(r: CompareRow): string {
  const worst = r.specs.find((s) => s.head === false && s.worstDataId)?.worstDataId;
  return worst ? ` (worst: ${dataIdLabel(worst)})` : '';
}

/** Markdown for a PR comment or a GitHub step summary: a headline, then one row per metric. */
export function comparisonMarkdown(c: Comparison, opts: { title?: string; perDataId?: boolean } = {}): string {
  const bad = regressionsIn(c);
  const better = c.rows.filter((r) => r.dataId === null && r.status === 'improvement');
  const headline = bad.length
    ? `**${bad.length} metric${bad.length > 1 ? 's' : ''} regressed**: ${bad.map((r) => `\`${r.metric}\`${worstIn(r)}`).join(', ')}`
    : `No regression${better.length ? `; ${better.length} improved` : ''}.`;
  const side = (s: Comparison['base']) => `${s.label}${s.commit ? ` (\`${s.commit.slice(0, 10)}\`)` : ''}`;
  const rows = comparisonTableRows(c, opts).map((cells) => `| ${cells.map((x) => x.replace(/\|/g, '\\|')).join(' | ')} |`);
  return [
    `### ${opts.title ?? 'Vera: metrics compared'}`,
    '',
    `${headline}`,
    '',
    `Head: ${side(c.head)} vs base: ${side(c.base)}`,
    '',
    `| ${COMPARISON_HEADERS.map((h) => h.toLowerCase()).join(' | ')} |`,
    `|${COMPARISON_HEADERS.map(() => '---').join('|')}|`,
    ...rows,
    '',
  ].join('\n');
}
