import { inArray, sql } from 'drizzle-orm';
import { canonicalJson } from '../../runner/pipeline/config.ts';
import { commitsBetween, type CommitInfo } from '../git/git.ts';
import { queryRows, type Db } from '../db/client.ts';
import { collections, runs } from '../db/schema/index.ts';
import type { SoftwareVersion } from '../db/schema/index.ts';

export interface ConfigChange {
  task: string;
  field: string;
  before: unknown;
  after: unknown;
}

export interface InputChange {
  datasetType: string;
  dataId: Record<string, unknown>;
  isCalibration: boolean;
  before: { id: string; run: string; checksum: string } | null;
  after: { id: string; run: string; checksum: string } | null;
}

export interface DataIdMove {
  dataId: Record<string, unknown>;
  before: number | null;
  after: number | null;
  delta: number | null;
}

export interface QuantumChange {
  task: string;
  total: number;
  /** Quanta (matched by data ID) whose outputs' bytes differ between the two runs. */
  changed: number;
}

/** What differed between the last good and the first bad point of a series (DESIGN.md §7). */
export interface Explanation {
  goodRun: string | null;
  badRun: string | null;
  commits: { sha: string; author: string; date: string; subject: string }[];
  software: { before: SoftwareVersion | null; after: SoftwareVersion | null };
  configChanges: ConfigChange[];
  inputCollections: { before: string[]; after: string[] } | null;
  inputChanges: InputChange[];
  quanta: QuantumChange[];
  /** Data IDs (visits, patches, ...) where the metric moved most, largest first. */
  dataIds: DataIdMove[];
}

interface RunRow {
  id: number;
  collectionId: number;
  name: string;
  inputs: string[];
  software: SoftwareVersion | null;
}

async function runInfo(db: Db, collectionId: number | null): Promise<RunRow | null> {
  if (collectionId === null) return null;
  const [row] = await db
    .select({ id: runs.id, collectionId: runs.collectionId, name: collections.name, inputs: runs.inputs, software: runs.software })
    .from(runs)
    .innerJoin(collections, sql`${collections.id} = ${runs.collectionId}`)
    .where(inArray(runs.collectionId, [collectionId]));
  return row ?? null;
}

/** Leaf fields of two configs that differ, as dotted paths. */
export function diffConfig(task: string, a: unknown, b: unknown, prefix = ''): ConfigChange[] {
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].sort().flatMap((k) => diffConfig(task, a[k], b[k], prefix ? `${prefix}.${k}` : k));
  }
  return canonicalJson(a) === canonicalJson(b) ? [] : [{ task, field: prefix, before: a ?? null, after: b ?? null }];
}

async function configsByTask(db: Db, runCollectionId: number): Promise<Map<string, unknown>> {
  const rows = await queryRows<{ task_label: string; config: unknown }>(
    db,
    sql`SELECT DISTINCT ON (task_label) task_label, config FROM quanta WHERE run_id = ${runCollectionId} ORDER BY task_label, created_at`,
  );
  return new Map(rows.map((r) => [r.task_label, r.config]));
}

/** Datasets a run read from outside itself (raw data, calibrations, other runs' outputs), by type and data ID. */
async function externalInputs(db: Db, runCollectionId: number) {
  const rows = await queryRows<{ type: string; is_calibration: boolean; data_id: Record<string, unknown>; id: string; run: string; checksum: string }>(
    db,
    sql`SELECT DISTINCT t.name AS type, t.is_calibration, d.data_id, d.id, c.name AS run, d.checksum
        FROM quanta q JOIN quantum_inputs i ON i.quantum_id = q.id JOIN datasets d ON d.id = i.dataset_id
        JOIN dataset_types t ON t.id = d.dataset_type_id JOIN collections c ON c.id = d.run_id
        WHERE q.run_id = ${runCollectionId} AND d.run_id <> ${runCollectionId}`,
  );
  return new Map(rows.map((r) => [`${r.type}|${canonicalJson(r.data_id)}`, r]));
}

