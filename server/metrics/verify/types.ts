/**
 * Domain types of the lsst.verify model (DESIGN.md §4 "Metric / Specification / Measurement")
 * and zod schemas for the documents they come from. Field names in schemas are lsst.verify's
 * (snake_case, as serialized); domain objects use ours.
 */
import { z } from 'zod';

/** A unit parsed from an astropy-style string, decomposed to base dimensions. */
export interface Unit {
  /** As written (`'milliarcsecond'`, `''`). */
  readonly text: string;
  /** astropy's display form (`'marcsec'`, `'ct / s'`, `''`). */
  readonly canonical: string;
  /** Size of the unit in base units (rad, m, s, kg, dex, ...). */
  readonly scale: number;
  /** Powers of base dimensions, zeros omitted; `{}` is dimensionless. */
  readonly dims: Readonly<Record<string, number>>;
}

export interface Quantity {
  readonly value: number;
  readonly unit: Unit;
}

export const OPERATORS = ['<', '<=', '>', '>=', '==', '!='] as const;
export type Operator = (typeof OPERATORS)[number];

/** Where a definition came from, for messages. */
export interface SourceRef {
  file: string;
  /** 1-based index of the YAML document within a multi-document file. */
  document?: number;
  line?: number;
}

/** Where a metric is defined. A metric citing several papers lists several docs and urls. */
export interface MetricReference {
  doc?: string | string[];
  page?: number | string | Array<number | string>;
  url?: string | string[];
}

export interface Metric {
  /** Fully qualified: `package.metric`. */
  name: string;
  package: string;
  metric: string;
  unit: Unit;
  description: string;
  tags: string[];
  reference: MetricReference;
  source?: SourceRef;
}

export type MetricSet = ReadonlyMap<string, Metric>;

export interface Threshold {
  value: number;
  unit: Unit;
  operator: Operator;
}

/** Plain data of a threshold specification; `ThresholdSpecification` adds behaviour. */
export interface ThresholdSpecData {
  /** Fully qualified: `package.metric.spec`, e.g. `validate_drp.PA1.design_gri`. */
  name: string;
  package: string;
  metric: string;
  spec: string;
  threshold: Threshold;
  /** Terms a job's metadata must have (and equal) for the specification to apply. */
  metadataQuery: Record<string, unknown>;
  tags: string[];
  /** Keys lsst.verify carries but does not interpret, e.g. `provenance_query`. */
  extra: Record<string, unknown>;
  source?: SourceRef;
}

/** Any JSON number, NaN and infinities included (Python's json writes them). */
const jsonNumber = z.custom<number>((v) => typeof v === 'number', { message: 'expected a number' });

/** YAML 1.1 (PyYAML) reads `1e-6` as a string; astropy's Quantity then parses it. */
export const numericValue = z.union(
  [
    jsonNumber,
    z
      .string()
      .regex(/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$|^\s*[-+]?(inf|nan)\s*$/i)
      .transform((s) => Number(s.trim().replace(/^([-+]?)inf$/i, '$1Infinity').replace(/^[-+]?nan$/i, 'NaN'))),
  ],
  { error: 'expected a number' },
);

/** `tags: photometry` and `tags: [a, b]` both occur; lsst.verify makes a set of either. */
export const tagsSchema = z
  .union([z.string(), z.number(), z.array(z.union([z.string(), z.number()]))], { error: 'expected a tag or a list of tags' })
  .nullish()
  .transform((t) => (t === null || t === undefined ? [] : [...new Set((Array.isArray(t) ? t : [t]).map(String))]));

const textish = z.union([z.string(), z.number()]);

export const referenceSchema = z
  .union([
    z.object({
      doc: z.union([textish, z.array(textish)]).nullish(),
      page: z.union([z.number(), z.string(), z.array(z.union([z.number(), z.string()]))]).nullish(),
      url: z.union([z.string(), z.array(z.string())]).nullish(),
    }),
    z.string(),
  ])
  .nullish()
  .transform((r): MetricReference => {
    if (r === null || r === undefined) return {};
    if (typeof r === 'string') return /^[a-z]+:\/\//i.test(r) ? { url: r } : { doc: r };
    const out: MetricReference = {};
    if (r.doc !== null && r.doc !== undefined) out.doc = Array.isArray(r.doc) ? r.doc.map(String) : String(r.doc);
    if (r.page !== null && r.page !== undefined) out.page = r.page;
    if (r.url !== null && r.url !== undefined) out.url = r.url;
    return out;
  });

