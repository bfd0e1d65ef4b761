import crypto from 'node:crypto';
import { eq, inArray, sql } from 'drizzle-orm';
import type { MeasurementValue } from '../../pipelines/framework/values.ts';
import { requireRole, type Actor } from '../auth/roles.ts';
import { trackedRepo } from '../git/repos.ts';
import { queryRows, type Db } from '../db/client.ts';
import { measurements, metrics } from '../db/schema/index.ts';
import { isVeraError, VeraError } from '../errors.ts';
import type { Datastore } from '../repo/index.ts';
import { getRun } from '../runs/queries.ts';
import { upsertMetrics } from './catalog.ts';
import { loadShippedDefinitions } from './definitions.ts';
import { jobStanding, standingOfRun, type Standing } from './standing.ts';
import { parseJobJson, parseUnit, unitsCompatible } from './verify/index.ts';

/** The dataset a series is about: the input collections a run processed, in search order. */
export function datasetLabel(inputs: readonly string[]): string {
  return inputs.join(',');
}

export interface IngestSummary {
  ingested: number;
  skipped: { datasetId: string; reason: string }[];
  /** Whether the points count as branch history, and why (server/metrics/standing.ts). */
  standing: Standing;
  /** Metrics measured without a definition: their measurements are stored, flagged, and never judged. */
  unknownMetrics: string[];
  /** Why the definitions shipped with the pipeline could not be loaded, if they could not. */
  definitionsProblem?: string;
}

export const UNKNOWN_METRIC_FLAG = 'unknown metric: no definition was loaded when it was measured';

async function metricUnits(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db.select({ name: metrics.name, unit: metrics.unit }).from(metrics).where(inArray(metrics.name, [...new Set(names)]));
  return new Map(rows.map((r) => [r.name, r.unit]));
}

/** Null when compatible (or unknown metric); otherwise why not, naming both units. */
function unitProblem(metric: string, unit: string, known: Map<string, string>): string | null {
  const metricUnit = known.get(metric);
  if (metricUnit === undefined) return null;
  try {
    return unitsCompatible(parseUnit(unit), parseUnit(metricUnit)) ? null : `unit '${unit}' is incompatible with metric ${metric}'s unit '${metricUnit}'`;
  } catch (e) {
    return (e as Error).message;
  }
}

/**
 * Turns every Measurement dataset of a run into a measurement row, linked to the run, quantum,
 * dataset and data ID, with the run's software version (repo, commit, branch). Idempotent: a
 * dataset already ingested is skipped, so it can run after every (re)execution.
 */
export async function ingestRunMeasurements(db: Db, store: Datastore, runName: string): Promise<IngestSummary> {
  const run = await getRun(db, runName);
  let definitionsProblem: string | undefined;
  try {
    await loadShippedDefinitions(db, run.pipelineFile);
  } catch (e) {
    // The measurements are still stored (flagged when their metric stays unknown); the caller logs why.
    if (!isVeraError(e)) throw e;
    definitionsProblem = e.message;
  }
  const standing = await standingOfRun(db, runName);
  const pending = await queryRows<{ id: string; path: string; checksum: string; dims: Record<string, string | number>; quantum_id: string | null }>(
    db,
    sql`SELECT d.id, d.path, d.checksum, d.dims, d.quantum_id FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id
        WHERE d.run_id = ${run.collectionId} AND t.storage_class = 'Measurement' AND d.stored
          AND NOT EXISTS (SELECT 1 FROM measurements m WHERE m.dataset_id = d.id)`,
  );
  const values = await Promise.all(pending.map(async (d) => JSON.parse((await store.read(d.path, d.checksum)).toString('utf8')) as MeasurementValue));
  const known = await metricUnits(db, values.map((v) => v.metric));
  const skipped: IngestSummary['skipped'] = [];
  const rows = [];
  for (const [i, d] of pending.entries()) {
    const m = values[i]!;
    const problem = unitProblem(m.metric, m.unit, known);
    if (problem) {
      skipped.push({ datasetId: d.id, reason: problem });
      continue;
    }
    rows.push({
      metricName: m.metric,
      value: typeof m.value === 'number' && Number.isFinite(m.value) ? m.value : null,
      unit: m.unit,
      dataset: datasetLabel(run.inputs),
      dataId: d.dims,
      repo: run.software?.repo ?? null,
      commit: run.software?.commit ?? null,
      branch: run.software?.branch ?? null,
      runId: run.collectionId,
      quantumId: d.quantum_id,
      datasetId: d.id,
      extras: { ...(m.extras ?? {}), ...(m.notes ? { notes: m.notes } : {}) },
      measuredAt: run.startedAt ?? run.createdAt,
      countsAs: standing.countsAs,
      standingReason: standing.reason,
      flag: known.has(m.metric) ? null : UNKNOWN_METRIC_FLAG,
    });
  }
  for (let i = 0; i < rows.length; i += 1000) await db.insert(measurements).values(rows.slice(i, i + 1000)).onConflictDoNothing();
  const unknownMetrics = [...new Set(rows.filter((r) => r.flag !== null).map((r) => r.metricName))].sort();
  return { ingested: rows.length, skipped, standing, unknownMetrics, ...(definitionsProblem ? { definitionsProblem } : {}) };
}

