import crypto from 'node:crypto';
import { eq, inArray } from 'drizzle-orm';
import { requireRole, type Actor } from '../auth/roles.ts';
import { trackedRepo } from '../git/repos.ts';
import type { Db } from '../db/client.ts';
import { measurements, metrics, specifications } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { upsertMetrics } from './catalog.ts';
import { metricUnits, UNKNOWN_METRIC_FLAG, unitProblem } from './ingest.ts';
import { jobStanding } from './standing.ts';
import { parseJob, parseMeasurementYaml, type Measurement, type Metric } from './verify/index.ts';
import { parsePythonJson } from './verify/json.ts';
import type { ThresholdSpecification } from './verify/threshold.ts';

/**
 * Measurements from pipelines that do not run inside Vera: lsst.verify Job JSON (`Job.write`,
 * dispatch_verify) and butler `metricvalue_*.yaml` files. Their identity is their content, not
 * their bytes: a job re-serialized (another indent, a trailing newline) is the same job.
 */

export interface JobContext {
  dataset: string;
  /** A tracked repository (name or GitHub owner/name); its mirror is recorded, so series can be ordered by its history. */
  repo?: string | undefined;
  commit?: string | undefined;
  branch?: string | undefined;
  /** Overrides the job's own time (`meta.env.date`); without either, the ingest time. */
  measuredAt?: Date | undefined;
  /** Also upsert the metric and specification definitions the job carries. */
  importDefinitions?: boolean | undefined;
}

export interface JobIngestSummary {
  jobId: string;
  ingested: number;
  measuredAt: Date;
  /** With importDefinitions: what the job's definitions added or changed, one line each. */
  definitionChanges: string[];
}

/** JSON with object keys sorted, so equal content gives equal text whatever the writer's layout. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonical((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  // NaN and Infinity are not JSON; spell them so NaN and null stay different.
  if (typeof value === 'number' && !Number.isFinite(value)) return `"${String(value)}"`;
  return JSON.stringify(value) ?? 'null';
}

/** A job's identity: its content, whatever dataset it is posted for (posting it twice is a mistake). */
export function contentIdentity(content: unknown): string {
  return crypto.createHash('sha256').update(canonical(content)).digest('hex').slice(0, 16);
}

/** `meta.env.date` (dispatch_verify's ISO 8601 time the job was made), when present. */
export function jobDate(meta: Record<string, unknown>, file: string): Date | undefined {
  const env = meta.env;
  if (env === null || typeof env !== 'object') return undefined;
  const date = (env as Record<string, unknown>).date;
  if (date === undefined || date === null) return undefined;
  const t = typeof date === 'string' ? Date.parse(date) : Number.NaN;
  if (Number.isNaN(t)) throw new VeraError('JOB_JSON', `${file}: meta.env.date: '${String(date)}' is not an ISO 8601 time`, { file, path: 'meta.env.date' });
  return new Date(t);
}

/** `meta.packages` (dispatch_verify's lsstsw manifest): package name to git SHA, branch and EUPS version. */
export function jobSoftware(meta: Record<string, unknown>): Record<string, Record<string, string>> {
  const packages = meta.packages;
  if (packages === null || typeof packages !== 'object') return {};
  const out: Record<string, Record<string, string>> = {};
  for (const [name, p] of Object.entries(packages as Record<string, unknown>)) {
    if (p === null || typeof p !== 'object') continue;
    const fields: Record<string, string> = {};
    for (const k of ['git_sha', 'git_branch', 'git_url', 'eups_version']) {
      const v = (p as Record<string, unknown>)[k];
      if (typeof v === 'string') fields[k] = v;
    }
    out[name] = fields;
  }
  return out;
}

/** What upserting these definitions would add or change, read before the upsert. */
async function definitionChanges(db: Db, metricList: readonly Metric[], specList: readonly ThresholdSpecification[]): Promise<string[]> {
  const changes: string[] = [];
  const haveMetrics = metricList.length
    ? new Map((await db.select().from(metrics).where(inArray(metrics.name, metricList.map((m) => m.name)))).map((r) => [r.name, r]))
    : new Map();
  for (const m of metricList) {
    const have = haveMetrics.get(m.name);
    if (!have) changes.push(`metric ${m.name}: added`);
    else {
      if (have.unit !== m.unit.text) changes.push(`metric ${m.name}: unit '${have.unit}' -> '${m.unit.text}'`);
      if (have.description !== m.description) changes.push(`metric ${m.name}: description changed`);
    }
  }
  const haveSpecs = specList.length
    ? new Map((await db.select().from(specifications).where(inArray(specifications.name, specList.map((s) => s.name)))).map((r) => [r.name, r]))
    : new Map();
  for (const s of specList) {
    const have = haveSpecs.get(s.name);
    const now = `${s.threshold.operator} ${s.threshold.value} ${s.threshold.unit.text}`.trim();
    if (!have) changes.push(`specification ${s.name}: added (${now})`);
    else {
      const before = `${have.operator} ${have.value} ${have.unit}`.trim();
      if (before !== now) changes.push(`specification ${s.name}: ${before} -> ${now}`);
    }
  }
  return changes;
}

interface Batch {
  jobId: string;
  measurements: Measurement[];
  meta: Record<string, unknown>;
  measuredAt: Date;
  metrics: Metric[];
  specs: ThresholdSpecification[];
}

