import type { ImageF, TanWcs } from '../image/types.ts';
import { skyToPixel } from '../image/wcs.ts';
import type { FitsHeader } from '../io/fits-header.ts';
import type { Catalog } from '../io/parquet.ts';
import { biasImage, cachedResponseImage } from './camera.ts';
import { lightCurveMag } from './catalog.ts';
import { rawHeader } from './headers.ts';
import { findDetector, findVisit, visitDetectorWcs } from './lookup.ts';
import { Rng } from './random.ts';
import { StampRenderer } from './stamps.ts';
import type { CosmicRay, DetectorTruth, SimCam, VisitTruth } from './types.ts';

/**
 * Raw images. Per pixel, in this order (README.md has the model):
 *   expected e- (flat-fielded) = sky + Σ sources (PSF-convolved, pixel-integrated)
 *   photo-electrons            = Poisson(expected · response)
 *   + cosmic-ray charge (not multiplied by the response), capped at full well
 *   ADU                        = e- / gain + bias(x, y) + Normal(0, readNoise / gain),
 *                                rounded and clipped to the 16-bit ADC range [0, 65535].
 */

export const ADC_MAX_ADU = 65535;
/** Pixel pitch, cm (10 µm), for cosmic-ray rates per area. */
const PIXEL_PITCH_CM = 1e-3;
/** Ionisation in silicon, e- per µm of track, and the sensor thickness, µm. */
const CR_E_PER_UM = 80;
const SENSOR_THICKNESS_UM = 100;
/** Sources whose centre is this far off the detector (pixels) may still touch it. */
const GALAXY_MARGIN_PX = 80;

export interface RawTruth {
  /** One row per rendered source (centre on the detector or stamp overlapping it). */
  sources: Catalog;
  cosmicRays: CosmicRay[];
  visit: VisitTruth;
  detector: DetectorTruth;
  /** The WCS the image was rendered with (the header WCS is the commanded one). */
  wcs: TanWcs;
  /** Zero point for instrumental fluxes in ADU of the bias-subtracted, flat-fielded image: zeroPointMag - 2.5 log10(gain). */
  zeroPointAduMag: number;
}

export interface RawExposure {
  /** ADU as float32 holding integers in [0, 65535] (lossless as Uint16 FITS). */
  image: ImageF;
  header: FitsHeader;
  truth: RawTruth;
}

interface TruthRows {
  id: number[];
  kind: string[];
  xPx: number[];
  yPx: number[];
  raDeg: number[];
  decDeg: number[];
  mag: number[];
  fluxE: number[];
  peakE: number[];
}

/** Galaxy covariance, px², for a 1" half-light radius: C_px = A⁻¹ C_sky A⁻ᵀ, A = CD in arcsec/px. */
function galaxyUnitCovariancePx(wcs: TanWcs, axisRatio: number, positionAngleDeg: number): [number, number, number] {
  const pa = (positionAngleDeg * Math.PI) / 180;
  const [mx, my] = [Math.sin(pa), Math.cos(pa)];
  const [nx, ny] = [Math.cos(pa), -Math.sin(pa)];
  const q2 = axisRatio * axisRatio;
  const sxx = mx * mx + q2 * nx * nx;
  const sxy = mx * my + q2 * nx * ny;
  const syy = my * my + q2 * ny * ny;
  const [[a, b], [c, d]] = wcs.cdDegPerPx.map((r) => r.map((v) => v * 3600)) as [[number, number], [number, number]];
  const det = a * d - b * c;
  const m = [d / det, -b / det, -c / det, a / det] as const;
  const t00 = m[0] * sxx + m[1] * sxy;
  const t01 = m[0] * sxy + m[1] * syy;
  const t10 = m[2] * sxx + m[3] * sxy;
  const t11 = m[2] * sxy + m[3] * syy;
  return [t00 * m[0] + t01 * m[1], t00 * m[2] + t01 * m[3], t10 * m[2] + t11 * m[3]];
}

