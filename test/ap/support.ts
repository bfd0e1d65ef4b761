import type { CatalogValue, ExposureValue } from '../../pipelines/framework/values.ts';
import { detectDiaSources } from '../../pipelines/ap/detectDiaSources.ts';
import { diaSourcesFromCatalog } from '../../pipelines/ap/diaSourceCatalog.ts';
import { getTemplate } from '../../pipelines/ap/getTemplate.ts';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { subtractImages } from '../../pipelines/ap/subtractImages.ts';
import { rawValue } from '../../pipelines/simcam/datasets.ts';
import { renderRaw, SKYMAP_NAME, type CosmicRay, type SimCam } from '../../pipelines/simcam/index.ts';
import { assembleCoadd } from '../../pipelines/drp/assembleCoadd.ts';
import { SIMCAM_SKYMAP_DEFINITION } from '../../pipelines/drp/lib/skymap.ts';
import { makeWarp } from '../../pipelines/drp/makeWarp.ts';
import type { InputDataset } from '../../pipelines/framework/task.ts';
import { candidates as truthCandidates, type Candidate } from '../../server/replay/truth.ts';
import { processFrame, runTask, visitDataId, type Frame } from '../drp/support.ts';

export { classifyBogus, type Candidate } from '../../server/replay/truth.ts';

/**
 * The AP slice by hand (tasks through their run(), connection names as in pipelines/ap.yaml)
 * and its scoring against SimCam's truth: injected transients and variable stars, the
 * cosmic rays drawn on each raw, and the reference catalog for bright-star residuals.
 */

/** One frame through the AP slice: what server/replay/truth.ts scores (a ScoredFrame), with the raw's cosmic rays. */
export interface ApFrame extends Frame {
  /** Mid-exposure MJD of the visit, the light curves' time scale. */
  mjd: number;
  cosmicRays: CosmicRay[];
  template: ExposureValue;
  difference: ExposureValue;
  diaSources: DiaSource[];
  noiseScale: number;
}

/** Processes one raw through isr/characterizeImage/calibrate, keeping the raw's cosmic-ray truth. */
export async function processWithTruth(sim: SimCam, visit: number, detector: number, refcat: CatalogValue): Promise<Frame & { cosmicRays: CosmicRay[] }> {
  const rendered = renderRaw(sim, visit, detector);
  const raw = rawValue(sim, visit, detector, rendered);
  const frame = await processFrame(sim, visit, detector, refcat, 'prod', { raw, truth: { columns: {}, metadata: {} } });
  return { ...frame, cosmicRays: rendered.truth.cosmicRays };
}

/**
 * Template coadds (deepCoadd) per patch for one band from template frames: makeWarp with
 * PSF-matched warps (to 1.05 × the broadest template PSF), then assembleCoadd, as
 * pipelines/drp.yaml runs them with the config docs/alert-production.md gives for templates.
 */
export async function buildTemplates(sim: SimCam, frames: readonly Frame[], band: string): Promise<Map<number, ExposureValue>> {
  const out = new Map<number, ExposureValue>();
  const inBand = frames.filter((f) => f.band === band);
  const psfMatchFwhmPx = templatePsfFwhm(inBand);
  const visits = [...new Set(inBand.map((f) => f.visit))];
  for (let patch = 0; patch < sim.options.patchesPerSide ** 2; patch++) {
    const warps: InputDataset[] = [];
    for (const visit of visits) {
      const dataId = { ...visitDataId(sim, visit), skymap: SKYMAP_NAME, tract: 0, patch };
      const calexps = inBand.filter((f) => f.visit === visit).map((f) => ({ dataId: visitDataId(sim, visit, f.detector), value: f.calexp }));
      const w = await runTask(makeWarp, { calexps }, dataId, { skymap: SIMCAM_SKYMAP_DEFINITION, psfMatchFwhmPx });
      warps.push({ dataId, value: w.warp });
    }
    out.set(patch, (await runTask(assembleCoadd, { warps }, { skymap: SKYMAP_NAME, tract: 0, patch, band })).coadd as ExposureValue);
  }
  return out;
}

export function templatePsfFwhm(frames: readonly Frame[]): number {
  return 1.05 * Math.max(...frames.map((f) => Number(f.calexp.metadata.PSFFWHM)));
}

export async function runAp(sim: SimCam, frame: Frame & { cosmicRays: CosmicRay[] }, coadds: ReadonlyMap<number, ExposureValue>): Promise<ApFrame> {
  const dataId = visitDataId(sim, frame.visit, frame.detector);
  const tmpl = await runTask(
    getTemplate,
    {
      exposure: { dataId, value: frame.calexp },
      coadds: [...coadds].map(([patch, value]) => ({ dataId: { skymap: SKYMAP_NAME, tract: 0, patch, band: frame.band }, value })),
    },
    dataId,
  );
  const template = tmpl.template as ExposureValue;
  const sub = await runTask(subtractImages, { template: { dataId, value: template }, science: { dataId, value: frame.calexp }, sources: { dataId, value: frame.src } }, dataId);
  const difference = sub.difference as ExposureValue;
  const det = await runTask(detectDiaSources, { difference: { dataId, value: difference }, science: { dataId, value: frame.calexp } }, dataId);
  const catalog = det.diaSources as CatalogValue;
  const mjd = sim.visits.find((v) => v.id === frame.visit)!.extra.midMjd;
  return { ...frame, mjd, template, difference, diaSources: diaSourcesFromCatalog(catalog), noiseScale: Number(catalog.metadata.noiseScale) };
}

/** Every injected transient and variable on the frame's usable difference pixels, with its expected difference S/N (the server's scoring). */
export function candidates(sim: SimCam, ap: ApFrame, templateMjds: readonly number[]): Candidate[] {
  return truthCandidates(sim.transients, ap, templateMjds);
}
