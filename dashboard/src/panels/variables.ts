import type { DashboardVariable } from '../../../contracts/dashboard-model.ts';
import { branchesOf, datasetsOf, type MeasuredSeries } from '../api.ts';
import { gql } from '../gql.ts';
import { graphql } from '../generated/gql.ts';

/**
 * Dashboard variables: their options (from what has been measured), their current values (from
 * the URL, `?var-<name>=...`, else the default, else the first option) and `$name` substitution
 * in panel queries.
 */
export type Values = Map<string, string[]>;

export const ALL = 'all';

export interface ResolvedVariable {
  variable: DashboardVariable;
  options: string[];
  values: string[];
}

async function bandsOf(metric: string | undefined, dataset: string | undefined, signal: AbortSignal): Promise<string[]> {
  if (!metric || !dataset) return [];
  const { measuredDataIds } = await gql(graphql(`query MeasuredDataIds($m: String!, $d: String!) { measuredDataIds(metric: $m, dataset: $d) }`), { m: metric, d: dataset }, signal);
  return [...new Set(measuredDataIds.map((d) => d.band).filter((b) => b !== undefined).map(String))].sort();
}

/** Resolves variables in order, so a dataset's options can depend on the metric chosen before it. */
export async function resolveVariables(variables: readonly DashboardVariable[], query: URLSearchParams, series: readonly MeasuredSeries[], signal: AbortSignal): Promise<ResolvedVariable[]> {
  const out: ResolvedVariable[] = [];
  const current = (kind: string) => out.find((r) => r.variable.kind === kind)?.values[0];
  for (const v of variables) {
    const metric = current('metric');
    const scoped = metric ? series.filter((s) => s.metric === metric) : series;
    let options: string[];
    switch (v.kind) {
      case 'metric':
        options = [...new Set(series.map((s) => s.metric))].sort();
        break;
      case 'dataset':
        options = datasetsOf(scoped);
        break;
      case 'branch':
        options = branchesOf(scoped.filter((s) => !current('dataset') || s.dataset === current('dataset')));
        break;
      case 'band':
        options = await bandsOf(metric, current('dataset'), signal);
        break;
      default:
        options = [];
    }
    if (v.includeAll) options = [ALL, ...options];
    const fromUrl = query.getAll(`var-${v.name}`).filter((x) => x !== '');
    const fallback = v.default === undefined ? [] : Array.isArray(v.default) ? v.default : [v.default];
    let values = fromUrl.length ? fromUrl : fallback.filter((d) => v.kind === 'text' || options.includes(d));
    if (!values.length && options.length) values = [options[0]!];
    if (!v.multi) values = values.slice(0, 1);
    out.push({ variable: v, options, values });
  }
  return out;
}

export function valuesOf(resolved: readonly ResolvedVariable[]): Values {
  return new Map(resolved.map((r) => [r.variable.name, r.values]));
}

const REF = /\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?/g;

/** Names a panel query refers to. */
export function variableRefs(query: unknown): Set<string> {
  return new Set([...JSON.stringify(query).matchAll(REF)].map((m) => m[1]!));
}

/** `$name` → the variable's (first) value; unknown names stay as written. */
export function interpolate(text: string, values: Values): string {
  return text.replace(REF, (m, name: string) => values.get(name)?.[0] ?? m);
}

/** A list where an element that is exactly `$name` expands to all of a multi-valued variable's values. */
export function expandList(items: readonly string[], values: Values): string[] {
  return [...new Set(items.flatMap((it) => {
    const m = /^\$\{?([a-zA-Z_][a-zA-Z0-9_]*)\}?$/.exec(it);
    return m && values.has(m[1]!) ? values.get(m[1]!)! : [interpolate(it, values)];
  }))].filter((x) => x !== '' && !x.startsWith('$'));
}

/** A data ID filter with variables substituted; keys whose value is "all" or empty are dropped. */
export function dataIdFilter(filter: Record<string, string>, values: Values): Record<string, string | number> | null {
  const out: Record<string, string | number> = {};
  for (const [k, v] of Object.entries(filter)) {
    const x = interpolate(v, values);
    if (x === '' || x === ALL || x.startsWith('$')) continue;
    out[k] = /^-?\d+$/.test(x) ? Number(x) : x;
  }
  return Object.keys(out).length ? out : null;
}
