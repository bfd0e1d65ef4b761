import { eq } from 'drizzle-orm';
import { splitPipelineRef } from '../../../runner/pipeline/pipe-base.ts';
import type { ConfigOverrides } from '../../../runner/pipeline/config.ts';
import { loadPipelineText } from '../../../runner/pipeline/load.ts';
import { MAX_PIPELINE_BYTES, namePipeline, pipelineRoots, readPipelineFile } from '../../../runner/pipeline/roots.ts';
import { requireRole, type Actor } from '../../auth/roles.ts';
import { auditLog, campaigns, users } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';
import { resolveSearchPath } from '../../repo/index.ts';
import { buildQuantumGraph } from '../graph/build.ts';
import { expiryFor } from '../lifecycle/policy.ts';
import type { CampaignDeps } from './deps.ts';
import { estimate, taskCosts, type Estimate } from './estimate.ts';
import { inFlight, limitsOf } from './quotas.ts';

const NAME = /^[a-z0-9][a-z0-9._-]{0,63}$/;
/** Chunks are runs: a request naming more is a mistake, not a campaign. */
export const MAX_CHUNKS = 1000;

export interface CampaignRequest {
  name: string;
  /** As for a run: a pipeline in a pipeline root, optionally `#subset` or `#label,label`. */
  pipelineFile: string;
  pipelineYaml?: string | undefined;
  inputs: string[];
  /** One `where` per run; none: one run over all the inputs. */
  chunks?: string[] | undefined;
  configOverrides?: ConfigOverrides | undefined;
  /** When the campaign's runs may be pruned; default: the operator purpose's lifetime. */
  expiresAt?: Date | undefined;
}

/**
 * Records a developer's campaign request with its estimate, or refuses it: every chunk's quantum
 * graph is built (so a request that cannot run is refused now, not at approval), its cost comes
 * from earlier runs of the pipeline, and the requester's quota must hold it on top of their
 * campaigns in flight. The quota check and the insert are one transaction under a lock on the
 * requester, so two requests at once cannot both slip under it.
 */
export async function requestCampaign(deps: CampaignDeps, req: CampaignRequest, actor: Actor): Promise<{ name: string; estimate: Estimate }> {
  requireRole(actor, 'developer', 'requesting campaigns');
  const db = deps.database.db;
  if (!NAME.test(req.name)) throw new VeraError('BAD_INPUT', `invalid campaign name '${req.name}': lower-case letters, digits, '.', '_', '-' (at most 64)`, { name: req.name });
  const chunks = req.chunks && req.chunks.length > 0 ? req.chunks.map((c) => c.trim()) : [''];
  if (chunks.length > MAX_CHUNKS) throw new VeraError('BAD_INPUT', `a campaign has at most ${MAX_CHUNKS} chunks; this request has ${chunks.length}`, { chunks: chunks.length });
  if (req.inputs.length === 0) throw new VeraError('BAD_INPUT', 'a campaign needs at least one input collection');
  const expiresAt = expiryFor('operator', req.expiresAt, deps.config.runLifetimes);
  await resolveSearchPath(db, req.inputs);

  const roots = pipelineRoots(deps.config.pipelineRoots);
  const ref = splitPipelineRef(req.pipelineFile);
  const { file, text } = req.pipelineYaml === undefined ? await readPipelineFile(ref.file, roots) : { file: namePipeline(ref.file, roots), text: req.pipelineYaml };
  if (Buffer.byteLength(text) > MAX_PIPELINE_BYTES) throw new VeraError('BAD_INPUT', `the pipeline text is larger than ${MAX_PIPELINE_BYTES} bytes`, { file });
  const pipeline = await loadPipelineText(text, file, req.configOverrides ?? {}, { roots, selection: ref.selection });
  // Spelled as createRun records it, so earlier runs of the same pipeline (and selection) match.
  const pipelineFile = ref.selection ? `${pipeline.file}#${ref.selection.join(',')}` : pipeline.file;

  const perTask = new Map<string, number>();
  for (const [i, where] of chunks.entries()) {
    const graph = await buildQuantumGraph(db, { pipeline, collections: req.inputs, where: where || undefined }).catch((e: unknown) => {
      throw e instanceof VeraError ? new VeraError(e.code, `chunk ${i} (where '${where}'): ${e.message}`, { ...e.details, chunk: i }) : e;
    });
    if (graph.quanta.length === 0) throw new VeraError('EMPTY_GRAPH', `chunk ${i} (where '${where}') gives no quanta`, { chunk: i });
    for (const q of graph.quanta) perTask.set(q.taskLabel, (perTask.get(q.taskLabel) ?? 0) + 1);
  }
  const est = estimate(perTask, await taskCosts(db, pipelineFile));

  await db.transaction(async (tx) => {
    await tx.select({ id: users.id }).from(users).where(eq(users.id, actor.id)).for('update');
    const [taken] = await tx.select({ id: campaigns.id }).from(campaigns).where(eq(campaigns.name, req.name));
    if (taken) throw new VeraError('BAD_INPUT', `a campaign named '${req.name}' exists already`, { name: req.name });
    const limits = await limitsOf(tx, actor.id, deps.config.defaultQuota);
    const held = await inFlight(tx, actor.id);
    if (held.coreHours + est.coreHours > limits.coreHours) {
      throw new VeraError(
        'QUOTA_EXCEEDED',
        `campaign '${req.name}' is estimated at ${est.coreHours.toFixed(2)} core-hours; user '${actor.name}' has a core-hours quota of ${limits.coreHours} and ${held.coreHours.toFixed(2)} of it are held by campaigns in flight`,
        { quota: 'coreHours', limit: limits.coreHours, held: held.coreHours, requested: est.coreHours },
      );
    }
    if (held.bytes + est.bytes > limits.bytes) {
      throw new VeraError(
        'QUOTA_EXCEEDED',
        `campaign '${req.name}' is estimated at ${est.bytes} bytes; user '${actor.name}' has a bytes quota of ${limits.bytes} and ${held.bytes} of it are held by campaigns in flight`,
        { quota: 'bytes', limit: limits.bytes, held: held.bytes, requested: est.bytes },
      );
    }
    await tx.insert(campaigns).values({
      name: req.name,
      requesterId: actor.id,
      status: 'requested',
      pipelineFile,
      pipelineYaml: text,
      inputs: req.inputs,
      chunks,
      configOverrides: req.configOverrides ?? {},
      executor: deps.config.executor,
      estimatedQuanta: est.quanta,
      estimatedCoreHours: est.coreHours,
      estimatedBytes: est.bytes,
      runsExpireAt: expiresAt,
    });
    await tx.insert(auditLog).values({
      actorId: actor.id,
      action: 'campaign-request',
      subject: req.name,
      bytes: est.bytes,
      details: { quanta: est.quanta, coreHours: est.coreHours, chunks: chunks.length, pipeline: pipelineFile },
    });
  });
  await deps.events.emit('campaign.requested', { campaign: req.name, requester: actor.name, estimatedCoreHours: est.coreHours, estimatedBytes: est.bytes });
  return { name: req.name, estimate: est };
}

