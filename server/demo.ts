import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from './auth/roles.ts';
import { systemActor } from './auth/users.ts';
import type { Vera } from './app.ts';
import { isVeraError } from './errors.ts';
import { importMetricsPackage } from './metrics/catalog.ts';
import { importDetectionConfigs } from './metrics/specs-db.ts';
import { markRunAsBranchHistory } from './metrics/standing.ts';
import { findCollection } from './repo/index.ts';
import { findRun, getRun } from './runs/queries.ts';
import type { RunProgress } from './runs/types.ts';
import { resumeRun, submitRun } from './runs/submit.ts';
import { generateSimCam, SIMCAM } from './simcam/generate.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const DEMO_PIPELINE = path.join(ROOT, 'pipelines/drp.yaml');
export const DEMO_METRICS = path.join(ROOT, 'pipelines/metrics');
export const DEMO_RUN = 'demo/drp';

export interface DemoOptions {
  visits?: number;
  onStage?: (message: string) => void;
  onProgress?: (p: RunProgress) => void;
}

/**
 * The demo repository `npm start` serves: SimCam data, the simcam_drp metrics, and one run of
 * the DRP pipeline. Made once; a later start finds it (and resumes the run if a previous start
 * was stopped half-way).
 */
export async function ensureDemo(vera: Vera, opts: DemoOptions = {}): Promise<'created' | 'resumed' | 'present'> {
  const db = vera.database.db;
  const stage = opts.onStage ?? (() => {});
  const actor = await systemActor(db);
  let outcome: 'created' | 'resumed' | 'present' = 'present';
  if (!(await findCollection(db, SIMCAM.raw))) {
    stage(`generating the SimCam demo data (${opts.visits ?? 12} visits x 4 detectors)`);
    await generateSimCam(db, vera.datastore, { nVisits: opts.visits ?? 12 }, actor);
    await importMetricsPackage(db, DEMO_METRICS, actor);
    await importDetectionConfigs(db, readFileSync(path.join(DEMO_METRICS, 'detection.yaml'), 'utf8'), 'pipelines/metrics/detection.yaml');
    outcome = 'created';
  }
  const run = await findRun(db, DEMO_RUN);
  if (!run) {
    stage(`running ${path.relative(ROOT, DEMO_PIPELINE)} on ${SIMCAM.defaults} into ${DEMO_RUN}`);
    await submitRun(vera, { pipelineFile: DEMO_PIPELINE, inputs: [SIMCAM.defaults], output: DEMO_RUN, purpose: 'operator' }, actor);
    // Marked before its measurements are ingested, so they count as the branch's history from the start.
    await markDemoRun(vera, actor, stage);
  } else if (run.status === 'succeeded') {
    // A demo made before standings were recorded counts as a developer run until marked.
    await markDemoRun(vera, actor, stage);
    return outcome;
  } else if (!vera.runs.isActive(DEMO_RUN)) {
    stage(`resuming ${DEMO_RUN} (${run.progress.succeeded}/${run.progress.total} quanta done)`);
    // Another server on the same PostgreSQL may hold it: then wait for that one to finish it.
    await resumeRun(vera, DEMO_RUN, actor).catch((e: unknown) => {
      if (!isVeraError(e) || e.code !== 'RUN_ACTIVE') throw e;
      stage(e.message);
    });
    outcome = outcome === 'created' ? outcome : 'resumed';
  }
  for (;;) {
    const state = await getRun(db, DEMO_RUN);
    opts.onProgress?.(state.progress);
    if (state.status !== 'pending' && state.status !== 'running' && !vera.runs.isActive(DEMO_RUN)) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  return outcome === 'present' ? 'resumed' : outcome;
}

/**
 * The demo run is an operator's run of Vera's own checkout, not a CI build: it joins the branch's
 * history only by being marked, and only from a clean checkout. From a dirty one it stays a
 * developer run (docs/metric-history.md), and the start-up says so rather than hiding it.
 */
async function markDemoRun(vera: Vera, actor: Actor, stage: (message: string) => void): Promise<void> {
  try {
    await markRunAsBranchHistory(vera.database.db, DEMO_RUN, true, actor);
  } catch (e) {
    if (!isVeraError(e) || e.code !== 'NOT_BRANCH_HISTORY') throw e;
    stage(`${e.message}: its points form a developer series (series(..., standing: developer)), not the branch's`);
  }
}
