import { detectChangePoints } from '../../metrics/changepoints/index.ts';
import { compareRefs, compareRuns } from '../../metrics/compare.ts';
import { compareRunWithBranch } from '../../metrics/developer.ts';
import { defaultBranchOf } from '../../metrics/git-dir.ts';
import { getRegression, listRegressions, regressionHistory, scanSeries, setRegressionStatus, type RegressionRow } from '../../metrics/regressions.ts';
import { markRunAsBranchHistory, type CountsAs } from '../../metrics/standing.ts';
import { loadSeries, type Series } from '../../metrics/series.ts';
import { detectionConfigOf, importDetectionConfigs, setDetectionConfig } from '../../metrics/specs-db.ts';
import { requireRole } from '../../auth/roles.ts';
import { collectionNames } from '../../runs/queries.ts';
import type { GraphQLContext } from '../context.ts';

type Ctx = GraphQLContext;
type SeriesArgs = { metric: string; dataset: string; branch: string; dataId?: Record<string, string | number> | null; repo?: string | null; standing?: CountsAs | null };

const seriesQuery = (a: SeriesArgs) => ({
  metric: a.metric,
  dataset: a.dataset,
  branch: a.branch,
  dataId: a.dataId ?? undefined,
  repo: a.repo ?? undefined,
  standing: a.standing ?? undefined,
});

async function withRuns(vera: Ctx['vera'], s: Series) {
  const names = await collectionNames(vera.database.db, [...s.measurements.values()].flat().map((m) => m.runId));
  return {
    ...s,
    points: s.points.map((p) => ({
      ...p,
      std: Number.isFinite(p.std) ? p.std : null,
      runs: [...new Set((s.measurements.get(p.commit) ?? []).flatMap((m) => (m.runId !== null && names.has(m.runId) ? [names.get(m.runId)!] : [])))],
      standingReasons: [...new Set((s.measurements.get(p.commit) ?? []).map((m) => m.standingReason))],
    })),
  };
}

const regressionOut = (r: RegressionRow) => ({ ...r, metric: r.metricName });

/** Regression fields resolved on demand: the triage history is one query per regression asked for. */
export const regressionFields = {
  history: (r: RegressionRow, _: unknown, { vera }: Ctx) => regressionHistory(vera.database.db, r.id),
};

export const seriesQueries = {
  series: async (_: unknown, a: SeriesArgs, { vera }: Ctx) => withRuns(vera, await loadSeries(vera.database.db, seriesQuery(a))),
  changePoints: async (_: unknown, a: SeriesArgs & { window?: number | null; maxPValue?: number | null; minMagnitude?: number | null }, { vera }: Ctx) => {
    const s = await loadSeries(vera.database.db, seriesQuery(a));
    const cps = detectChangePoints(
      s.points.map((p) => p.mean),
      { ...(a.window ? { window: a.window } : {}), ...(a.maxPValue ? { maxPValue: a.maxPValue } : {}), ...(a.minMagnitude !== null && a.minMagnitude !== undefined ? { minMagnitude: a.minMagnitude } : {}) },
    );
    return cps.map((c) => ({ ...c, commit: s.points[c.index]!.commit, lastGoodCommit: c.index > 0 ? s.points[c.index - 1]!.commit : null }));
  },
  regressions: async (_: unknown, a: { status?: string | null; metric?: string | null }, { vera }: Ctx) =>
    (await listRegressions(vera.database.db, { status: a.status ?? undefined, metric: a.metric ?? undefined })).map(regressionOut),
  regression: async (_: unknown, a: { id: number }, { vera }: Ctx) => regressionOut(await getRegression(vera.database.db, a.id)),
  compareRuns: (_: unknown, a: { base: string; head: string }, { vera }: Ctx) => compareRuns(vera.database.db, a.base, a.head),
  compareRefs: async (_: unknown, a: { dataset: string; head: string; base?: string | null; repo?: string | null }, { vera }: Ctx) => {
    const db = vera.database.db;
    const where = { dataset: a.dataset, repo: a.repo ?? undefined };
    return compareRefs(db, { ...where, head: a.head, base: a.base ?? (await defaultBranchOf(db, where)) });
  },
  compareRunWithBranch: (_: unknown, a: { run: string; branch?: string | null }, { vera }: Ctx) => compareRunWithBranch(vera.database.db, a.run, a.branch ?? undefined),
  detectionConfig: async (_: unknown, a: { metric: string }, { vera }: Ctx) => (await detectionConfigOf(vera.database.db, a.metric)).config,
};

export const seriesMutations = {
  scanSeries: async (_: unknown, a: SeriesArgs, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'scanning series');
    return (await scanSeries(vera.database.db, seriesQuery(a))).regressions.map(regressionOut);
  },
  setRegressionStatus: async (_: unknown, a: { id: number; status: string; note?: string | null }, { vera, actor }: Ctx) =>
    regressionOut(await setRegressionStatus(vera.database.db, a.id, a.status, a.note ?? undefined, actor)),
  markRunAsBranchHistory: (_: unknown, a: { run: string; mark?: boolean | null }, { vera, actor }: Ctx) => markRunAsBranchHistory(vera.database.db, a.run, a.mark ?? true, actor),
  importDetectionConfigs: (_: unknown, a: { yaml: string; file?: string | null }, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'configuring detection');
    return importDetectionConfigs(vera.database.db, a.yaml, a.file ?? 'detection config');
  },
  setDetectionConfig: (_: unknown, a: { metric: string; config: unknown }, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'configuring detection');
    return setDetectionConfig(vera.database.db, a.metric, a.config);
  },
};
