import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, single, type TaskInputs } from '../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue, type Scalar } from '../framework/values.ts';
import { finiteMetadata } from '../drp/lib/metadata.ts';
import { scratchFloat32 } from '../drp/lib/scratch.ts';
import { makePsf, psfFromMetadata, psfMetadata } from '../drp/lib/psf.ts';
import { fitKernel, makeBasis, type KernelSolution, type Stamp } from './lib/alardLupton.ts';
import { convolvePairFft } from './lib/fft.ts';

/**
 * subtractImages (LSST ip_diffim AlardLuptonSubtractTask): PSF-matched image subtraction of the
 * template from the science exposure, difference = science − K ⊗ template − background.
 *
 * Algorithm: Alard & Lupton (1998, ApJ 503, 325), with Alard (2000, A&AS 144, 363)'s zero-sum
 * basis normalisation (lib/alardLupton.ts), rather than ZOGY (Zackay, Ofek & Gal-Yam 2016, ApJ
 * 830, 27). Why:
 *   - ZOGY is optimal only when both PSFs are known accurately; our template is a coadd whose PSF
 *     is a weighted mixture of its visits' PSFs (plus resampling blur), summarised by one FWHM,
 *     not modelled. Alard-Lupton fits the matching kernel to the pixels of both images, so it
 *     absorbs that mismatch, small astrometric offsets and the photometric scale.
 *   - It is Rubin's production default (ip_diffim, `AlardLuptonSubtractTask`), so results and
 *     configs compare with Rubin's.
 *   - Its kernel is fitted in real space on stamps, so it needs no FFT of whole images to fit and
 *     no padding of the PSFs. (The fitted kernel is then applied by FFT, lib/fft.ts: the same
 *     convolution, ~4x cheaper than the direct sum, equal to it within float32 rounding.)
 * What Alard-Lupton costs: the convolved image's noise is correlated. Rubin removes that with the
 * decorrelation afterburner (Reiss & Lupton 2016); we leave the pixels correlated and
 * detectDiaSources measures the noise of its matched filter empirically instead (see there).
 *
 * Mode (as ip_diffim's `mode: auto`): the image with the narrower PSF is convolved, never
 * deconvolved. Normally that is the template (a coadd of average seeing); when the science visit
 * has better seeing than the template, the science image is convolved to the template's PSF and
 * the difference is K ⊗ science − template (same sign: new flux is positive).
 *
 * Basis: three Gaussians of sigma σ/2, σ and 2σ with polynomial degrees 4, 2, 2 (ip_diffim's
 * `alardDegGauss` default), σ the Gaussian width that matches the two PSFs (at least
 * minBasisSigmaPx); a differential background of degree 1. Kernel stamps are centred on the
 * science catalog's clean, unsaturated sources with S/N ≥ stampMinSnr, brightest first.
 *
 * Mask: the convolved image's SAT, CR, BAD and NO_DATA bits are grown by the kernel half-width;
 * the outer kernel half-width of the image is NO_DATA | EDGE; pixels within edgeWidthPx of
 * NO_DATA are EDGE. Variance: science variance + K² ⊗ template variance (or the converse).
 */

export const subtractImagesConfig = z
  .object({
    mode: z.enum(['auto', 'convolveTemplate', 'convolveScience']).default('auto'),
    gaussianDegrees: z.array(z.number().int().nonnegative()).length(3).default([4, 2, 2]),
    /** The basis sigmas are this many times the matching sigma. */
    basisSigmaFactors: z.array(z.number().positive()).length(3).default([0.5, 1, 2]),
    minBasisSigmaPx: z.number().positive().default(0.7),
    /** Kernel half-width = clamp(ceil(kernelHalfWidthSigmas · largest basis sigma), min, max). */
    kernelHalfWidthSigmas: z.number().positive().default(3.5),
    kernelHalfWidthMinPx: z.number().int().positive().default(6),
    kernelHalfWidthMaxPx: z.number().int().positive().default(15),
    stampHalfWidthFwhm: z.number().positive().default(2),
    stampMinSnr: z.number().positive().default(20),
    maxStamps: z.number().int().positive().default(80),
    minStamps: z.number().int().positive().default(8),
    clipSigma: z.number().positive().default(3),
    maxClipIterations: z.number().int().nonnegative().default(3),
    /** Pixels within this many PSF FWHMs of NO_DATA are flagged EDGE. */
    edgeWidthFwhm: z.number().nonnegative().default(1),
  })
  .strict();
export type SubtractImagesConfig = z.infer<typeof subtractImagesConfig>;

const FWHM_PER_SIGMA = 2 * Math.sqrt(2 * Math.LN2);
const UNUSABLE = MASK.BAD | MASK.NO_DATA | MASK.SAT | MASK.CR;
const GROWN = MASK.BAD | MASK.NO_DATA | MASK.SAT | MASK.CR;