/** Draws every source into `expected` (flat-fielded e-) and records its truth. */
function drawSources(sim: SimCam, visit: VisitTruth, wcs: TanWcs, expected: Float64Array, size: number): TruthRows {
  const rows: TruthRows = { id: [], kind: [], xPx: [], yPx: [], raDeg: [], decDeg: [], mag: [], fluxE: [], peakE: [] };
  const stamps = new StampRenderer(visit.psf, size, size);
  const band = visit.band;
  const variableCurves = new Map(sim.transients.filter((t) => t.kind === 'variable').map((t) => [t.id, t.lightCurve]));
  const shapes = new Map(sim.truth.galaxies.map((g) => [g.id, g]));
  const ref = sim.refcat;
  const ids = ref.id as Int32Array;
  const ras = ref.raDeg as Float64Array;
  const decs = ref.decDeg as Float64Array;
  const mags = ref[`${band}Mag`] as Float64Array;
  const add = (id: number, kind: string, ra: number, dec: number, mag: number) => {
    const [x, y] = skyToPixel(wcs, ra, dec);
    const margin = kind === 'galaxy' ? GALAXY_MARGIN_PX : stamps.halfSizePx;
    if (!Number.isFinite(mag) || !stamps.touches(x, y, margin)) return;
    const fluxE = Math.pow(10, -0.4 * (mag - visit.zeroPointMag));
    let peakE: number;
    if (kind === 'galaxy') {
      const shape = shapes.get(id)!;
      peakE = stamps.addGalaxy(expected, x, y, fluxE, galaxyUnitCovariancePx(wcs, shape.axisRatio, shape.positionAngleDeg), shape.halfLightRadiusArcsec);
      if (peakE < 0) return;
    } else {
      peakE = stamps.addPoint(expected, x, y, fluxE);
    }
    rows.id.push(id);
    rows.kind.push(kind);
    rows.xPx.push(x);
    rows.yPx.push(y);
    rows.raDeg.push(ra);
    rows.decDeg.push(dec);
    rows.mag.push(mag);
    rows.fluxE.push(fluxE);
    rows.peakE.push(peakE);
  };
  const resolved = ref.isResolved as boolean[];
  for (let k = 0; k < ids.length; k++) {
    const curve = variableCurves.get(ids[k]!);
    if (curve) add(ids[k]!, 'variable', ras[k]!, decs[k]!, lightCurveMag(curve, visit.midMjd, band));
    else add(ids[k]!, resolved[k] ? 'galaxy' : 'star', ras[k]!, decs[k]!, mags[k]!);
  }
  for (const t of sim.transients) {
    if (t.kind === 'transient') add(t.id, 'transient', t.raDeg, t.decDeg, lightCurveMag(t.lightCurve, visit.midMjd, band));
  }
  return rows;
}

/** Cosmic-ray tracks: Poisson count, uniform start and direction, 0-15 px projected length. */
function cosmicRays(rng: Rng, sim: SimCam, size: number): CosmicRay[] {
  const areaCm2 = (size * PIXEL_PITCH_CM) ** 2;
  const count = rng.poisson(sim.options.cosmicRayRatePerCm2PerS * areaCm2 * sim.options.exposureTimeS);
  const out: CosmicRay[] = [];
  for (let k = 0; k < count; k++) {
    const x0 = rng.range(-0.5, size - 0.5);
    const y0 = rng.range(-0.5, size - 0.5);
    const length = rng.range(0, 15);
    const angle = rng.range(0, 2 * Math.PI);
    const pathUm = Math.hypot(length * PIXEL_PITCH_CM * 1e4, SENSOR_THICKNESS_UM);
    out.push({ x0Px: x0, y0Px: y0, x1Px: x0 + length * Math.cos(angle), y1Px: y0 + length * Math.sin(angle), chargeE: CR_E_PER_UM * pathUm });
  }
  return out;
}

/** Deposits each track's charge in equal parts at 4 points per pixel of length. */
function depositCosmicRays(rays: CosmicRay[], charge: Float64Array, size: number): void {
  for (const ray of rays) {
    const steps = Math.max(1, Math.ceil(4 * Math.hypot(ray.x1Px - ray.x0Px, ray.y1Px - ray.y0Px)));
    for (let s = 0; s < steps; s++) {
      const f = (s + 0.5) / steps;
      const x = Math.round(ray.x0Px + f * (ray.x1Px - ray.x0Px));
      const y = Math.round(ray.y0Px + f * (ray.y1Px - ray.y0Px));
      if (x >= 0 && y >= 0 && x < size && y < size) charge[y * size + x]! += ray.chargeE / steps;
    }
  }
}

/** The noise-free scene of a visit/detector: what a raw's pixels scatter around. */
export interface ExpectedExposure {
  width: number;
  height: number;
  /** Expected flat-fielded electrons per pixel, sky included; no noise, no cosmic rays. Raw e- = this · response. */
  expectedE: Float64Array;
  /** Truth rows for every source drawn (see RawTruth.sources). */
  sources: Catalog;
}

