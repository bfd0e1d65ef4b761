import { z } from 'zod';
import type { CollectionTag } from 'yaml';
import { VeraError } from '../../errors.ts';
import { buildName } from './names.ts';
import { datumsFromJson } from './job.ts';
import { blobJsonSchema, numericValue, type Blob, type Measurement } from './types.ts';
import { parseUnit } from './units.ts';
import { parseYamlDocument } from './yaml.ts';
import { describeIssue } from './zod-messages.ts';

/**
 * The YAML a Gen3 butler stores for a `MetricValue` dataset (lsst.verify `yamlpersistance`):
 * a `!<lsst.verify.Measurement>` mapping whose `blobs` are `!<lsst.verify.Blob>` mappings of
 * `!<lsst.verify.Datum>`s. The tags only name the class; the mappings carry the data.
 */
const VERIFY_TAGS: CollectionTag[] = ['lsst.verify.Measurement', 'lsst.verify.Blob', 'lsst.verify.Datum'].map((tag) => ({
  tag,
  collection: 'map',
  identify: () => false,
}));

const measurementYamlSchema = z.object({
  metric: z.string(),
  identifier: z.string().nullish(),
  value: numericValue.nullable(),
  unit: z.string().nullish(),
  notes: z.record(z.string(), z.unknown()).nullish(),
  blobs: z.array(blobJsonSchema).nullish(),
});

/** Parses one butler `metricvalue_*.yaml` into a measurement. Errors name the file and field. */
export function parseMeasurementYaml(text: string, file = 'measurement.yaml'): Measurement {
  const doc = parseYamlDocument(text, { file, code: 'JOB_JSON', customTags: VERIFY_TAGS });
  const parsed = measurementYamlSchema.safeParse(doc?.value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const d = issue ? describeIssue(issue) : { path: '', message: 'invalid measurement' };
    const line = issue ? doc?.lineOf(issue.path.map((p) => (typeof p === 'symbol' ? String(p) : p))) : undefined;
    throw new VeraError('JOB_JSON', `${file}${line ? `:${line}` : ''}: ${d.path || '(top level)'}: ${d.message}`, { file, path: d.path });
  }
  const m = parsed.data;
  const name = buildName({ metric: m.metric });
  if (!name.ok) throw new VeraError('JOB_JSON', `${file}: metric: '${m.metric}': ${name.problem}`, { file, path: 'metric' });
  let unit;
  try {
    unit = parseUnit(m.unit ?? '');
  } catch (e) {
    if (e instanceof VeraError) throw new VeraError(e.code, `${file}: unit: ${e.message}`, { file, path: 'unit' });
    throw e;
  }
  const blobs: Blob[] = (m.blobs ?? []).map((b) => ({ identifier: b.identifier, name: b.name, data: datumsFromJson(b.data ?? {}) }));
  const prefix = `${m.metric}.`;
  const notes: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(m.notes ?? {})) notes[k.startsWith(prefix) ? k.slice(prefix.length) : k] = v;
  return {
    metric: m.metric,
    identifier: m.identifier ?? null,
    quantity: { value: m.value ?? Number.NaN, unit },
    blobRefs: blobs.map((b) => b.identifier),
    blobs,
    extras: blobs.find((b) => b.name === m.metric)?.data ?? {},
    notes,
  };
}
