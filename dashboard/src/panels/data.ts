import type { PanelQuery } from '../../../contracts/dashboard-model.ts';
import type { SeriesPoint } from '../api.ts';
import { gql as request } from '../gql.ts';
import type { PanelOverviewQuery, PanelRegressionsQuery, PanelRunsQuery, RegressionStatus, RunStatus, TypedDocumentString } from '../generated/graphql.ts';
import { dataIdFilter, expandList, interpolate, type Values } from './variables.ts';
import { graphql } from '../generated/gql.ts';

/**
 * What each query source fetches: only the fields its panels draw. Panels of one page that ask
 * the same question (three stats over the overview) share one request.
 */
const shared = new WeakMap<AbortSignal, Map<string, Promise<unknown>>>();

function gql<T, V>(query: TypedDocumentString<T, V>, variables: V, signal: AbortSignal): Promise<T> {
  const cache = shared.get(signal) ?? new Map<string, Promise<unknown>>();
  shared.set(signal, cache);
  const key = JSON.stringify([query.toString(), variables]);
  if (!cache.has(key)) cache.set(key, request(query, variables, signal));
  return cache.get(key) as Promise<T>;
}

type Q<S extends PanelQuery['source']> = Extract<PanelQuery, { source: S }>;

export interface BranchPoints {
  branch: string;
  order: string;
  /** What the panel draws (position, mean) and opens on a click (runs); nothing more. */
  points: Pick<SeriesPoint, 'position' | 'mean' | 'runs'>[];
}

export async function fetchSeries(q: Q<'series'>, values: Values, signal: AbortSignal): Promise<{ unit: string; series: BranchPoints[]; missing: string[] }> {
  const branches = expandList(q.branches, values);
  const vars = { m: interpolate(q.metric, values), d: interpolate(q.dataset, values), id: dataIdFilter(q.dataId, values) };
  const results = await Promise.allSettled(
    branches.map((b) =>
      gql(
        graphql(`query PanelSeries($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { position mean runs } } }`),
        { ...vars, b },
        signal,
      ),
    ),
  );
  let unit = '';
  const series: BranchPoints[] = [];
  const missing: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') {
      unit = r.value.series.unit;
      series.push({ branch: branches[i]!, order: r.value.series.order, points: r.value.series.points });
    } else missing.push(branches[i]!);
  });
  return { unit, series, missing };
}

export type OverviewRow = PanelOverviewQuery['metricOverview'][number];

export async function fetchOverview(q: Q<'overview'>, values: Values, signal: AbortSignal): Promise<OverviewRow[]> {
  const r = await gql(graphql(`query PanelOverview($b: String!) { metricOverview(branch: $b, points: 1) { metric dataset latest unit status } }`), { b: interpolate(q.branch, values) }, signal);
  return r.metricOverview;
}

export type RegressionRow = PanelRegressionsQuery['regressions'][number];

export async function fetchRegressions(q: Q<'regressions'>, values: Values, signal: AbortSignal): Promise<RegressionRow[]> {
  const r = await gql(
    graphql(`query PanelRegressions($s: RegressionStatus, $m: String) { regressions(status: $s, metric: $m) { id metric kind status branch } }`),
    { s: q.status ? (interpolate(q.status, values) as RegressionStatus) : null, m: q.metric ? interpolate(q.metric, values) : null },
    signal,
  );
  return r.regressions;
}

export type RunRow = PanelRunsQuery['runs'][number];

export async function fetchRuns(q: Q<'runs'>, values: Values, signal: AbortSignal): Promise<RunRow[]> {
  const r = await gql(graphql(`query PanelRuns($s: RunStatus, $l: Int) { runs(status: $s, limit: $l) { name status createdAt } }`), { s: q.status ? (interpolate(q.status, values) as RunStatus) : null, l: q.limit }, signal);
  return r.runs;
}

export interface DataIdGrid {
  unit: string;
  dimension: string;
  /** Commits oldest first (heatmap columns). */
  commits: { commit: string; position: number }[];
  /** Dimension values (rows), naturally sorted. */
  keys: string[];
  /** Mean of the measurements at [key][commit index]; null where none. */
  cells: (number | null)[][];
}

/** A metric's measurements on the latest commits of a branch, grouped by one data ID dimension. */
export async function fetchDataIds(q: Q<'dataIds'>, values: Values, signal: AbortSignal): Promise<DataIdGrid> {
  const [metric, dataset, branch, dimension] = [interpolate(q.metric, values), interpolate(q.dataset, values), interpolate(q.branch, values), interpolate(q.dimension, values)];
  const { series } = await gql(
    graphql(`query PanelSeriesPoints($m: String!, $d: String!, $b: String!) { series(metric: $m, dataset: $d, branch: $b) { unit points { commit position } } }`),
    { m: metric, d: dataset, b: branch },
    signal,
  );
  const commits = series.points.slice(-q.commits);
  const { measurements } = await gql(
    graphql(`query PanelMeasurements($m: String!, $d: String!, $c: [String!]) { measurements(metric: $m, dataset: $d, commits: $c, limit: 20000) { value dataId commit } }`),
    { m: metric, d: dataset, c: commits.map((c) => c.commit) },
    signal,
  );
  const col = new Map(commits.map((c, i) => [c.commit, i]));
  const sums = new Map<string, { s: number; n: number }[]>();
  for (const m of measurements) {
    const key = m.dataId[dimension];
    const i = m.commit !== null ? col.get(m.commit) : undefined;
    if (key === undefined || i === undefined || m.value === null) continue;
    const row = sums.get(String(key)) ?? commits.map(() => ({ s: 0, n: 0 }));
    row[i]!.s += m.value;
    row[i]!.n += 1;
    sums.set(String(key), row);
  }
  const keys = [...sums.keys()].sort((a, b) => a.localeCompare(b, undefined, { numeric: true }));
  return { unit: series.unit, dimension, commits, keys, cells: keys.map((k) => sums.get(k)!.map((c) => (c.n ? c.s / c.n : null))) };
}
