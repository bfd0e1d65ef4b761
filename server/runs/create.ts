import { eq, inArray } from 'drizzle-orm';
import { buildQuantumGraph } from './graph/build.ts';
import type { QuantumGraph } from './graph/types.ts';
import type { ConfigOverrides } from '../../runner/pipeline/config.ts';
import { loadPipelineText, type Pipeline } from '../../runner/pipeline/load.ts';
import { hasRole, requireRole, type Actor } from '../auth/roles.ts';
import { detectSoftware } from '../git/software.ts';
import type { Db } from '../db/client.ts';
import { datasets, pruneDeletions, quanta, runInputRuns, runs, type QuantumPlan, type SoftwareVersion } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { createCollection, registerDatasetType, resolveSearchPath, type BindValue } from '../repo/index.ts';
import { expiryFor, requirePurposeAllowed, type RunLifetimes } from './lifecycle/policy.ts';
import { getRun } from './queries.ts';
import type { RunPurpose } from './types.ts';

export interface RunRequest {
  /** Absolute path of the pipeline YAML (task modules resolve relative to it) and its text. */
  pipelineFile: string;
  pipelineYaml: string;
  /** Task labels or subset names to run (`pipeline.yaml#name`); all tasks when absent. */
  selection?: readonly string[] | null | undefined;
  /** Where the pipeline and its task modules may lie (default: Vera's checkout); see runner/pipeline/roots.ts. */
  pipelineRoots?: readonly string[] | undefined;
  inputs: string[];
  output: string;
  where?: string | undefined;
  bind?: Record<string, BindValue> | undefined;
  configOverrides?: ConfigOverrides | undefined;
  purpose?: RunPurpose | undefined;
  executor: string;
  seed?: number | undefined;
  saveIntermediates?: boolean | undefined;
  /** When the run's outputs may be pruned; must be in the future. Default: its purpose's lifetime. */
  expiresAt?: Date | undefined;
  /** Lifetimes per purpose (VERA_RUN_LIFETIME_DAYS) for the default expiry. */
  lifetimes?: RunLifetimes | undefined;
  /**
   * The operator who approved the campaign this run belongs to: its requester (a developer) may
   * then make an `operator` run, since an operator decided it (server/runs/campaigns).
   */
  approvedBy?: Actor | undefined;
  /** Software version to record; detected from the pipeline file's git checkout when absent. */
  software?: SoftwareVersion | undefined;
}

/**
 * Creates a run: validates the pipeline, builds its quantum graph against the inputs, and in one
 * transaction creates the output RUN collection, registers output dataset types (new types need
 * no migration), and records the run with every quantum pending and its plan, so an interrupted
 * run can resume. Nothing is written when any step fails.
 */
export async function createRun(db: Db, req: RunRequest, actor: Actor) {
  requireRole(actor, 'developer', 'creating runs');
  const purpose = req.purpose ?? 'developer';
  requirePurposeAllowed(purpose === 'operator' && req.approvedBy && hasRole(req.approvedBy, 'operator') ? req.approvedBy : actor, purpose);
  const expiresAt = expiryFor(purpose, req.expiresAt, req.lifetimes);
  if (req.inputs.length === 0) throw new VeraError('BAD_INPUT', 'a run needs at least one input collection');
  await resolveSearchPath(db, req.inputs);
  const pipeline = await loadPipelineText(req.pipelineYaml, req.pipelineFile, req.configOverrides ?? {}, { roots: req.pipelineRoots, selection: req.selection });
  const graph = await buildQuantumGraph(db, { pipeline, collections: req.inputs, where: req.where, bind: req.bind });
  if (graph.quanta.length === 0) {
    const why = graph.skipped[0] ? ` (e.g. ${graph.skipped[0].taskLabel} ${JSON.stringify(graph.skipped[0].dataId)}: ${graph.skipped[0].reason})` : '';
    throw new VeraError('EMPTY_GRAPH', `nothing to do: the inputs and where expression give no quanta${why}`, { skipped: graph.skipped.length });
  }
  const software = req.software ?? (await detectSoftware(pipeline.file.replace(/\/[^/]*$/, '')));

  await db.transaction(async (tx) => {
    const collection = await createCollection(tx, { name: req.output, type: 'RUN', doc: `run of ${pipeline.file}` }, actor);
    for (const t of pipeline.tasks) {
      for (const c of t.connections) {
        if (c.kind === 'output') await registerDatasetType(tx, { name: c.datasetType, dimensions: c.group.names, storageClass: c.storageClass }, actor);
      }
    }
    const [run] = await tx
      .insert(runs)
      .values({
        collectionId: collection.id,
        ownerId: actor.id,
        purpose,
        status: 'pending',
        // The selection stays in the name, as it was asked for: provenance of which tasks ran.
        pipelineFile: req.selection ? `${pipeline.file}#${req.selection.join(',')}` : pipeline.file,
        pipelineYaml: req.pipelineYaml,
        configOverrides: req.configOverrides ?? {},
        inputs: req.inputs,
        where: req.where ?? '',
        bind: req.bind ?? {},
        software,
        executor: req.executor,
        seed: req.seed ?? 0,
        saveIntermediates: req.saveIntermediates ?? false,
        expiresAt,
      })
      .returning({ id: runs.id });
    await insertPlannedQuanta(tx, collection.id, pipeline, graph);
    await recordInputRuns(tx, run!.id, graph);
  });
  return { run: await getRun(db, req.output), skipped: graph.skipped };
}

