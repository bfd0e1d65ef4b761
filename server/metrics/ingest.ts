import { inArray, sql } from 'drizzle-orm';
import type { MeasurementValue } from '../../pipelines/framework/values.ts';
import { queryRows, type Db } from '../db/client.ts';
import { measurements, metrics } from '../db/schema/index.ts';
import { isVeraError } from '../errors.ts';
import type { Datastore } from '../repo/index.ts';
import { getRun } from '../runs/queries.ts';
import { loadShippedDefinitions } from './definitions.ts';
import { standingOfRun, type Standing } from './standing.ts';
import { parseUnit, unitsCompatible } from './verify/index.ts';

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

export async function metricUnits(db: Db, names: readonly string[]): Promise<Map<string, string>> {
  if (names.length === 0) return new Map();
  const rows = await db.select({ name: metrics.name, unit: metrics.unit }).from(metrics).where(inArray(metrics.name, [...new Set(names)]));
  return new Map(rows.map((r) => [r.name, r.unit]));
}

/** Null when compatible (or unknown metric); otherwise why not, naming both units. */
export function unitProblem(metric: string, unit: string, known: Map<string, string>): string | null {
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
  const standing = await standingOfRun(db, runName);
  const pending = await queryRows<{ id: string; path: string; checksum: string; dims: Record<string, string | number>; quantum_id: string | null }>(
    db,
    sql`SELECT d.id, d.path, d.checksum, d.dims, d.quantum_id FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id
        WHERE d.run_id = ${run.collectionId} AND t.storage_class = 'Measurement' AND d.stored
          AND NOT EXISTS (SELECT 1 FROM measurements m WHERE m.dataset_id = d.id)`,
  );
  // Definitions judge measurements: a run with none to ingest (most runs of a replay, every
  // visit's AP run) does not parse and upsert its pipeline's metrics package for nothing.
  let definitionsProblem: string | undefined;
  if (pending.length > 0) {
    try {
      await loadShippedDefinitions(db, run.pipelineFile);
    } catch (e) {
      // The measurements are still stored (flagged when their metric stays unknown); the caller logs why.
      if (!isVeraError(e)) throw e;
      definitionsProblem = e.message;
    }
  }
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
