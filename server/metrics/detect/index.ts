/**
 * Noise-aware regression detection on a metric series (DESIGN.md §4 "Series", "Regression";
 * §7): per-commit aggregation, statistical tests, per-metric detection config, and the detector
 * and branch comparison built from them. Pure functions; nothing here touches the database.
 */
export type {
  ChangeDirection,
  Comparison,
  ComparisonStatus,
  DetectionConfig,
  DetectionConfigInput,
  Direction,
  Evidence,
  Finding,
  FindingKind,
  NoiseEstimate,
  SeriesMeasurement,
  SeriesPoint,
  Statistic,
} from './types.ts';

export { aggregateSeries, estimateNoise, seriesFromValues, summarize, type AggregateOptions, type AggregatedSeries } from './aggregate.ts';
export {
  detectionConfigSchema,
  parseDetectionConfig,
  parseDetectionConfigYaml,
  ABSOLUTE_DEFAULTS,
  PERCENT_DEFAULTS,
  WELCH_DEFAULTS,
  ZSCORE_DEFAULTS,
} from './config.ts';
export { welchTTest, noiseTTest, zScore, exceedsPercent, exceedsAbsolute, passesSpec, type TTest, type ZScore, type Insufficient } from './tests.ts';
export { detectRegressions, type DetectOptions } from './detect.ts';
export { compareSamples, type CompareOptions } from './compare.ts';
export { applyPractical, defaultPracticalThreshold, describePractical, practicallyLarge, type PracticalThreshold } from './practical.ts';
