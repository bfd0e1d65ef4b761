import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { addRepo, type Repo } from '../../server/git/repos.ts';
import { measurements } from '../../server/db/schema/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo } from '../support/git-repo.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * The attack: a branch, base or head beginning with `--` reached git as an option
 * (`git rev-list --output=<file>` creates or empties that file), and `repo:` could name any git
 * directory the server can read. Anonymous reads are on, as in a default deployment.
 */
const t = useTestDatabase();
const v = useTestVera(t);
let pipeline: Awaited<ReturnType<typeof makePipelineRepo>>;
let untracked: Awaited<ReturnType<typeof makePipelineRepo>>;
let tracked: Repo;
let victimDir: string;
let shas: string[];
let otherShas: string[];

const DATASET = 'Cam/raw';

beforeAll(async () => {
  pipeline = await makePipelineRepo('git-injection');
  shas = [];
  for (let i = 0; i < 4; i++) shas.push(await pipeline.commit({ 'README.md': `step ${i}\n` }, `step ${i}`));
  await pipeline.git.addTag('v1.0');
  untracked = await makePipelineRepo('git-injection-untracked');
  otherShas = [];
  for (let i = 0; i < 3; i++) otherShas.push(await untracked.commit({ 'README.md': `other ${i}\n` }, `other ${i}`));
  victimDir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-victim-'));
});

// The database is emptied before each test: track the repository and measure again.
beforeEach(async () => {
  const op = await makeActor(t.db, 'op', 'operator');
  tracked = await addRepo(t.db, v.vera.config.home, { url: pipeline.dir, name: 'pipeline', githubFullName: 'astro/pipeline' }, op);
  // As CI records them: the mirror path of the tracked repository, written by the server.
  const rows: (typeof measurements.$inferInsert)[] = shas.map((sha, i) => ({ metricName: 'demo.offset', value: 1 + (i >= 2 ? 5 : 0) + i * 0.01, unit: 'mmag', dataset: DATASET, dataId: {}, repo: tracked.mirrorPath, commit: sha, branch: 'master', countsAs: 'branch' }));
  // Measurements at commits of a repository the server does not track, on another dataset.
  rows.push(...otherShas.map((sha, i) => ({ metricName: 'demo.offset', value: 1 + i, unit: 'mmag', dataset: 'Other/raw', dataId: {}, repo: null, commit: sha, branch: 'master', countsAs: 'branch' })));
  await t.db.insert(measurements).values(rows);
});

afterAll(() => {
  pipeline?.remove();
  untracked?.remove();
  fs.rmSync(victimDir, { recursive: true, force: true });
});

type GqlError = { message: string; extensions: Record<string, unknown> };

/** Runs `query` with `$x` = `--output=<file>` twice: once for a file that does not exist, once for one with content. */
async function attack(query: string, vars: Record<string, unknown> = {}, token?: string): Promise<GqlError[]> {
  const errors: GqlError[] = [];
  const absent = path.join(victimDir, `absent-${Math.random().toString(36).slice(2)}`);
  const present = path.join(victimDir, `present-${Math.random().toString(36).slice(2)}`);
  fs.writeFileSync(present, 'precious\n');
  for (const file of [absent, present]) {
    const res = await v.gql(query, { ...vars, x: `--output=${file}` }, token);
    expect(res.errors, `${query} with --output=${file} must fail`).toBeDefined();
    errors.push(...res.errors!);
  }
  expect(fs.existsSync(absent), `${query} created ${absent}`).toBe(false);
  expect(fs.readFileSync(present, 'utf8'), `${query} touched ${present}`).toBe('precious\n');
  return errors;
}

function expectCode(errors: GqlError[], code: string) {
  for (const e of errors) expect(e.extensions.code, e.message).toBe(code);
}