const QUANTUM_BATCH = 500;

async function insertPlannedQuanta(tx: Db, runCollectionId: number, pipeline: Pipeline, graph: QuantumGraph) {
  const tasks = new Map(pipeline.tasks.map((t) => [t.label, t]));
  const rows = graph.quanta.map((q) => {
    const task = tasks.get(q.taskLabel)!;
    const plan: QuantumPlan = {
      inputs: q.inputs.flatMap((i) =>
        i.keys.map((k) => {
          const d = graph.datasets.get(k)!;
          return { connection: i.connection, datasetType: d.datasetType, dataId: d.dataId, storageClass: d.storageClass, multiple: i.multiple, ...(d.existingId ? { existingId: d.existingId } : {}) };
        }),
      ),
      outputs: q.outputs.map((o) => {
        const d = graph.datasets.get(o.key)!;
        return { connection: o.connection, datasetType: d.datasetType, dataId: d.dataId, storageClass: d.storageClass, persist: d.persist };
      }),
    };
    return {
      id: q.id,
      runId: runCollectionId,
      taskLabel: q.taskLabel,
      dataId: q.dataId,
      status: 'pending',
      taskClass: `${task.modulePath}#${task.exportName}`,
      config: task.config,
      configHash: task.configHash,
      plan,
    };
  });
  for (let i = 0; i < rows.length; i += QUANTUM_BATCH) await tx.insert(quanta).values(rows.slice(i, i + QUANTUM_BATCH));
}

/** Links the run to every RUN collection it reads from, so those are not deleted under it. */
async function recordInputRuns(tx: Db, runId: number, graph: QuantumGraph) {
  const ids = [...new Set([...graph.datasets.values()].flatMap((d) => (d.existingId ? [d.existingId] : [])))];
  const runIds = new Set<number>();
  for (let i = 0; i < ids.length; i += 1000) {
    const rows = await tx.selectDistinct({ runId: datasets.runId }).from(datasets).where(inArray(datasets.id, ids.slice(i, i + 1000)));
    for (const r of rows) runIds.add(r.runId);
  }
  if (runIds.size === 0) return;
  // Held FOR SHARE until commit: a prune locks the run FOR UPDATE, so it either sees this reader or ran first.
  const inputs = await tx
    .select({ collectionId: runs.collectionId, prunedAt: runs.prunedAt, deleting: pruneDeletions.id })
    .from(runs)
    .leftJoin(pruneDeletions, eq(pruneDeletions.runId, runs.id))
    .where(inArray(runs.collectionId, [...runIds]))
    .for('share', { of: runs });
  const gone = inputs.find((r) => r.prunedAt || r.deleting);
  if (gone) throw new VeraError('UNKNOWN_COLLECTION', `an input run (collection id ${gone.collectionId}) is being pruned or was pruned; plan the run again`, { collectionId: gone.collectionId });
  await tx.insert(runInputRuns).values([...runIds].map((c) => ({ runId, inputCollectionId: c })));
}
