import { PipelineError } from '../../framework/errors.ts';
import { MASK, type ExposureValue } from '../../framework/values.ts';
import { dilate } from '../../drp/lib/detection.ts';
import { makePsf, PsfStamp, psfMetadata, type DoubleGaussianPsf } from '../../drp/lib/psf.ts';
import { convolve2d, fitKernel, makeBasis } from './alardLupton.ts';

/**
 * Matching an exposure to a model PSF (LSST ip_diffim ModelPsfMatchTask, used by pipe_tasks'
 * MakeWarpTask for its PSF-matched warps): the Alard-Lupton kernel that takes the exposure's
 * PSF model to the target model is fitted on noise-free images of the two models, then the
 * exposure is convolved with it (variance with its square, masks grown by its half-width).
 *
 * Why templates need it: a coadd of a few dithered visits mixes their PSFs with weights that
 * change wherever a visit's chip gap or field edge falls, so its PSF is a patchwork. A single
 * matching kernel cannot follow that, and bright stars leave residuals of several per cent in the
 * difference image. Coadding warps that were all first matched to one model PSF gives a template
 * whose PSF is that model everywhere.
 *
 * The target is a double Gaussian of the given FWHM with SimCam's shape (wing sigma twice the
 * core's, 10% of the flux in the wing); every input must be narrower (no deconvolution).
 */

export function targetPsf(fwhmPx: number): DoubleGaussianPsf {
  // The FWHM of the (1, 2, 0.1) double Gaussian is a fixed multiple of its core sigma.
  const unit = makePsf(1, 2, 0.1).fwhmPx;
  const s = fwhmPx / unit;
  return makePsf(s, 2 * s, 0.1);
}

function psfImage(psf: DoubleGaussianPsf, half: number): Float32Array {
  const n = 2 * half + 1;
  const stamp = new PsfStamp();
  stamp.fill(psf, half, half, 0, 0, n, n);
  const out = new Float32Array(n * n);
  for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) out[j * n + i] = stamp.value(i, j);
  return out;
}

export interface PsfMatchResult {
  exposure: ExposureValue;
  kernelHalfWidth: number;
  /** RMS of the matched model minus the target model, relative to the target's peak. */
  residualRms: number;
}

export function matchToModelPsf(exposure: ExposureValue, psf: DoubleGaussianPsf, target: DoubleGaussianPsf): PsfMatchResult {
  if (!(psf.fwhmPx < target.fwhmPx)) {
    throw new PipelineError('BAD_INPUT', `PSF matching to a ${target.fwhmPx.toFixed(2)} px FWHM model needs a narrower PSF, but this exposure's is ${psf.fwhmPx.toFixed(2)} px; raise the target FWHM`, {
      psfFwhmPx: psf.fwhmPx,
      targetFwhmPx: target.fwhmPx,
    });
  }
  const core = Math.sqrt(Math.max(target.sigma1Px ** 2 - psf.sigma1Px ** 2, 0.09));
  const wing = Math.sqrt(Math.max(target.sigma2Px ** 2 - psf.sigma2Px ** 2, 0.09));
  const sigmas = [0.5 * core, core, Math.max(wing, 1.5 * core)];
  const h = Math.min(20, Math.max(4, Math.ceil(3 * sigmas[2]!)));
  const basis = makeBasis(sigmas, [4, 2, 2], h);
  const stampHalf = Math.ceil(4 * target.sigma2Px);
  const half = stampHalf + h;
  const n = 2 * half + 1;
  const reference = psfImage(psf, half);
  const goal = psfImage(target, half);
  const solution = fitKernel(
    { reference, target: goal, variance: new Float32Array(n * n).fill(1), width: n, height: n, stamps: [{ x: half, y: half }], stampHalf, basis, clipSigma: 3, maxIterations: 0 },
    1,
  );
  const peak = goal[half * n + half]!;
  const { width, height } = exposure.image;
  const image = new Float32Array(width * height);
  const variance = new Float32Array(width * height);
  convolve2d(exposure.image.data, width, height, solution.kernel, h, image);
  convolve2d(exposure.variance.data, width, height, Float64Array.from(solution.kernel, (v) => v * v), h, variance);
  const mask = new Int32Array(width * height);
  for (const bit of [MASK.BAD, MASK.NO_DATA, MASK.SAT, MASK.CR]) {
    const grown = dilate(Uint8Array.from(exposure.mask, (m) => ((m & bit) !== 0 ? 1 : 0)), width, height, h);
    for (let i = 0; i < grown.length; i++) if (grown[i]) mask[i]! |= bit;
  }
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) if (x < h || y < h || x >= width - h || y >= height - h) mask[y * width + x]! |= MASK.NO_DATA;
  }
  return {
    exposure: {
      ...exposure,
      image: { width, height, data: image },
      variance: { width, height, data: variance },
      mask,
      psf: { fwhmPx: target.fwhmPx, sigmaPx: target.sigma1Px },
      metadata: { ...exposure.metadata, ...psfMetadata(target), PSFMATCH: true },
    },
    kernelHalfWidth: h,
    residualRms: Math.sqrt(solution.meanChi2) / peak,
  };
}
