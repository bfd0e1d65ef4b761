import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, single, type TaskContext, type TaskInputs } from '../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../framework/values.ts';
import { pixelScaleArcsec, pixelToSky } from '../image/wcs.ts';
import { convolveSeparable, squared } from '../drp/lib/convolve.ts';
import { detectionKernel, detectSources, type Detections, type MatchedFilter } from '../drp/lib/detection.ts';
import { centroidErrorPx, gaussianCentroid, psfFlux, type Planes } from '../drp/lib/measure.ts';
import { momentSigmaPx, psfFromMetadata, psfRadiusPx, type DoubleGaussianPsf } from '../drp/lib/psf.ts';
import { keptPlanes } from '../drp/lib/scratch.ts';
import { madSigma } from '../drp/lib/stats.ts';
import { NJY_ZERO_POINT_MAG } from '../drp/makeWarp.ts';
import { diaSourceCatalog, packDiaSourceId } from './diaSourceCatalog.ts';
import type { DiaSource } from './records.ts';

/**
 * detectDiaSources (LSST ip_diffim DetectAndMeasureTask): positive and negative detections on
 * the difference image, measured, flagged and written as DiaSource rows (records.ts), with
 * diaObjectId left 0 for the server's association.
 *
 *   1. Noise: Alard-Lupton convolution correlates the template's noise, so the variance plane
 *      alone misstates the noise of PSF-sized sums. As Rubin's detection with
 *      `thresholdType: stdev` and its ScaleVarianceTask, we measure it: the matched-filter S/N map
 *      (drp/lib/detection.ts's formula) has a robust (MAD) standard deviation f over usable
 *      pixels, and the variance plane is scaled by f² for detection and flux errors.
 *      To that noise we add, for detection only, the two systematic terms of ZOGY's corrected score
 *      (Zackay, Ofek & Gal-Yam 2016, §3.3-3.4): registration noise σ_r²·|∇S|² and a flux-scale (PSF
 *      matching) error (ε·S)², S the science image. They are zero on sky and grow with a
 *      source's brightness, so a bright star's sub-per-cent subtraction residual is not taken for
 *      a new source while a faint transient keeps its full significance. σ_r and ε are configured
 *      (registrationErrorPx, fluxScaleError); SimCam's calexp WCS fits are good to ~0.02 px.
 *   2. Detection: the matched filter (a Gaussian of the PSF's moment sigma), threshold
 *      thresholdSigma, once on the image and once on its negation; footprints 8-connected.
 *   3. Measurement at each peak: Gaussian-weighted centroid on the signed image, PSF flux on the
 *      difference (negative when the source faded) and on the science exposure at the same
 *      position, both in nJy with the science exposure's zero point and aperture correction.
 *      `snr` is the detection significance (the matched filter's S/N at the peak), as in the APDB.
 *   4. Dipoles: a positive and a negative peak closer than dipoleMaxSeparationFwhm PSF FWHMs
 *      become one DiaSource at the midpoint of the peaks with isDipole, the net flux, and the larger
 *      significance (a misaligned or mis-scaled star leaves such pairs; so does a moving object).
 *   5. Flags: any footprint or PSF-stamp pixel EDGE or NO_DATA (edge), CR (cr) or SAT (saturated).
 */

export const detectDiaSourcesConfig = z
  .object({
    thresholdSigma: z.number().positive().default(5),
    minPixels: z.number().int().positive().default(3),
    peakMinSigma: z.number().nonnegative().default(2),
    /** Detection kernel width in units of the PSF's moment sigma (1 is the matched filter). */
    detectionKernelFactor: z.number().positive().max(2).default(1),
    dipoleMaxSeparationFwhm: z.number().nonnegative().default(1.5),
    /** Registration error between science and template, px (ZOGY's σ_x, σ_y): detection variance += σ²·|∇S|². */
    registrationErrorPx: z.number().nonnegative().default(0.03),
    /** Fractional flux-scale error of the PSF matching: detection variance += (ε·S)². */
    fluxScaleError: z.number().nonnegative().default(0.01),
    /** Measure the noise of the matched filter (step 1); off takes the variance plane as it is. */
    doScaleVariance: z.boolean().default(true),
  })
  .strict();
export type DetectDiaSourcesConfig = z.infer<typeof detectDiaSourcesConfig>;

