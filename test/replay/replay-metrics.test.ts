import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVera, type Vera } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { measurements, replays } from '../../server/db/schema/index.ts';
import { createLogger } from '../../server/log.ts';
import { getRegression, scanSeries } from '../../server/metrics/regressions.ts';
import { markRunAsBranchHistory } from '../../server/metrics/standing.ts';
import { getCollection } from '../../server/repo/index.ts';
import { createReplay } from '../../server/replay/create.ts';
import { replayMetricsRunName } from '../../server/replay/metrics.ts';
import { percentile } from '../../server/util/percentile.ts';
import { seedSimCamVisits, truthProcessor, truthSim } from '../support/ap-truth.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, PROJECT_ROOT } from '../support/git-repo.ts';

/**
 * Replay metrics as measurements (issue "AP live-like replay"): a replay writes its metrics as
 * Measurement datasets of a run, ingested like any run's, so a branch's replay that associates
 * worse than master's is a regression whose explanation names the config change. Cheap: the
 * per-visit step is SimCam's truth (no image processing), and two visits show the effect (the
 * second visit's DiaSources either join the first's DiaObjects or start new ones).
 */

const t = useTestDatabase();
const sim = truthSim(2);
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
let vera: Vera;
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-replay-metrics-'));

/** The AP pipeline and its shipped metric definitions, as a pipeline repository has them. */
function pipelineFiles(): Record<string, string> {
  const files: Record<string, string> = { 'ap.yaml': fs.readFileSync(path.join(PROJECT_ROOT, 'pipelines/ap.yaml'), 'utf8') };
  const root = path.join(PROJECT_ROOT, 'pipelines/metrics');
  for (const rel of fs.readdirSync(root, { recursive: true, encoding: 'utf8' })) {
    if (fs.statSync(path.join(root, rel)).isFile()) files[path.join('metrics', rel)] = fs.readFileSync(path.join(root, rel), 'utf8');
  }
  return files;
}

beforeAll(async () => {
  repo = await makePipelineRepo('replay-metrics');
  const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', VERA_PIPELINE_ROOTS: repo.dir });
  vera = await openVera(config, createLogger(config), { database: t.database, replayProcessor: truthProcessor(sim) });
});

afterAll(async () => {
  await vera?.close();
  repo?.remove();
  fs.rmSync(home, { recursive: true, force: true });
});

async function replayAt(radiusArcsec: number): Promise<number> {
  const op = await makeActor(t.db, `op${Math.random().toString(36).slice(2, 8)}`, 'operator');
  const id = await createReplay(
    t.db,
    op,
    { instrument: sim.instrument.name, codeRef: 'HEAD', config: { associationRadiusArcsec: radiusArcsec, pipeline: path.join(repo.dir, 'ap.yaml') } },
    () => null,
  );
  await vera.replays.start(id);
  await vera.replays.wait(id);
  const [r] = await t.db.select({ status: replays.status, error: replays.error }).from(replays).where(eq(replays.id, id));
  expect(r, r?.error ?? '').toMatchObject({ status: 'succeeded' });
  // Replays are not CI builds: someone marks them as their branch's history (here, their owner).
  await markRunAsBranchHistory(t.db, replayMetricsRunName(id), true, op);
  return id;
}

/** The measurements of one metric by a replay's metrics run. */
async function measured(id: number, metric: string) {
  const run = await getCollection(t.db, replayMetricsRunName(id));
  return t.db
    .select({ value: measurements.value, dataId: measurements.dataId, branch: measurements.branch, countsAs: measurements.countsAs })
    .from(measurements)
    .where(and(eq(measurements.metricName, `simcam_ap.${metric}`), eq(measurements.runId, run.id), eq(measurements.dataset, sim.instrument.name)));
}

describe('replay metrics', () => {
  it('percentiles interpolate linearly between order statistics (numpy.percentile), one definition for metrics, status and compare', () => {
    // Worked by hand: sorted s, rank h = (n - 1) p / 100, s[floor h] + frac(h) (s[floor h + 1] - s[floor h]).
    expect(percentile([1, 2, 3, 4], 50)).toBe(2.5); // h = 1.5
    expect(percentile([10, 0, 5], 95)).toBeCloseTo(9.5, 12); // [0, 5, 10], h = 1.9: 5 + 0.9 * 5
    expect(percentile([100, 250, 400], 95)).toBeCloseTo(385, 12); // nearest rank would say 400
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([], 50)).toBeNull();
  });

  it('a replay writes its metrics as measurements; a worse association radius on a branch is a regression naming the config change', async () => {
    await seedSimCamVisits(t.db, sim);
    await repo.commit(pipelineFiles(), 'AP pipeline with its metrics');
    const master = await replayAt(1);

    // Per visit and per replay, tied to the code replayed.
    const latency = await measured(master, 'AlertLatency');
    expect(latency.map((m) => m.dataId.visit).sort()).toEqual(sim.visits.map((v) => v.id).sort());
    expect(latency.every((m) => m.value !== null && m.value >= 0 && m.branch === 'master' && m.countsAs === 'branch')).toBe(true);
    const perVisit = await measured(master, 'DiaSourcesPerVisit');
    expect(perVisit.reduce((n, m) => n + m.value!, 0)).toBeGreaterThan(0);
    const p95 = await measured(master, 'AlertLatencyP95');
    expect(p95).toHaveLength(1);
    expect(p95[0]!.value).toBeLessThanOrEqual(Math.max(...latency.map((m) => m.value!)) + 1e-9);
    const good = (await measured(master, 'DiaSourcesPerDiaObject'))[0]!.value!;
    // Each transient seen in both visits is one DiaObject: more than one DiaSource per DiaObject.
    expect(good).toBeGreaterThan(1.2);

    await repo.git.checkout(['-b', 'feature']);
    const branchSha = await repo.commit({ 'NOTES.md': 'tighter association\n' }, 'Try a tighter association radius');
    const branch = await replayAt(0.02);
    const bad = (await measured(branch, 'DiaSourcesPerDiaObject'))[0]!.value!;
    // 0.02″ is far below the DiaSources' 0.1″ position noise: the second visit starts new DiaObjects.
    expect(bad).toBeLessThan(good);

    const { regressions } = await scanSeries(t.db, { metric: 'simcam_ap.DiaSourcesPerDiaObject', dataset: sim.instrument.name, branch: 'feature' });
    expect(regressions).toHaveLength(1);
    expect(regressions[0]!.firstBadCommit).toBe(branchSha);
    const r = await getRegression(t.db, regressions[0]!.id);
    expect(r.explanation!.goodRun).toBe(replayMetricsRunName(master));
    expect(r.explanation!.badRun).toBe(replayMetricsRunName(branch));
    expect(r.explanation!.configChanges).toEqual([{ task: 'associate', field: 'associationRadiusArcsec', before: 1, after: 0.02 }]);
    expect(r.explanation!.commits.map((c) => c.subject)).toEqual(['Try a tighter association radius']);
    // More new DiaObjects per visit too; master's own history has no regression.
    const more = await scanSeries(t.db, { metric: 'simcam_ap.numNewDiaObjects', dataset: sim.instrument.name, branch: 'feature' });
    expect(more.regressions.map((x) => x.firstBadCommit)).toEqual([branchSha]);
    expect((await scanSeries(t.db, { metric: 'simcam_ap.DiaSourcesPerDiaObject', dataset: sim.instrument.name, branch: 'master' })).regressions).toEqual([]);
  });
});
