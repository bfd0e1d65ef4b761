import { and, asc, eq } from 'drizzle-orm';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { CatalogValue } from '../../pipelines/framework/values.ts';
import { diaSourcesFromCatalog } from '../../pipelines/ap/diaSourceCatalog.ts';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { decodedCacheBytesFromEnv, isReadOnly } from '../../runner/decoded-cache.ts';
import { loadPipelineText, type Pipeline } from '../../runner/pipeline/load.ts';
import { pipelineRoots, readPipelineFile } from '../../runner/pipeline/roots.ts';
import type { WarmJob } from '../../runner/worker-job.ts';
import type { Actor } from '../auth/roles.ts';
import type { VeraConfig } from '../config.ts';
import type { Db } from '../db/client.ts';
import { quanta, replays, replayVisits, users, type SoftwareVersion } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { detectSoftware } from '../git/software.ts';
import { findDatasets, type Datastore } from '../repo/index.ts';
import { createRun } from '../runs/create.ts';
import type { RunManager } from '../runs/manager.ts';
import { findRun } from '../runs/queries.ts';
import type { ReplayVisit, VisitOutput, VisitProcessor } from './manager.ts';

/** The AP pipeline a replay runs per visit unless its config names another. */
export const DEFAULT_AP_PIPELINE = 'pipelines/ap.yaml';
/** The dataset type whose catalogs hold a visit's DiaSources (pipelines/ap.yaml, detectDiaSources). */
export const DIA_SOURCE_DATASET = 'goodSeeingDiff_diaSrc';

export interface ApProcessorDeps {
  db: Db;
  datastore: Datastore;
  runs: RunManager;
  config: Pick<VeraConfig, 'executor' | 'pipelineRoots' | 'runLifetimes'>;
}

/** The RUN collection of one replayed visit's AP quanta: named by replay and visit, so a resumed replay finds it. */
export function visitRunName(replayId: number, visit: number): string {
  return `replay/${replayId}/visit/${visit}`;
}

/**
 * The per-visit step of a replay with the real AP tasks: each released visit becomes a run of the
 * AP pipeline (`pipelines/ap.yaml`: isr … calibrate, getTemplate, subtractImages,
 * detectDiaSources) restricted to that visit, over the replay's input collections (raws,
 * calibrations, refcats and the templates collection). The run goes through the RunManager, so its
 * quanta execute on the executor pool (worker threads or Slurm), never on the server's thread, and
 * it has provenance and datasets like any run. The DiaSources are read back from its
 * `goodSeeingDiff_diaSrc` catalogs, ordered by id: the tasks are pure, so a visit run twice (a
 * resumed replay) gives the same DiaSources.
 *
 * Resume: a visit whose run already exists is not created again; a finished one is read, an
 * unfinished one is resumed (its finished quanta kept) or, when run recovery already resumed it
 * here, waited for.
 */
export function apVisitProcessor(deps: ApProcessorDeps): VisitProcessor {
  const software = new Map<string, Promise<SoftwareVersion>>();
  const processor: VisitProcessor = async (visit: ReplayVisit, signal: AbortSignal): Promise<VisitOutput> => {
    const name = visitRunName(visit.replayId, visit.visit);
    await runToSuccess(deps, visit, name, software, signal);
    return { diaSources: await readDiaSources(deps, name) };
  };
  processor.prepare = async (replay, signal) => {
    const roots = pipelineRoots(deps.config.pipelineRoots);
    const { file, text } = await readPipelineFile(replay.config.pipeline ?? DEFAULT_AP_PIPELINE, roots);
    const pipeline = await loadPipelineText(text, file, replay.config.configOverrides ?? {}, { roots });
    await deps.runs.prepareExecutor(await warmJob(deps, pipeline, replay.config));
    const visit = await rehearsalVisit(deps, pipeline, replay);
    if (visit === undefined) return;
    const rehearsal = { replayId: replay.replayId, instrument: replay.instrument, seq: 0, visit, midpointMjdTai: 0, config: replay.config };
    await runToSuccess(deps, rehearsal, rehearsalRunName(replay.replayId), software, signal);
  };
  return processor;
}

