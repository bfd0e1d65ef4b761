import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/auth/index.ts';
import { addRepo, getRepo } from '../../server/git/repos.ts';
import { buildRuns, builds, runs } from '../../server/db/schema/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createRun } from '../../server/runs/create.ts';
import { orphanedRunError } from '../../contracts/orphan-reason.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';
import { runActionBundle } from '../support/action.ts';

/**
 * The GitHub Action following a build one of whose runs Vera failed because the server executing
 * it stopped: it stops at once with that reason, instead of waiting for the rest of the build
 * until its timeout.
 */

const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let server: VeraHttpServer;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-action-orphan-'));

beforeAll(async () => {
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  repo = await makePipelineRepo('action-orphan');
});
afterAll(async () => {
  await server?.close();
  repo?.remove();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('the verify action', () => {
  it('stops with a clear error when a run of the build was failed because its server stopped', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 2, nDetectors: 1 });
    const { token } = await v.user('ci-bot', 'developer');
    const sha = await repo.commit({ 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0) }, 'Toy metric pipeline');
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'orphan-pipelines', githubFullName: 'vera-test/orphan-pipelines' }, op);

    // The build as recovery leaves it: one run failed for that reason, the other still running
    // on a live server (its heartbeat fresh), so the build itself is not finished.
    const lastBeat = new Date(Date.now() - 120_000);
    const make = async (name: string) => (await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: `ci/orphan-pipelines/master/${sha.slice(0, 10)}/${name}`, executor: 'local' }, await systemActor(t.db))).run;
    const dead = await make('dead');
    const alive = await make('alive');
    await t.db.update(runs).set({ status: 'failed', error: orphanedRunError(lastBeat), heartbeatAt: lastBeat }).where(eq(runs.id, dead.id));
    await t.db.update(runs).set({ status: 'running', heartbeatAt: new Date() }).where(eq(runs.id, alive.id));
    const [build] = await t.db.insert(builds).values({ repoId: (await getRepo(t.db, 'orphan-pipelines')).id, commit: sha, ref: 'refs/heads/master', event: 'push', status: 'running' }).returning();
    await t.db.insert(buildRuns).values([
      { buildId: build!.id, runId: dead.id, pipeline: 'pipeline.yaml', dataset: 'TestCam/raw' },
      { buildId: build!.id, runId: alive.id, pipeline: 'pipeline.yaml', dataset: 'TestCam/raw' },
    ]);

    const result = await runActionBundle(tmp, {
      'INPUT_VERA-URL': server.url,
      INPUT_TOKEN: token,
      INPUT_REPO: 'vera-test/orphan-pipelines',
      'INPUT_TIMEOUT-MINUTES': '30',
      'INPUT_POLL-SECONDS': '0.2',
      GITHUB_REPOSITORY: 'vera-test/orphan-pipelines',
      GITHUB_EVENT_NAME: 'push',
      GITHUB_SHA: sha,
      GITHUB_REF: 'refs/heads/master',
    });
    expect(result.code).toBe(1);
    const errors = (result.stdout + result.stderr).split('\n').filter((l) => l.startsWith('::error'));
    expect(errors).toEqual([
      `::error title=Vera::Vera build ${build!.id} failed: run ${dead.name} stopped: the server executing it stopped (last heartbeat ${lastBeat.toISOString()}); its finished quanta are kept: resume it (vera run --resume ${dead.name}), then re-run this job`,
    ]);
    expect(result.outputs.status).toBe('failed');
    expect(result.summary).toContain('the server executing it stopped');
  });
});
