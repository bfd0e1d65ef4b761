/**
 * The lsst.verify metric model: metric and specification YAML (verify_metrics layout), Job
 * JSON and butler measurement YAML, units, and threshold evaluation. Pure parsing and
 * evaluation; nothing here touches the database.
 */
export type {
  Blob,
  Datum,
  Measurement,
  Metric,
  MetricReference,
  MetricSet,
  Operator,
  Quantity,
  SourceRef,
  Threshold,
  ThresholdSpecData,
  Unit,
} from './types.ts';
export { OPERATORS } from './types.ts';

export { parseUnit, unitsCompatible, conversionFactor, convertValue, convertQuantity, quantity } from './units.ts';

export { parseMetricsYaml, loadMetricsFile, loadMetricsDir, type ParseMetricsOptions } from './metrics.ts';

export type { SpecFile } from './spec-docs.ts';
export { mergeDocuments } from './spec-resolve.ts';
export { resolveSpecFiles, readSpecPackageDir, loadSpecsDir, type SpecificationSet } from './specs.ts';
export { ThresholdSpecification, type SpecJson } from './threshold.ts';
export {
  loadMetricsPackage,
  loadMetricsPackageFiles,
  readMetricsTree,
  checkMetricsPackage,
  type MetricsPackage,
  type MetricsPackageFile,
  type SpecProblem,
} from './package.ts';

export { compare, checkThreshold, matchesMetadataQuery, pyEquals, type MetadataQueryOptions } from './evaluate.ts';
export { subsetSpecs, evaluateJob, type SubsetOptions, type ReportOptions, type SpecCheck, type CheckStatus } from './report.ts';

export { parseJob, parseJobJson, loadJobFile, type Job } from './job.ts';
export { parseMeasurementYaml } from './measurement-yaml.ts';
export { describeIssue, formatPath } from './zod-messages.ts';