/**
 * The RUN collection of a replay's rehearsal: before the clock starts, the AP pipeline runs once
 * on a visit of the input collections that is not replayed, so the workers have run (and V8 has
 * compiled and optimised) every task's code before the first replayed visit, as a live system's
 * workers have by the second visit of a night. Measured: without it the first visit took
 * 2.3-2.4 s against 1.4-1.75 s for the others (docs/alert-production.md). The run stays, like
 * the visits' runs, as the record of what ran; nothing reads its DiaSources.
 */
export function rehearsalRunName(replayId: number): string {
  return `replay/${replayId}/rehearsal`;
}

/**
 * The visit a replay rehearses on: one whose inputs (the pipeline's visit-level inputs no task
 * produces, e.g. raw) are in the replay's input collections and that is not replayed; the latest
 * before the first replayed visit by id when there is one (a template epoch), else the first.
 * Undefined when every visit there is replayed.
 */
async function rehearsalVisit(deps: ApProcessorDeps, pipeline: Pipeline, replay: { replayId: number; instrument: string; config: ReplayVisit['config'] }): Promise<number | undefined> {
  const replayed = (await deps.db.select({ visit: replayVisits.visit }).from(replayVisits).where(eq(replayVisits.replayId, replay.replayId)).orderBy(asc(replayVisits.seq))).map((r) => r.visit);
  if (replayed.length === 0) return undefined;
  const rawTypes = new Set(pipeline.tasks.flatMap((t) => t.connections.filter((c) => c.kind === 'input' && c.dimensions.includes('visit') && !pipeline.producers.has(c.datasetType)).map((c) => c.datasetType)));
  const candidates = new Set<number>();
  for (const datasetType of rawTypes) {
    for (const ref of await findDatasets(deps.db, { datasetType, collections: replay.config.inputs ?? [], findFirst: false }).catch(() => [])) {
      const visit = Number(ref.dims.visit);
      if (ref.dims.instrument === replay.instrument && Number.isSafeInteger(visit)) candidates.add(visit);
    }
  }
  const skip = new Set(replayed);
  const others = [...candidates].filter((v) => !skip.has(v)).sort((a, b) => a - b);
  const before = others.filter((v) => v < replayed[0]!);
  return before.length > 0 ? before[before.length - 1] : others[0];
}

/**
 * Brings the AP run `name` of `visit` to success: created when missing, resumed when it ended
 * unfinished here (its finished quanta kept), waited for when this process already runs it (run
 * recovery may have resumed it), and an error naming the first failed quantum when it failed.
 */
async function runToSuccess(deps: ApProcessorDeps, visit: ReplayVisit, name: string, software: Map<string, Promise<SoftwareVersion>>, signal: AbortSignal): Promise<void> {
  let started = false;
  for (;;) {
    if (signal.aborted) throw new Error('replay stopped');
    const run = await findRun(deps.db, name);
    if (!run) {
      await createVisitRun(deps, visit, name, software);
      started = await startRun(deps.runs, name);
      continue;
    }
    if (run.status === 'succeeded') return;
    if (deps.runs.isActive(name)) {
      await deps.runs.wait(name);
      started = true;
      continue;
    }
    // Ended here and not succeeded: the AP tasks failed on this visit; the replay says why.
    if (started) {
      const [q] = await deps.db
        .select({ taskLabel: quanta.taskLabel, error: quanta.error })
        .from(quanta)
        .where(and(eq(quanta.runId, run.collectionId), eq(quanta.status, 'failed')))
        .orderBy(asc(quanta.taskLabel))
        .limit(1);
      const why = q ? `; first failed quantum: ${q.taskLabel}: ${q.error ?? 'no error recorded'}` : '';
      throw new VeraError('RUN_FAILED', `the AP run '${name}' of visit ${visit.visit} ended ${run.status}${run.error ? `: ${run.error}` : ''}${why}`, { run: name });
    }
    started = await startRun(deps.runs, name);
  }
}

/**
 * What every worker readies before a replay's clock starts: the AP tasks' modules, and the
 * datasets known before any visit arrives, those of the read-only connections (templates,
 * calibrations, refcats: see isReadOnly) whose dimensions do not include the visit, found in the
 * replay's input collections, as many as fit half the workers' cache budget.
 */
