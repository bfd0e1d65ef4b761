import type { Catalog } from '../../io/parquet.ts';
import { MASK } from '../../framework/values.ts';
import { deblend, type Child } from './deblend.ts';
import { detectSources, dilate, footprintPixels, type Detections } from './detection.ts';
import { apertureFlux, centroidErrorPx, gaussianCentroid, gaussianMoments, psfFlux, type Planes } from './measure.ts';
import { gaussianPsf, momentSigmaPx, psfRadiusPx, type DoubleGaussianPsf } from './psf.ts';
import { fitDoubleGaussianPsf, localBackground } from './psfFit.ts';
import { median } from './stats.ts';
import { scratchFloat32, scratchUint8, zeroedUint8 } from './scratch.ts';

/**
 * Detection, PSF measurement and source measurement on a background-subtracted image, shared by
 * characterizeImage (single exposures, electrons) and detectCoadd (coadds, nJy):
 *   1. detect with the PSF guess; centroid and size every peak;
 *   2. pick PSF stars (bright, unflagged, isolated, in the star-size clump) and fit the
 *      double-Gaussian PSF (psfFit.ts);
 *   3. detect again with a Gaussian of kernelFactor times the measured PSF's width (1 is the
 *      matched filter; below 1 gives up some S/N to separate close pairs), deblend with PSF
 *      templates (deblend.ts) and measure every peak (a blended one on its child): centroid,
 *      moments, PSF flux, aperture flux;
 *   4. aperture correction: the clipped, inverse-variance weighted ratio of isolated PSF-quality
 *      stars' aperture fluxes (annulus background) to their PSF fluxes, applied to every PSF
 *      flux (LSST's measureApCorr, with one constant per image);
 *   5. extendedness: 1 when the PSF flux falls short of the aperture flux by more than a
 *      threshold (the spirit of base_ClassificationExtendedness, aperture for model flux).
 */

export interface MeasureOptions {
  thresholdSigma: number;
  minPixels: number;
  peakMinSigma: number;
  /** Final detection kernel: a Gaussian of this times the PSF's moment sigma. */
  kernelFactor: number;
  psfMinSnr: number;
  psfMaxStars: number;
  psfMinStars: number;
  apCorrRadiusFwhm: number;
  apCorrMinRadiusPx: number;
  extendednessThreshold: number;
  /**
   * Variance added per unit of source flux (1 for electrons) for optimally weighted PSF fluxes;
   * 0 gives LSST's unweighted PsfFlux, whose bias from an imperfect PSF model is the same factor
   * for every source, so the aperture correction removes it (the tasks use 0).
   */
  sourceVarPerFlux: number;
  /** Mask bits whose pixels are not measured. */
  ignoreMask: number;
}

export interface MeasureResult {
  psf: DoubleGaussianPsf;
  /** False when too few PSF stars were found and the PSF is the Gaussian size estimate. */
  psfFitted: boolean;
  nPsfStars: number;
  apCorr: number;
  catalog: Catalog;
  /**
   * Footprints, grown by 2 PSF sigmas, for the DETECTED mask bit: a per-thread kept plane
   * (scratch.ts), valid until the next detectAndMeasure on this thread.
   */
  detected: Uint8Array;
}

/** Star-size clump half-width: sources within this fraction of the median size are star-like. */
const SIZE_CLUMP = 0.15;
/** Width of the local-background annulus beyond a PSF star's aperture, px (also its isolation margin). */
const ANNULUS_PX = 8;
/** Per-star systematic error of an aperture-correction ratio (faint neighbours), added in quadrature. */
const APCORR_FLOOR = 0.003;
/** Neighbours fainter than these fractions of a star (smoothed peak) do not spoil its isolation. */
const ISOLATION_CONTRAST_PSF = 0.002;
const ISOLATION_CONTRAST_APCORR = 0.01;

/**
 * `firstPass`, when given, is a detection with the PSF guess on (nearly) this image, e.g. the one
 * made to mask sources for the background; its peaks seed the PSF measurement.
 */