export interface JobContext {
  dataset: string;
  /** A tracked repository (name or GitHub owner/name); its mirror is recorded, so series can be ordered by its history. */
  repo?: string | undefined;
  commit?: string | undefined;
  branch?: string | undefined;
  measuredAt?: Date | undefined;
  /** Also upsert the metric and specification definitions the job carries. */
  importDefinitions?: boolean | undefined;
}

/**
 * Ingests an lsst.verify Job (JSON text) from a pipeline that does not run inside Vera: its
 * measurements become measurement rows for `ctx.dataset` at the given commit and branch, in one
 * transaction. Units are checked against known metrics; an incompatible one refuses the job.
 */
export async function ingestJob(db: Db, text: string, ctx: JobContext, actor: Actor): Promise<{ jobId: string; ingested: number }> {
  requireRole(actor, 'developer', 'posting measurements');
  const job = parseJobJson(text, 'job');
  const jobId = crypto.createHash('sha256').update(text).digest('hex').slice(0, 16);
  const repo = ctx.repo !== undefined ? (await trackedRepo(db, ctx.repo)).mirrorPath : null;
  return db.transaction(async (tx) => {
    const [seen] = await tx.select({ id: measurements.id }).from(measurements).where(eq(measurements.jobId, jobId)).limit(1);
    if (seen) throw new VeraError('DATASET_CONFLICT', `this job (id ${jobId}) was already ingested`, { jobId });
    if (ctx.importDefinitions) await upsertMetrics(tx, job.metrics, job.specs);
    const known = await metricUnits(tx, job.measurements.map((m) => m.metric));
    const defined = new Set(known.keys());
    for (const m of job.metrics) known.set(m.name, m.unit.text);
    const standing = jobStanding(ctx.commit, actor.name);
    const rows = job.measurements.map((m) => {
      const problem = unitProblem(m.metric, m.quantity.unit.text, known);
      if (problem) throw new VeraError('UNIT_INCOMPATIBLE', `job measurement of ${m.metric}: ${problem}`, { metric: m.metric });
      return {
        metricName: m.metric,
        value: Number.isFinite(m.quantity.value) ? m.quantity.value : null,
        unit: m.quantity.unit.text,
        dataset: ctx.dataset,
        dataId: {},
        repo,
        commit: ctx.commit ?? null,
        branch: ctx.branch ?? null,
        jobId,
        extras: { ...Object.fromEntries(Object.entries(m.extras).map(([k, d]) => [k, { value: d.value, unit: d.unit }])), ...(Object.keys(m.notes).length ? { notes: m.notes } : {}) },
        measuredAt: ctx.measuredAt ?? new Date(),
        countsAs: standing.countsAs,
        standingReason: standing.reason,
        flag: defined.has(m.metric) ? null : UNKNOWN_METRIC_FLAG,
      };
    });
    if (rows.length > 0) await tx.insert(measurements).values(rows);
    return { jobId, ingested: rows.length };
  });
}
