import { splitPipelineRef } from '../../runner/pipeline/pipe-base.ts';
import { MAX_PIPELINE_BYTES, namePipeline, pipelineRoots, readPipelineFile } from '../../runner/pipeline/roots.ts';
import type { Actor } from '../auth/roles.ts';
import { requireOwner, requireRole } from '../auth/roles.ts';
import type { RunDeps } from './deps.ts';
import { VeraError } from '../errors.ts';
import { createRun, type RunRequest } from './create.ts';
import { getRun } from './queries.ts';
import { createRerun, type RerunRequest } from './rerun.ts';

/**
 * `pipelineFile` names the pipeline inside a pipeline root (Vera's checkout or VERA_PIPELINE_ROOTS),
 * relative to a root or absolute; with `pipelineYaml` its text is given and the name only says
 * where it lives (its root and what its task classes are relative to).
 */
export type SubmitRequest = Omit<RunRequest, 'pipelineYaml' | 'executor' | 'pipelineRoots' | 'lifetimes' | 'approvedBy'> & { pipelineYaml?: string | undefined };

/** Creates a run and starts executing it in the background; progress is in `getRun`. */
export async function submitRun(vera: RunDeps, req: SubmitRequest, actor: Actor) {
  // Before any file is looked at: whether a path exists is itself an answer.
  requireRole(actor, 'developer', 'creating runs');
  const roots = pipelineRoots(vera.config.pipelineRoots);
  // `pipeline.yaml#subset` or `#label,label`: the file, and the tasks of it to run.
  const ref = splitPipelineRef(req.pipelineFile);
  const { file, text } = req.pipelineYaml === undefined ? await readPipelineFile(ref.file, roots) : { file: namePipeline(ref.file, roots), text: req.pipelineYaml };
  if (Buffer.byteLength(text) > MAX_PIPELINE_BYTES) throw new VeraError('BAD_INPUT', `the pipeline text is larger than ${MAX_PIPELINE_BYTES} bytes`, { file });
  const created = await createRun(vera.database.db, { ...req, pipelineFile: file, selection: ref.selection, pipelineYaml: text, pipelineRoots: roots, executor: vera.config.executor, lifetimes: vera.config.runLifetimes }, actor);
  await vera.runs.start(req.output);
  return created;
}

/**
 * Resumes a run whose execution stopped (killed, failed, cancelled): finished quanta are kept.
 * Refused while another server's heartbeat on the run is alive (RunManager.start claims it).
 */
export async function resumeRun(vera: RunDeps, name: string, actor: Actor) {
  const run = await getRun(vera.database.db, name);
  requireOwner(actor, run.ownerId, run.owner, `run '${name}'`);
  if (vera.runs.isActive(name)) throw new VeraError('RUN_ACTIVE', `run '${name}' is being executed now; wait for it to finish`, { run: name });
  if (run.status === 'succeeded') return run;
  await vera.runs.start(name);
  return getRun(vera.database.db, name);
}

export async function submitRerun(vera: RunDeps, req: RerunRequest, actor: Actor) {
  const run = await createRerun(vera.database.db, { ...req, lifetimes: vera.config.runLifetimes }, actor);
  await vera.runs.start(run.name);
  return run;
}
