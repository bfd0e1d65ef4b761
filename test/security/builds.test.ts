import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuilds, requestBuild } from '../../server/ci/builds.ts';
import { addRepo, fetchRepo, getRepo } from '../../server/git/repos.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource, PROJECT_ROOT } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * A build's pipeline and task code come from the commit being built and nowhere else: vera.yaml
 * paths that climb out of the repository, symlinks out of it, and task classes that reach past
 * the build's worktree are refused with a clear build error, and nothing outside is read or run.
 */
const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
const probes = globalThis as unknown as Record<string, unknown>;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
// Outside the repository but readable by the server: a pipeline whose task would set the probe.
const outsideDir = path.join(PROJECT_ROOT, '.test-tmp', `sec-builds-outside-${process.pid}`);
const outsidePipeline = path.join(outsideDir, 'evil.yaml');

beforeAll(async () => {
  repo = await makePipelineRepo('sec-builds');
  fs.mkdirSync(outsideDir, { recursive: true });
  fs.writeFileSync(path.join(outsideDir, 'evil.mjs'), `globalThis.veraProbeBuild = true;\nexport const metric = { description: 'x', config: { safeParse: (v) => ({ success: true, data: v }) }, run: () => ({}) };\n`);
  fs.writeFileSync(outsidePipeline, metricPipeline(0).replace('./tasks.ts#offsetMetric', './evil.mjs#metric'));
});
afterAll(() => {
  repo?.remove();
  fs.rmSync(outsideDir, { recursive: true, force: true });
});

const veraYaml = (pipeline: string) => `runs:\n  - name: toy\n    pipeline: ${JSON.stringify(pipeline)}\n    dataset: TestCam/raw\n`;

async function setUp() {
  const op = await makeActor(t.db, 'op', 'operator');
  await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 1, nDetectors: 1 });
  return op;
}

async function buildOf(op: Awaited<ReturnType<typeof setUp>>, sha: string, only?: { pipeline: string; dataset: string }) {
  if (!(await getRepo(t.db, 'sec').catch(() => undefined))) await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'sec' }, op);
  else await fetchRepo(t.db, await getRepo(t.db, 'sec'));
  const e = await requestBuild(v.vera, { repo: 'sec', commit: sha, ref: `refs/heads/b-${sha.slice(0, 8)}`, event: 'push', only }, op).then(
    () => {
      throw new Error('the build was accepted');
    },
    (err) => err as { code: string; message: string },
  );
  const [row] = (await listBuilds(t.db, { repo: 'sec' })).filter((b) => b.build.commit === sha);
  return { e, build: row!.build };
}

describe('CI builds read pipelines and task code only from their worktree', () => {
  it('a vera.yaml pipeline path that climbs out of the repository is a build error', async () => {
    const op = await setUp();
    const worktree = path.join(v.vera.config.home, 'worktrees', 'sec', '0'.repeat(40));
    const climb = path.relative(worktree, outsidePipeline);
    expect(climb.startsWith('..')).toBe(true);
    const sha = await repo.commit({ 'vera.yaml': veraYaml(climb), 'README.md': 'climb\n' }, 'Pipeline outside the repository');
    const { e, build } = await buildOf(op, sha);
    expect(e.code).toBe('CONFIG_INVALID');
    expect(e.message).toContain('runs[0].pipeline');
    expect(e.message).toContain('inside the repository');
    expect(build).toMatchObject({ status: 'error' });
    expect(build.error).toContain('inside the repository');
    expect(probes.veraProbeBuild).toBeUndefined();

    // The same path given to requestBuild directly (the GitHub Action's inputs) is refused too.
    const sha2 = await repo.commit({ 'README.md': 'climb again\n' }, 'Another commit');
    const { e: e2 } = await buildOf(op, sha2, { pipeline: climb, dataset: 'TestCam/raw' });
    expect(e2.code).toBe('PATH_ESCAPE');
    expect(probes.veraProbeBuild).toBeUndefined();
  });

  it('a pipeline file that is a symlink out of the repository is a build error, and is not read', async () => {
    const op = await setUp();
    fs.symlinkSync(outsidePipeline, path.join(repo.dir, 'linked.yaml'));
    const sha = await repo.commit({ 'vera.yaml': veraYaml('linked.yaml'), 'README.md': 'link\n' }, 'Pipeline through a symlink');
    const { e, build } = await buildOf(op, sha);
    expect(e.code).toBe('PATH_ESCAPE');
    expect(e.message).toContain('linked.yaml');
    expect(e.message).toContain('outside the repository');
    expect(build).toMatchObject({ status: 'error' });
    expect(probes.veraProbeBuild).toBeUndefined();
  });

  it("task classes resolve inside the build's worktree only: not into Vera's checkout, not through a symlink", async () => {
    const op = await setUp();
    const worktree = path.join(v.vera.config.home, 'worktrees', 'sec', '0'.repeat(40));
    const intoVera = `./${path.relative(worktree, path.join(PROJECT_ROOT, 'test/fixtures/pipelines/toy-tasks.ts'))}`;
    const sha = await repo.commit(
      { 'vera.yaml': veraYaml('pipeline.yaml'), 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0).replace('./tasks.ts#offsetMetric', `${intoVera}#scale`) },
      'Task class in Vera',
    );
    const { e, build } = await buildOf(op, sha);
    expect(e.code).toBe('PIPELINE_INVALID');
    expect(e.message).toContain("task 'metric'");
    expect(e.message).toContain('outside');
    expect(build).toMatchObject({ status: 'error' });

    fs.symlinkSync(path.join(outsideDir, 'evil.mjs'), path.join(repo.dir, 'evil.mjs'));
    const sha2 = await repo.commit({ 'pipeline.yaml': metricPipeline(0).replace('./tasks.ts#offsetMetric', './evil.mjs#metric') }, 'Task class through a symlink');
    const second = await buildOf(op, sha2);
    expect(second.e.code).toBe('PIPELINE_INVALID');
    expect(second.e.message).toContain('symlink');
    expect(probes.veraProbeBuild).toBeUndefined();
  });
});
