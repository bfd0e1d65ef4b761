import { PipelineError } from '../framework/errors.ts';
import { defineDetectors, INSTRUMENT } from './camera.ts';
import { generateSky, generateTransients } from './catalog.ts';
import { planVisits } from './observing.ts';
import { defineSkymap } from './skymap.ts';
import { ALL_BANDS } from './types.ts';
import type { ResolvedOptions, SimCam, SimCamOptions } from './types.ts';

/**
 * SimCam: a deterministic synthetic sky and camera (DESIGN.md §6). `defineSimCam` builds every
 * record and all truth from a seed, without rendering pixels; `renderRaw`, `renderBias` and
 * `renderFlat` render one frame each, independently of one another. Pure: no files, no clock.
 */

export * from './types.ts';
export { renderRaw, renderExpected, ADC_MAX_ADU } from './render.ts';
export type { RawExposure, RawTruth, ExpectedExposure } from './render.ts';
export { renderBias, renderFlat, FLAT_VARIANTS } from './calibs.ts';
export type { CalibFrame, FlatVariant } from './calibs.ts';
export { lightCurveMag, TRANSIENT_ID_BASE } from './catalog.ts';
export { findVisit, findDetector, visitDetectorWcs, visitDetectorRegion } from './lookup.ts';
export { INSTRUMENT } from './camera.ts';
export { SKYMAP_NAME } from './skymap.ts';
export { Rng } from './random.ts';
export { psfForFwhm, psfNoiseEquivalentAreaPx, pointSourceSnr, psfWeightedSnr } from './psf.ts';

export const DEFAULT_SIMCAM_OPTIONS: ResolvedOptions = {
  seed: 1,
  nVisits: 12,
  bands: ['g', 'r', 'i'],
  detectorGrid: [2, 2],
  detectorSizePx: 512,
  detectorGapPx: 40,
  pixelScaleArcsec: 0.2,
  exposureTimeS: 30,
  fieldCenterDeg: [150.1, 2.2],
  ditherArcsec: 40,
  maxRotationDeg: 2,
  nStars: 2500,
  nGalaxies: 600,
  nTransients: 20,
  nVariables: 10,
  cosmicRayRatePerCm2PerS: 1,
  patchesPerSide: 3,
  patchBorderPx: 50,
  firstDayObs: 20250301,
};

function resolve(options: SimCamOptions): ResolvedOptions {
  const o: ResolvedOptions = { ...DEFAULT_SIMCAM_OPTIONS };
  for (const [k, v] of Object.entries(options)) if (v !== undefined) (o as unknown as Record<string, unknown>)[k] = v;
  const positiveInts: (keyof ResolvedOptions)[] = ['nVisits', 'detectorSizePx', 'patchesPerSide'];
  for (const k of positiveInts) {
    if (!Number.isInteger(o[k]) || (o[k] as number) < 1) throw new PipelineError('BAD_INPUT', `SimCam option ${k} must be a positive integer`, { [k]: o[k] });
  }
  for (const k of ['nStars', 'nGalaxies', 'nTransients', 'nVariables', 'detectorGapPx', 'patchBorderPx'] as const) {
    if (!Number.isInteger(o[k]) || o[k] < 0) throw new PipelineError('BAD_INPUT', `SimCam option ${k} must be a non-negative integer`, { [k]: o[k] });
  }
  if (!Number.isInteger(o.seed)) throw new PipelineError('BAD_INPUT', 'SimCam seed must be an integer', { seed: o.seed });
  if (o.bands.length === 0 || o.bands.some((b) => !ALL_BANDS.includes(b)) || new Set(o.bands).size !== o.bands.length) {
    throw new PipelineError('BAD_INPUT', 'SimCam bands must be distinct values among g, r, i', { bands: o.bands });
  }
  if (!o.detectorGrid.every((n) => Number.isInteger(n) && n >= 1)) throw new PipelineError('BAD_INPUT', 'SimCam detectorGrid must be two positive integers', { detectorGrid: o.detectorGrid });
  if (!(o.pixelScaleArcsec > 0) || !(o.exposureTimeS > 0) || !(o.ditherArcsec >= 0) || !(o.cosmicRayRatePerCm2PerS >= 0)) {
    throw new PipelineError('BAD_INPUT', 'SimCam pixel scale and exposure time must be positive, dither and cosmic-ray rate non-negative', { options: o });
  }
  return o;
}

export function defineSimCam(options: SimCamOptions = {}): SimCam {
  const o = resolve(options);
  const detectors = defineDetectors(o);
  const observing = planVisits(o);
  const sky = generateSky(o);
  const mjds = observing.truth.map((v) => v.midMjd);
  const transients = generateTransients(o, sky, [Math.min(...mjds), Math.max(...mjds)]);
  const skymap = defineSkymap(o);
  return {
    options: o,
    instrument: { name: INSTRUMENT, className: 'pipelines/simcam', doc: 'Deterministic synthetic camera and sky (see pipelines/simcam/README.md)' },
    bands: o.bands.map((name) => ({ name })),
    physicalFilters: o.bands.map((band) => ({ instrument: INSTRUMENT, name: `${INSTRUMENT}-${band}`, band })),
    dayObs: observing.dayObs,
    detectors: detectors.records,
    visits: observing.visits,
    skymap: skymap.skymap,
    tracts: skymap.tracts,
    patches: skymap.patches,
    refcat: sky.refcat,
    transients,
    truth: { detectors: detectors.truth, visits: observing.truth, galaxies: sky.galaxies, tracts: skymap.geometry },
  };
}