const IGNORE = MASK.BAD | MASK.NO_DATA;
/** TAI − UTC since 2017 (leap seconds), days. */
const TAI_MINUS_UTC_DAYS = 37 / 86_400;

interface Lobe {
  sign: 1 | -1;
  /** The peak pixel (pairing into dipoles) and the centroid (measurement). */
  peakX: number;
  peakY: number;
  x: number;
  y: number;
  snr: number;
  flux: number;
  fluxErr: number;
  xErr: number;
  yErr: number;
  maskBits: number;
}

export function runDetectDiaSources(difference: ExposureValue, science: ExposureValue, ids: { visit: number; detector: number }, c: DetectDiaSourcesConfig): { catalog: CatalogValue; noiseScale: number } {
  const psf = psfFromMetadata(difference.metadata);
  const wcs = difference.wcs;
  if (!psf || !wcs || difference.zeroPointMag === undefined) throw new PipelineError('BAD_INPUT', 'detectDiaSources needs a difference image with PSF, WCS and zero point (from subtractImages)');
  const sciPsf = psfFromMetadata(science.metadata) ?? psf;
  const { width, height } = difference.image;
  const n = width * height;
  const sigma = momentSigmaPx(psf) * c.detectionKernelFactor;
  // The matched filter of the difference: its smoothed image serves the noise measurement and
  // both detections (the negative image's is its negation, exactly).
  const w = workPlanes(n);
  // The noise measurement reads the filter's noise plane at its samples only (a ninth of the
  // pixels): it is computed there alone, with the same sums as the whole plane's.
  const k = detectionKernel(sigma);
  maskUsable(w, difference.image.data, difference.variance.data, difference.mask);
  convolveSeparable(w.masked, width, height, k, k, w.smooth, w.tmp);
  const diffFilter: MatchedFilter = { smooth: w.smooth, noise2: w.noise2 };
  if (c.doScaleVariance) sampledNoise2(w.maskedVar, width, height, squared(k), w.tmp, w.noise2);
  const noiseScale = c.doScaleVariance ? noiseOfFilter(difference, diffFilter, sigma) : 1;
  const variance = w.variance;
  scaleInto(difference.variance.data, noiseScale * noiseScale, variance);
  const detectionVariance = w.detectionVariance;
  detectionVariance.set(variance);
  addSystematicVariance(detectionVariance, science.image.data, width, height, c.registrationErrorPx, c.fluxScaleError);
  const positive: Planes = { data: difference.image.data, variance, mask: difference.mask, width, height };
  const negData = w.negData;
  scaleInto(difference.image.data, -1, negData);
  const negative: Planes = { ...positive, data: negData };
  const opts = { thresholdSigma: c.thresholdSigma, minPixels: c.minPixels, peakMinSigma: c.peakMinSigma, ignoreMask: IGNORE };
  // Detection leaves out the same pixels as the noise measurement unless the systematic terms
  // made a pixel of zero variance usable; then the image is filtered again for detection (into
  // the same planes: the noise measurement is done with them).
  const posFilter: MatchedFilter = sameUsable(difference.mask, difference.variance.data, detectionVariance)
    ? { smooth: diffFilter.smooth, noise2: filteredVarianceInto(w, detectionVariance, difference.mask, width, height, sigma) }
    : matchedFilterInto(w, difference.image.data, detectionVariance, difference.mask, width, height, sigma);
  const negFilter: MatchedFilter = { smooth: negatedInto(posFilter.smooth, w.negSmooth), noise2: posFilter.noise2 };
  const lobes: Lobe[] = [];
  for (const [planes, sign, filtered] of [
    [positive, 1, posFilter],
    [negative, -1, negFilter],
  ] as const) {
    const det = detectSources(planes.data, detectionVariance, difference.mask, width, height, sigma, opts, filtered);
    lobes.push(...measureLobes(planes, det, psf, sign));
  }

  // Dipoles: closest positive-negative pairs first, each lobe used once.
  const maxSep = c.dipoleMaxSeparationFwhm * psf.fwhmPx;
  const pairs: [number, number, number][] = [];
  lobes.forEach((a, i) => {
    if (a.sign !== 1) return;
    lobes.forEach((b, j) => {
      if (b.sign !== -1) return;
      // Peaks, not centroids: a lobe's weighted centroid is pulled away from its partner.
      const d = Math.hypot(a.peakX - b.peakX, a.peakY - b.peakY);
      if (d <= maxSep) pairs.push([d, i, j]);
    });
  });
  pairs.sort((p, q) => p[0] - q[0] || p[1] - q[1] || p[2] - q[2]);
  const partner = new Int32Array(lobes.length).fill(-1);
  for (const [, i, j] of pairs) {
    if (partner[i]! >= 0 || partner[j]! >= 0) continue;
    partner[i] = j;
    partner[j] = i;
  }

  const toNjy = Math.pow(10, 0.4 * (NJY_ZERO_POINT_MAG - difference.zeroPointMag));
  const apCorr = typeof science.metadata.APCORR === 'number' ? science.metadata.APCORR : 1;
  const sciPlanes: Planes = { data: science.image.data, variance: science.variance.data, mask: science.mask, width, height };
  const sciRadius = psfRadiusPx(sciPsf);
  const scale = pixelScaleArcsec(wcs) / 3600;
  const band = String(science.metadata.BAND ?? difference.metadata.BAND ?? '');
  const mjdUtc = Number(science.metadata['MJD-AVG'] ?? difference.metadata['MJD-AVG']);
  const rows: Omit<DiaSource, 'diaSourceId'>[] = [];
  lobes.forEach((a, i) => {
    const j = partner[i]!;
    if (j >= 0 && j < i) return;
    const b = j >= 0 ? lobes[j]! : undefined;
    const x = b ? (a.peakX + b.peakX) / 2 : a.x;
    const y = b ? (a.peakY + b.peakY) / 2 : a.y;
    const flux = b ? a.flux + b.flux : a.flux;
    const fluxErr = b ? Math.hypot(a.fluxErr, b.fluxErr) : a.fluxErr;
    const bits = b ? a.maskBits | b.maskBits : a.maskBits;
    const [ra, dec] = pixelToSky(wcs, x, y);
    const sci = psfFlux(sciPlanes, sciPsf, x, y, sciRadius, 0, 0, IGNORE | MASK.CR);
    const cosDec = Math.cos((dec * Math.PI) / 180);
    rows.push({
      diaObjectId: null,
      visit: ids.visit,
      detector: ids.detector,
      band,
      midpointMjdTai: mjdUtc + TAI_MINUS_UTC_DAYS,
      ra,
      dec,
      raErr: ((b ? Math.hypot(a.xErr, b.xErr) / 2 : a.xErr) * scale) / cosDec,
      decErr: (b ? Math.hypot(a.yErr, b.yErr) / 2 : a.yErr) * scale,
      x,
      y,
      psfFlux: flux * apCorr * toNjy,
      psfFluxErr: fluxErr * apCorr * toNjy,
      scienceFlux: sci.flux * apCorr * toNjy,
      scienceFluxErr: sci.fluxErr * apCorr * toNjy,
      snr: b ? Math.max(a.snr, b.snr) : a.snr,
      isDipole: b !== undefined,
      pixelFlags_edge: (bits & (MASK.EDGE | MASK.NO_DATA)) !== 0,
      pixelFlags_cr: (bits & MASK.CR) !== 0,
      pixelFlags_saturated: (bits & MASK.SAT) !== 0,
    });
  });
  // Raster order of position: ids do not depend on which sign was detected first.
  rows.sort((p, q) => p.y - q.y || p.x - q.x);
  const full = rows.map((r, k) => ({ diaSourceId: packDiaSourceId(ids.visit, ids.detector, k), ...r }));
  return {
    catalog: diaSourceCatalog(full, {
      fluxUnit: 'nJy',
      noiseScale: String(noiseScale),
      thresholdSigma: String(c.thresholdSigma),
      nPositive: String(lobes.filter((l) => l.sign === 1).length),
      nNegative: String(lobes.filter((l) => l.sign === -1).length),
      nDipole: String(full.filter((r) => r.isDipole).length),
    }),
    noiseScale,
  };
}

