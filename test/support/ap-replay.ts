import { and, eq } from 'drizzle-orm';
import { diaSourcesFromCatalog } from '../../pipelines/ap/diaSourceCatalog.ts';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { CatalogValue, ExposureValue } from '../../pipelines/framework/values.ts';
import { defineSimCam, type SimCam, type SimCamOptions } from '../../pipelines/simcam/index.ts';
import type { Vera } from '../../server/app.ts';
import type { Actor } from '../../server/auth/index.ts';
import { replayVisits } from '../../server/db/schema/index.ts';
import { findDatasets } from '../../server/repo/index.ts';
import { visitRunName } from '../../server/replay/ap-processor.ts';
import { buildTemplates } from '../../server/replay/templates.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { candidates, type ApFrame, type Candidate } from '../ap/support.ts';

/**
 * A SimCam repository ready for AP replays: SimCam generated with `options`, templates built from
 * the first `templateVisits` visits (single-frame runs, PSF-matched warps, coadds); the later
 * visits are the ones to replay. `inputs` are what a replay's per-visit runs read.
 */
export async function setUpApRepository(vera: Vera, actor: Actor, options: SimCamOptions, templateVisits: number) {
  const sim = defineSimCam(options);
  await generateSimCam(vera.database.db, vera.datastore, options, actor);
  const template = sim.visits.slice(0, templateVisits);
  const { collection } = await buildTemplates(vera, actor, { inputs: [SIMCAM.defaults], instrument: sim.instrument.name, visits: template.map((v) => v.id), output: 'templates/simcam', makeWarpConfig: { skymap: sim.skymap.definition } });
  return { sim, inputs: [SIMCAM.defaults, collection], templateMjds: template.map((v) => v.extra.midMjd), replayVisits: sim.visits.slice(templateVisits).map((v) => v.id) };
}

async function readValue<T>(vera: Vera, datasetType: string, run: string, storageClass: string): Promise<{ dataId: Record<string, unknown>; value: T }[]> {
  const out = [];
  for (const ref of await findDatasets(vera.database.db, { datasetType, collections: [run] })) {
    out.push({ dataId: ref.dataId as Record<string, unknown>, value: (await codecFor(storageClass).decode(await vera.datastore.read(ref.path, ref.checksum))) as T });
  }
  return out;
}

export interface ScoredReplay {
  /** Injected sources with expected difference S/N ≥ minSnr, and whether a DiaSource of the replay lies within matchPx. */
  expected: { visit: number; detector: number; c: Candidate; found: DiaSource | undefined }[];
  /** The replay's DiaSources with snr ≥ minSnr, and the injected source each lies on (undefined: bogus). */
  detected: { s: DiaSource; truth: Candidate | undefined }[];
}

/**
 * Scores a replay's DiaSources against SimCam's injected transients and variables, as
 * test/ap/truth.test.ts scores the tasks: the expected S/N of each injected source's flux change
 * against the template is measured on the visit run's own difference image.
 */
export async function scoreReplay(vera: Vera, sim: SimCam, replayId: number, templateMjds: readonly number[], opts: { minSnr: number; matchPx: number }): Promise<ScoredReplay> {
  const visits = await vera.database.db.select().from(replayVisits).where(and(eq(replayVisits.replayId, replayId)));
  const scored: ScoredReplay = { expected: [], detected: [] };
  for (const v of visits) {
    const run = visitRunName(replayId, v.visit);
    const diffs = await readValue<ExposureValue>(vera, 'goodSeeingDiff_differenceExp', run, 'Exposure');
    const calexps = await readValue<ExposureValue>(vera, 'calexp', run, 'Exposure');
    const cats = await readValue<CatalogValue>(vera, 'goodSeeingDiff_diaSrc', run, 'Catalog');
    for (const d of diffs) {
      const detector = Number(d.dataId.detector);
      const calexp = calexps.find((c) => Number(c.dataId.detector) === detector)!.value;
      const cat = cats.find((c) => Number(c.dataId.detector) === detector)!.value;
      const diaSources = diaSourcesFromCatalog(cat);
      const info = sim.visits.find((x) => x.id === v.visit)!.extra;
      const ap = { visit: v.visit, detector, band: info.band, mjd: info.midMjd, calexp, difference: d.value, diaSources, noiseScale: Number(cat.metadata.noiseScale) } as unknown as ApFrame;
      const cands = candidates(sim, ap, templateMjds);
      for (const c of cands.filter((x) => x.expectedSnr >= opts.minSnr)) {
        scored.expected.push({ visit: v.visit, detector, c, found: diaSources.find((s) => Math.hypot(s.x - c.x, s.y - c.y) <= opts.matchPx) });
      }
      for (const s of diaSources.filter((x) => x.snr >= opts.minSnr)) {
        scored.detected.push({ s, truth: cands.find((c) => Math.hypot(s.x - c.x, s.y - c.y) <= opts.matchPx) });
      }
    }
  }
  return scored;
}
