import path from 'node:path';
import { and, desc, eq, inArray } from 'drizzle-orm';
import { readPipelineFile } from '../../runner/pipeline/roots.ts';
import { requireRole, type Actor } from '../auth/roles.ts';
import { systemActor } from '../auth/users.ts';
import type { CiDeps } from './deps.ts';
import type { Db } from '../db/client.ts';
import { buildRuns, builds, collections, datasets, measurements, repos, runs } from '../db/schema/index.ts';
import { isVeraError, VeraError } from '../errors.ts';
import { compareRefs, type Comparison } from '../metrics/compare.ts';
import { comparisonMarkdown, regressionsIn } from '../metrics/compare-format.ts';
import { datasetLabel } from '../metrics/ingest.ts';
import { scanSeries } from '../metrics/regressions.ts';
import { createCollection, findCollection, tagDatasets } from '../repo/index.ts';
import { createRun, type RunRequest } from '../runs/create.ts';
import { findRun, getRun } from '../runs/queries.ts';
import { resolveRef } from '../git/git.ts';
import { assertRefName } from '../git/refs.ts';
import { enqueueGithub } from './outbox.ts';
import { inputsOf, isRepoPath, readPolicy, type BuildEvent, type RunPolicy } from './policy.ts';
import { ensureWorktree, fetchRepo, getRepo, type Repo } from '../git/repos.ts';

export interface BuildRequest {
  repo: string;
  commit: string;
  /** `refs/heads/<branch>`, `refs/tags/<tag>`, `refs/pull/<n>/head`, or a bare branch name. */
  ref: string;
  event: BuildEvent;
  prNumber?: number | undefined;
  /** PR builds: the branch name, recorded as the runs' branch. */
  headBranch?: string | undefined;
  deliveryId?: string | undefined;
  /** Instead of vera.yaml (the GitHub Action's inputs). */
  only?: { pipeline: string; dataset: string } | undefined;
}

export type BuildRow = typeof builds.$inferSelect;

export function branchOf(ref: string, headBranch?: string): string | null {
  if (headBranch) return headBranch;
  if (ref.startsWith('refs/heads/')) return ref.slice('refs/heads/'.length);
  if (ref.startsWith('refs/')) return null;
  return ref;
}

/**
 * The ref a bare `commit` argument (`vera build repo v1.0`) names: its tag when it is a tag, its
 * branch when a branch (tags first, as git's own lookup order has it), else the commit itself.
 * Fetches once when the mirror knows neither, so a tag pushed since the last fetch is found.
 */
export async function refOfCommit(db: Db, repo: Repo, commit: string): Promise<string> {
  assertRefName(commit, 'commit');
  const lookup = async () => {
    if (await resolveRef(repo.mirrorPath, `refs/tags/${commit}`)) return `refs/tags/${commit}`;
    if (await resolveRef(repo.mirrorPath, `refs/heads/${commit}`)) return `refs/heads/${commit}`;
    return null;
  };
  let ref = await lookup();
  if (!ref && !/^[0-9a-f]{7,40}$/.test(commit)) {
    await fetchRepo(db, repo);
    ref = await lookup();
  }
  return ref ?? commit;
}

function tagOf(ref: string): string | null {
  return ref.startsWith('refs/tags/') ? ref.slice('refs/tags/'.length) : null;
}