function measureLobes(p: Planes, det: Detections, psf: DoubleGaussianPsf, sign: 1 | -1): Lobe[] {
  const { width } = p;
  // Mask bits of each footprint, OR-ed over its pixels.
  const footprintBits = new Int32Array(det.footprintArea.length);
  for (let i = 0; i < det.labels.length; i++) {
    const l = det.labels[i]!;
    if (l > 0) footprintBits[l - 1]! |= p.mask[i]!;
  }
  const sigmaW = momentSigmaPx(psf);
  const radius = psfRadiusPx(psf);
  const out: Lobe[] = [];
  for (let k = 0; k < det.peakX.length; k++) {
    const px = det.peakX[k]!;
    const py = det.peakY[k]!;
    const cen = gaussianCentroid(p, px, py, sigmaW, IGNORE, 2);
    const x = cen.ok ? cen.x : px;
    const y = cen.ok ? cen.y : py;
    const f = psfFlux(p, psf, x, y, radius, 0, 0, IGNORE);
    const [xErr, yErr] = centroidErrorPx(p, psf, x, y, sigmaW, f.flux, IGNORE);
    out.push({
      sign,
      peakX: px,
      peakY: py,
      x,
      y,
      snr: det.peakSnr[k]!,
      flux: sign * f.flux,
      fluxErr: f.fluxErr,
      xErr,
      yErr,
      maskBits: footprintBits[det.peakFootprint[k]!]! | f.maskBits,
    });
    void width;
  }
  return out;
}

