import { importMetricsFiles, listMetrics, listSpecifications } from '../../metrics/catalog.ts';
import { ingestJob, ingestMeasurementFiles } from '../../metrics/ingest-job.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationImportMetricsArgs, MutationPostJobArgs, QueryMetricsArgs, QuerySpecificationsArgs } from '../generated/resolvers.ts';

type Ctx = GraphQLContext;

export const metricQueries = {
  metrics: (_: unknown, a: QueryMetricsArgs, { vera }: Ctx) => listMetrics(vera.database.db, { package: a.package ?? undefined }),
  specifications: (_: unknown, a: QuerySpecificationsArgs, { vera }: Ctx) => listSpecifications(vera.database.db, { metric: a.metric ?? undefined }),
};

export const metricMutations = {
  importMetrics: async (_: unknown, a: MutationImportMetricsArgs, { vera, actor }: Ctx) => {
    const s = await importMetricsFiles(vera.database.db, a.files, actor);
    return { ...s, problems: s.problems.map((p) => `${p.spec}: ${p.problem}`) };
  },
  postJob: (
    _: unknown,
    a: MutationPostJobArgs,
    { vera, actor }: Ctx,
  ) =>
    ingestJob(
      vera.database.db,
      a.job,
      { dataset: a.dataset, repo: a.repo ?? undefined, commit: a.commit ?? undefined, branch: a.branch ?? undefined, importDefinitions: a.importDefinitions ?? false },
      actor,
    ),
  postMeasurements: (
    _: unknown,
    a: { files: { path: string; text: string }[]; dataset: string; repo?: string | null; commit?: string | null; branch?: string | null },
    { vera, actor }: Ctx,
  ) => ingestMeasurementFiles(vera.database.db, a.files, { dataset: a.dataset, repo: a.repo ?? undefined, commit: a.commit ?? undefined, branch: a.branch ?? undefined }, actor),
};

export const metricTypes = {
  Metric: {
    specifications: (m: { name: string }, _a: unknown, { loaders }: Ctx) => loaders.specificationsOfMetric.load(m.name),
  },
};