export interface SubtractionResult {
  difference: ExposureValue;
  matchedTemplate: ExposureValue;
  solution: KernelSolution;
  mode: 'convolveTemplate' | 'convolveScience';
}

export function runSubtractImages(science: ExposureValue, template: ExposureValue, sources: CatalogValue, c: SubtractImagesConfig): SubtractionResult {
  const { width, height } = science.image;
  if (template.image.width !== width || template.image.height !== height) {
    throw new PipelineError('BAD_INPUT', `the template is ${template.image.width}x${template.image.height} but the science exposure is ${width}x${height}; run getTemplate on this exposure`);
  }
  const sciPsf = psfFromMetadata(science.metadata);
  if (!sciPsf) throw new PipelineError('BAD_INPUT', 'the science exposure has no PSF (PSFSIG1, PSFSIG2, PSFWFRAC)');
  const tmplFwhm = template.psf?.fwhmPx;
  if (tmplFwhm === undefined || !Number.isFinite(tmplFwhm)) throw new PipelineError('BAD_INPUT', 'the template has no PSF FWHM');
  const sigS = sciPsf.fwhmPx / FWHM_PER_SIGMA;
  const sigT = tmplFwhm / FWHM_PER_SIGMA;
  const sigmaMatch = Math.max(c.minBasisSigmaPx, Math.sqrt(Math.abs(sigS * sigS - sigT * sigT)));
  const sigmas = c.basisSigmaFactors.map((f) => f * sigmaMatch);
  const h = Math.min(c.kernelHalfWidthMaxPx, Math.max(c.kernelHalfWidthMinPx, Math.ceil(c.kernelHalfWidthSigmas * Math.max(...sigmas))));
  const basis = makeBasis(sigmas, c.gaussianDegrees, h);
  const maxFwhm = Math.max(sciPsf.fwhmPx, tmplFwhm);
  const stampHalf = Math.ceil(c.stampHalfWidthFwhm * maxFwhm);

  const n = width * height;
  // The kernel fit's variance plane (science + template), which nothing returned holds: kept per
  // thread rather than allocated per image, and overwritten whole.
  const variance = scratchFloat32('subtractImages.fitVariance', n);
  addInto(science.variance.data, template.variance.data, variance);
  const stamps = selectStamps(sources, science, template, stampHalf, h, c);
  const fit = (m: 'convolveTemplate' | 'convolveScience'): KernelSolution => {
    const [r, t] = m === 'convolveTemplate' ? [template, science] : [science, template];
    return fitKernel({ reference: r.image.data, target: t.image.data, variance, width, height, stamps, stampHalf, basis, clipSigma: c.clipSigma, maxIterations: c.maxClipIterations }, c.minStamps);
  };
  // auto: the image with the narrower PSF is convolved. The PSF widths are estimates, though: when
  // they are close, the fitted kernel can come out sharpening (negative second moment), which
  // deconvolves noise and leaves ringing pairs on the difference. Then the other direction is
  // fitted too, and the kernel that widens more is kept (ip_diffim avoids the same case by
  // pre-convolving the science image).
  let mode: 'convolveTemplate' | 'convolveScience' = c.mode === 'auto' ? (sigS >= sigT ? 'convolveTemplate' : 'convolveScience') : c.mode;
  let solution = fit(mode);
  if (c.mode === 'auto' && solution.kernelVariancePx2 < 0) {
    const other = mode === 'convolveTemplate' ? 'convolveScience' : 'convolveTemplate';
    const alternative = fit(other);
    if (alternative.kernelVariancePx2 > solution.kernelVariancePx2) {
      mode = other;
      solution = alternative;
    }
  }
  const [ref, tgt] = mode === 'convolveTemplate' ? [template, science] : [science, template];

  // Apply: convolved reference plus background, and the difference with the science sign.
  const k2 = Float64Array.from(solution.kernel, (v) => v * v);
  const convolved = new Float32Array(n);
  const convolvedVar = new Float32Array(n);
  convolvePairFft(ref.image.data, solution.kernel, ref.variance.data, k2, width, height, h, convolved, convolvedVar);
  const [b0, b1, b2] = solution.background;
  addBackground(convolved, width, height, b0, b1, b2);
  const grownRef = growMask(ref.mask, width, height, h);
  const diff = new Float32Array(n);
  const diffVar = new Float32Array(n);
  const mask = new Int32Array(n);
  combine(tgt, convolved, convolvedVar, grownRef, mode === 'convolveTemplate' ? 1 : -1, h, diff, diffVar, mask);
  markEdges(mask, width, height, Math.ceil(c.edgeWidthFwhm * maxFwhm));

  // The difference image's PSF: the science PSF, or the science PSF widened by the kernel.
  const k2px = Math.max(0, solution.kernelVariancePx2);
  const diffPsf = mode === 'convolveTemplate' ? sciPsf : makePsf(Math.sqrt(sciPsf.sigma1Px ** 2 + k2px), Math.sqrt(sciPsf.sigma2Px ** 2 + k2px), sciPsf.wingFraction);
  const meta: Record<string, Scalar> = {
    ...science.metadata,
    ...psfMetadata(diffPsf),
    SUBMODE: mode,
    KERNHALF: h,
    KERNSUM: solution.kernelSum,
    KERNVAR: solution.kernelVariancePx2,
    KSIGMA: sigmaMatch,
    NSTAMP: solution.stampsUsed,
    NSTAMPRJ: solution.stampsRejected,
    KCHI2: solution.meanChi2,
    DIFFBG0: b0,
    TMPLFWHM: tmplFwhm,
  };
  const matchedTemplate: ExposureValue =
    mode === 'convolveTemplate'
      ? { image: { width, height, data: convolved }, mask: Int32Array.from(mask), variance: { width, height, data: convolvedVar }, wcs: science.wcs, psf: science.psf, zeroPointMag: science.zeroPointMag, metadata: finiteMetadata({ ...meta }) }
      : template;
  return {
    difference: {
      image: { width, height, data: diff },
      mask,
      variance: { width, height, data: diffVar },
      wcs: science.wcs,
      psf: { fwhmPx: diffPsf.fwhmPx, sigmaPx: diffPsf.sigma1Px },
      zeroPointMag: science.zeroPointMag,
      metadata: finiteMetadata(meta),
    },
    matchedTemplate,
    solution,
    mode,
  };
}