/** ZOGY's registration and flux-scale noise, from the science image's gradient and level. */
function addSystematicVariance(variance: Float32Array, science: Float32Array, width: number, height: number, sigmaR: number, eps: number): void {
  if (sigmaR === 0 && eps === 0) return;
  const r2 = sigmaR * sigmaR;
  const e2 = eps * eps;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const gx = 0.5 * (science[i + 1]! - science[i - 1]!);
      const gy = 0.5 * (science[i + width]! - science[i - width]!);
      const s = science[i]!;
      variance[i]! += r2 * (gx * gx + gy * gy) + e2 * s * s;
    }
  }
}

/** Robust standard deviation of the matched-filter S/N map over usable pixels (1 for white noise). */
export function matchedFilterNoise(difference: ExposureValue, sigmaPx: number): number {
  const { width, height } = difference.image;
  return noiseOfFilter(difference, matchedFilterInto(workPlanes(width * height), difference.image.data, difference.variance.data, difference.mask, width, height, sigmaPx), sigmaPx);
}

function noiseOfFilter(difference: ExposureValue, filter: MatchedFilter, sigmaPx: number): number {
  const { width, height } = difference.image;
  const { smooth, noise2 } = filter;
  const r = detectionKernel(sigmaPx).length >> 1;
  const samples: number[] = [];
  // Every third pixel whose whole filter footprint is usable: partial footprints are exact too,
  // but whole ones make the sample homogeneous.
  for (let y = r; y < height - r; y += 3) {
    for (let x = r; x < width - r; x += 3) {
      const i = y * width + x;
      if ((difference.mask[i]! & (IGNORE | MASK.EDGE)) !== 0 || !(noise2[i]! > 0)) continue;
      samples.push(smooth[i]! / Math.sqrt(noise2[i]!));
    }
  }
  if (samples.length < 100) return 1;
  return madSigma(samples);
}

function scaleInto(src: Float32Array, f: number, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = src[i]! * f;
}

function negatedInto(a: Float64Array, out: Float64Array): Float64Array {
  for (let i = 0; i < a.length; i++) out[i] = -a[i]!;
  return out;
}

/** Whether the same pixels are usable (no IGNORE bit, variance > 0) under either variance plane. */
function sameUsable(mask: Int32Array, a: Float32Array, b: Float32Array): boolean {
  for (let i = 0; i < mask.length; i++) {
    if ((mask[i]! & IGNORE) !== 0) continue;
    if (a[i]! > 0 !== b[i]! > 0) return false;
  }
  return true;
}

/**
 * The planes runDetectDiaSources works in (16 MB at 512²; none of it is returned: the catalog
 * holds its own columns), kept for the next call on this thread instead of allocated per image,
 * as drp/lib/detection.ts keeps detectSources' (freed buffers of this size are what makes V8
 * collect). Each use overwrites or zeroes what it reads.
 */
interface WorkPlanes {
  masked: Float32Array;
  maskedVar: Float32Array;
  tmp: Float64Array;
  smooth: Float64Array;
  noise2: Float64Array;
  detectionNoise2: Float64Array;
  negSmooth: Float64Array;
  variance: Float32Array;
  detectionVariance: Float32Array;
  negData: Float32Array;
}

function workPlanes(n: number): WorkPlanes {
  const f32 = () => new Float32Array(n);
  const f64 = () => new Float64Array(n);
  return keptPlanes('detectDiaSources', n, () => ({ masked: f32(), maskedVar: f32(), tmp: f64(), smooth: f64(), noise2: f64(), detectionNoise2: f64(), negSmooth: f64(), variance: f32(), detectionVariance: f32(), negData: f32() }));
}

