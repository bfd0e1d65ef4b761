import fs from 'node:fs';
import path from 'node:path';
import type { Actor } from '../auth/roles.ts';
import { requireOwner } from '../auth/roles.ts';
import type { Vera } from '../app.ts';
import { VeraError } from '../errors.ts';
import { createRun, type RunRequest } from './create.ts';
import { getRun } from './queries.ts';
import { createRerun, type RerunRequest } from './rerun.ts';

export type SubmitRequest = Omit<RunRequest, 'pipelineYaml' | 'executor'> & { pipelineYaml?: string | undefined };

/** Creates a run and starts executing it in the background; progress is in `getRun`. */
export async function submitRun(vera: Vera, req: SubmitRequest, actor: Actor) {
  const pipelineFile = path.resolve(req.pipelineFile);
  let pipelineYaml = req.pipelineYaml;
  if (pipelineYaml === undefined) {
    try {
      pipelineYaml = fs.readFileSync(pipelineFile, 'utf8');
    } catch (e) {
      throw new VeraError('NOT_FOUND', `cannot read pipeline ${pipelineFile}: ${(e as Error).message}`, { file: pipelineFile });
    }
  }
  const created = await createRun(vera.database.db, { ...req, pipelineFile, pipelineYaml, executor: vera.config.executor }, actor);
  await vera.runs.start(req.output);
  return created;
}

/**
 * Resumes a run whose execution stopped (killed, failed, cancelled): finished quanta are kept.
 * Refused while another server's heartbeat on the run is alive (RunManager.start claims it).
 */
export async function resumeRun(vera: Vera, name: string, actor: Actor) {
  const run = await getRun(vera.database.db, name);
  requireOwner(actor, run.ownerId, run.owner, `run '${name}'`);
  if (vera.runs.isActive(name)) throw new VeraError('RUN_ACTIVE', `run '${name}' is being executed now; wait for it to finish`, { run: name });
  if (run.status === 'succeeded') return run;
  await vera.runs.start(name);
  return getRun(vera.database.db, name);
}

export async function submitRerun(vera: Vera, req: RerunRequest, actor: Actor) {
  const run = await createRerun(vera.database.db, req, actor);
  await vera.runs.start(run.name);
  return run;
}