describe('refs from callers are data, never git options', () => {
  it('series: a branch like --output=<file> is BAD_REF and no file is created or emptied', async () => {
    const errors = await attack(`query($x: String!) { series(metric: "demo.offset", dataset: "${DATASET}", branch: $x) { points { commit } } }`);
    expectCode(errors, 'BAD_REF');
    expect(errors[0]!.message).toContain("'--output=");
    expect(errors[0]!.extensions.value).toMatch(/^--output=/);
    expectCode(await attack(`query($x: String!) { series(metric: "demo.offset", dataset: "${DATASET}", branch: $x, repo: "pipeline") { points { commit } } }`), 'BAD_REF');
  });

  it('changePoints and metricOverview: the same', async () => {
    expectCode(await attack(`query($x: String!) { changePoints(metric: "demo.offset", dataset: "${DATASET}", branch: $x) { commit } }`), 'BAD_REF');
    expectCode(await attack(`query($x: String!) { metricOverview(branch: $x) { metric } }`), 'BAD_REF');
  });

  it('compare: neither head nor base reaches git as an option', async () => {
    for (const repo of [null, 'pipeline']) {
      expectCode(await attack(`query($x: String!, $r: String) { compare: compareRefs(dataset: "${DATASET}", head: $x, base: "master", repo: $r) { rows { metric } } }`, { r: repo }), 'BAD_REF');
      expectCode(await attack(`query($x: String!, $r: String) { compare: compareRefs(dataset: "${DATASET}", head: "master", base: $x, repo: $r) { rows { metric } } }`, { r: repo }), 'BAD_REF');
    }
    // The old way of naming the repository (a server path) is refused before any git runs.
    for (const field of ['head', 'base']) {
      const other = field === 'head' ? 'base' : 'head';
      const errors = await attack(`query($x: String!, $r: String) { compare: compareRefs(dataset: "${DATASET}", ${field}: $x, ${other}: "master", repo: $r) { rows { metric } } }`, { r: tracked.mirrorPath });
      for (const e of errors) expect(['BAD_REF', 'NOT_FOUND']).toContain(e.extensions.code);
    }
  });

  it('releases: the branch is checked', async () => {
    expectCode(await attack(`query($x: String!) { releases(repo: "pipeline", branch: $x) { tag } }`), 'BAD_REF');
    expectCode(await attack(`query($x: String!) { releases(dataset: "${DATASET}", branch: $x) { tag } }`), 'BAD_REF');
  });

  it('scanSeries: the same for developers', async () => {
    const { token } = await v.user('dev', 'developer');
    expectCode(await attack(`mutation($x: String!) { scanSeries(metric: "demo.offset", dataset: "${DATASET}", branch: $x) { id } }`, {}, token), 'BAD_REF');
  });

  it('ordinary refs still work: branch names, tags and SHAs', async () => {
    const res = await v.gql<{ series: { order: string; points: { commit: string }[] }; compare: { head: { commit: string } } }>(
      `query($sha: String!) {
        series(metric: "demo.offset", dataset: "${DATASET}", branch: "master", repo: "pipeline") { order points { commit } }
        compare: compareRefs(dataset: "${DATASET}", head: $sha, base: "v1.0") { head { commit } }
      }`,
      { sha: shas[3] },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.series.order).toBe('git');
    expect(res.data!.series.points.map((p) => p.commit)).toEqual(shas);
    expect(res.data!.compare.head.commit).toBe(shas[3]);
  });
});

describe('repo: names a tracked repository, never a server path', () => {
  const notTracked = (e: GqlError | undefined) => {
    expect(e?.extensions.code, e?.message).toBe('NOT_FOUND');
    expect(e!.message).toMatch(/not tracked/);
  };

  it('series, compare, releases and scanSeries refuse /etc and an untracked git repository', async () => {
    const { token } = await v.user('dev2', 'developer');
    for (const repo of ['/etc', untracked.dir, tracked.mirrorPath, '../pipeline']) {
      notTracked((await v.gql(`query($r: String) { series(metric: "demo.offset", dataset: "Other/raw", branch: "master", repo: $r) { points { commit } } }`, { r: repo })).errors?.[0]);
      notTracked((await v.gql(`query($r: String) { compare: compareRefs(dataset: "Other/raw", head: "master", base: "master", repo: $r) { rows { metric } } }`, { r: repo })).errors?.[0]);
      notTracked((await v.gql(`query($r: String) { releases(repo: $r) { tag } }`, { r: repo })).errors?.[0]);
      notTracked((await v.gql(`mutation($r: String) { scanSeries(metric: "demo.offset", dataset: "Other/raw", branch: "master", repo: $r) { id } }`, { r: repo }, token)).errors?.[0]);
    }
  });

  it('postJob records the mirror of a tracked repository and refuses anything else', async () => {
    const { token } = await v.user('dev3', 'developer');
    const job = (value: number) =>
      JSON.stringify({
        measurements: [{ metric: 'demo.posted', identifier: `m${value}`, value, unit: 'mmag', blob_refs: [] }],
        blobs: [],
        metrics: [{ name: 'demo.posted', description: 'x', unit: 'mmag', tags: [], reference: {} }],
        specs: [],
      });
    const post = (repo: string, value: number) =>
      v.gql(`mutation($j: String!, $r: String) { postJob(job: $j, dataset: "Posted/raw", repo: $r, commit: "${shas[1]}", branch: "master", importDefinitions: true) { ingested } }`, { j: job(value), r: repo }, token);
    for (const [i, repo] of ['/etc', untracked.dir, tracked.mirrorPath].entries()) notTracked((await post(repo, i)).errors?.[0]);
    expect((await post('astro/pipeline', 10)).errors).toBeUndefined();
    const res = await v.gql<{ measuredSeries: { repo: string }[] }>(`{ measuredSeries(metric: "demo.posted") { repo } }`);
    expect(res.data!.measuredSeries.map((s) => s.repo)).toEqual([tracked.mirrorPath]);
  });

  it('a tracked repository is found by name or GitHub name', async () => {
    for (const repo of ['pipeline', 'astro/pipeline']) {
      const res = await v.gql<{ series: { order: string; points: unknown[] } }>(`query($r: String) { series(metric: "demo.offset", dataset: "${DATASET}", branch: "master", repo: $r) { order points { commit } } }`, { r: repo });
      expect(res.errors).toBeUndefined();
      expect(res.data!.series).toMatchObject({ order: 'git' });
      expect(res.data!.series.points).toHaveLength(shas.length);
    }
  });
});
