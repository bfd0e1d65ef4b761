import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { requestBuild } from '../../server/ci/builds.ts';
import { addRepo } from '../../server/git/repos.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { buildFinished, seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
beforeAll(async () => {
  repo = await makePipelineRepo('ci-tag-builds');
});
afterAll(() => repo?.remove());

const finished = async (id: number) => (await buildFinished(t.db, id)).build;

describe('tag builds', () => {
  it('a tag is built as a tag: with --ref refs/tags/v1.0, and from the bare name v1.0 (the server finds the tag); a bare branch name is a branch', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 1, nDetectors: 1 });
    const sha = await repo.commit({ 'vera.yaml': 'runs:\n  - name: toy\n    pipeline: pipeline.yaml\n    dataset: TestCam/raw\n', 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0) }, 'release');
    // Tagged after Vera mirrored the repository: the build must fetch the tag.
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'pipelines' }, op);
    await repo.git.addTag('v1.0');
    const build = await finished((await requestBuild(v.vera, { repo: 'pipelines', commit: 'v1.0', ref: 'refs/tags/v1.0', event: 'api' }, op)).id);
    expect(build.commit).toBe(sha);
    expect(build.status).toBe('succeeded');

    const { token } = await v.user('dev', 'developer');
    const res = await v.gql<{ requestBuild: { id: number; ref: string } }>(
      'mutation($c: String!, $r: String!) { requestBuild(repo: "pipelines", commit: $c, ref: $r) { id ref runs { name status software { branch tag } } } }',
      { c: 'v1.0', r: 'refs/tags/v1.0' },
      token,
    );
    expect(res.errors).toBeUndefined();

    // `vera build pipelines v1.0` sends no ref: the server finds that v1.0 is a tag.
    const bare = await v.gql<{ requestBuild: { id: number; ref: string } }>('mutation { requestBuild(repo: "pipelines", commit: "v1.0") { id ref } }', {}, token);
    expect(bare.errors).toBeUndefined();
    expect(bare.data!.requestBuild.ref).toBe('refs/tags/v1.0');
    const tagged = await finished(bare.data!.requestBuild.id);
    const [{ software }] = (await v.gql<{ build: { runs: { software: { branch: string | null; tag: string | null } }[] } }>(
      'query($id: Int!) { build(id: $id) { runs { software { branch tag } } } }',
      { id: tagged.id },
      token,
    )).data!.build.runs as [{ software: { branch: string | null; tag: string | null } }];
    expect(software).toEqual({ branch: null, tag: 'v1.0' });
    const branch = await v.gql<{ requestBuild: { ref: string } }>('mutation { requestBuild(repo: "pipelines", commit: "master") { ref } }', {}, token);
    expect(branch.data?.requestBuild.ref).toBe('refs/heads/master');
  });
});