/** One metric's mapping in `metrics/<package>.yaml`; lsst.verify refuses other keys. */
export const metricDocSchema = z.strictObject({
  name: z.string().optional(),
  description: z.string(),
  unit: z.string(),
  tags: tagsSchema,
  reference: referenceSchema,
});

export const thresholdDocSchema = z.object({
  operator: z.enum(OPERATORS),
  value: numericValue,
  unit: z.string(),
});

export const metadataQuerySchema = z
  .record(z.string(), z.unknown())
  .nullish()
  .transform((q) => q ?? {});

/** A specification after inheritance: what `ThresholdSpecification.deserialize` receives. */
export const resolvedSpecDocSchema = z.object({
  name: z.string(),
  package: z.string(),
  metric: z.string(),
  type: z.literal('threshold').optional(),
  threshold: thresholdDocSchema,
  metadata_query: metadataQuerySchema,
  tags: tagsSchema,
});

// ---- Job JSON (lsst.verify `Job.json`), written by `Job.write` with Python's json module ----

const datumValue: z.ZodType<unknown> = z.union([jsonNumber, z.string(), z.boolean(), z.null(), z.array(z.unknown())]);

export const datumJsonSchema = z.object({
  value: datumValue.optional(),
  unit: z.string().nullish(),
  label: z.string().nullish(),
  description: z.string().nullish(),
});

export const blobJsonSchema = z.object({
  identifier: z.string(),
  name: z.string(),
  data: z.record(z.string(), datumJsonSchema).nullish(),
});

export const measurementJsonSchema = z.object({
  metric: z.string(),
  identifier: z.string().nullish(),
  /** `null` when not finite: lsst.verify writes NaN measurements as null. */
  value: jsonNumber.nullable(),
  unit: z.string().nullish(),
  blob_refs: z.array(z.string()).nullish(),
  /** Not written by lsst.verify (extras travel as a blob named after the metric); accepted too. */
  extras: z.record(z.string(), datumJsonSchema).nullish(),
});

export const metricJsonSchema = z.object({
  name: z.string(),
  description: z.string().nullish(),
  unit: z.string().nullish(),
  tags: tagsSchema,
  reference: referenceSchema,
});

export const specJsonSchema = z.object({
  name: z.string(),
  type: z.literal('threshold').optional(),
  threshold: thresholdDocSchema,
  metadata_query: metadataQuerySchema,
  tags: tagsSchema,
});

export const jobJsonSchema = z.object({
  measurements: z.array(measurementJsonSchema).nullish(),
  blobs: z.array(blobJsonSchema).nullish(),
  metrics: z.array(metricJsonSchema).nullish(),
  specs: z.array(specJsonSchema).nullish(),
  meta: z.record(z.string(), z.unknown()).nullish(),
});

export type JobJson = z.infer<typeof jobJsonSchema>;
export type DatumJson = z.infer<typeof datumJsonSchema>;
export type MeasurementJson = z.infer<typeof measurementJsonSchema>;

/** A value with a unit, plot label and description (lsst.verify `Datum`). */
export interface Datum {
  /** Number, string, boolean, null or (nested) list, as serialized. */
  value: unknown;
  /** Unit string as written; parse it with `parseUnit` when needed. `''` when none. */
  unit: string;
  label: string | null;
  description: string | null;
}

export interface Blob {
  identifier: string;
  name: string;
  data: Record<string, Datum>;
}

export interface Measurement {
  /** Fully qualified metric name, `package.metric`. */
  metric: string;
  identifier: string | null;
  /** NaN when the measurement has no value. */
  quantity: Quantity;
  blobRefs: string[];
  /** Blobs referenced by `blobRefs` that the job carries. */
  blobs: Blob[];
  /** Data attached to this measurement alone: the blob named after its metric. */
  extras: Record<string, Datum>;
  /** Job metadata keys prefixed with the metric name (`validate_drp.PA1.filter_name`). */
  notes: Record<string, unknown>;
}
