import { sql } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import type { QuantumPlan } from '../db/schema/index.ts';
import type { QuantumStatus, RunProgress } from '../runs/index.ts';

/**
 * The graph of a run's tasks, from the plans its quanta were created with (so it is whole
 * before anything ran): which task's outputs feed which task, the collections the run's inputs
 * come from, and the dataset types nobody in the run consumes (its products). Each task carries
 * its quanta's progress, for drawing a run live.
 */
export interface TaskGraphNode {
  /** `task:<label>`, `input:<datasetType>` or `output:<datasetType>`. */
  id: string;
  kind: 'task' | 'input' | 'output';
  /** Task label or dataset type. */
  label: string;
  /** Quanta of a task by status; null for dataset nodes. */
  progress: RunProgress | null;
  /** Input nodes: the collections the existing datasets were found in. */
  collections: string[];
}

export interface TaskGraphEdge {
  source: string;
  target: string;
  datasetTypes: string[];
}

export interface TaskGraph {
  nodes: TaskGraphNode[];
  edges: TaskGraphEdge[];
}

const emptyProgress = (): RunProgress => ({ total: 0, pending: 0, running: 0, succeeded: 0, failed: 0, blocked: 0 });

export async function runTaskGraph(db: Db, runCollectionId: number): Promise<TaskGraph> {
  return (await runTaskGraphs(db, [runCollectionId])).get(runCollectionId)!;
}

/** The task graphs of several runs, in two queries whatever their number. */
export async function runTaskGraphs(db: Db, runCollectionIds: readonly number[]): Promise<Map<number, TaskGraph>> {
  const ids = [...new Set(runCollectionIds)];
  if (ids.length === 0) return new Map();
  const rows = await queryRows<{ run_id: number; task_label: string; status: QuantumStatus; plan: QuantumPlan | null }>(
    db,
    sql`SELECT run_id, task_label, status, plan FROM quanta WHERE run_id IN (${sql.join(
      ids.map((id) => sql`${id}::int`),
      sql`, `,
    )}) ORDER BY run_id, task_label`,
  );
  const byRun = new Map<number, typeof rows>(ids.map((id) => [id, []]));
  for (const r of rows) byRun.get(Number(r.run_id))!.push(r);
  const partial = new Map([...byRun].map(([id, quanta]) => [id, graphOf(quanta)]));
  // Where each run's existing inputs come from: one lookup for all of them.
  const existingIds = new Set([...partial.values()].flatMap((p) => [...p.existing.values()].flatMap((s) => [...s])));
  const runOf = await collectionsOfDatasets(db, [...existingIds]);
  return new Map(
    [...partial].map(([id, p]) => {
      const inputs = [...p.existing].map(([type, found]): TaskGraphNode => {
        const names = [...new Set([...found].flatMap((d) => (runOf.has(d) ? [runOf.get(d)!] : [])))].sort();
        return { id: `input:${type}`, kind: 'input', label: type, progress: null, collections: names };
      });
      return [id, { nodes: [...inputs, ...p.nodes], edges: p.edges }];
    }),
  );
}

/** A run's graph from its quanta, but for the collections its inputs come from. */
function graphOf(rows: { task_label: string; status: QuantumStatus; plan: QuantumPlan | null }[]) {
  const tasks = new Map<string, RunProgress>();
  const producer = new Map<string, string>();
  for (const r of rows) {
    const p = tasks.get(r.task_label) ?? emptyProgress();
    p.total += 1;
    p[r.status] += 1;
    tasks.set(r.task_label, p);
    for (const o of r.plan?.outputs ?? []) producer.set(o.datasetType, r.task_label);
  }
  const edges = new Map<string, TaskGraphEdge>();
  const edge = (source: string, target: string, datasetType: string) => {
    const e = edges.get(`${source}>${target}`) ?? { source, target, datasetTypes: [] };
    if (!e.datasetTypes.includes(datasetType)) e.datasetTypes.push(datasetType);
    edges.set(`${source}>${target}`, e);
  };
  const consumed = new Set<string>();
  const existing = new Map<string, Set<string>>();
  for (const r of rows) {
    for (const i of r.plan?.inputs ?? []) {
      consumed.add(i.datasetType);
      const from = producer.get(i.datasetType);
      if (from) edge(`task:${from}`, `task:${r.task_label}`, i.datasetType);
      else {
        edge(`input:${i.datasetType}`, `task:${r.task_label}`, i.datasetType);
        const ids = existing.get(i.datasetType) ?? new Set<string>();
        if (i.existingId && ids.size < 200) ids.add(i.existingId);
        existing.set(i.datasetType, ids);
      }
    }
  }
  const nodes: TaskGraphNode[] = [];
  for (const [label, progress] of tasks) nodes.push({ id: `task:${label}`, kind: 'task', label, progress, collections: [] });
  for (const [type, task] of producer) {
    if (consumed.has(type)) continue;
    nodes.push({ id: `output:${type}`, kind: 'output', label: type, progress: null, collections: [] });
    edge(`task:${task}`, `output:${type}`, type);
  }
  return { existing, nodes, edges: [...edges.values()] };
}

/** The RUN collection each dataset was written to, by dataset id. */
async function collectionsOfDatasets(db: Db, ids: readonly string[]): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  // Chunks keep each statement's parameter list bounded.
  for (let i = 0; i < ids.length; i += 1000) {
    const chunk = ids.slice(i, i + 1000);
    const rows = await queryRows<{ id: string; name: string }>(
      db,
      sql`SELECT d.id, c.name FROM datasets d JOIN collections c ON c.id = d.run_id WHERE d.id IN (${sql.join(
        chunk.map((id) => sql`${id}::uuid`),
        sql`, `,
      )})`,
    );
    for (const r of rows) out.set(r.id, r.name);
  }
  return out;
}