// The pixel loops live in small functions: runSubtractImages runs once per image, and V8
// compiling a long function on the stack at each of its loops (OSR) throws that code away again
// (see docs/runner.md, "Why the science scales").

function addInto(a: Float32Array, b: Float32Array, out: Float32Array): void {
  for (let i = 0; i < out.length; i++) out[i] = a[i]! + b[i]!;
}

function addBackground(img: Float32Array, width: number, height: number, b0: number, b1: number, b2: number): void {
  for (let y = 0; y < height; y++) {
    const by = b0 + b2 * ((2 * y) / height - 1);
    for (let x = 0; x < width; x++) img[y * width + x]! += by + b1 * ((2 * x) / width - 1);
  }
}

/**
 * The difference (sign·(target − convolved reference)), its variance and mask; pixels within h of
 * the edge are NO_DATA | EDGE and, like any NO_DATA pixel, keep 0.
 */
function combine(tgt: ExposureValue, convolved: Float32Array, convolvedVar: Float32Array, grownRef: Int32Array, sign: 1 | -1, h: number, diff: Float32Array, diffVar: Float32Array, mask: Int32Array): void {
  const { width, height } = tgt.image;
  const t = tgt.image.data;
  const tv = tgt.variance.data;
  const tm = tgt.mask;
  for (let y = 0; y < height; y++) {
    const rowBorder = y < h || y >= height - h;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const border = rowBorder || x < h || x >= width - h;
      const m = (tm[i]! & ~MASK.DETECTED) | grownRef[i]! | (border ? MASK.NO_DATA | MASK.EDGE : 0);
      mask[i] = m;
      if ((m & MASK.NO_DATA) !== 0) continue;
      diff[i] = sign === 1 ? t[i]! - convolved[i]! : convolved[i]! - t[i]!;
      diffVar[i] = tv[i]! + convolvedVar[i]!;
    }
  }
}

/** Kernel stamps: clean, unsaturated, well-measured science sources whose stamp and kernel box are whole in both images. */
function selectStamps(sources: CatalogValue, science: ExposureValue, template: ExposureValue, stampHalf: number, h: number, c: SubtractImagesConfig): Stamp[] {
  const s = sources.columns;
  const xs = s.xPx as Float64Array | undefined;
  const ys = s.yPx as Float64Array | undefined;
  const snr = s.snr as Float64Array | undefined;
  if (!xs || !ys || !snr) throw new PipelineError('BAD_INPUT', 'the science source catalog needs xPx, yPx and snr columns');
  const flag = (name: string, k: number) => ((s[name] as boolean[] | undefined)?.[k] ?? false) === true;
  const { width, height } = science.image;
  const reach = stampHalf + h;
  const order = Array.from({ length: xs.length }, (_, k) => k)
    .filter((k) => snr[k]! >= c.stampMinSnr && !flag('flagEdge', k) && !flag('flagSaturated', k) && !flag('flagCr', k))
    .sort((a, b) => snr[b]! - snr[a]! || a - b);
  const out: Stamp[] = [];
  for (const k of order) {
    if (out.length >= c.maxStamps) break;
    const x = Math.round(xs[k]!);
    const y = Math.round(ys[k]!);
    if (x - reach < 0 || y - reach < 0 || x + reach >= width || y + reach >= height) continue;
    // No two stamps share pixels (a source on another's wing would be fitted twice).
    if (out.some((o) => Math.abs(o.x - x) <= 2 * stampHalf && Math.abs(o.y - y) <= 2 * stampHalf)) continue;
    let bad = false;
    for (let yy = y - reach; yy <= y + reach && !bad; yy++) {
      for (let xx = x - reach; xx <= x + reach; xx++) {
        const i = yy * width + xx;
        if (((science.mask[i]! | template.mask[i]!) & UNUSABLE) !== 0) {
          bad = true;
          break;
        }
      }
    }
    if (!bad) out.push({ x, y });
  }
  return out;
}

