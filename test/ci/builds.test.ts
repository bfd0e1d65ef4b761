import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuilds, requestBuild } from '../../server/ci/builds.ts';
import { addRepo } from '../../server/git/repos.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { buildFinished, seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
beforeAll(async () => {
  repo = await makePipelineRepo('ci-builds');
});
afterAll(() => repo?.remove());

const finished = async (id: number) => (await buildFinished(t.db, id)).build;

const VERA_YAML = `runs:
  - name: toy
    pipeline: pipeline.yaml
    dataset: TestCam/raw
`;

describe('builds run the code of the commit they build', () => {
  it('a branch whose commit changes task code runs that code, and its comparison with master shows the change', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 2, nDetectors: 1 });
    const files = { 'vera.yaml': VERA_YAML, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0) };
    const master: string[] = [];
    for (let i = 0; i < 5; i++) master.push(await repo.commit({ ...files, 'README.md': `master ${i}\n` }, `master ${i}`));
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'pipelines' }, op);
    for (const sha of master) await finished((await requestBuild(v.vera, { repo: 'pipelines', commit: sha, ref: 'refs/heads/master', event: 'push' }, op)).id);

    // The branch's task adds 2 to the metric and says so in its notes: only its own code can.
    await repo.git.checkout(['-b', 'feature']);
    const changed = metricTaskSource().replace(
      "return { measurement: { metric: 'toy.offset', value: mean * config.scale + config.offset + config.noise * g, unit: 'mmag' } };",
      "return { measurement: { metric: 'toy.offset', value: mean * config.scale + config.offset + config.noise * g + 2, unit: 'mmag', notes: { code: 'feature' } } };",
    );
    expect(changed).not.toBe(metricTaskSource());
    const head = await repo.commit({ ...files, 'tasks.ts': changed }, 'Add two to the metric');
    const { fetchRepo, getRepo } = await import('../../server/git/repos.ts');
    await fetchRepo(t.db, await getRepo(t.db, 'pipelines'));
    const build = await finished((await requestBuild(v.vera, { repo: 'pipelines', commit: head, ref: 'refs/pull/3/head', event: 'pull_request', prNumber: 3, headBranch: 'feature' }, op)).id);
    expect(build.status).toBe('succeeded');

    const [m] = await queryRows<{ value: number; commit: string; branch: string; extras: { notes?: { code: string } } }>(
      t.db,
      sql`SELECT value, commit, branch, extras FROM measurements WHERE commit = ${head}`,
    );
    expect(m).toMatchObject({ commit: head, branch: 'feature', extras: { notes: { code: 'feature' } } });
    const summary = build.summary as { regressions: number; markdown: string };
    expect(summary.regressions).toBe(1);
    expect(summary.markdown).toContain('**1 metric regressed**: `toy.offset`');
    expect(summary.markdown).toMatch(/\| toy\.offset \| all \| [\d.]+ \| [\d.]+ \| 2(\.\d+)? \|/);

    // The same build asked for again is the same build.
    const again = await requestBuild(v.vera, { repo: 'pipelines', commit: head, ref: 'refs/pull/3/head', event: 'pull_request', prNumber: 3 }, op);
    expect(again.id).toBe(build.id);
    expect((await listBuilds(t.db, {})).length).toBe(6);
  });
});
