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
import type { MutationImportDetectionConfigsArgs, MutationMarkRunAsBranchHistoryArgs, MutationSetDetectionConfigArgs, MutationSetRegressionStatusArgs, QueryChangePointsArgs, QueryCompareRefsArgs, QueryCompareRunsArgs, QueryCompareRunWithBranchArgs, QueryDetectionConfigArgs, QueryRegressionArgs, QueryRegressionsArgs, QuerySeriesArgs } from '../generated/resolvers.ts';

type Ctx = GraphQLContext;
type SeriesArgs = QuerySeriesArgs;

// dataId is JSON in the schema: a data ID's dimension values, as clients send them.
const seriesQuery = (a: SeriesArgs) => ({
  metric: a.metric,
  dataset: a.dataset,
  branch: a.branch,
  dataId: (a.dataId ?? undefined) as Record<string, string | number> | undefined,
  repo: a.repo ?? undefined,
  standing: (a.standing ?? undefined) as CountsAs | undefined,
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

/** JSON keeps no infinities: a relative change from a zero baseline is stored, and served, as null. */
const finiteOrNull = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : null);
export const findingFields = { relativeDelta: (f: { relativeDelta?: unknown }) => finiteOrNull(f.relativeDelta) };

/** Regression fields resolved on demand: the triage history is one query per regression asked for. */
export const regressionFields = {
  history: (r: RegressionRow, _: unknown, { vera }: Ctx) => regressionHistory(vera.database.db, r.id),
};

export const seriesQueries = {
  series: async (_: unknown, a: SeriesArgs, { vera }: Ctx) => withRuns(vera, await loadSeries(vera.database.db, seriesQuery(a))),
  changePoints: async (_: unknown, a: QueryChangePointsArgs, { vera }: Ctx) => {
    const s = await loadSeries(vera.database.db, seriesQuery(a));
    const cps = detectChangePoints(
      s.points.map((p) => p.mean),
      { ...(a.window ? { window: a.window } : {}), ...(a.maxPValue ? { maxPValue: a.maxPValue } : {}), ...(a.minMagnitude !== null && a.minMagnitude !== undefined ? { minMagnitude: a.minMagnitude } : {}) },
    );
    return cps.map((c) => ({ ...c, commit: s.points[c.index]!.commit, lastGoodCommit: c.index > 0 ? s.points[c.index - 1]!.commit : null }));
  },
  regressions: async (_: unknown, a: QueryRegressionsArgs, { vera }: Ctx) =>
    (await listRegressions(vera.database.db, { status: a.status ?? undefined, metric: a.metric ?? undefined })).map(regressionOut),
  regression: async (_: unknown, a: QueryRegressionArgs, { vera }: Ctx) => regressionOut(await getRegression(vera.database.db, a.id)),
  compareRuns: (_: unknown, a: QueryCompareRunsArgs, { vera }: Ctx) => compareRuns(vera.database.db, a.base, a.head),
  compareRefs: async (_: unknown, a: QueryCompareRefsArgs, { vera }: Ctx) => {
    const db = vera.database.db;
    const where = { dataset: a.dataset, repo: a.repo ?? undefined };
    return compareRefs(db, { ...where, head: a.head, base: a.base ?? (await defaultBranchOf(db, where)) });
  },
  compareRunWithBranch: (_: unknown, a: QueryCompareRunWithBranchArgs, { vera }: Ctx) => compareRunWithBranch(vera.database.db, a.run, a.branch ?? undefined),
  detectionConfig: async (_: unknown, a: QueryDetectionConfigArgs, { vera }: Ctx) => (await detectionConfigOf(vera.database.db, a.metric)).config,
};

export const seriesMutations = {
  scanSeries: async (_: unknown, a: SeriesArgs, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'scanning series');
    return (await scanSeries(vera.database.db, seriesQuery(a))).regressions.map(regressionOut);
  },
  setRegressionStatus: async (_: unknown, a: MutationSetRegressionStatusArgs, { vera, actor }: Ctx) =>
    regressionOut(await setRegressionStatus(vera.database.db, a.id, a.status, a.note ?? undefined, actor)),
  markRunAsBranchHistory: (_: unknown, a: MutationMarkRunAsBranchHistoryArgs, { vera, actor }: Ctx) => markRunAsBranchHistory(vera.database.db, a.run, a.mark ?? true, actor),
  importDetectionConfigs: (_: unknown, a: MutationImportDetectionConfigsArgs, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'configuring detection');
    return importDetectionConfigs(vera.database.db, a.yaml, a.file ?? 'detection config');
  },
  setDetectionConfig: (_: unknown, a: MutationSetDetectionConfigArgs, { vera, actor }: Ctx) => {
    requireRole(actor, 'developer', 'configuring detection');
    return setDetectionConfig(vera.database.db, a.metric, a.config);
  },
};