/** The reference mask's SAT, CR, BAD and NO_DATA bits, each grown by the kernel half-width. */
function growMask(mask: Int32Array, width: number, height: number, h: number): Int32Array {
  const present = orOf(mask) & GROWN;
  return growBits(mask, width, height, [MASK.BAD, MASK.NO_DATA, MASK.SAT, MASK.CR].filter((b) => (present & b) !== 0), h);
}

function orOf(mask: Int32Array): number {
  let bits = 0;
  for (let i = 0; i < mask.length; i++) bits |= mask[i]!;
  return bits;
}

function markEdges(mask: Int32Array, width: number, height: number, r: number): void {
  if (r <= 0) return;
  const grown = growBits(mask, width, height, [MASK.NO_DATA], r);
  for (let i = 0; i < grown.length; i++) if ((grown[i]! & MASK.NO_DATA) !== 0) mask[i]! |= MASK.EDGE;
}

/**
 * Each of the given bits set wherever a pixel within r (in x and in y: a (2r+1)² square) has it:
 * drp/lib/detection.ts's dilate of each bit's plane, all bits in one Int32 plane. Both passes
 * sweep rows (the vertical one keeps, per column, the last row that had the bit), so no pass
 * walks down a column.
 */
function growBits(mask: Int32Array, width: number, height: number, bits: readonly number[], r: number): Int32Array {
  const out = new Int32Array(width * height);
  if (bits.length === 0) return out;
  const rows = new Int32Array(width * height);
  for (const b of bits) growRowsOf(mask, rows, width, height, b, r);
  const last = new Int32Array(width);
  for (const b of bits) growColumnsOf(rows, out, width, height, b, r, last);
  return out;
}

const FAR = 1 << 30;

/** Horizontal pass: bit b of out set within r of bit b of src on the same row. */
function growRowsOf(src: Int32Array, out: Int32Array, width: number, height: number, b: number, r: number): void {
  for (let y = 0; y < height; y++) {
    const row = y * width;
    let prev = -FAR;
    for (let x = 0; x < width; x++) {
      if ((src[row + x]! & b) !== 0) prev = x;
      if (x - prev <= r) out[row + x]! |= b;
    }
    let next = FAR;
    for (let x = width - 1; x >= 0; x--) {
      if ((src[row + x]! & b) !== 0) next = x;
      if (next - x <= r) out[row + x]! |= b;
    }
  }
}

/** Vertical pass, row by row: bit b of out set within r rows of bit b of src in the same column. */
function growColumnsOf(src: Int32Array, out: Int32Array, width: number, height: number, b: number, r: number, last: Int32Array): void {
  last.fill(-FAR);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((src[row + x]! & b) !== 0) last[x] = y;
      if (y - last[x]! <= r) out[row + x]! |= b;
    }
  }
  last.fill(FAR);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if ((src[row + x]! & b) !== 0) last[x] = y;
      if (last[x]! - y <= r) out[row + x]! |= b;
    }
  }
}

export const subtractImages = defineTask({
  description: 'Alard-Lupton PSF-matched subtraction of the template from a calexp (difference image and matched template)',
  config: subtractImagesConfig,
  connections: {
    template: { kind: 'input', storageClass: 'Exposure' },
    science: { kind: 'input', storageClass: 'Exposure' },
    sources: { kind: 'input', storageClass: 'Catalog' },
    difference: { kind: 'output', storageClass: 'Exposure' },
    matchedTemplate: { kind: 'output', storageClass: 'Exposure' },
  },
  run(inputs: TaskInputs, config: SubtractImagesConfig) {
    const r = runSubtractImages(single<ExposureValue>(inputs, 'science').value, single<ExposureValue>(inputs, 'template').value, single<CatalogValue>(inputs, 'sources').value, config);
    return { difference: r.difference, matchedTemplate: r.matchedTemplate };
  },
});
