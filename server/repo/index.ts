export * from './types.ts';
export { assertUuids } from './ids.ts';
export { DIMENSIONS, dimension, dimensionGroup, sortDimensions, type DimensionDef, type DimensionGroup } from './universe.ts';
export { STORAGE_CLASSES, storageClass, type StorageClass } from './storage-classes.ts';
export { insertDimensionRecords, queryDimensionRecords, expandDataIds, type ExpandedDataId } from './dimensions.ts';
export { registerDatasetType, getDatasetType, findDatasetType, listDatasetTypes, describeDatasetType, type DatasetTypeSpec } from './dataset-types.ts';
export {
  createCollection,
  getCollection,
  findCollection,
  listCollections,
  setChain,
  resolveSearchPath,
  validateCollectionName,
  type SearchPathEntry,
} from './collections.ts';
export { findDatasets, findDataset, findDatasetById, getDataset, getDatasets, type DatasetQuery, type TimeSpec } from './datasets.ts';
export { tagDatasets, untagDatasets, certifyDatasets, countMembers, countMembersOf, type Validity } from './memberships.ts';
export { newLookupCache, type LookupCache } from './lookup-cache.ts';
export { registerDatasets, putDatasets, putQuantaOutputs, type OutputGroup, type DatasetRecordSpec, type QuantumSpec, type RegisterRequest, type PutItem } from './register.ts';
export { Datastore, chunksOf, type Content, type StagedFile } from './datastore/index.ts';
export { parseWhere, compileWhere, type BindValue } from './where/index.ts';
export { importButlerExport, exportButler, parseButlerExport, parseUniverse, type ButlerImportSummary } from './butler/index.ts';
