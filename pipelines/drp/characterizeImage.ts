import { z } from 'zod';
import { defineTask, single, type TaskInputs } from '../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../framework/values.ts';
import { estimateBackground, evaluateBackground, meanLevel } from './lib/background.ts';
import { detectSources, dilate, footprintPixels } from './lib/detection.ts';
import { gaussianPsf, momentSigmaPx, psfMetadata } from './lib/psf.ts';
import { finiteMetadata } from './lib/metadata.ts';
import { scratchFloat32, scratchUint8, zeroedUint8 } from './lib/scratch.ts';
import { detectAndMeasure, type MeasureOptions } from './lib/sources.ts';

/**
 * characterizeImage (LSST pipe_tasks CharacterizeImageTask, reduced): background, PSF and a first
 * source catalog.
 *   1. background: mesh estimate (lib/background.ts) and subtraction;
 *   2. detection with the PSF guess, footprints grown by 2 sigma masked DETECTED, and the
 *      background re-estimated without them (sources bias a mesh estimate high);
 *   3. detection and measurement with the PSF fitted to bright stars (lib/sources.ts).
 * The output exposure is background-subtracted, carries the PSF and DETECTED mask bits; the
 * catalog has centroids, PSF and aperture fluxes (electrons), sizes and flags.
 */

export const measureConfigFields = {
  thresholdSigma: z.number().positive().default(5),
  /** Footprints with fewer pixels above threshold are dropped. */
  minPixels: z.number().int().positive().default(5),
  /** A secondary peak needs a dip of this many sigma towards each brighter peak. */
  peakMinSigma: z.number().nonnegative().default(2),
  /**
   * Detection kernel width in units of the PSF's sigma. 0.6 costs ~10% of the matched filter's
   * S/N (irrelevant above the 5 sigma threshold for S/N >= 10 sources) but resolves faint stars on
   * brighter stars' wings: 98% instead of 97% of S/N >= 10 stars found on SimCam.
   */
  detectionKernelFactor: z.number().positive().max(2).default(0.6),
  psfMinSnr: z.number().positive().default(50),
  psfMaxStars: z.number().int().positive().default(60),
  psfMinStars: z.number().int().positive().default(5),
  /** Aperture for the aperture correction and extendedness: this many PSF FWHMs, at least apCorrMinRadiusPx. */
  apCorrRadiusFwhm: z.number().positive().default(2.5),
  apCorrMinRadiusPx: z.number().positive().default(8),
  /** Extended when the PSF flux is short of the aperture flux by more than this fraction. */
  extendednessThreshold: z.number().positive().default(0.04),
};

export const characterizeImageConfig = z
  .object({
    backgroundBinSizePx: z.number().int().positive().default(64),
    backgroundClipSigma: z.number().positive().default(3),
    backgroundNIter: z.number().int().positive().default(3),
    /** PSF FWHM guess for the first detection, px (0.8" at SimCam's 0.2"/px). */
    psfFwhmGuessPx: z.number().positive().default(4),
    ...measureConfigFields,
  })
  .strict();
export type CharacterizeImageConfig = z.infer<typeof characterizeImageConfig>;

export function measureOptions(c: z.infer<z.ZodObject<typeof measureConfigFields>>, sourceVarPerFlux: number, ignoreMask: number): MeasureOptions {
  return {
    thresholdSigma: c.thresholdSigma,
    minPixels: c.minPixels,
    peakMinSigma: c.peakMinSigma,
    kernelFactor: c.detectionKernelFactor,
    psfMinSnr: c.psfMinSnr,
    psfMaxStars: c.psfMaxStars,
    psfMinStars: c.psfMinStars,
    apCorrRadiusFwhm: c.apCorrRadiusFwhm,
    apCorrMinRadiusPx: c.apCorrMinRadiusPx,
    extendednessThreshold: c.extendednessThreshold,
    sourceVarPerFlux,
    ignoreMask,
  };
}

/** Pixels never used for background, detection or measurement. */
const IGNORE = MASK.BAD | MASK.NO_DATA;