/** drp/lib/detection.ts's matchedFilter, the same sums into w.smooth and w.noise2: K ⊗ image and K² ⊗ variance over usable pixels. */
function matchedFilterInto(w: WorkPlanes, image: Float32Array, variance: Float32Array, mask: Int32Array, width: number, height: number, sigmaPx: number): MatchedFilter {
  maskUsable(w, image, variance, mask);
  const { masked, maskedVar } = w;
  const k = detectionKernel(sigmaPx);
  const k2 = squared(k);
  convolveSeparable(masked, width, height, k, k, w.smooth, w.tmp);
  convolveSeparable(maskedVar, width, height, k2, k2, w.noise2, w.tmp);
  return { smooth: w.smooth, noise2: w.noise2 };
}

/** The image and variance on usable pixels (no IGNORE bit, variance > 0), 0 elsewhere, into w.masked and w.maskedVar. */
function maskUsable(w: WorkPlanes, image: Float32Array, variance: Float32Array, mask: Int32Array): void {
  const { masked, maskedVar } = w;
  masked.fill(0);
  maskedVar.fill(0);
  for (let i = 0; i < mask.length; i++) {
    if ((mask[i]! & IGNORE) !== 0 || !(variance[i]! > 0)) continue;
    masked[i] = image[i]!;
    maskedVar[i] = variance[i]!;
  }
}

/**
 * convolveSeparable(maskedVar, k2, k2) at noiseOfFilter's samples only: every third pixel of
 * every third row, at least r (k2's radius) from every edge, where the whole kernel lies on the
 * image. The same products summed in the same order as drp/lib/convolve.ts (rows first, taps
 * ascending; then the column taps ascending from 0), so the same values; out is written there only.
 */
function sampledNoise2(maskedVar: Float32Array, width: number, height: number, k2: Float64Array, tmp: Float64Array, out: Float64Array): void {
  const nk = k2.length;
  const r = (nk - 1) >> 1;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = r; x < width - r; x += 3) {
      const base = row + x - r;
      let s = 0;
      for (let i = 0; i < nk; i++) s += k2[i]! * maskedVar[base + i]!;
      tmp[row + x] = s;
    }
  }
  for (let y = r; y < height - r; y += 3) {
    for (let x = r; x < width - r; x += 3) {
      let acc = 0;
      for (let j = 0; j < nk; j++) acc += k2[j]! * tmp[(y + j - r) * width + x]!;
      out[y * width + x] = acc;
    }
  }
}

/** Σ K²·V over usable pixels, the noise plane of the matched filter, into w.detectionNoise2. */
function filteredVarianceInto(w: WorkPlanes, variance: Float32Array, mask: Int32Array, width: number, height: number, sigmaPx: number): Float64Array {
  const n = width * height;
  const masked = w.maskedVar;
  masked.fill(0);
  for (let i = 0; i < n; i++) if ((mask[i]! & IGNORE) === 0 && variance[i]! > 0) masked[i] = variance[i]!;
  const k2 = squared(detectionKernel(sigmaPx));
  convolveSeparable(masked, width, height, k2, k2, w.detectionNoise2, w.tmp);
  return w.detectionNoise2;
}

export const detectDiaSources = defineTask({
  description: 'Positive and negative detection on a difference image: DiaSources (APDB columns) with dipole, edge, CR and saturation flags',
  config: detectDiaSourcesConfig,
  connections: {
    difference: { kind: 'input', storageClass: 'Exposure' },
    science: { kind: 'input', storageClass: 'Exposure' },
    diaSources: { kind: 'output', storageClass: 'Catalog' },
  },
  run(inputs: TaskInputs, config: DetectDiaSourcesConfig, ctx: TaskContext) {
    const difference = single<ExposureValue>(inputs, 'difference').value;
    const science = single<ExposureValue>(inputs, 'science').value;
    const visit = Number(ctx.dataId.visit ?? science.metadata.VISIT);
    const detector = Number(ctx.dataId.detector ?? science.metadata.DETECTOR);
    if (!Number.isFinite(visit) || !Number.isFinite(detector)) throw new PipelineError('BAD_INPUT', 'detectDiaSources needs the visit and detector of its quantum');
    return { diaSources: runDetectDiaSources(difference, science, { visit, detector }, config).catalog };
  },
});
