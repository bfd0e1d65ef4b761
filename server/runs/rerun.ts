import crypto from 'node:crypto';
import { eq } from 'drizzle-orm';
import { loadTaskConfig } from '../../runner/pipeline/task-config.ts';
import type { ConfigOverrides } from '../../runner/pipeline/config.ts';
import { requireRole, type Actor } from '../auth/roles.ts';
import { detectSoftware } from '../git/software.ts';
import type { Db } from '../db/client.ts';
import { quanta, runInputRuns, runs, type QuantumPlan } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { createCollection, getCollection } from '../repo/index.ts';
import { expiryFor, type RunLifetimes } from './lifecycle/policy.ts';
import { provenanceChain, type QuantumInfo } from './provenance.ts';
import { getRun } from './queries.ts';

export interface RerunRequest {
  datasetId: string;
  output: string;
  saveIntermediates?: boolean;
  configOverrides?: ConfigOverrides;
  /** Lifetimes per purpose (VERA_RUN_LIFETIME_DAYS): a rerun is a developer run. */
  lifetimes?: RunLifetimes | undefined;
}

/**
 * Rebuilds the sub-pipeline that produced a dataset, from its recorded inputs, as a new run:
 * every quantum on the way back to stored inputs is copied with its config (plus overrides),
 * its data ID and the original run's seed, so with no overrides the outputs come out
 * byte-identical. Intermediates that were not kept are rebuilt too.
 */
export async function createRerun(db: Db, req: RerunRequest, actor: Actor) {
  requireRole(actor, 'developer', 'rerunning');
  const chain = await provenanceChain(db, req.datasetId);
  const target = chain[0]!;
  if (!target.quantum) throw new VeraError('BAD_INPUT', `dataset ${req.datasetId} was not produced by a run (it was ingested); there is nothing to rerun`);

  // Quanta to copy: the target's producer, and producers of inputs that are not stored.
  const byDataset = new Map(chain.map((s) => [s.dataset.id, s]));
  const closure = new Map<string, QuantumInfo>();
  const visit = (datasetId: string, needed: boolean) => {
    const step = byDataset.get(datasetId);
    if (!step?.quantum || !needed || closure.has(step.quantum.id)) return;
    closure.set(step.quantum.id, step.quantum);
    for (const input of step.inputs) visit(input, !(byDataset.get(input)?.dataset.stored ?? true));
  };
  visit(req.datasetId, true);

  const source = await getRun(db, target.quantum.run);
  const overrides = req.configOverrides ?? {};
  const labels = new Set([...closure.values()].map((q) => q.taskLabel));
  const unknown = Object.keys(overrides).find((l) => !labels.has(l));
  if (unknown) throw new VeraError('CONFIG_INVALID', `config override for '${unknown}', which is not a task of this sub-pipeline (${[...labels].join(', ')})`);
  // Inputs recorded by id whose producer is copied here are produced again by this run.
  const rebuiltIds = new Set(chain.filter((s) => s.dataset.quantumId && closure.has(s.dataset.quantumId)).map((s) => s.dataset.id));
  const copies = await Promise.all(
    [...closure.values()].map(async (q) => {
      const { config, configHash } = await loadTaskConfig(q.taskClass!, q.config ?? {}, overrides[q.taskLabel] ?? {}, q.taskLabel);
      const plan: QuantumPlan = {
        // Inputs rebuilt here lose their recorded id: this run produces them again.
        inputs: q.plan!.inputs.map((i) => {
          const { existingId, ...rest } = i;
          return existingId && !rebuiltIds.has(existingId) ? { ...rest, existingId } : rest;
        }),
        outputs: q.plan!.outputs.map((o) => ({ ...o, persist: o.persist || (req.saveIntermediates ?? false) })),
      };
      return { id: crypto.randomUUID(), taskLabel: q.taskLabel, dataId: q.dataId, status: 'pending', taskClass: q.taskClass, config, configHash, plan };
    }),
  );
  const software = await detectSoftware(source.pipelineFile.replace(/\/[^/]*$/, ''));
  await db.transaction(async (tx) => {
    const collection = await createCollection(tx, { name: req.output, type: 'RUN', doc: `rerun of dataset ${req.datasetId} from run '${source.name}'` }, actor);
    const [run] = await tx
      .insert(runs)
      .values({
        collectionId: collection.id,
        ownerId: actor.id,
        purpose: 'developer',
        expiresAt: expiryFor('developer', undefined, req.lifetimes),
        status: 'pending',
        pipelineFile: source.pipelineFile,
        pipelineYaml: (await tx.select({ y: runs.pipelineYaml }).from(runs).where(eq(runs.id, source.id)))[0]!.y,
        configOverrides: overrides,
        inputs: source.inputs,
        where: source.where,
        software,
        executor: source.executor,
        seed: source.seed,
        saveIntermediates: req.saveIntermediates ?? false,
      })
      .returning({ id: runs.id });
    await tx.insert(quanta).values(copies.map((c) => ({ ...c, runId: collection.id })));
    const runOf = new Map(chain.map((s) => [s.dataset.id, s.dataset.run]));
    const inputRuns = new Set(copies.flatMap((c) => c.plan.inputs.flatMap((i) => (i.existingId ? [runOf.get(i.existingId)!] : []))));
    for (const name of inputRuns) await tx.insert(runInputRuns).values({ runId: run!.id, inputCollectionId: (await getCollection(tx, name)).id });
  });
  return getRun(db, req.output);
}
