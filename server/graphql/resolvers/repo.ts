import { requireRole } from '../../auth/roles.ts';
import * as repo from '../../repo/index.ts';
import type { Collection } from '../../repo/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationCertifyDatasetsArgs, MutationImportButlerExportArgs, MutationCreateCollectionArgs, MutationInsertDimensionRecordsArgs, MutationRegisterDatasetTypeArgs, MutationSetChainArgs, MutationTagDatasetsArgs, MutationUntagDatasetsArgs, QueryCollectionArgs, QueryCollectionsArgs, QueryButlerExportArgs, QueryDatasetArgs, QueryDatasetTypeArgs, QueryDatasetsArgs, QueryDimensionRecordsArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

type Ctx = GraphQLContext;
type Args = Record<string, unknown>;

const bindOf = (v: unknown) => (v ?? undefined) as repo.DatasetQuery['bind'];

export const repoQueries = {
  dimensions: () => [...repo.DIMENSIONS.values()],
  storageClasses: () => [...repo.STORAGE_CLASSES.values()],
  dimensionRecords: (_: unknown, a: QueryDimensionRecordsArgs, { vera }: Ctx) =>
    repo.queryDimensionRecords(vera.database.db, a.dimension, a.dataId ?? {}),
  datasetTypes: (_: unknown, _a: Args, { vera }: Ctx) => repo.listDatasetTypes(vera.database.db),
  datasetType: (_: unknown, a: QueryDatasetTypeArgs, { vera }: Ctx) => repo.findDatasetType(vera.database.db, a.name),
  collections: (_: unknown, a: QueryCollectionsArgs, { vera }: Ctx) =>
    repo.listCollections(vera.database.db, { pattern: a.pattern ?? undefined, types: a.types ?? undefined }),
  collection: (_: unknown, a: QueryCollectionArgs, { vera }: Ctx) => repo.findCollection(vera.database.db, a.name),
  datasets: (
    _: unknown,
    a: QueryDatasetsArgs,
    { vera }: Ctx,
  ) =>
    repo.findDatasets(vera.database.db, {
      datasetType: a.datasetType,
      collections: a.collections,
      where: a.where ?? undefined,
      bind: bindOf(a.bind),
      time: a.time ?? undefined,
      findFirst: a.findFirst ?? true,
      limit: listLimit('Query.datasets', a.limit),
    }),
  dataset: (_: unknown, a: QueryDatasetArgs, { vera }: Ctx) => repo.findDatasetById(vera.database.db, a.id),
  butlerExport: (_: unknown, a: QueryButlerExportArgs, { vera }: Ctx) => repo.exportButler(vera.database.db, { collections: a.collections ?? undefined }),
};

export const repoMutations = {
  registerDatasetType: (
    _: unknown,
    a: MutationRegisterDatasetTypeArgs,
    { vera, actor }: Ctx,
  ) => repo.registerDatasetType(vera.database.db, { ...a, isCalibration: a.isCalibration ?? false }, actor),
  createCollection: (_: unknown, a: MutationCreateCollectionArgs, { vera, actor }: Ctx) =>
    repo.createCollection(vera.database.db, { name: a.name, type: a.type, doc: a.doc ?? '' }, actor),
  setChain: (_: unknown, a: MutationSetChainArgs, { vera, actor }: Ctx) =>
    repo.setChain(vera.database.db, a.name, a.children, actor, a.doc ?? undefined),
  tagDatasets: (_: unknown, a: MutationTagDatasetsArgs, { vera, actor }: Ctx) =>
    repo.tagDatasets(vera.database.db, a.collection, a.datasetIds, actor),
  untagDatasets: (_: unknown, a: MutationUntagDatasetsArgs, { vera, actor }: Ctx) =>
    repo.untagDatasets(vera.database.db, a.collection, a.datasetIds, actor),
  certifyDatasets: (
    _: unknown,
    a: MutationCertifyDatasetsArgs,
    { vera, actor }: Ctx,
  ) => repo.certifyDatasets(vera.database.db, a.collection, a.datasetIds, { validFrom: a.validFrom, validTo: a.validTo }, actor),
  insertDimensionRecords: (_: unknown, a: MutationInsertDimensionRecordsArgs, { vera, actor }: Ctx) => {
    requireRole(actor, 'operator', 'inserting dimension records');
    return repo.insertDimensionRecords(vera.database.db, a.dimension, a.records, { skipExisting: a.skipExisting ?? false });
  },
  importButlerExport: (_: unknown, a: MutationImportButlerExportArgs, { vera, actor }: Ctx) =>
    repo.importButlerExport(
      vera.database.db,
      vera.datastore,
      {
        text: a.yaml,
        file: a.file ?? 'export.yaml',
        universe: a.universe ? { text: a.universe, file: a.universeFile ?? 'dimensions.yaml' } : undefined,
        datastoreRoot: a.datastoreRoot ?? undefined,
        allowedRoots: vera.config.importRoots,
      },
      actor,
    ),
};

export const repoTypes = {
  Collection: {
    datasetCount: (c: Collection, _a: Args, { loaders }: Ctx) => loaders.datasetCount.load(c),
  },
};
