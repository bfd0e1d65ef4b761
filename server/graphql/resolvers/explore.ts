import { deleteDashboard, findDashboard, listDashboards, saveDashboard } from '../../dashboards/index.ts';
import { listMeasuredSeries, listMeasurements, measuredDataIds, metricOverview } from '../../metrics/overview.ts';
import { releasesOf } from '../../metrics/releases.ts';
import { convertValue } from '../../metrics/verify/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationDeleteDashboardArgs, MutationSaveDashboardArgs, QueryDashboardArgs, QueryMeasuredDataIdsArgs, QueryMeasuredSeriesArgs, QueryMeasurementsArgs, QueryMetricOverviewArgs, QueryReleasesArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

type Ctx = GraphQLContext;
const opt = <T>(v: T | null | undefined): T | undefined => v ?? undefined;

export const exploreQueries = {
  measuredSeries: (_: unknown, a: QueryMeasuredSeriesArgs, { vera }: Ctx) => listMeasuredSeries(vera.database.db, { metric: opt(a.metric) }),
  measuredDataIds: (_: unknown, a: QueryMeasuredDataIdsArgs, { vera }: Ctx) =>
    measuredDataIds(vera.database.db, { metric: a.metric, dataset: a.dataset, limit: listLimit('Query.measuredDataIds', a.limit) }),
  metricOverview: (_: unknown, a: QueryMetricOverviewArgs, { vera }: Ctx) =>
    metricOverview(vera.database.db, { branch: a.branch ?? 'master', points: listLimit('Query.metricOverview', a.points) }),
  measurements: (
    _: unknown,
    a: QueryMeasurementsArgs,
    { vera }: Ctx,
  ) => listMeasurements(vera.database.db, { metric: opt(a.metric), dataset: opt(a.dataset), runs: opt(a.runs), datasetId: opt(a.datasetId), commits: opt(a.commits), limit: listLimit('Query.measurements', a.limit) }),
  releases: (_: unknown, a: QueryReleasesArgs, { vera }: Ctx) =>
    releasesOf(vera.database.db, { repo: opt(a.repo), dataset: opt(a.dataset), branch: opt(a.branch) }),
  dashboards: (_: unknown, _a: unknown, { vera }: Ctx) => listDashboards(vera.database.db),
  dashboard: (_: unknown, a: QueryDashboardArgs, { vera }: Ctx) => findDashboard(vera.database.db, a.slug),
};

export const exploreMutations = {
  saveDashboard: (_: unknown, a: MutationSaveDashboardArgs, { vera, actor }: Ctx) => saveDashboard(vera.database.db, a.definition, actor),
  deleteDashboard: (_: unknown, a: MutationDeleteDashboardArgs, { vera, actor }: Ctx) => deleteDashboard(vera.database.db, a.slug, actor),
};

export const exploreTypes = {
  Run: {
    taskGraph: (r: { collectionId: number }, _a: unknown, { loaders }: Ctx) => loaders.taskGraphOfRun.load(r.collectionId),
  },
  Specification: {
    metricUnitValue: async (s: { metricName: string; value: number; unit: string }, _a: unknown, { loaders }: Ctx) => {
      const unit = await loaders.metricUnit.load(s.metricName);
      return unit === undefined ? null : convertValue(s.value, s.unit, unit);
    },
  },
};
