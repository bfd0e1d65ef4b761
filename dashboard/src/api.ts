import { gql } from './gql.ts';
import { graphql } from './generated/gql.ts';
import type { MeasuredSeriesQuery } from './generated/graphql.ts';

/** Queries and result types several pages share. Each page asks only for the fields it draws. */

export type MeasuredSeries = MeasuredSeriesQuery['measuredSeries'][number];

export async function measuredSeries(signal: AbortSignal, metric?: string): Promise<MeasuredSeries[]> {
  const r = await gql(
    graphql(`query MeasuredSeries($m: String) { measuredSeries(metric: $m) { metric dataset branch repo commits lastMeasuredAt } }`),
    { m: metric ?? null },
    signal,
  );
  return r.measuredSeries;
}

/** Branch labels with measurements, master first, then the most recently measured. */
export function branchesOf(series: readonly MeasuredSeries[]): string[] {
  const latest = new Map<string, string>();
  for (const s of series) if (s.branch && (latest.get(s.branch) ?? '') < s.lastMeasuredAt) latest.set(s.branch, s.lastMeasuredAt);
  const rank = (b: string) => MAINLINES.indexOf(b) >= 0 ? MAINLINES.indexOf(b) : MAINLINES.length;
  return [...latest.entries()].sort((a, b) => rank(a[0]) - rank(b[0]) || b[1].localeCompare(a[1])).map(([b]) => b);
}

/** The names a repository's default branch goes by; the first measured one leads. */
const MAINLINES = ['master', 'main'];

/** master or main when measured (a repository has one of them as its default), else the branch measured most recently. */
export function defaultBranch(series: readonly MeasuredSeries[]): string {
  return branchesOf(series)[0] ?? 'master';
}

export function datasetsOf(series: readonly MeasuredSeries[]): string[] {
  const commits = new Map<string, number>();
  for (const s of series) commits.set(s.dataset, (commits.get(s.dataset) ?? 0) + s.commits);
  return [...commits.entries()].sort((a, b) => b[1] - a[1]).map(([d]) => d);
}

export function repoOf(series: readonly MeasuredSeries[], dataset: string): string | null {
  return series.find((s) => s.dataset === dataset && s.repo)?.repo ?? null;
}

export interface SeriesPoint {
  commit: string;
  position: number;
  n: number;
  mean: number;
  std: number | null;
  runs: string[];
}

export interface Release {
  tag: string;
  commit: string;
  position: number | null;
}