async function quantumChanges(db: Db, good: number, bad: number): Promise<QuantumChange[]> {
  const rows = await queryRows<{ task: string; total: number; changed: number }>(
    db,
    sql`WITH o AS (
          SELECT q.run_id, q.task_label, q.data_id, string_agg(d.checksum, ',' ORDER BY d.checksum) AS sums
          FROM quanta q JOIN datasets d ON d.quantum_id = q.id
          WHERE q.run_id IN (${good}, ${bad}) GROUP BY q.run_id, q.task_label, q.data_id)
        SELECT a.task_label AS task, count(*)::int AS total, count(*) FILTER (WHERE a.sums <> b.sums)::int AS changed
        FROM o a JOIN o b ON a.task_label = b.task_label AND a.data_id = b.data_id AND a.run_id = ${good} AND b.run_id = ${bad}
        GROUP BY a.task_label ORDER BY a.task_label`,
  );
  return rows;
}

async function dataIdMoves(db: Db, metric: string, good: number, bad: number, limit: number): Promise<DataIdMove[]> {
  const rows = await queryRows<{ data_id: Record<string, unknown>; before: number | null; after: number | null }>(
    db,
    sql`SELECT coalesce(a.data_id, b.data_id) AS data_id, a.value AS before, b.value AS after
        FROM (SELECT data_id, avg(value) AS value FROM measurements WHERE metric_name = ${metric} AND run_id = ${good} GROUP BY data_id) a
        FULL JOIN (SELECT data_id, avg(value) AS value FROM measurements WHERE metric_name = ${metric} AND run_id = ${bad} GROUP BY data_id) b
        ON a.data_id = b.data_id`,
  );
  return rows
    .map((r) => ({ dataId: r.data_id, before: r.before, after: r.after, delta: r.before !== null && r.after !== null ? Number(r.after) - Number(r.before) : null }))
    .sort((x, y) => Math.abs(y.delta ?? 0) - Math.abs(x.delta ?? 0))
    .slice(0, limit);
}

/**
 * Explains a change between two points of a series: the commits between them (from git when the
 * repository is known), the software versions, the config fields that changed per task, the
 * input collections and the calibration and input datasets used, how many quanta's outputs
 * changed per task, and the data IDs where the metric moved most.
 */
export async function explainChange(
  db: Db,
  q: { metric: string; goodRunId: number | null; badRunId: number | null; goodCommit: string | null; badCommit: string; repo?: string | null },
): Promise<Explanation> {
  const [good, bad] = await Promise.all([runInfo(db, q.goodRunId), runInfo(db, q.badRunId)]);
  let commits: CommitInfo[] = [];
  if (q.repo && q.goodCommit !== q.badCommit) commits = await commitsBetween(q.repo, q.goodCommit, q.badCommit).catch(() => []);
  const out: Explanation = {
    goodRun: good?.name ?? null,
    badRun: bad?.name ?? null,
    commits: commits.map((c) => ({ sha: c.sha, author: c.author, date: c.date.toISOString(), subject: c.subject })),
    software: { before: good?.software ?? null, after: bad?.software ?? null },
    configChanges: [],
    inputCollections: null,
    inputChanges: [],
    quanta: [],
    dataIds: [],
  };
  if (!good || !bad) return out;
  const [ca, cb] = await Promise.all([configsByTask(db, good.collectionId), configsByTask(db, bad.collectionId)]);
  for (const task of [...new Set([...ca.keys(), ...cb.keys()])].sort()) out.configChanges.push(...diffConfig(task, ca.get(task), cb.get(task)));
  // Recorded whether or not they differ: "the same" is an answer, and the page says which.
  out.inputCollections = { before: good.inputs, after: bad.inputs };
  const [ia, ib] = await Promise.all([externalInputs(db, good.collectionId), externalInputs(db, bad.collectionId)]);
  for (const key of [...new Set([...ia.keys(), ...ib.keys()])].sort()) {
    const a = ia.get(key);
    const b = ib.get(key);
    if (a && b && a.checksum === b.checksum) continue;
    const any = (a ?? b)!;
    out.inputChanges.push({
      datasetType: any.type,
      dataId: any.data_id,
      isCalibration: any.is_calibration,
      before: a ? { id: a.id, run: a.run, checksum: a.checksum } : null,
      after: b ? { id: b.id, run: b.run, checksum: b.checksum } : null,
    });
  }
  // Calibrations first: they explain most science changes that are not code changes.
  out.inputChanges.sort((x, y) => Number(y.isCalibration) - Number(x.isCalibration));
  out.quanta = await quantumChanges(db, good.collectionId, bad.collectionId);
  out.dataIds = await dataIdMoves(db, q.metric, good.collectionId, bad.collectionId, 20);
  return out;
}