export function detectAndMeasure(p: Planes, skyVar: Float32Array, psfGuess: DoubleGaussianPsf, o: MeasureOptions, firstPass?: Detections): MeasureResult {
  const det = { thresholdSigma: o.thresholdSigma, minPixels: o.minPixels, peakMinSigma: o.peakMinSigma, ignoreMask: o.ignoreMask };
  // Labels in kept planes (scratch.ts): read only within this call.
  const first = firstPass ?? detectSources(p.data, p.variance, p.mask, p.width, p.height, momentSigmaPx(psfGuess), det, undefined, 'detectAndMeasure.firstLabels');
  const { psf, fitted, nStars, stars } = measurePsf(p, first, psfGuess, o);
  const final = detectSources(p.data, p.variance, p.mask, p.width, p.height, o.kernelFactor * momentSigmaPx(psf), det, undefined, 'detectAndMeasure.labels');
  const blends = deblend(p, final, psf, o.kernelFactor * momentSigmaPx(psf), det);
  const catalog = measureAll(p, skyVar, blends.detections, blends.child, psf, o);
  const apCorr = measureApertureCorrection(p, skyVar, psf, stars, o);
  applyApertureCorrection(catalog, apCorr, o);
  const n = p.width * p.height;
  const footprints = footprintPixels(final.labels, scratchUint8('detectAndMeasure.footprints', n));
  const detected = dilate(footprints, p.width, p.height, Math.ceil(2 * momentSigmaPx(psf)), zeroedUint8('detectAndMeasure.detected', n));
  return { psf, psfFitted: fitted, nPsfStars: nStars, apCorr, catalog, detected };
}

interface Candidate {
  /** Index of the detection peak. */
  peak: number;
  x: number;
  y: number;
  snr: number;
  size: number;
}

function measurePsf(p: Planes, d: Detections, guess: DoubleGaussianPsf, o: MeasureOptions): { psf: DoubleGaussianPsf; fitted: boolean; nStars: number; stars: Candidate[] } {
  const sw = momentSigmaPx(guess);
  const bright: Candidate[] = [];
  for (let k = 0; k < d.peakX.length; k++) {
    if (d.peakSnr[k]! < o.psfMinSnr) continue;
    const c = gaussianCentroid(p, d.peakX[k]!, d.peakY[k]!, sw, o.ignoreMask);
    if (!c.ok) continue;
    const m = gaussianMoments(p, c.x, c.y, sw, o.ignoreMask);
    const size = m.ixx + m.iyy;
    if (Number.isFinite(size) && size > 0) bright.push({ peak: k, x: c.x, y: c.y, snr: d.peakSnr[k]!, size });
  }
  // Source sigma from Gaussian-weighted moments: T/2 = s²w²/(s² + w²) for a Gaussian of sigma s.
  const sizes = bright.map((b) => b.size);
  const medSize = sizes.length > 0 ? median(sizes) : Number.NaN;
  const half = medSize / 2;
  const sigmaEst = half < sw * sw ? Math.sqrt((sw * sw * half) / (sw * sw - half)) : 2 * sw;
  const fallback = Number.isFinite(sigmaEst) ? gaussianPsf(2.3548 * sigmaEst) : guess;
  const radius = Math.min(30, Math.max(8, Math.ceil(3 * fallback.fwhmPx)));
  const starLike = bright
    .filter((b) => Math.abs(b.size - medSize) < SIZE_CLUMP * medSize)
    .filter((b) => b.x >= radius && b.y >= radius && b.x < p.width - radius - 1 && b.y < p.height - radius - 1)
    .sort((a, b) => d.peakValue[b.peak]! - d.peakValue[a.peak]! || a.peak - b.peak);
  // Aperture corrections tolerate faint neighbours (clipped, weighted); the PSF's wing fit less so.
  const stars = starLike.filter((b) => isolated(d, b, radius + ANNULUS_PX, ISOLATION_CONTRAST_APCORR));
  const psfStars = starLike.filter((b) => isolated(d, b, radius + ANNULUS_PX, ISOLATION_CONTRAST_PSF)).slice(0, o.psfMaxStars);
  if (psfStars.length < o.psfMinStars) return { psf: fallback, fitted: false, nStars: psfStars.length, stars };
  const fit = fitDoubleGaussianPsf(p, psfStars, radius, o.ignoreMask | MASK.SAT | MASK.CR);
  if (!fit || fit.nStars < o.psfMinStars) return { psf: fallback, fitted: false, nStars: fit?.nStars ?? 0, stars };
  return { psf: fit.psf, fitted: true, nStars: fit.nStars, stars };
}

/**
 * No other peak within radiusPx brighter than `contrast` times this one (smoothed peak
 * values): a faint neighbour changes a bright star's aperture flux by less than that fraction.
 */
function isolated(d: Detections, c: Candidate, radiusPx: number, contrast: number): boolean {
  for (let k = 0; k < d.peakX.length; k++) {
    if (k === c.peak) continue;
    if (Math.hypot(d.peakX[k]! - c.x, d.peakY[k]! - c.y) < radiusPx && d.peakValue[k]! > contrast * d.peakValue[c.peak]!) return false;
  }
  return true;
}

