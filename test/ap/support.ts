import type { CatalogValue, ExposureValue } from '../../pipelines/framework/values.ts';
import { detectDiaSources } from '../../pipelines/ap/detectDiaSources.ts';
import { diaSourcesFromCatalog } from '../../pipelines/ap/diaSourceCatalog.ts';
import { getTemplate } from '../../pipelines/ap/getTemplate.ts';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { subtractImages } from '../../pipelines/ap/subtractImages.ts';
import { psfFlux } from '../../pipelines/drp/lib/measure.ts';
import { psfFromMetadata, psfRadiusPx } from '../../pipelines/drp/lib/psf.ts';
import { NJY_ZERO_POINT_MAG } from '../../pipelines/drp/makeWarp.ts';
import { MASK } from '../../pipelines/framework/values.ts';
import { skyToPixel } from '../../pipelines/image/wcs.ts';
import { rawValue } from '../../pipelines/simcam/datasets.ts';
import { lightCurveMag, renderRaw, SKYMAP_NAME, type Band, type CosmicRay, type SimCam } from '../../pipelines/simcam/index.ts';
import { assembleCoadd } from '../../pipelines/drp/assembleCoadd.ts';
import { SIMCAM_SKYMAP_DEFINITION } from '../../pipelines/drp/lib/skymap.ts';
import { makeWarp } from '../../pipelines/drp/makeWarp.ts';
import type { InputDataset } from '../../pipelines/framework/task.ts';
import { processFrame, runTask, visitDataId, type Frame } from '../drp/support.ts';

/**
 * The AP slice by hand (tasks through their run(), connection names as in pipelines/ap.yaml)
 * and its scoring against SimCam's truth: injected transients and variable stars, the
 * cosmic rays drawn on each raw, and the reference catalog for bright-star residuals.
 */

export interface ApFrame extends Frame {
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
  return { ...frame, template, difference, diaSources: diaSourcesFromCatalog(catalog), noiseScale: Number(catalog.metadata.noiseScale) };
}

export interface Candidate {
  id: number;
  kind: 'transient' | 'variable';
  x: number;
  y: number;
  /** True flux in the science visit minus the template's (mean over its visits), nJy. */
  deltaFluxNjy: number;
  /** deltaFlux over the difference image's PSF-flux error at the position. */
  expectedSnr: number;
}

export function fluxNjy(mag: number): number {
  return Number.isFinite(mag) ? Math.pow(10, -0.4 * (mag - NJY_ZERO_POINT_MAG)) : 0;
}

/** Every injected transient and variable on the frame's usable difference pixels, with its expected difference S/N. */
export function candidates(sim: SimCam, ap: ApFrame, templateMjds: readonly number[]): Candidate[] {
  const d = ap.difference;
  const { width, height } = d.image;
  const psf = psfFromMetadata(d.metadata)!;
  const mjd = sim.visits.find((v) => v.id === ap.visit)!.extra.midMjd;
  const apCorr = typeof ap.calexp.metadata.APCORR === 'number' ? ap.calexp.metadata.APCORR : 1;
  const toNjy = Math.pow(10, 0.4 * (NJY_ZERO_POINT_MAG - d.zeroPointMag!)) * apCorr;
  const f2 = ap.noiseScale * ap.noiseScale;
  const planes = { data: d.image.data, variance: Float32Array.from(d.variance.data, (v) => v * f2), mask: d.mask, width, height };
  const out: Candidate[] = [];
  for (const t of sim.transients) {
    const [x, y] = skyToPixel(d.wcs!, t.raDeg, t.decDeg);
    if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) continue;
    if ((d.mask[Math.round(y) * width + Math.round(x)]! & (MASK.NO_DATA | MASK.BAD)) !== 0) continue;
    const sci = fluxNjy(lightCurveMag(t.lightCurve, mjd, ap.band as Band));
    const tmpl = templateMjds.reduce((s, m) => s + fluxNjy(lightCurveMag(t.lightCurve, m, ap.band as Band)), 0) / templateMjds.length;
    const err = psfFlux(planes, psf, x, y, psfRadiusPx(psf), 0, 0, MASK.NO_DATA | MASK.BAD).fluxErr * toNjy;
    out.push({ id: t.id, kind: t.kind, x, y, deltaFluxNjy: sci - tmpl, expectedSnr: Math.abs(sci - tmpl) / err });
  }
  return out;
}

export type BogusKind = 'cosmicRay' | 'edge' | 'brightStar' | 'other';

function nearSegment(px: number, py: number, r: CosmicRay, tol: number): boolean {
  const dx = r.x1Px - r.x0Px;
  const dy = r.y1Px - r.y0Px;
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - r.x0Px) * dx + (py - r.y0Px) * dy) / l2)) : 0;
  return Math.hypot(px - (r.x0Px + t * dx), py - (r.y0Px + t * dy)) <= tol;
}

/** Why a DiaSource matched to no injected source is there: the first known artefact that explains it. */
export function classifyBogus(src: DiaSource, ap: ApFrame, refcat: CatalogValue, brightMag: number, radiusPx: number): BogusKind {
  if (src.pixelFlags_cr || ap.cosmicRays.some((r) => nearSegment(src.x, src.y, r, radiusPx))) return 'cosmicRay';
  if (src.pixelFlags_edge) return 'edge';
  const ra = refcat.columns.raDeg as Float64Array;
  const dec = refcat.columns.decDeg as Float64Array;
  const mag = refcat.columns[`${ap.band}Mag`] as Float64Array;
  for (let k = 0; k < ra.length; k++) {
    if (!(mag[k]! < brightMag)) continue;
    const [x, y] = skyToPixel(ap.calexp.wcs!, ra[k]!, dec[k]!);
    if (Math.hypot(x - src.x, y - src.y) <= radiusPx) return 'brightStar';
  }
  return 'other';
}
