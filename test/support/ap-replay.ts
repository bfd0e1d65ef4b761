import { defineSimCam, type SimCamOptions } from '../../pipelines/simcam/index.ts';
import type { Vera } from '../../server/app.ts';
import type { Actor } from '../../server/auth/index.ts';
import { buildTemplates } from '../../server/replay/templates.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';

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