interface Scene {
  visit: VisitTruth;
  det: DetectorTruth;
  wcs: TanWcs;
  expected: Float64Array;
  rows: TruthRows;
  response: Float32Array;
  bias: Float32Array;
}

function drawScene(sim: SimCam, visitId: number, detectorId: number): Scene {
  const { truth: visit } = findVisit(sim, visitId);
  const { truth: det } = findDetector(sim, detectorId);
  const size = sim.options.detectorSizePx;
  const wcs = visitDetectorWcs(sim, visitId, detectorId, 'true');
  const expected = new Float64Array(size * size).fill(visit.skyEPerPx);
  const rows = drawSources(sim, visit, wcs, expected, size);
  return { visit, det, wcs, expected, rows, response: cachedResponseImage(sim.options, det, visit.band), bias: biasImage(sim.options, det) };
}

function sourceCatalog(scene: Scene, size: number): Catalog {
  const { rows, det, visit, response, bias } = scene;
  const invGain = 1 / det.gainEPerAdu;
  // Saturated: the source's own peak pixel (plus sky) reaches full well or the ADC's top.
  const saturated = rows.peakE.map((peak, k) => {
    const i = Math.min(size - 1, Math.max(0, Math.round(rows.yPx[k]!))) * size + Math.min(size - 1, Math.max(0, Math.round(rows.xPx[k]!)));
    const e = (peak + visit.skyEPerPx) * response[i]!;
    return e >= det.fullWellE || e * invGain + bias[i]! >= ADC_MAX_ADU;
  });
  return {
    id: Int32Array.from(rows.id),
    kind: rows.kind,
    xPx: Float64Array.from(rows.xPx),
    yPx: Float64Array.from(rows.yPx),
    raDeg: Float64Array.from(rows.raDeg),
    decDeg: Float64Array.from(rows.decDeg),
    mag: Float64Array.from(rows.mag),
    fluxE: Float64Array.from(rows.fluxE),
    fluxAdu: Float64Array.from(rows.fluxE, (f) => f * invGain),
    peakE: Float64Array.from(rows.peakE),
    onDetector: rows.xPx.map((x, k) => x >= -0.5 && x < size - 0.5 && rows.yPx[k]! >= -0.5 && rows.yPx[k]! < size - 0.5),
    saturated,
  };
}

export function renderExpected(sim: SimCam, visitId: number, detectorId: number): ExpectedExposure {
  const size = sim.options.detectorSizePx;
  const scene = drawScene(sim, visitId, detectorId);
  return { width: size, height: size, expectedE: scene.expected, sources: sourceCatalog(scene, size) };
}

export function renderRaw(sim: SimCam, visitId: number, detectorId: number): RawExposure {
  const size = sim.options.detectorSizePx;
  const n = size * size;
  const scene = drawScene(sim, visitId, detectorId);
  const { det, expected, response, bias } = scene;
  const rng = new Rng(sim.options.seed, 'raw', visitId, detectorId);
  const rays = cosmicRays(rng, sim, size);
  const crCharge = new Float64Array(n);
  depositCosmicRays(rays, crCharge, size);
  const data = new Float32Array(n);
  const invGain = 1 / det.gainEPerAdu;
  const readNoiseAdu = det.readNoiseE * invGain;
  for (let i = 0; i < n; i++) {
    const electrons = Math.min(det.fullWellE, rng.poisson(expected[i]! * response[i]!) + crCharge[i]!);
    const adu = Math.round(electrons * invGain + bias[i]! + readNoiseAdu * rng.gaussian());
    data[i] = adu < 0 ? 0 : adu > ADC_MAX_ADU ? ADC_MAX_ADU : adu;
  }
  return {
    image: { width: size, height: size, data },
    header: rawHeader(sim, findVisit(sim, visitId).record, findDetector(sim, detectorId).record, det, visitDetectorWcs(sim, visitId, detectorId, 'header')),
    truth: {
      sources: sourceCatalog(scene, size),
      cosmicRays: rays,
      visit: scene.visit,
      detector: det,
      wcs: scene.wcs,
      zeroPointAduMag: scene.visit.zeroPointMag - 2.5 * Math.log10(det.gainEPerAdu),
    },
  };
}