function refLabel(ref: string, prNumber?: number): string {
  if (prNumber) return `pr-${prNumber}`;
  return ref.replace(/^refs\/(heads|tags)\//, '').replace(/[^A-Za-z0-9_.+@/-]/g, '_');
}

/**
 * A build of a commit on a ref: one per (repository, commit, ref), whatever asks for it (a
 * webhook delivered twice, the API, a schedule). Reads vera.yaml at that commit, checks the
 * commit out into a worktree, and creates and starts a run per matching entry, with the
 * commit's software version. Commit statuses go to GitHub through the outbox.
 *
 * Retryable at any point: the slow preparation (vera.yaml, worktree, pipeline files) comes
 * first and writes nothing; the build, its runs and their commit statuses are then recorded in
 * one transaction, and the runs start after it commits (a crash in between leaves pending runs,
 * which run recovery takes over). A build that failed (`error`) or that an older version left
 * `queued` with no runs is made again by the next request or delivery for it.
 */
export async function requestBuild(vera: CiDeps, req: BuildRequest, actor: Actor): Promise<BuildRow> {
  requireRole(actor, 'developer', 'requesting builds');
  assertRefName(req.commit, 'commit');
  assertRefName(req.ref, 'ref');
  if (req.headBranch !== undefined) assertRefName(req.headBranch, 'headBranch');
  const db = vera.database.db;
  const repo = await getRepo(db, req.repo);
  let sha = await resolveRef(repo.mirrorPath, req.commit);
  if (!sha) {
    await fetchRepo(db, repo);
    sha = await resolveRef(repo.mirrorPath, req.commit);
  }
  if (!sha) throw new VeraError('NOT_FOUND', `commit ${req.commit} is not in '${repo.name}', even after a fetch`, { commit: req.commit });

  const [existing] = await db.select().from(builds).where(buildKey(repo.id, sha, req.ref));
  if (existing && !(await needsMaking(db, existing))) return existing;
  let made: { build: BuildRow; start: string[] };
  try {
    const planned = await planRuns(vera, repo, sha, req);
    made = await recordBuild(vera, repo, sha, req, planned);
  } catch (e) {
    await recordBuildError(db, repo, sha, req, e as Error).catch((err: Error) => vera.log.error({ repo: repo.name, commit: sha, err }, 'could not record a failed build'));
    throw e;
  }
  if (made.start.length > 0) vera.github?.kick();
  for (const name of made.start) {
    // The build is recorded: a run that cannot start now stays pending, and run recovery retries it.
    await vera.runs.start(name).catch((e: Error) => vera.log.error({ run: name, err: e }, 'could not start a run of a build'));
  }
  return (await getBuild(db, made.build.id)).build;
}

function buildKey(repoId: number, sha: string, ref: string) {
  return and(eq(builds.repoId, repoId), eq(builds.commit, sha), eq(builds.ref, ref));
}

/** Whether a recorded build is to be made (again): it failed, or its making stopped before any run was recorded. */
async function needsMaking(db: Db, build: BuildRow): Promise<boolean> {
  if (build.status === 'error') return true;
  if (build.status !== 'queued') return false;
  const [linked] = await db.select({ runId: buildRuns.runId }).from(buildRuns).where(eq(buildRuns.buildId, build.id)).limit(1);
  return linked === undefined;
}

/** One run of a build, ready to create: what vera.yaml lists, with the pipeline file read at the commit. */
interface PlannedRun {
  name: string;
  pipeline: string;
  dataset: string;
  request: RunRequest;
}

/** The slow part of a build, done before anything is written: vera.yaml, the worktree, the pipeline files. */
async function planRuns(vera: CiDeps, repo: Repo, sha: string, req: BuildRequest): Promise<PlannedRun[]> {
  const entries = await selectRuns(repo, sha, req);
  if (entries.length === 0) return [];
  const worktree = await ensureWorktree(vera.config.home, repo, sha);
  const software = { repo: repo.mirrorPath, commit: sha, branch: branchOf(req.ref, req.headBranch), tag: tagOf(req.ref), dirty: false, diffHash: null };
  const planned: PlannedRun[] = [];
  for (const entry of entries) {
    const pipeline = await readPipelineIn(worktree, entry.pipeline, sha);
    const output = `ci/${repo.name}/${refLabel(req.ref, req.prNumber)}/${sha.slice(0, 10)}/${entry.name}`;
    planned.push({
      name: entry.name,
      pipeline: entry.pipeline,
      dataset: datasetLabel(inputsOf(entry)),
      request: {
        pipelineFile: pipeline.file,
        pipelineYaml: pipeline.text,
        // The build's own checkout is its pipeline's only root: task code comes from this commit.
        pipelineRoots: [worktree],
        inputs: inputsOf(entry),
        output,
        where: entry.where,
        configOverrides: entry.config,
        purpose: 'ci',
        lifetimes: vera.config.runLifetimes,
        executor: vera.config.executor,
        software,
      },
    });
  }
  return planned;
}

/**
 * Records the build, its runs, their links and commit statuses in one transaction; returns the
 * build and the runs to start. The build's row is locked while a failed build is made again,
 * so two processors never both make it; one that finds it made returns it, starting nothing.
 */
async function recordBuild(vera: CiDeps, repo: Repo, sha: string, req: BuildRequest, planned: PlannedRun[]): Promise<{ build: BuildRow; start: string[] }> {
  // Whoever asked, a build's runs are Vera CI's: they write under ci/, which only CI may.
  const ci = await systemActor(vera.database.db);
  return vera.database.db.transaction(async (tx) => {
    const values = { repoId: repo.id, commit: sha, ref: req.ref, event: req.event, prNumber: req.prNumber ?? null, deliveryId: req.deliveryId ?? null };
    let [build] = await tx.insert(builds).values(values).onConflictDoNothing().returning();
    if (!build) {
      const [locked] = await tx.select().from(builds).where(buildKey(repo.id, sha, req.ref)).for('update');
      if (!(await needsMaking(tx, locked!))) return { build: locked!, start: [] };
      // Links of an earlier attempt (older versions recorded runs one by one) are made again below.
      await tx.delete(buildRuns).where(eq(buildRuns.buildId, locked!.id));
      [build] = await tx.update(builds).set({ ...values, status: 'queued', error: null, summary: null, updatedAt: new Date() }).where(eq(builds.id, locked!.id)).returning();
    }
    const id = build!.id;
    if (planned.length === 0) {
      const [done] = await tx.update(builds).set({ status: 'succeeded', summary: { note: `vera.yaml has no run for ${req.event}` }, updatedAt: new Date() }).where(eq(builds.id, id)).returning();
      return { build: done!, start: [] };
    }
    const start: string[] = [];
    for (const p of planned) {
      const run = (await earlierRun(tx, p.request.output)) ?? (await createRun(tx, p.request, ci)).run;
      await tx.insert(buildRuns).values({ buildId: id, runId: run.id, pipeline: p.pipeline, dataset: p.dataset });
      await statusUpdate(vera, tx, repo, sha, p.name, 'pending', 'Vera is running the pipeline');
      if (run.status !== 'succeeded') start.push(run.name);
    }
    const [running] = await tx.update(builds).set({ status: 'running', updatedAt: new Date() }).where(eq(builds.id, id)).returning();
    return { build: running!, start };
  });
}

/**
 * A run an earlier attempt of a build made under this name (older versions recorded a build's
 * runs one by one, so a crash could leave some): kept and resumed, unless another build has it.
 */
async function earlierRun(tx: Db, name: string) {
  const run = await findRun(tx, name);
  if (!run) return undefined;
  const [other] = await tx.select({ buildId: buildRuns.buildId }).from(buildRuns).where(eq(buildRuns.runId, run.id)).limit(1);
  return other ? undefined : run;
}

/** Records why a build could not be made, unless another attempt made it meanwhile; the next request makes it again. */
async function recordBuildError(db: Db, repo: Repo, sha: string, req: BuildRequest, e: Error): Promise<void> {
  await db.transaction(async (tx) => {
    const values = { repoId: repo.id, commit: sha, ref: req.ref, event: req.event, prNumber: req.prNumber ?? null, deliveryId: req.deliveryId ?? null, status: 'error', error: e.message };
    const [created] = await tx.insert(builds).values(values).onConflictDoNothing().returning({ id: builds.id });
    if (created) return;
    const [locked] = await tx.select().from(builds).where(buildKey(repo.id, sha, req.ref)).for('update');
    if (locked && (await needsMaking(tx, locked))) await tx.update(builds).set({ status: 'error', error: e.message, updatedAt: new Date() }).where(eq(builds.id, locked.id));
  });
}

/** A pipeline of the commit being built: a regular file inside its worktree, symlinks resolved. */
async function readPipelineIn(worktree: string, pipeline: string, sha: string): Promise<{ file: string; text: string }> {
  try {
    return await readPipelineFile(pipeline, [worktree]);
  } catch (e) {
    // Said in the repository's terms: the worktree's place on the server is nobody's business.
    if (isVeraError(e) && e.code === 'NOT_FOUND') throw new VeraError('NOT_FOUND', `pipeline ${pipeline} does not exist at ${sha.slice(0, 10)}`, { file: pipeline });
    if (isVeraError(e) && e.code === 'PATH_ESCAPE') throw new VeraError('PATH_ESCAPE', `pipeline ${pipeline} at ${sha.slice(0, 10)} leads outside the repository`, { file: pipeline });
    throw e;
  }
}

async function selectRuns(repo: Repo, sha: string, req: BuildRequest): Promise<RunPolicy[]> {
  if (req.only && !isRepoPath(req.only.pipeline)) {
    throw new VeraError('PATH_ESCAPE', `pipeline '${req.only.pipeline}' must be a path inside the repository (relative, without ..)`, { pipeline: req.only.pipeline });
  }
  if (req.only) return [{ name: path.basename(req.only.pipeline).replace(/\.ya?ml$/, ''), pipeline: req.only.pipeline, dataset: req.only.dataset, config: {}, on: [req.event] }];
  const policy = await readPolicy(repo.mirrorPath, sha);
  if (!policy) throw new VeraError('NOT_FOUND', `'${repo.name}' has no vera.yaml at ${sha.slice(0, 10)}, and no pipeline was given`, { repo: repo.name });
  return policy.runs.filter((r) => r.on.includes(req.event) || req.event === 'api');
}

async function statusUpdate(vera: CiDeps, db: Db, repo: Repo, sha: string, name: string, state: 'pending' | 'success' | 'failure' | 'error', description: string) {
  if (!repo.githubFullName || !vera.config.github.token) return;
  await enqueueGithub(db, { kind: 'status', repoFullName: repo.githubFullName, sha, state, context: `vera/${name}`, description });
}

export async function getBuild(db: Db, id: number) {
  const [build] = await db.select().from(builds).where(eq(builds.id, id));
  if (!build) throw new VeraError('NOT_FOUND', `no build ${id}`, { id });
  const [repo] = await db.select().from(repos).where(eq(repos.id, build.repoId));
  const linked = await db
    .select({ name: collections.name, pipeline: buildRuns.pipeline, dataset: buildRuns.dataset })
    .from(buildRuns)
    .innerJoin(runs, eq(runs.id, buildRuns.runId))
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .where(eq(buildRuns.buildId, id));
  return { build, repo: repo!, runs: linked };
}

export async function listBuilds(db: Db, opts: { repo?: string; status?: string; limit?: number } = {}) {
  const conds = [opts.status ? eq(builds.status, opts.status) : undefined, opts.repo ? eq(repos.name, opts.repo) : undefined];
  return db
    .select({ build: builds, repo: repos.name })
    .from(builds)
    .innerJoin(repos, eq(repos.id, builds.repoId))
    .where(and(...conds))
    .orderBy(desc(builds.id))
    .limit(opts.limit ?? 100);
}

/**
 * Called when a run ends: once every run of its build has ended, the build is finished: each
 * run's metrics are compared with its base (a PR with its merge base on the default branch,
 * a push with the previous measured commit), regressions are recorded on default-branch
 * series, a release gets a TAGGED collection of its outputs, and GitHub hears about it.
 */
export async function onRunFinished(vera: CiDeps, runName: string): Promise<void> {
  const db = vera.database.db;
  const run = await getRun(db, runName);
  const [link] = await db.select().from(buildRuns).where(eq(buildRuns.runId, run.id));
  if (!link) return;
  const { build, repo, runs: buildRunList } = await getBuild(db, link.buildId);
  const states = await Promise.all(buildRunList.map((r) => getRun(db, r.name)));
  if (states.some((s) => s.status === 'pending' || s.status === 'running')) return;

  const sections: string[] = [];
  const statuses: { name: string; ok: boolean; description: string }[] = [];
  const regressedMetrics: string[] = [];
  let regressions = 0;
  // A push is compared with its parent commit (none for a first commit).
  const base = build.prNumber ? repo.defaultBranch : await resolveRef(repo.mirrorPath, `${build.commit}^`);
  for (const [i, r] of buildRunList.entries()) {
    const state = states[i]!;
    const name = r.name.split('/').pop()!;
    let comparison: Comparison | undefined;
    let problem: string | undefined;
    if (state.status === 'succeeded' && !base) {
      problem = `${build.commit.slice(0, 10)} has no parent commit to compare with`;
    } else if (state.status === 'succeeded' && base) {
      comparison = await compareRefs(db, { dataset: r.dataset, head: build.commit, headLabel: refLabel(build.ref, build.prNumber ?? undefined), base, repo: repo.name }).catch((e: Error) => {
        problem = e.message;
        return undefined;
      });
    }
    const regressed = comparison ? regressionsIn(comparison).map((row) => row.metric) : [];
    regressions += regressed.length;
    regressedMetrics.push(...regressed.filter((m) => !regressedMetrics.includes(m)));
    sections.push(
      comparison
        ? comparisonMarkdown(comparison, { title: `Vera: ${name} on ${r.dataset}` })
        : `### Vera: ${name} on ${r.dataset}\n\nRun \`${r.name}\` ${state.status}${state.error ? `: ${state.error}` : ''}.${problem ? ` No comparison: ${problem}` : ''}\n`,
    );
    statuses.push({
      name,
      ok: state.status === 'succeeded' && regressed.length === 0,
      description: state.status !== 'succeeded' ? `run ${state.status}` : regressed.length ? `${regressed.length} metric(s) regressed` : 'no regression',
    });
  }
  const failed = states.some((s) => s.status !== 'succeeded');
  const markdown = sections.join('\n');
  // The runs' final states this report is about. When the last two runs of a build end at once,
  // both get here; the row lock lets one report and the other find the report already made. A
  // resumed run changes the states, and the build is reported again.
  const fingerprint = buildRunList.map((r, i) => `${r.name}:${states[i]!.status}`).join(',');
  const reported = await db.transaction(async (tx) => {
    const [row] = await tx.select({ summary: builds.summary }).from(builds).where(eq(builds.id, build.id)).for('update');
    if ((row?.summary as { reported?: string } | null)?.reported === fingerprint) return false;
    await tx
      .update(builds)
      .set({ status: failed ? 'failed' : 'succeeded', summary: { regressions, regressedMetrics, markdown, runs: buildRunList.map((r) => r.name), reported: fingerprint }, updatedAt: new Date() })
      .where(eq(builds.id, build.id));
    for (const st of statuses) await statusUpdate(vera, tx, repo, build.commit, st.name, st.ok ? 'success' : 'failure', st.description);
    if (build.prNumber && repo.githubFullName && vera.config.github.token) {
      await enqueueGithub(tx, { kind: 'comment', repoFullName: repo.githubFullName, prNumber: build.prNumber, body: `${markdown}\n<sub>Vera build ${build.id} of ${build.commit.slice(0, 10)}</sub>\n` });
    }
    return true;
  });
  if (!reported) return;
  vera.github?.kick();
  const branch = branchOf(build.ref);
  if (branch === repo.defaultBranch && !failed) await recordRegressions(vera, buildRunList, repo, branch);
  if (build.event === 'release' && !failed) await tagRelease(vera, build, buildRunList.map((r) => r.name));
}

async function recordRegressions(vera: CiDeps, list: { name: string; dataset: string }[], repo: Repo, branch: string) {
  const db = vera.database.db;
  for (const r of list) {
    const run = await getRun(db, r.name);
    const metricNames = await db.selectDistinct({ m: measurements.metricName }).from(measurements).where(eq(measurements.runId, run.collectionId));
    for (const { m } of metricNames) {
      await scanSeries(db, { metric: m, dataset: r.dataset, branch, repo: repo.name }).catch((e: Error) => vera.log.warn({ metric: m, err: e.message }, 'scan failed'));
    }
  }
}

/** A release run's outputs, tagged as `releases/<repo>/<tag>`. */
async function tagRelease(vera: CiDeps, build: BuildRow, runNames: string[]) {
  const db = vera.database.db;
  const tag = tagOf(build.ref) ?? build.ref;
  const [repo] = await db.select().from(repos).where(eq(repos.id, build.repoId));
  const name = `releases/${repo!.name}/${tag}`;
  const actor = await systemActor(db);
  // A release reported again (a resumed run) adds to the same collection.
  if (!(await findCollection(db, name))) await createCollection(db, { name, type: 'TAGGED', doc: `outputs of release ${tag}` }, actor);
  const runIds = (await db.select({ id: collections.id }).from(collections).where(inArray(collections.name, runNames))).map((r) => r.id);
  const ids = (await db.select({ id: datasets.id }).from(datasets).where(and(inArray(datasets.runId, runIds), eq(datasets.stored, true)))).map((d) => d.id);
  if (ids.length) await tagDatasets(db, name, ids, actor);
}