function measureAll(image: Planes, skyVar: Float32Array, d: Detections, children: readonly (Child | null)[], psf: DoubleGaussianPsf, o: MeasureOptions): Catalog {
  const n = d.peakX.length;
  // A deblended peak is measured on a copy of the image whose footprint holds its child (kept per thread).
  const p: Planes = children.some((c) => c !== null) ? { ...image, data: copied(image.data) } : image;
  const sm = momentSigmaPx(psf);
  const psfRadius = psfRadiusPx(psf);
  const apRadius = apertureRadius(psf, o);
  const cols = {
    id: new Int32Array(n),
    footprintId: new Int32Array(n),
    xPx: new Float64Array(n),
    yPx: new Float64Array(n),
    xErrPx: new Float64Array(n),
    yErrPx: new Float64Array(n),
    peakSnr: new Float64Array(n),
    psfFlux: new Float64Array(n),
    psfFluxErr: new Float64Array(n),
    apFlux: new Float64Array(n),
    apFluxErr: new Float64Array(n),
    snr: new Float64Array(n),
    ixx: new Float64Array(n),
    iyy: new Float64Array(n),
    ixy: new Float64Array(n),
    extendedness: new Float64Array(n),
    flagEdge: new Array<boolean>(n).fill(false),
    flagSaturated: new Array<boolean>(n).fill(false),
    flagCr: new Array<boolean>(n).fill(false),
    flagCentroid: new Array<boolean>(n).fill(false),
  };
  for (let k = 0; k < n; k++) {
    const child = children[k];
    if (child) for (let j = 0; j < child.pixels.length; j++) p.data[child.pixels[j]!] = child.values[j]!;
    const c = gaussianCentroid(p, d.peakX[k]!, d.peakY[k]!, sm, o.ignoreMask);
    const x = c.x;
    const y = c.y;
    const i = Math.min(p.height - 1, Math.max(0, Math.round(y))) * p.width + Math.min(p.width - 1, Math.max(0, Math.round(x)));
    // Cosmic-ray pixels hold interpolated values: the PSF fit leaves them out.
    const f = psfFlux(p, psf, x, y, psfRadius, skyVar[i]!, o.sourceVarPerFlux, o.ignoreMask | MASK.CR);
    const ap = apertureFlux(p, x, y, apRadius, o.ignoreMask);
    const m = gaussianMoments(p, x, y, sm, o.ignoreMask);
    const snr = f.flux / f.fluxErr;
    cols.id[k] = k + 1;
    cols.footprintId[k] = d.peakFootprint[k]!;
    cols.xPx[k] = x;
    cols.yPx[k] = y;
    // Propagated through the centroid estimator (measure.ts); NaN for a non-positive flux.
    const [xErr, yErr] = snr > 0 ? centroidErrorPx(p, psf, x, y, sm, f.flux, o.ignoreMask | MASK.CR) : [Number.NaN, Number.NaN];
    cols.xErrPx[k] = xErr;
    cols.yErrPx[k] = yErr;
    cols.peakSnr[k] = d.peakSnr[k]!;
    cols.psfFlux[k] = f.flux;
    cols.psfFluxErr[k] = f.fluxErr;
    cols.apFlux[k] = ap.flux;
    cols.apFluxErr[k] = ap.fluxErr;
    cols.snr[k] = snr;
    cols.ixx[k] = m.ixx;
    cols.iyy[k] = m.iyy;
    cols.ixy[k] = m.ixy;
    // Edge: the PSF stamp leaves the image or covers pixels without data.
    cols.flagEdge[k] = x < psfRadius || y < psfRadius || x > p.width - 1 - psfRadius || y > p.height - 1 - psfRadius || (f.maskBits & MASK.NO_DATA) !== 0;
    cols.flagSaturated[k] = (f.maskBits & MASK.SAT) !== 0;
    cols.flagCr[k] = (apertureFlux(p, x, y, psf.fwhmPx, 0).maskBits & MASK.CR) !== 0;
    cols.flagCentroid[k] = !c.ok;
    if (child) for (const i of child.pixels) p.data[i] = image.data[i]!;
  }
  return cols;
}

function copied(data: Float32Array): Float32Array {
  const copy = scratchFloat32('measureAll.data', data.length);
  copy.set(data);
  return copy;
}

/**
 * Aperture correction: the ratio of the PSF stars' aperture fluxes (radius
 * max(apCorrMinRadiusPx, apCorrRadiusFwhm·FWHM), local background from an annulus beyond it,
 * divided by the model's enclosed fraction) to their PSF fluxes: an inverse-variance weighted
 * mean, clipped at 3 sigma around the weighted median. It fixes the PSF model's normalisation, which a
 * noisy wing fit leaves uncertain by ~1%; 1 when fewer than psfMinStars stars qualify.
 */
