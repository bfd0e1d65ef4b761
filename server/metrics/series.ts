import { and, eq, inArray, sql, type SQL } from 'drizzle-orm';
import { firstParentHistory } from '../git/git.ts';
import { assertRefName } from '../git/refs.ts';
import { trackedRepo } from '../git/repos.ts';
import type { Db } from '../db/client.ts';
import { measurements, metrics } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { aggregateSeries, type SeriesPoint } from './detect/index.ts';
import type { CountsAs } from './standing.ts';

export interface SeriesQuery {
  metric: string;
  dataset: string;
  branch: string;
  /** Only measurements whose data ID holds these values (a visit, a patch, a band). */
  dataId?: Record<string, string | number> | undefined;
  /**
   * Tracked repository (name or GitHub owner/name) giving the branch's first-parent history;
   * default: the one the measurements record.
   */
  repo?: string | undefined;
  /**
   * `branch` (default): the branch's history, CI builds of clean commits and runs marked as such;
   * `developer`: the other points labelled with the branch, one per run, in time order.
   */
  standing?: CountsAs | undefined;
}

export interface SeriesMeasurementRow {
  id: number;
  value: number | null;
  unit: string;
  commit: string | null;
  branch: string | null;
  repo: string | null;
  runId: number | null;
  dataId: Record<string, string | number>;
  measuredAt: Date;
  countsAs: string;
  standingReason: string;
  jobId: string | null;
  /** A Job's NaN or infinity, spelled (the value itself is null). */
  nonFinite: string | null;
}

export interface UnmeasuredPoint {
  commit: string;
  position: number;
  /** How many measurements at this commit have no finite value. */
  n: number;
  /** What they were: `NaN`, `Infinity`, `-Infinity`, or `null` (no value recorded). */
  values: string[];
}

export interface Series {
  metric: string;
  dataset: string;
  branch: string;
  standing: CountsAs;
  unit: string;
  /** False when the metric has no definition: its points are shown, never judged. */
  defined: boolean;
  /** `git`: ordered by the branch's first-parent history; `time`: no repository known, by measurement time. */
  order: 'git' | 'time';
  /** The git directory the history came from (server-side; not for clients). */
  gitDir: string | null;
  points: SeriesPoint[];
  /**
   * Commits whose measurements could not be made (NaN, infinities, or no value): kept apart from
   * the points, whose statistics they would poison, and shown as failed, never dropped.
   */
  unmeasured: UnmeasuredPoint[];
  /** Measurements behind each point, by commit. */
  measurements: Map<string, SeriesMeasurementRow[]>;
}

export async function metricUnit(db: Db, metric: string): Promise<string | undefined> {
  const [row] = await db.select({ unit: metrics.unit }).from(metrics).where(eq(metrics.name, metric));
  return row?.unit;
}

/** Units of several metrics in one query; unknown metrics are absent. */
export async function metricUnits(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db
    .select({ name: metrics.name, unit: metrics.unit })
    .from(metrics)
    .where(inArray(metrics.name, [...new Set(names)]));
  return new Map(rows.map((r) => [r.name, r.unit]));
}

/**
 * A metric on a dataset (and data ID) along a branch: one point per commit (repeats and several
 * data IDs aggregated), ordered by the branch's first-parent history as git gives it. Commits on
 * the history before the branch was made (on master) belong to the branch's series too.
 * Without a repository, points are the measurements labelled with the branch, in time order.
 */