async function warmJob(deps: ApProcessorDeps, pipeline: Pipeline, config: ReplayVisit['config']): Promise<WarmJob> {
  const modules = pipeline.tasks.map((t) => ({ modulePath: t.modulePath, exportName: t.exportName }));
  const types = new Map<string, string>();
  for (const t of pipeline.tasks) {
    for (const c of t.connections) {
      if (c.kind === 'output' || c.dimensions.includes('visit') || pipeline.producers.has(c.datasetType)) continue;
      if (isReadOnly(t.task.connections?.[c.name])) types.set(c.datasetType, c.storageClass);
    }
  }
  const datasets: WarmJob['datasets'] = [];
  let budget = decodedCacheBytesFromEnv() / 2;
  for (const [datasetType, storageClass] of [...types].sort()) {
    const refs = await findDatasets(deps.db, { datasetType, collections: config.inputs ?? [], findFirst: false }).catch(() => []);
    for (const ref of refs) {
      if (ref.sizeBytes > budget) continue;
      budget -= ref.sizeBytes;
      datasets.push({ absPath: deps.datastore.resolve(ref.path), storageClass, checksum: ref.checksum });
    }
  }
  return { warm: true, modules, datasets };
}

/** Starts (or resumes) a run here; false when another process holds it (it is looked at again shortly). */
async function startRun(runs: RunManager, name: string): Promise<boolean> {
  try {
    await runs.start(name);
    return true;
  } catch (e) {
    if (!(e instanceof VeraError && e.code === 'RUN_ACTIVE')) throw e;
    await new Promise((r) => setTimeout(r, 200));
    return false;
  }
}

async function createVisitRun(deps: ApProcessorDeps, visit: ReplayVisit, name: string, software: Map<string, Promise<SoftwareVersion>>): Promise<void> {
  const inputs = visit.config.inputs ?? [];
  if (inputs.length === 0) {
    throw new VeraError('BAD_INPUT', `replay ${visit.replayId} has no input collections (config.inputs: raws, calibrations, refcats and the templates collection)`);
  }
  const roots = pipelineRoots(deps.config.pipelineRoots);
  const { file, text } = await readPipelineFile(visit.config.pipeline ?? DEFAULT_AP_PIPELINE, roots);
  // The software is the same for every visit of a replay: detected once (a git call), not per visit.
  let sw = software.get(file);
  if (!sw) {
    sw = detectSoftware(file.replace(/\/[^/]*$/, ''));
    software.set(file, sw);
  }
  await createRun(
    deps.db,
    {
      pipelineFile: file,
      pipelineYaml: text,
      pipelineRoots: roots,
      inputs,
      output: name,
      where: 'instrument = inst AND visit = v',
      bind: { inst: visit.instrument, v: visit.visit },
      configOverrides: visit.config.configOverrides ?? {},
      purpose: 'replay',
      executor: deps.config.executor,
      lifetimes: deps.config.runLifetimes,
      software: await sw,
    },
    await replayOwner(deps.db, visit.replayId),
  );
}

async function replayOwner(db: Db, replayId: number): Promise<Actor> {
  const [row] = await db
    .select({ id: users.id, name: users.name, role: users.role })
    .from(replays)
    .innerJoin(users, eq(users.id, replays.ownerId))
    .where(eq(replays.id, replayId));
  if (!row) throw new VeraError('NOT_FOUND', `replay ${replayId} has no owner`);
  return row as Actor;
}

async function readDiaSources(deps: ApProcessorDeps, run: string): Promise<DiaSource[]> {
  const refs = await findDatasets(deps.db, { datasetType: DIA_SOURCE_DATASET, collections: [run] });
  const out: DiaSource[] = [];
  for (const ref of refs) {
    const catalog = (await codecFor('Catalog').decode(await deps.datastore.read(ref.path, ref.checksum))) as CatalogValue;
    out.push(...diaSourcesFromCatalog(catalog));
  }
  return out.sort((a, b) => (a.diaSourceId < b.diaSourceId ? -1 : a.diaSourceId > b.diaSourceId ? 1 : 0));
}