function measureApertureCorrection(p: Planes, skyVar: Float32Array, psf: DoubleGaussianPsf, stars: readonly { x: number; y: number }[], o: MeasureOptions): number {
  const apRadius = apertureRadius(psf, o);
  const enclosed = enclosedFraction(psf, apRadius);
  const psfRadius = psfRadiusPx(psf);
  const rows: { ap: number; apErr: number; psf: number }[] = [];
  for (const s of stars) {
    const c = gaussianCentroid(p, s.x, s.y, momentSigmaPx(psf), o.ignoreMask);
    if (!c.ok) continue;
    const sky = localBackground(p, c.x, c.y, apRadius + 2, apRadius + ANNULUS_PX, o.ignoreMask);
    const ap = apertureFlux(p, c.x, c.y, apRadius, o.ignoreMask);
    const i = Math.round(c.y) * p.width + Math.round(c.x);
    const f = psfFlux(p, psf, c.x, c.y, psfRadius, skyVar[i]!, o.sourceVarPerFlux, o.ignoreMask | MASK.CR);
    if (Number.isNaN(sky) || ap.nMissing > 0 || (ap.maskBits & (MASK.CR | MASK.SAT)) !== 0 || !(f.flux > 0)) continue;
    const area = countInAperture(c.x, c.y, apRadius);
    rows.push({ ap: (ap.flux - area * sky) / enclosed, apErr: Math.sqrt(ap.fluxErr ** 2 + area * skyVar[i]!) / enclosed, psf: f.flux });
  }
  if (rows.length < o.psfMinStars) return 1;
  // Inverse-variance weights with a small floor (per-star contamination); the weighted median
  // as the centre, so the brightest stars anchor it and contaminated apertures get clipped.
  const ratio = rows.map((r) => r.ap / r.psf);
  const sigma = rows.map((r) => Math.hypot(r.apErr / r.psf, APCORR_FLOOR));
  let center = weightedMedian(ratio, sigma.map((e) => 1 / (e * e)));
  for (let it = 0; it < 5; it++) {
    let sw = 0;
    let swr = 0;
    for (let k = 0; k < rows.length; k++) {
      if (Math.abs(ratio[k]! - center) > 3 * sigma[k]!) continue;
      sw += 1 / sigma[k]! ** 2;
      swr += ratio[k]! / sigma[k]! ** 2;
    }
    if (sw === 0) break;
    center = swr / sw;
  }
  return center;
}

function weightedMedian(values: number[], weights: number[]): number {
  const order = values.map((_, k) => k).sort((a, b) => values[a]! - values[b]! || a - b);
  const total = weights.reduce((a, b) => a + b, 0);
  let acc = 0;
  for (const k of order) {
    acc += weights[k]!;
    if (acc >= total / 2) return values[k]!;
  }
  return values[order[order.length - 1]!]!;
}

function apertureRadius(psf: DoubleGaussianPsf, o: MeasureOptions): number {
  return Math.max(o.apCorrMinRadiusPx, o.apCorrRadiusFwhm * psf.fwhmPx);
}

/** Number of pixel centres within radius of (x, y): the aperture's area as apertureFlux sums it. */
function countInAperture(x: number, y: number, radius: number): number {
  const r = Math.ceil(radius);
  const cx = Math.round(x);
  const cy = Math.round(y);
  let n = 0;
  for (let j = cy - r; j <= cy + r; j++) for (let i = cx - r; i <= cx + r; i++) if ((i - x) ** 2 + (j - y) ** 2 <= radius * radius) n++;
  return n;
}

/** Fraction of the double Gaussian's flux within radius (exact for circular Gaussians). */
function enclosedFraction(psf: DoubleGaussianPsf, radius: number): number {
  const g = (s: number) => 1 - Math.exp((-0.5 * radius * radius) / (s * s));
  return (1 - psf.wingFraction) * g(psf.sigma1Px) + psf.wingFraction * g(psf.sigma2Px);
}

/** Applies the aperture correction to PSF fluxes; flags star candidates; sets extendedness. */
function applyApertureCorrection(cat: Catalog, apCorr: number, o: MeasureOptions): void {
  const psfFluxCol = cat.psfFlux as Float64Array;
  const psfErr = cat.psfFluxErr as Float64Array;
  const ap = cat.apFlux as Float64Array;
  const ext = cat.extendedness as Float64Array;
  for (let k = 0; k < psfFluxCol.length; k++) {
    psfFluxCol[k]! *= apCorr;
    psfErr[k]! *= apCorr;
    ext[k] = ap[k]! > 0 ? (psfFluxCol[k]! < (1 - o.extendednessThreshold) * ap[k]! ? 1 : 0) : Number.NaN;
  }
}