export function runCharacterizeImage(input: ExposureValue, c: CharacterizeImageConfig): { exposure: ExposureValue; sources: CatalogValue } {
  const { width, height } = input.image;
  const n = width * height;
  const original = input.image.data;
  const mask = new Int32Array(n);
  withoutBits(input.mask, MASK.DETECTED, mask);
  const bgOpts = { binSizePx: c.backgroundBinSizePx, clipSigma: c.backgroundClipSigma, nIter: c.backgroundNIter };
  const bg = scratchFloat32('characterizeImage.background', n);
  const data = new Float32Array(n);
  // Pass 1: background from all usable pixels, then mask what is detected with the PSF guess.
  evaluateBackground(estimateBackground(original, mask, width, height, { ...bgOpts, ignoreMask: IGNORE | MASK.SAT }), bg);
  subtract(original, bg, data);
  const guess = gaussianPsf(c.psfFwhmGuessPx);
  // first's labels are a kept plane, read only here: detectAndMeasure uses first's peaks.
  const first = detectSources(
    data,
    input.variance.data,
    mask,
    width,
    height,
    momentSigmaPx(guess),
    { thresholdSigma: c.thresholdSigma, minPixels: c.minPixels, peakMinSigma: c.peakMinSigma, ignoreMask: IGNORE },
    undefined,
    'characterizeImage.firstLabels',
  );
  const footprints = footprintPixels(first.labels, scratchUint8('characterizeImage.footprints', n));
  const grown = dilate(footprints, width, height, Math.ceil(2 * momentSigmaPx(guess)), zeroedUint8('characterizeImage.grown', n));
  setBits(mask, grown, MASK.DETECTED);
  // Pass 2: background without the detected sources.
  const model = estimateBackground(original, mask, width, height, { ...bgOpts, ignoreMask: IGNORE | MASK.SAT | MASK.DETECTED });
  evaluateBackground(model, bg);
  subtract(original, bg, data);
  const skyVar = evaluateBackground(
    estimateBackground(input.variance.data, mask, width, height, { ...bgOpts, statistic: 'median', ignoreMask: IGNORE | MASK.SAT | MASK.DETECTED | MASK.CR }),
    scratchFloat32('characterizeImage.skyVariance', n),
  );
  withoutBits(mask, MASK.DETECTED, mask);
  const planes = { data, variance: input.variance.data, mask, width, height };
  const result = detectAndMeasure(planes, skyVar, guess, measureOptions(c, 0, IGNORE), first);
  setBits(mask, result.detected, MASK.DETECTED);

  const psf = result.psf;
  const metadata = {
    ...input.metadata,
    BGMEAN: meanLevel(model),
    ...psfMetadata(psf),
    PSFOK: result.psfFitted,
    NPSFSTAR: result.nPsfStars,
    APCORR: result.apCorr,
    NSOURCES: result.catalog.id!.length,
  };
  return {
    exposure: {
      image: { width, height, data },
      mask,
      variance: input.variance,
      wcs: input.wcs,
      psf: { fwhmPx: psf.fwhmPx, sigmaPx: psf.sigma1Px },
      metadata: finiteMetadata(metadata),
    },
    sources: {
      columns: result.catalog,
      metadata: {
        fluxUnit: 'electron',
        psfFwhmPx: String(psf.fwhmPx),
        apCorr: String(result.apCorr),
        backgroundMean: String(meanLevel(model)),
      },
    },
  };
}

// The pixel loops live in small functions: runCharacterizeImage runs once per image, and V8
// compiling it on the stack at each long loop (OSR) kept throwing that code away and compiling
// it again on every image (see docs/runner.md, "Why the science scales").

function withoutBits(mask: Int32Array, bits: number, out: Int32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = mask[i]! & ~bits;
}

function subtract(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! - b[i]!;
}

function setBits(mask: Int32Array, where: Uint8Array, bits: number): void {
  for (let i = 0; i < mask.length; i++) if (where[i]) mask[i]! |= bits;
}

export const characterizeImage = defineTask({
  description: 'Background subtraction, PSF measurement (double Gaussian), detection and first measurement of sources',
  config: characterizeImageConfig,
  connections: {
    exposure: { kind: 'input', storageClass: 'Exposure' },
    characterized: { kind: 'output', storageClass: 'Exposure' },
    sources: { kind: 'output', storageClass: 'Catalog' },
  },
  run(inputs: TaskInputs, config: CharacterizeImageConfig) {
    const { exposure, sources } = runCharacterizeImage(single<ExposureValue>(inputs, 'exposure').value, config);
    return { characterized: exposure, sources };
  },
});
