import { viewsOfCollections } from '../../analysis/catalogs.ts';
import { ingestCatalogs } from '../../analysis/ingest-catalogs.ts';
import { runSql, SQL_DEFAULT_TIMEOUT_MS } from '../../analysis/sql.ts';
import { VeraError } from '../../errors.ts';
import { compareCollections } from '../../metrics/compare.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationIngestCatalogsArgs, QueryCompareCollectionsArgs, QuerySqlArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

const MAX_TIMEOUT_SECONDS = 300;

export const analysisQueries = {
  compareCollections: (_: unknown, a: QueryCompareCollectionsArgs, { vera }: GraphQLContext) => compareCollections(vera.database.db, a.collections),
  sql: async (_: unknown, a: QuerySqlArgs, { vera }: GraphQLContext) => {
    const limit = listLimit('Query.sql', a.limit);
    const seconds = a.timeoutSeconds ?? SQL_DEFAULT_TIMEOUT_MS / 1000;
    if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
      throw new VeraError('BAD_INPUT', `sql(timeoutSeconds: ${seconds}): must be between 1 and ${MAX_TIMEOUT_SECONDS}`);
    }
    const views = await viewsOfCollections(vera.database.db, vera.datastore, a.collections);
    const result = await runSql(views, a.query, { maxRows: limit, timeoutMs: seconds * 1000 });
    return { ...result, views: views.map((v) => ({ name: v.name, files: v.files.length })) };
  },
};

export const analysisMutations = {
  ingestCatalogs: (_: unknown, a: MutationIngestCatalogsArgs, { vera, actor }: GraphQLContext) =>
    ingestCatalogs(vera.database, vera.datastore, { datasetType: a.datasetType, collections: a.collections, where: a.where ?? undefined, table: a.table ?? undefined, append: a.append ?? false }, actor),
};
