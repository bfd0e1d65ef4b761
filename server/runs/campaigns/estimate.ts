import { sql } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';

/** Assumed for a task no earlier run of the pipeline measured: a minute of one core, no bytes. */
export const UNMEASURED_CORE_SECONDS = 60;

export interface TaskCost {
  coreSeconds: number;
  bytes: number;
  /** Quanta of earlier runs this is the mean of; 0 when assumed. */
  measured: number;
}

export interface Estimate {
  quanta: number;
  coreHours: number;
  bytes: number;
  /** Per task: its quanta and where the per-quantum cost came from, in words. */
  basis: string;
}

/**
 * Per task label, the mean core time (one core per quantum, as both executors allot) and output
 * bytes of succeeded quanta of earlier runs of the same pipeline file.
 */
export async function taskCosts(db: Db, pipelineFile: string): Promise<Map<string, TaskCost>> {
  const rows = await queryRows<{ task_label: string; secs: number | string; bytes: number | string; n: number }>(
    db,
    sql`SELECT q.task_label,
               avg(extract(epoch FROM q.ended_at - q.started_at)) AS secs,
               avg(coalesce(o.bytes, 0)) AS bytes,
               count(*)::int AS n
        FROM quanta q
        JOIN runs r ON r.collection_id = q.run_id
        LEFT JOIN (SELECT quantum_id, sum(size_bytes) AS bytes FROM datasets WHERE quantum_id IS NOT NULL GROUP BY quantum_id) o ON o.quantum_id = q.id
        WHERE r.pipeline_file = ${pipelineFile} AND q.status = 'succeeded' AND q.started_at IS NOT NULL AND q.ended_at IS NOT NULL
        GROUP BY q.task_label`,
  );
  return new Map(rows.map((r) => [r.task_label, { coreSeconds: Number(r.secs), bytes: Number(r.bytes), measured: r.n }]));
}

/** The campaign's cost: quanta per task times each task's cost per quantum. */
export function estimate(quantaPerTask: ReadonlyMap<string, number>, costs: ReadonlyMap<string, TaskCost>): Estimate {
  let quanta = 0;
  let coreSeconds = 0;
  let bytes = 0;
  const basis: string[] = [];
  for (const [task, n] of quantaPerTask) {
    const c = costs.get(task) ?? { coreSeconds: UNMEASURED_CORE_SECONDS, bytes: 0, measured: 0 };
    quanta += n;
    coreSeconds += n * c.coreSeconds;
    bytes += n * c.bytes;
    basis.push(
      c.measured > 0
        ? `${task}: ${n} quanta x ${c.coreSeconds.toFixed(2)} core-s, ${Math.round(c.bytes)} B (mean of ${c.measured} earlier quanta)`
        : `${task}: ${n} quanta x ${UNMEASURED_CORE_SECONDS} core-s assumed (no earlier run measured it)`,
    );
  }
  return { quanta, coreHours: coreSeconds / 3600, bytes: Math.round(bytes), basis: basis.join('; ') };
}
