import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { GitHistoryCache, gitSpawns, REF_TTL_MS } from '../../server/git/git.ts';
import { addRepo, fetchRepo, getRepo } from '../../server/git/repos.ts';
import { measurements } from '../../server/db/schema/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo } from '../support/git-repo.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * `series` asks git for a branch's history on every request. Where a ref points is cached for a
 * few seconds and shared by concurrent requests; what follows from a SHA (history, merge base) is
 * cached until evicted. Counted by git spawns, not by time.
 */
const t = useTestDatabase();
const v = useTestVera(t);
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;

beforeAll(async () => {
  repo = await makePipelineRepo('git-history');
  for (let i = 0; i < 3; i++) await repo.commit({ 'README.md': `step ${i}\n` }, `step ${i}`);
});
afterAll(() => repo?.remove());

/** Spawns of each git command while `f` runs. */
async function counting<T>(f: () => Promise<T>): Promise<{ value: T; spawned: Record<string, number> }> {
  const commands = ['rev-parse', 'rev-list', 'merge-base', 'for-each-ref'];
  const before = commands.map((c) => gitSpawns(c));
  const value = await f();
  return { value, spawned: Object.fromEntries(commands.map((c, i) => [c, gitSpawns(c) - before[i]!])) };
}

describe('the git history cache', () => {
  it('concurrent and repeated questions about a branch run git once', async () => {
    const cache = new GitHistoryCache({ now: () => 1_000 });
    const { value, spawned } = await counting(() => Promise.all(Array.from({ length: 20 }, () => cache.firstParentHistory(repo.dir, 'master'))));
    expect(new Set(value).size).toBe(1); // one shared answer
    expect(value[0]).toHaveLength(3);
    expect(spawned).toMatchObject({ 'rev-parse': 1, 'rev-list': 1 });
    const again = await counting(async () => {
      for (let i = 0; i < 20; i++) await cache.firstParentHistory(repo.dir, 'master');
      return cache.mergeBase(repo.dir, 'master', 'master~1');
    });
    expect(again.spawned).toMatchObject({ 'rev-parse': 1, 'rev-list': 0, 'merge-base': 1 }); // master~1 was new
    expect((await counting(() => cache.mergeBase(repo.dir, 'master~1', 'master'))).spawned['merge-base']).toBe(0);
  });

  it('sees a moved branch once the ref time-to-live has passed, or at once after forgetRefs', async () => {
    let now = 1_000_000;
    const cache = new GitHistoryCache({ refTtlMs: 1000, now: () => now });
    const before = await cache.firstParentHistory(repo.dir, 'master');
    const sha = await repo.commit({ 'README.md': 'moved\n' }, 'move master');
    now += 999;
    expect(await cache.firstParentHistory(repo.dir, 'master')).toEqual(before);
    now += 2;
    const { value: after, spawned } = await counting(() => cache.firstParentHistory(repo.dir, 'master'));
    expect(after).toEqual([...before, sha]);
    expect(spawned).toMatchObject({ 'rev-parse': 1, 'rev-list': 1 });
    // The old history is still cached under its own SHA.
    expect((await counting(() => cache.firstParentHistory(repo.dir, before.at(-1)!))).spawned['rev-list']).toBe(0);

    const next = await repo.commit({ 'README.md': 'moved again\n' }, 'move master again');
    cache.forgetRefs(repo.dir);
    expect((await cache.firstParentHistory(repo.dir, 'master')).at(-1)).toBe(next);
  });

  it('a ref that names nothing, or a missing directory, is NOT_FOUND; an option is BAD_REF', async () => {
    const cache = new GitHistoryCache();
    await expect(cache.firstParentHistory(repo.dir, 'no-such-branch')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cache.firstParentHistory(`${repo.dir}/missing`, 'master')).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(cache.firstParentHistory(repo.dir, '--all')).rejects.toMatchObject({ code: 'BAD_REF' });
  });
});

describe('series over GraphQL', () => {
  let shas: string[];
  beforeEach(async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    const tracked = await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'history' }, op);
    shas = [...(await new GitHistoryCache().firstParentHistory(tracked.mirrorPath, 'master'))];
    await t.db
      .insert(measurements)
      .values(shas.map((commit, i) => ({ metricName: 'demo.m', value: i, unit: 'mmag', dataset: 'Tracked/raw', dataId: {}, repo: tracked.mirrorPath, commit, branch: 'master', countsAs: 'branch' as const })));
  });

  const series = (dataset: string) =>
    v.gql<{ series: { points: { commit: string }[] } }>(`query($d: String!) { series(metric: "demo.m", dataset: $d, branch: "master") { points { commit } } }`, { d: dataset });

  it('repeated and concurrent requests list the history once', async () => {
    const { value, spawned } = await counting(async () => {
      const burst = await Promise.all(Array.from({ length: 30 }, () => series('Tracked/raw')));
      for (let i = 0; i < 30; i++) burst.push(await series('Tracked/raw'));
      return burst;
    });
    for (const res of value) expect(res.data!.series.points.map((p) => p.commit)).toEqual(shas);
    // Where master points may be asked again when the time-to-live passes on a slow machine; its history is not.
    expect(spawned['rev-list']).toBe(1);
    expect(spawned['rev-parse']).toBeLessThan(30);
  });

  it('a commit fetched into the mirror is in the next series; one in a recorded checkout, within the time-to-live', async () => {
    const sha = await repo.commit({ 'README.md': `fetched ${Date.now()}\n` }, 'fetched commit');
    expect((await series('Tracked/raw')).data!.series.points).toHaveLength(shas.length);
    const tracked = await getRepo(t.db, 'history');
    await fetchRepo(t.db, tracked);
    await t.db.insert(measurements).values({ metricName: 'demo.m', value: 9, unit: 'mmag', dataset: 'Tracked/raw', dataId: {}, repo: tracked.mirrorPath, commit: sha, branch: 'master', countsAs: 'branch' });
    expect((await series('Tracked/raw')).data!.series.points.at(-1)!.commit).toBe(sha);

    // A run's own checkout (the path the server recorded from its software version) is not
    // fetched: a new commit there shows once where master points is asked again.
    await t.db.insert(measurements).values({ metricName: 'demo.m', value: 1, unit: 'mmag', dataset: 'Local/raw', dataId: {}, repo: repo.dir, commit: sha, branch: 'master', countsAs: 'branch' });
    expect((await series('Local/raw')).data!.series.points.map((p) => p.commit)).toEqual([sha]);
    const later = await repo.commit({ 'README.md': `later ${Date.now()}\n` }, 'later commit');
    await t.db.insert(measurements).values({ metricName: 'demo.m', value: 2, unit: 'mmag', dataset: 'Local/raw', dataId: {}, repo: repo.dir, commit: later, branch: 'master', countsAs: 'branch' });
    await expect
      .poll(async () => (await series('Local/raw')).data!.series.points.map((p) => p.commit), { timeout: 120_000, interval: REF_TTL_MS / 4 })
      .toEqual([sha, later]);
  });
});