export async function loadSeries(db: Db, q: SeriesQuery): Promise<Series> {
  assertRefName(q.branch, 'branch');
  const named = q.repo !== undefined ? (await trackedRepo(db, q.repo)).mirrorPath : undefined;
  const standing = q.standing ?? 'branch';
  const conds: SQL[] = [eq(measurements.metricName, q.metric), eq(measurements.dataset, q.dataset), eq(measurements.countsAs, standing)];
  if (q.dataId && Object.keys(q.dataId).length > 0) conds.push(sql`${measurements.dataId} @> ${JSON.stringify(q.dataId)}::jsonb`);
  const rows = (await db
    .select({
      id: measurements.id,
      value: measurements.value,
      unit: measurements.unit,
      commit: measurements.commit,
      branch: measurements.branch,
      repo: measurements.repo,
      runId: measurements.runId,
      dataId: measurements.dataId,
      measuredAt: measurements.measuredAt,
      countsAs: measurements.countsAs,
      standingReason: measurements.standingReason,
      jobId: measurements.jobId,
      nonFinite: sql<string | null>`${measurements.extras}->>'nonFinite'`,
    })
    .from(measurements)
    .where(and(...conds))) as SeriesMeasurementRow[];

  const repo = named ?? rows.find((r) => r.repo && r.commit)?.repo ?? undefined;
  let order: Series['order'] = 'time';
  const position = new Map<string, number>();
  let selected: SeriesMeasurementRow[];
  // A developer's points are experiments, not history: one per run (or job), by time.
  const keyOf =
    standing === 'developer'
      ? (r: SeriesMeasurementRow) => `${r.commit ?? 'no commit'}@${r.runId !== null ? `run${r.runId}` : `job${r.jobId ?? r.measuredAt.getTime()}`}`
      : (r: SeriesMeasurementRow) => r.commit ?? `t${r.measuredAt.getTime()}`;
  if (standing === 'developer') {
    selected = rows.filter((r) => r.branch === q.branch);
    const first = new Map<string, number>();
    for (const r of selected) first.set(keyOf(r), Math.min(first.get(keyOf(r)) ?? Infinity, r.measuredAt.getTime()));
    [...first.entries()].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : 1)).forEach(([k], i) => position.set(k, i));
  } else if (repo) {
    const history = await firstParentHistory(repo, q.branch);
    history.forEach((sha, i) => position.set(sha, i));
    selected = rows.filter((r) => r.commit && position.has(r.commit));
    order = 'git';
  } else {
    selected = rows.filter((r) => r.branch === q.branch);
    // Without a commit graph, a commit's position is when it was first measured.
    const first = new Map<string, number>();
    for (const r of selected) {
      const key = r.commit ?? `t${r.measuredAt.getTime()}`;
      first.set(key, Math.min(first.get(key) ?? Infinity, r.measuredAt.getTime()));
    }
    [...first.entries()].sort((a, b) => a[1] - b[1]).forEach(([k], i) => position.set(k, i));
  }
  const definedUnit = await metricUnit(db, q.metric);
  const unit = definedUnit ?? selected[0]?.unit ?? rows[0]?.unit;
  if (unit === undefined) throw new VeraError('NOT_FOUND', `no measurements of ${q.metric} on dataset '${q.dataset}'`, { metric: q.metric, dataset: q.dataset });
  const byCommit = new Map<string, SeriesMeasurementRow[]>();
  for (const r of selected) byCommit.set(keyOf(r), [...(byCommit.get(keyOf(r)) ?? []), r]);
  const { points } = aggregateSeries(
    selected
      .filter((r) => r.value !== null)
      .map((r) => ({ commit: keyOf(r), position: position.get(keyOf(r))!, value: r.value!, unit: r.unit }))
      // Summed in one order whatever order the database returns them in: two runs that measured
      // the same values get the same mean to the last bit, and a deterministic series stays flat.
      .sort((a, b) => a.position - b.position || a.value - b.value),
    { unit },
  );
  const unmeasured = new Map<string, UnmeasuredPoint>();
  for (const r of selected) {
    if (r.value !== null) continue;
    const key = keyOf(r);
    const u = unmeasured.get(key) ?? { commit: key, position: position.get(key)!, n: 0, values: [] };
    // A Job's NaN or infinity is spelled in nonFinite; a row with neither had no value recorded.
    const what = r.nonFinite ?? 'null';
    u.n++;
    if (!u.values.includes(what)) u.values.push(what);
    unmeasured.set(key, u);
  }
  return {
    metric: q.metric,
    dataset: q.dataset,
    branch: q.branch,
    standing,
    unit,
    defined: definedUnit !== undefined,
    order: standing === 'developer' ? 'time' : order,
    gitDir: repo ?? null,
    points,
    unmeasured: [...unmeasured.values()].sort((a, b) => a.position - b.position),
    measurements: byCommit,
  };
}
