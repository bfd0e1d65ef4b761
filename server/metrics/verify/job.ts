import { readFileSync } from 'node:fs';
import { VeraError, type ErrorCode } from '../../errors.ts';
import { parsePythonJson } from './json.ts';
import { buildName, fullSpecName } from './names.ts';
import { ThresholdSpecification } from './threshold.ts';
import {
  jobJsonSchema,
  type Blob,
  type Datum,
  type DatumJson,
  type JobJson,
  type Measurement,
  type MeasurementJson,
  type Metric,
} from './types.ts';
import { parseUnit, unitsCompatible } from './units.ts';
import { describeIssue, formatPath } from './zod-messages.ts';

/** An lsst.verify Job: the measurements of one pipeline run, with what explains them. */
export interface Job {
  measurements: Measurement[];
  blobs: Blob[];
  /** Metric definitions the job carries (often all of verify_metrics). */
  metrics: Metric[];
  /** Specifications the job carries, already resolved. */
  specs: ThresholdSpecification[];
  /** Job metadata, including measurement notes under `package.metric.` keys. */
  meta: Record<string, unknown>;
}

/** Parses the text of a Job JSON file (`Job.write`), NaN and Infinity tokens included. */
export function parseJobJson(text: string, file = 'job.json'): Job {
  return parseJob(parsePythonJson(text, file, 'JOB_JSON'), file);
}

export function loadJobFile(path: string): Job {
  return parseJobJson(readFileSync(path, 'utf8'), path);
}

function jobError(file: string, path: ReadonlyArray<PropertyKey>, problem: string, code: ErrorCode = 'JOB_JSON'): VeraError {
  const p = formatPath(path);
  return new VeraError(code, `${file}: ${p || '(top level)'}: ${problem}`, { file, path: p });
}

/** Builds a Job from parsed JSON, checking every field; errors name the JSON path. */
export function parseJob(json: unknown, file = 'job'): Job {
  const parsed = jobJsonSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    if (!issue) throw jobError(file, [], 'invalid job');
    const d = describeIssue(issue);
    throw new VeraError('JOB_JSON', `${file}: ${d.path || '(top level)'}: ${d.message}`, {
      file,
      path: d.path,
      issues: parsed.error.issues.slice(0, 10).map((i) => describeIssue(i)),
    });
  }
  const doc: JobJson = parsed.data;
  const meta = doc.meta ?? {};
  const blobs = (doc.blobs ?? []).map(
    (b): Blob => ({ identifier: b.identifier, name: b.name, data: datumsFromJson(b.data ?? {}) }),
  );
  const metrics = (doc.metrics ?? []).map((m, i) => metricFromJson(m, i, file));
  const specs = (doc.specs ?? []).map((s, i) => specFromJson(s, i, file));
  const metricsByName = new Map(metrics.map((m) => [m.name, m]));
  const blobsById = new Map(blobs.map((b) => [b.identifier, b]));
  const measurements = (doc.measurements ?? []).map((m, i) => measurementFromJson(m, i, { file, meta, metricsByName, blobsById }));
  return { measurements, blobs, metrics, specs, meta };
}

/** Datums as serialized (`{value, unit, label, description}`) to domain objects. */
export function datumsFromJson(data: Record<string, DatumJson>): Record<string, Datum> {
  const out: Record<string, Datum> = {};
  for (const [key, d] of Object.entries(data)) {
    out[key] = { value: d.value ?? null, unit: d.unit ?? '', label: d.label ?? null, description: d.description ?? null };
  }
  return out;
}

function unitAt(text: string, file: string, path: PropertyKey[]) {
  try {
    return parseUnit(text);
  } catch (e) {
    if (e instanceof VeraError) throw jobError(file, path, e.message, e.code);
    throw e;
  }
}

function metricFromJson(m: NonNullable<JobJson['metrics']>[number], i: number, file: string): Metric {
  const name = buildName({ metric: m.name });
  if (!name.ok || name.name.package === undefined || name.name.metric === undefined) {
    throw jobError(file, ['metrics', i, 'name'], `'${m.name}' is not a fully qualified metric name (package.metric)`);
  }
  return {
    name: m.name,
    package: name.name.package,
    metric: name.name.metric,
    unit: unitAt(m.unit ?? '', file, ['metrics', i, 'unit']),
    description: (m.description ?? '').replace(/\n+$/, ''),
    tags: m.tags,
    reference: m.reference,
  };
}

function specFromJson(s: NonNullable<JobJson['specs']>[number], i: number, file: string): ThresholdSpecification {
  const name = buildName({ spec: s.name });
  const full = name.ok ? fullSpecName(name.name) : undefined;
  if (!name.ok || full === undefined || !name.name.package || !name.name.metric || !name.name.spec) {
    throw jobError(file, ['specs', i, 'name'], `'${s.name}' is not a fully qualified specification name (package.metric.spec)`);
  }
  return new ThresholdSpecification({
    name: full,
    package: name.name.package,
    metric: name.name.metric,
    spec: name.name.spec,
    threshold: {
      value: s.threshold.value,
      unit: unitAt(s.threshold.unit, file, ['specs', i, 'threshold', 'unit']),
      operator: s.threshold.operator,
    },
    metadataQuery: s.metadata_query,
    tags: s.tags,
    extra: {},
    source: { file },
  });
}

interface MeasurementContext {
  file: string;
  meta: Record<string, unknown>;
  metricsByName: Map<string, Metric>;
  blobsById: Map<string, Blob>;
}

function measurementFromJson(m: MeasurementJson, i: number, ctx: MeasurementContext): Measurement {
  const name = buildName({ metric: m.metric });
  if (!name.ok) throw jobError(ctx.file, ['measurements', i, 'metric'], `'${m.metric}': ${name.problem}`);
  // lsst.verify cannot read a null unit back; Vera takes it as dimensionless rather than refuse the job.
  const unit = unitAt(m.unit ?? '', ctx.file, ['measurements', i, 'unit']);
  const metric = ctx.metricsByName.get(m.metric);
  if (metric && !unitsCompatible(unit, metric.unit)) {
    throw jobError(
      ctx.file,
      ['measurements', i, 'unit'],
      `unit '${unit.text}' is incompatible with metric ${metric.name}'s unit '${metric.unit.text}'`,
      'UNIT_INCOMPATIBLE',
    );
  }
  const blobRefs = m.blob_refs ?? [];
  const blobs = blobRefs.flatMap((id) => ctx.blobsById.get(id) ?? []);
  const extrasBlob = blobs.find((b) => b.name === m.metric);
  const prefix = `${m.metric}.`;
  const notes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ctx.meta)) if (k.startsWith(prefix)) notes[k.slice(prefix.length)] = v;
  return {
    metric: m.metric,
    identifier: m.identifier ?? null,
    quantity: { value: m.value ?? Number.NaN, unit },
    blobRefs,
    blobs,
    extras: { ...(extrasBlob?.data ?? {}), ...datumsFromJson(m.extras ?? {}) },
    notes,
  };
}
