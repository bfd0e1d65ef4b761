import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import type { Actor } from '../auth/roles.ts';
import { systemActor } from '../auth/users.ts';
import type { Vera } from '../app.ts';
import { onRunFinished, requestBuild, type BuildRequest } from '../ci/builds.ts';
import { builds, repos } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { addRepo, getRepo } from '../git/repos.ts';
import { findCollection } from '../repo/index.ts';
import { getRun } from '../runs/queries.ts';
import { runNamesOfBuilds } from '../ci/build-runs.ts';
import { generateSimCam, SIMCAM } from '../simcam/generate.ts';
import { FEATURE, FEATURE_BRANCH, MASTER, PR_NUMBER, REPO_NAME, writeStoryRepo, type StoryRepo } from './story.ts';

export { BAD_COMMIT, FEATURE_BRANCH, FIX_COMMIT, MASTER, REPO_NAME } from './story.ts';

/**
 * The demo data: small, so the first start builds the whole story in a couple of minutes on two
 * cores. Four visits (one per night, three bands) on a 2x2 mosaic of 256-pixel detectors.
 */
export const DEMO_SIMCAM = { nVisits: 4, detectorSizePx: 256, detectorGapPx: 20, nStars: 1500, nGalaxies: 300, nTransients: 8, nVariables: 4, patchesPerSide: 2 } as const;

export interface DemoOptions {
  visits?: number;
  onStage?: (message: string) => void;
  /** A build of the story finished: how many of how many, and what it was. */
  onBuild?: (done: number, total: number, what: string) => void;
  /** Quanta of the build in progress. */
  onQuanta?: (done: number, total: number) => void;
}

interface StoryBuild {
  what: string;
  request: Omit<BuildRequest, 'repo'>;
}

/** The builds of the story, in the order CI would have made them: each master push, then the pull request. */
function storyBuilds(story: StoryRepo): StoryBuild[] {
  const pushes = story.master.map((sha, i) => ({
    what: `master ${sha.slice(0, 7)} ${MASTER[i]!.subject}`,
    request: { commit: sha, ref: 'refs/heads/master', event: 'push' as const },
  }));
  const head = story.feature.at(-1)!;
  return [
    ...pushes,
    {
      what: `pull request #${PR_NUMBER} (${FEATURE_BRANCH}) ${head.slice(0, 7)} ${FEATURE.at(-1)!.subject}`,
      request: { commit: head, ref: `refs/pull/${PR_NUMBER}/head`, event: 'pull_request' as const, prNumber: PR_NUMBER, headBranch: FEATURE_BRANCH },
    },
  ];
}

/**
 * The demo `npm start` serves (docs/demo.md): SimCam data, and a pipelines repository with a
 * history (`survey-photometry`, server/demo/story.ts) tracked by Vera and built commit by commit
 * through the CI path a webhook takes (`requestBuild`): every master push, then the feature
 * branch's pull request. Each step is idempotent, so a later start finds everything made and a
 * start stopped half-way goes on where it stopped (interrupted runs are resumed by run recovery).
 */
export async function ensureDemo(vera: Vera, opts: DemoOptions = {}): Promise<'created' | 'present'> {
  const db = vera.database.db;
  const stage = opts.onStage ?? (() => {});
  const actor = await systemActor(db);
  let created = false;
  if (!(await findCollection(db, SIMCAM.raw))) {
    const simcam = { ...DEMO_SIMCAM, nVisits: opts.visits ?? DEMO_SIMCAM.nVisits };
    stage(`generating the SimCam demo data (${simcam.nVisits} visits x 4 detectors of ${simcam.detectorSizePx}x${simcam.detectorSizePx} pixels)`);
    await generateSimCam(db, vera.datastore, simcam, actor);
    created = true;
  }
  const story = await writeStoryRepo(path.join(vera.config.home, 'demo', REPO_NAME));
  const [tracked] = await db.select().from(repos).where(eq(repos.name, REPO_NAME));
  if (!tracked) {
    stage(`tracking the pipelines repository ${REPO_NAME} (${story.master.length} commits on master, a release tag, a pull request)`);
    await addRepo(db, vera.config.home, { url: story.dir, name: REPO_NAME }, actor);
    created = true;
  }
  const repo = await getRepo(db, REPO_NAME);
  const plan = storyBuilds(story);
  for (const [i, b] of plan.entries()) {
    const [made] = await db
      .select({ status: builds.status })
      .from(builds)
      .where(and(eq(builds.repoId, repo.id), eq(builds.commit, b.request.commit), eq(builds.ref, b.request.ref)));
    if (made?.status === 'succeeded') continue;
    if (!made) stage(`CI build ${i + 1}/${plan.length}: ${b.what}`);
    created = true;
    await buildAndWait(vera, { repo: REPO_NAME, ...b.request }, actor, opts.onQuanta);
    opts.onBuild?.(i + 1, plan.length, b.what);
  }
  return created ? 'created' : 'present';
}

/** Requests a build as a webhook would, then waits until its runs ended and it was reported. */
async function buildAndWait(vera: Vera, req: BuildRequest, actor: Actor, onQuanta?: (done: number, total: number) => void): Promise<void> {
  const db = vera.database.db;
  const build = await requestBuild(vera, req, actor);
  let endedSince: number | undefined;
  for (;;) {
    const [row] = await db.select().from(builds).where(eq(builds.id, build.id));
    const names = (await runNamesOfBuilds(db, [build.id])).get(build.id) ?? [];
    const states = await Promise.all(names.map((n) => getRun(db, n)));
    const done = states.reduce((s, r) => s + r.progress.succeeded + r.progress.failed + r.progress.blocked, 0);
    onQuanta?.(done, states.reduce((s, r) => s + r.progress.total, 0));
    if (row!.status === 'succeeded') return;
    if (row!.status === 'failed' || row!.status === 'error') {
      const why = row!.error ?? states.map((s) => s.error).find(Boolean) ?? 'see its runs';
      throw new VeraError('RUN_FAILED', `the demo's CI build of ${req.commit.slice(0, 10)} (${req.ref}) ${row!.status}: ${why}`, { build: build.id });
    }
    // Reporting follows the runs' end (on their measurements' ingestion); a start stopped in
    // between left it undone, and reporting again is harmless (a build is reported once per outcome).
    if (states.length > 0 && states.every((s) => s.status !== 'pending' && s.status !== 'running')) {
      endedSince ??= Date.now();
      if (Date.now() - endedSince > 10_000) await onRunFinished(vera, names[0]!);
    }
    // A run left by a stopped start is resumed by run recovery; one nobody runs would wait forever.
    if (states.some((s) => (s.status === 'pending' || s.status === 'running') && !vera.runs.isActive(s.name))) {
      for (const s of states.filter((x) => x.status === 'pending' && !vera.runs.isActive(x.name))) await vera.runs.start(s.name).catch(() => {});
    }
    await new Promise((r) => setTimeout(r, 200));
  }
}