async function ingestBatch(db: Db, batch: Batch, ctx: JobContext, actor: Actor): Promise<JobIngestSummary> {
  const repo = ctx.repo !== undefined ? (await trackedRepo(db, ctx.repo)).mirrorPath : null;
  const software = jobSoftware(batch.meta);
  // Notes (`package.metric.*` keys) travel with their measurement; the rest is the job's own metadata.
  const noteKeys = new Set(batch.measurements.flatMap((m) => Object.keys(batch.meta).filter((k) => k.startsWith(`${m.metric}.`))));
  const jobMeta = Object.fromEntries(Object.entries(batch.meta).filter(([k]) => !noteKeys.has(k) && k !== 'packages'));
  return db.transaction(async (tx) => {
    const [seen] = await tx.select({ id: measurements.id }).from(measurements).where(eq(measurements.jobId, batch.jobId)).limit(1);
    if (seen) throw new VeraError('DATASET_CONFLICT', `this job (id ${batch.jobId}) was already ingested (same content; layout and whitespace do not count)`, { jobId: batch.jobId });
    const changes = ctx.importDefinitions ? await definitionChanges(tx, batch.metrics, batch.specs) : [];
    if (ctx.importDefinitions) await upsertMetrics(tx, batch.metrics, batch.specs);
    const known = await metricUnits(tx, batch.measurements.map((m) => m.metric));
    const defined = new Set(known.keys());
    for (const m of batch.metrics) known.set(m.name, m.unit.text);
    const standing = jobStanding(ctx.commit, actor.name);
    const rows = batch.measurements.map((m) => {
      const problem = unitProblem(m.metric, m.quantity.unit.text, known);
      if (problem) throw new VeraError('UNIT_INCOMPATIBLE', `job measurement of ${m.metric}: ${problem}`, { metric: m.metric });
      const value = m.quantity.value;
      return {
        metricName: m.metric,
        value: Number.isFinite(value) ? value : null,
        unit: m.quantity.unit.text,
        dataset: ctx.dataset,
        dataId: {},
        repo,
        commit: ctx.commit ?? null,
        branch: ctx.branch ?? null,
        jobId: batch.jobId,
        extras: {
          ...Object.fromEntries(Object.entries(m.extras).map(([k, d]) => [k, { value: d.value, unit: d.unit }])),
          ...(Object.keys(m.notes).length ? { notes: m.notes } : {}),
          // A measurement that could not be made (NaN) is kept, marked, rather than dropped.
          ...(Number.isFinite(value) ? {} : { nonFinite: String(value) }),
          ...(Object.keys(jobMeta).length ? { jobMeta } : {}),
          ...(Object.keys(software).length ? { software } : {}),
        },
        measuredAt: batch.measuredAt,
        countsAs: standing.countsAs,
        standingReason: standing.reason,
        // Measured without a definition (none known, none imported above): stored, never judged.
        flag: defined.has(m.metric) ? null : UNKNOWN_METRIC_FLAG,
      };
    });
    if (rows.length > 0) await tx.insert(measurements).values(rows);
    return { jobId: batch.jobId, ingested: rows.length, measuredAt: batch.measuredAt, definitionChanges: changes };
  });
}

/**
 * Ingests an lsst.verify Job (JSON text): its measurements become measurement rows for
 * `ctx.dataset`, timed by `meta.env.date` when present, with `meta` kept on each row
 * (`extras.jobMeta`, and `meta.packages` as `extras.software`). One transaction; a job already
 * ingested (same content, same dataset) is refused; units are checked against known metrics.
 */
export async function ingestJob(db: Db, text: string, ctx: JobContext, actor: Actor): Promise<JobIngestSummary> {
  requireRole(actor, 'developer', 'posting measurements');
  const doc = parsePythonJson(text, 'job', 'JOB_JSON');
  const job = parseJob(doc, 'job');
  const measuredAt = ctx.measuredAt ?? jobDate(job.meta, 'job') ?? new Date();
  return ingestBatch(db, { jobId: contentIdentity(doc), measurements: job.measurements, meta: job.meta, measuredAt, metrics: job.metrics, specs: job.specs }, ctx, actor);
}

/**
 * Ingests butler `metricvalue_*.yaml` files (one `lsst.verify.Measurement` each) as one job. Every
 * file is parsed first; all the bad ones are reported together, and nothing is ingested then.
 */
export async function ingestMeasurementFiles(db: Db, files: readonly { path: string; text: string }[], ctx: JobContext, actor: Actor): Promise<JobIngestSummary> {
  requireRole(actor, 'developer', 'posting measurements');
  if (files.length === 0) throw new VeraError('BAD_INPUT', 'no measurement files given');
  const parsed: Measurement[] = [];
  const problems: string[] = [];
  for (const f of files) {
    try {
      parsed.push(parseMeasurementYaml(f.text, f.path));
    } catch (e) {
      if (!(e instanceof VeraError)) throw e;
      problems.push(e.message);
    }
  }
  if (problems.length > 0) {
    throw new VeraError('JOB_JSON', `${problems.length} of ${files.length} measurement file(s) cannot be read; nothing was ingested:\n  ${problems.join('\n  ')}`, { problems });
  }
  const content = parsed.map((m) => ({ metric: m.metric, identifier: m.identifier, value: m.quantity.value, unit: m.quantity.unit.text, extras: m.extras, notes: m.notes }));
  const batch = { jobId: contentIdentity(content), measurements: parsed, meta: {}, measuredAt: ctx.measuredAt ?? new Date(), metrics: [], specs: [] };
  return ingestBatch(db, batch, ctx, actor);
}
