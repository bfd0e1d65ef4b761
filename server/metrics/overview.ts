import { and, desc, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { collections, measurements, metrics } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { assertUuids } from '../repo/index.ts';
import { collectionNames } from '../runs/queries.ts';
import { passesSpec } from './detect/index.ts';
import { loadSeries, type Series, type SeriesMeasurementRow } from './series.ts';
import { judgeSpecs, type JudgedValue } from './spec-judge.ts';
import { detectionConfigOf } from './specs-db.ts';
import { convertValue, parseUnit, type ThresholdSpecification } from './verify/index.ts';

/**
 * What there is to look at: which series have measurements, their data IDs, the raw
 * measurements, and every metric's latest value on a branch against its specifications. The
 * dashboard's overview and variable pickers are built from these.
 */

/** A metric measured on a dataset along a branch label (as the runs recorded it). */
export interface MeasuredSeries {
  metric: string;
  dataset: string;
  branch: string | null;
  repo: string | null;
  measurements: number;
  commits: number;
  lastMeasuredAt: Date;
}

export async function listMeasuredSeries(db: Db, opts: { metric?: string } = {}): Promise<MeasuredSeries[]> {
  const where = opts.metric ? sql`WHERE metric_name = ${opts.metric}` : sql``;
  const rows = await queryRows<{ metric: string; dataset: string; branch: string | null; repo: string | null; n: number; commits: number; last: Date | string }>(
    db,
    sql`SELECT metric_name AS metric, dataset, branch, repo, count(*)::int AS n, count(DISTINCT commit)::int AS commits, max(measured_at) AS last
        FROM measurements ${where} GROUP BY metric_name, dataset, branch, repo ORDER BY metric_name, dataset, branch NULLS LAST, repo NULLS LAST`,
  );
  return rows.map((r) => ({ metric: r.metric, dataset: r.dataset, branch: r.branch, repo: r.repo, measurements: r.n, commits: r.commits, lastMeasuredAt: new Date(r.last) }));
}

/** Distinct data IDs a metric was measured at on a dataset, in a stable order. */
export async function measuredDataIds(db: Db, q: { metric: string; dataset: string; limit?: number }): Promise<Record<string, string | number>[]> {
  const rows = await queryRows<{ data_id: Record<string, string | number> }>(
    db,
    sql`SELECT DISTINCT data_id FROM measurements WHERE metric_name = ${q.metric} AND dataset = ${q.dataset} ORDER BY data_id LIMIT ${q.limit ?? 500}`,
  );
  return rows.map((r) => r.data_id);
}

export interface MeasurementOut {
  id: number;
  metric: string;
  value: number | null;
  unit: string;
  dataset: string;
  dataId: Record<string, string | number>;
  commit: string | null;
  branch: string | null;
  run: string | null;
  datasetId: string | null;
  measuredAt: Date;
}

export interface MeasurementQuery {
  metric?: string | undefined;
  dataset?: string | undefined;
  /** RUN collection names. */
  runs?: string[] | undefined;
  datasetId?: string | undefined;
  commits?: string[] | undefined;
  limit?: number | undefined;
}

/** Measurements by metric, dataset, runs, commits or the Measurement dataset that holds them; newest first. */
export async function listMeasurements(db: Db, q: MeasurementQuery): Promise<MeasurementOut[]> {
  if (q.datasetId) assertUuids([q.datasetId], 'dataset');
  const conds: (SQL | undefined)[] = [
    q.metric ? eq(measurements.metricName, q.metric) : undefined,
    q.dataset ? eq(measurements.dataset, q.dataset) : undefined,
    q.datasetId ? eq(measurements.datasetId, q.datasetId) : undefined,
    q.commits ? (q.commits.length ? inArray(measurements.commit, q.commits) : sql`false`) : undefined,
  ];
  if (q.runs) {
    const ids = q.runs.length ? (await db.select({ id: collections.id }).from(collections).where(inArray(collections.name, q.runs))).map((r) => r.id) : [];
    conds.push(ids.length ? inArray(measurements.runId, ids) : sql`false`);
  }
  const rows = await db
    .select()
    .from(measurements)
    .where(and(...conds))
    .orderBy(desc(measurements.measuredAt), desc(measurements.id))
    .limit(Math.min(q.limit ?? 1000, 20_000));
  const names = await collectionNames(db, rows.map((r) => r.runId));
  return rows.map((r) => ({
    id: r.id,
    metric: r.metricName,
    value: r.value,
    unit: r.unit,
    dataset: r.dataset,
    dataId: r.dataId,
    commit: r.commit,
    branch: r.branch,
    run: r.runId !== null ? (names.get(r.runId) ?? null) : null,
    datasetId: r.datasetId,
    measuredAt: r.measuredAt,
  }));
}

export interface SpecCheck {
  name: string;
  operator: string;
  /** The threshold, in the metric's unit. */
  value: number;
  unit: string;
  /** Met by the latest point and by each of its data IDs (spec-judge.ts). */
  pass: boolean;
  failingDataIds: number;
  /** The failing data ID farthest beyond the threshold, with its value. */
  worstDataId: Record<string, unknown> | null;
  worstValue: number | null;
}

/** `pass`: every specification met; `partial`: some; `fail`: none; `none`: no specification applies. */
export type SpecStatus = 'pass' | 'partial' | 'fail' | 'none';

export interface MetricSummary {
  metric: string;
  dataset: string;
  branch: string;
  unit: string;
  description: string;
  latest: number;
  commit: string;
  position: number;
  /** The newest run that measured the latest commit. */
  run: string | null;
  /** Measurements behind the latest point. */
  n: number;
  /** The last point means, oldest first. */
  sparkline: number[];
  specs: SpecCheck[];
  status: SpecStatus;
}

/** The specifications a series is judged by, as comparisons use them: the configured ones, else those without a metadata query. */
export function applicableSpecs(configured: readonly string[], specs: readonly ThresholdSpecification[]): ThresholdSpecification[] {
  return specs.filter((s) => (configured.length ? configured.includes(s.name) : Object.keys(s.metadataQuery).length === 0));
}

export function specStatus(checks: readonly SpecCheck[]): SpecStatus {
  if (checks.length === 0) return 'none';
  const passed = checks.filter((c) => c.pass).length;
  return passed === checks.length ? 'pass' : passed === 0 ? 'fail' : 'partial';
}

/** A point's measurements with the extras that pooling needs (spec-judge.ts). */
async function withExtras(db: Db, rows: readonly SeriesMeasurementRow[]): Promise<JudgedValue[]> {
  if (rows.length === 0) return [];
  const extras = new Map((await db.select({ id: measurements.id, extras: measurements.extras }).from(measurements).where(inArray(measurements.id, rows.map((r) => r.id)))).map((r) => [r.id, r.extras]));
  return rows.map((r) => ({ value: r.value, unit: r.unit, dataId: r.dataId, extras: extras.get(r.id) ?? null }));
}

function lastRun(series: Series, commit: string, names: Map<number, string>): string | null {
  const ids = (series.measurements.get(commit) ?? []).map((m) => m.runId).filter((r): r is number => r !== null);
  return ids.length ? (names.get(Math.max(...ids)) ?? null) : null;
}

/**
 * Every measured metric's latest point on a branch (per dataset), its recent trend and whether it
 * meets its specifications. Series the branch's history does not reach are left out.
 */
export async function metricOverview(db: Db, opts: { branch: string; points?: number }): Promise<MetricSummary[]> {
  const keys = await queryRows<{ metric: string; dataset: string }>(db, sql`SELECT DISTINCT metric_name AS metric, dataset FROM measurements ORDER BY 1, 2`);
  const descriptions = new Map((await db.select({ name: metrics.name, description: metrics.description }).from(metrics)).map((m) => [m.name, m.description]));
  const out: MetricSummary[] = [];
  for (const k of keys) {
    let series: Series;
    try {
      series = await loadSeries(db, { metric: k.metric, dataset: k.dataset, branch: opts.branch });
    } catch (e) {
      // A repository without this branch, or no measurement on it: nothing to summarize.
      if (e instanceof VeraError && e.code === 'NOT_FOUND') continue;
      throw e;
    }
    const last = series.points.at(-1);
    if (!last) continue;
    const { config, specs } = await detectionConfigOf(db, k.metric);
    const unit = parseUnit(series.unit);
    const applicable = applicableSpecs(config.specs, specs);
    const verdicts = judgeSpecs(applicable, await withExtras(db, series.measurements.get(last.commit) ?? []), series.unit);
    const checks = applicable.map((s, i) => ({
      name: s.name,
      operator: s.threshold.operator,
      value: convertValue(s.threshold.value, s.threshold.unit, unit),
      unit: series.unit,
      pass: verdicts[i]!.pass ?? passesSpec(s, last.mean, series.unit),
      failingDataIds: verdicts[i]!.failingDataIds,
      worstDataId: verdicts[i]!.worstDataId,
      worstValue: verdicts[i]!.worstValue,
    }));
    const names = await collectionNames(db, (series.measurements.get(last.commit) ?? []).map((m) => m.runId));
    out.push({
      metric: k.metric,
      dataset: k.dataset,
      branch: opts.branch,
      unit: series.unit,
      description: descriptions.get(k.metric) ?? '',
      latest: last.mean,
      commit: last.commit,
      position: last.position,
      run: lastRun(series, last.commit, names),
      n: last.n,
      sparkline: series.points.slice(-(opts.points ?? 30)).map((p) => p.mean),
      specs: checks,
      status: specStatus(checks),
    });
  }
  return out;
}
