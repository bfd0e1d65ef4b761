/**
 * Alert latency of an AP replay on SimCam, as fast as possible: the plan of
 * docs/alert-production.md (one r visit per night, 14 visits; a template from the first 4 by
 * single-frame runs, PSF-matched warps and coadds, then the 10 later visits replayed through the
 * AP pipeline on the executor pool, associated into the APDB and their alerts stored). Prints
 * latency (alert published − scaled shutter close) p50/p95/max per visit against the goal
 * (p95 <= 2 s), the mean time per stage, and as the baseline in the same run the same AP tasks on
 * the same visits called directly in this process (no runs, registry or APDB): what the replay
 * adds is the difference.
 *
 *   VERA_BENCH_AP_VISITS=5 npm run bench -- ap-replay     (replayed visits; default 10)
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { openVera } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { replays, replayVisits } from '../server/db/schema/index.ts';
import { createLogger } from '../server/log.ts';
import { createReplay } from '../server/replay/create.ts';
import { setUpApRepository } from '../test/support/ap-replay.ts';
import { makeActor } from '../test/support/factories.ts';
import { buildTemplates as buildTemplatesDirect, processWithTruth, runAp } from '../test/ap/support.ts';
import { refcatValue } from '../test/drp/support.ts';
import { report, timeMs } from './lib.ts';
import { percentile as linearPercentile } from '../server/util/percentile.ts';

/** Latency percentiles as the replay's metrics, `vera replay status` and `compare` compute them (linear, numpy's default). */
const p = (values: number[], q: number) => linearPercentile(values, q)!;
const N_REPLAYED = Number(process.env.VERA_BENCH_AP_VISITS ?? 10);
const TEMPLATE_VISITS = 4;
const SIMCAM = { bands: ['r' as const], nVisits: TEMPLATE_VISITS + N_REPLAYED };

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-ap-replay-'));
const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent' });
const vera = await openVera(config, createLogger(config));
try {
  const actor = await makeActor(vera.database.db, 'bench-operator', 'operator');
  const { sim, inputs, replayVisits: visits } = await setUpApRepository(vera, actor, SIMCAM, TEMPLATE_VISITS);
  const id = await createReplay(vera.database.db, actor, { instrument: sim.instrument.name, codeRef: 'bench', visits, config: { inputs } }, () => null);
  const { ms: wallMs } = await timeMs(async () => {
    await vera.replays.start(id);
    await vera.replays.wait(id);
  });
  const [r] = await vera.database.db.select().from(replays).where(eq(replays.id, id));
  if (r!.status !== 'succeeded') throw new Error(`replay ${id} ${r!.status}: ${r!.error}`);
  const rows = await vera.database.db.select().from(replayVisits).where(eq(replayVisits.replayId, id));
  const latencies = rows.map((x) => x.latencyMs!).sort((a, b) => a - b);
  const group = `ap replay (SimCam, ${rows.length} visits × ${sim.detectors.length} detectors, as fast as possible, ${config.threads ?? os.availableParallelism()} workers, PGlite, load ${os.loadavg()[0]!.toFixed(1)})`;
  report(group, 'alert latency p50', p(latencies, 50), 'ms');
  report(group, 'alert latency p95', p(latencies, 95), 'ms', 'goal <= 2000 ms');
  report(group, 'alert latency max', latencies[latencies.length - 1]!, 'ms', `${(wallMs / 1000).toFixed(1)} s for the replay`);
  for (const stage of ['processMs', 'associateMs', 'packageMs', 'publishMs'] as const) {
    report(group, `mean ${stage.replace(/Ms$/, '')}`, rows.reduce((s, x) => s + (x.timings[stage] ?? 0), 0) / rows.length, 'ms');
  }
  report(group, 'alerts per visit', rows.reduce((s, x) => s + (x.alerts ?? 0), 0) / rows.length, '');

  // Baseline: the same tasks on the same visits, called directly, one detector after another.
  const refcat = refcatValue(sim);
  const templateFrames = [];
  for (const v of sim.visits.slice(0, TEMPLATE_VISITS)) for (const d of sim.detectors) templateFrames.push(await processWithTruth(sim, v.id, d.id, refcat));
  const coadds = await buildTemplatesDirect(sim, templateFrames, 'r');
  const direct: number[] = [];
  for (const visit of visits) {
    const { ms } = await timeMs(async () => {
      for (const d of sim.detectors) await runAp(sim, await processWithTruth(sim, visit, d.id, refcat), coadds);
    });
    direct.push(ms);
  }
  direct.sort((a, b) => a - b);
  report(group, 'baseline: AP tasks called directly per visit p50', p(direct, 50), 'ms', 'one thread, no runs, registry or APDB');
  report(group, 'baseline: AP tasks called directly per visit p95', p(direct, 95), 'ms');
} finally {
  await vera.close();
  fs.rmSync(home, { recursive: true, force: true });
}
