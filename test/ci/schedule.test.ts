import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBuild, listBuilds } from '../../server/ci/builds.ts';
import { cronMatches, parseCron } from '../../server/ci/cron.ts';
import { parsePolicy } from '../../server/ci/policy.ts';
import { addRepo } from '../../server/git/repos.ts';
import { runSchedules } from '../../server/ci/schedule.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const at = (iso: string) => new Date(iso);

describe('cron', () => {
  it('matches minutes, hours, steps, ranges and lists in UTC', () => {
    const nightly = parseCron('0 3 * * *');
    expect(cronMatches(nightly, at('2026-11-25T03:00:00Z'))).toBe(true);
    expect(cronMatches(nightly, at('2026-11-25T03:01:00Z'))).toBe(false);
    expect(cronMatches(nightly, at('2026-11-25T04:00:00Z'))).toBe(false);
    const quarter = parseCron('*/15 8-17 * * 1-5');
    expect(cronMatches(quarter, at('2026-11-25T08:45:00Z'))).toBe(true); // a Wednesday
    expect(cronMatches(quarter, at('2026-11-29T08:45:00Z'))).toBe(false); // a Sunday
    expect(cronMatches(quarter, at('2026-11-25T18:00:00Z'))).toBe(false);
    expect(cronMatches(parseCron('30 2 1,15 * *'), at('2026-11-15T02:30:00Z'))).toBe(true);
  });

  it('with both day fields restricted, either one matching is enough (Vixie cron); 7 is Sunday', () => {
    const c = parseCron('0 0 1 * 0');
    expect(cronMatches(c, at('2026-11-01T00:00:00Z'))).toBe(true); // the 1st (a Sunday too)
    expect(cronMatches(c, at('2026-12-01T00:00:00Z'))).toBe(true); // the 1st, a Tuesday
    expect(cronMatches(c, at('2026-11-08T00:00:00Z'))).toBe(true); // a Sunday
    expect(cronMatches(c, at('2026-11-09T00:00:00Z'))).toBe(false);
    expect(cronMatches(parseCron('0 0 * * 7'), at('2026-11-08T00:00:00Z'))).toBe(true);
  });

  it('refuses malformed expressions, naming the field', () => {
    expect(() => parseCron('0 3 * *')).toThrowError(/expected 5 fields/);
    expect(() => parseCron('61 3 * * *')).toThrowError(/minute '61' is outside 0-59/);
    expect(() => parseCron('0 x * * *')).toThrowError(/bad hour 'x'/);
    expect(() => parsePolicy('runs: [{name: a, pipeline: p.yaml, dataset: d}]\nschedule: {cron: "0 25 * * *"}\n', 'vera.yaml')).toThrowError(/schedule.cron/);
  });
});

const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
beforeAll(async () => {
  repo = await makePipelineRepo('ci-schedule');
});
afterAll(() => repo?.remove());

describe('scheduled builds', () => {
  it('build the default branch head when vera.yaml’s cron matches, once per minute', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 1, nDetectors: 1 });
    const yaml = 'runs:\n  - name: nightly\n    pipeline: pipeline.yaml\n    dataset: TestCam/raw\n    on: [schedule]\nschedule:\n  cron: "0 3 * * *"\n';
    const sha = await repo.commit({ 'vera.yaml': yaml, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0) }, 'Nightly');
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'nightly' }, op);
    expect(await runSchedules(v.vera, at('2026-11-25T02:59:00Z'))).toBe(0);
    expect(await runSchedules(v.vera, at('2026-11-25T03:00:10Z'))).toBe(1);
    expect(await runSchedules(v.vera, at('2026-11-25T03:00:40Z'))).toBe(1); // same minute: the same build
    const builds = await listBuilds(t.db, {});
    expect(builds).toHaveLength(1);
    expect(builds[0]!.build).toMatchObject({ commit: sha, event: 'schedule', ref: 'refs/schedule/202611250300' });
    expect(await runSchedules(v.vera, at('2026-11-26T03:00:00Z'))).toBe(1);
    expect(await listBuilds(t.db, {})).toHaveLength(2);
    // Let the builds' runs finish before the database goes away.
    for (const b of await listBuilds(t.db, {})) await v.vera.runs.wait((await getBuild(t.db, b.build.id)).runs[0]!.name);
  });
});
