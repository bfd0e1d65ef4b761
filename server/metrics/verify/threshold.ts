import { checkThreshold, matchesMetadataQuery, type MetadataQueryOptions } from './evaluate.ts';
import type { Quantity, SourceRef, Threshold, ThresholdSpecData } from './types.ts';

/** A specification as lsst.verify serializes it (`Specification.json`), e.g. into a Job. */
export interface SpecJson {
  name: string;
  type: 'threshold';
  threshold: { value: number; unit: string; operator: string };
  metadata_query: Record<string, unknown>;
  tags: string[];
}

/**
 * A threshold specification: a measurement of `metric` passes when
 * `measurement <operator> threshold` holds, units converted first.
 */
export class ThresholdSpecification implements ThresholdSpecData {
  readonly name: string;
  readonly package: string;
  readonly metric: string;
  readonly spec: string;
  readonly threshold: Threshold;
  readonly metadataQuery: Record<string, unknown>;
  readonly tags: string[];
  readonly extra: Record<string, unknown>;
  readonly source?: SourceRef;

  constructor(data: ThresholdSpecData) {
    this.name = data.name;
    this.package = data.package;
    this.metric = data.metric;
    this.spec = data.spec;
    this.threshold = data.threshold;
    this.metadataQuery = data.metadataQuery;
    this.tags = data.tags;
    this.extra = data.extra;
    if (data.source) this.source = data.source;
  }

  /** Fully qualified name of the metric this specification tests, `package.metric`. */
  get metricName(): string {
    return `${this.package}.${this.metric}`;
  }

  /** Whether a measured quantity passes. Throws `UNIT_INCOMPATIBLE` naming both units. */
  check(measured: Quantity): boolean {
    return checkThreshold(this.threshold, measured, this.name);
  }

  /** Whether this specification applies to a job with this metadata. */
  queryMetadata(metadata: Readonly<Record<string, unknown>>, opts?: MetadataQueryOptions): boolean {
    return matchesMetadataQuery(this.metadataQuery, metadata, opts);
  }

  toJson(): SpecJson {
    return {
      name: this.name,
      type: 'threshold',
      threshold: { value: this.threshold.value, unit: this.threshold.unit.text, operator: this.threshold.operator },
      metadata_query: structuredClone(this.metadataQuery),
      tags: [...this.tags],
    };
  }

  toString(): string {
    const unit = this.threshold.unit.canonical;
    return `${this.threshold.operator} ${this.threshold.value}${unit ? ` ${unit}` : ''}`;
  }
}
