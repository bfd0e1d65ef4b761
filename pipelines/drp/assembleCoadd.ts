import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, many, type TaskInputs } from '../framework/task.ts';
import { MASK, type ExposureValue, type Scalar } from '../framework/values.ts';
import { finiteMetadata } from './lib/metadata.ts';
import { NJY_ZERO_POINT_MAG } from './makeWarp.ts';

/**
 * assembleCoadd (LSST pipe_tasks AssembleCoaddTask, reduced): the warps of one patch in one band
 * stacked as an inverse-variance weighted mean with outlier rejection.
 *
 * Weights are per warp, 1 / (median variance of its covered pixels) (LSST's choice: per-pixel
 * variances include the sources' own photon noise, and weighting by them would bias bright
 * sources low). Per pixel, an input is rejected when it deviates from the median of the inputs
 * by more than clipSigma times sqrt(its variance + the median's), but only where the median is
 * consistent with sky (|median| < sourceSigma times its noise): a star's core differs between
 * visits with the seeing, and clipping it would corrupt the coadd's photometry and PSF (LSST
 * uses PSF-matched warps, CompareWarp, for the same reason). This removes cosmic-ray residuals,
 * satellite-like artefacts and transients on sky. Inputs masked CR or SAT are skipped where a
 * clean input exists. Coverage: NO_DATA where no warp contributes.
 *
 *   coadd = Σ w_i v_i / Σ w_i,   variance = Σ w_i² var_i / (Σ w_i)²    (nJy, nJy²)
 */

export const assembleCoaddConfig = z
  .object({
    clipSigma: z.number().positive().default(5),
    sourceSigma: z.number().positive().default(3),
    /** Fewer inputs than this at a pixel: no clipping there (a median of two is no arbiter). */
    minInputsToClip: z.number().int().min(2).default(3),
  })
  .strict();
export type AssembleCoaddConfig = z.infer<typeof assembleCoaddConfig>;

const SKIP = MASK.CR | MASK.SAT;

export function runAssembleCoadd(warps: readonly ExposureValue[], c: AssembleCoaddConfig): ExposureValue {
  const used = warps.filter((w) => Number(w.metadata.NCOVER ?? 1) > 0 && Number(w.metadata.WEIGHT ?? 1) > 0);
  if (warps.length === 0) throw new PipelineError('BAD_INPUT', 'assembleCoadd needs at least one warp');
  const ref = warps[0]!;
  const { width, height } = ref.image;
  for (const w of warps) {
    if (w.image.width !== width || w.image.height !== height) throw new PipelineError('BAD_INPUT', 'warps of one patch must share its grid', { width, height });
  }
  const n = width * height;
  const m = used.length;
  const weight = Float64Array.from(used, (w) => Number(w.metadata.WEIGHT));
  const image = new Float32Array(n);
  const variance = new Float32Array(n);
  const mask = new Int32Array(n);
  // Per-pixel scratch, reused: which inputs cover the pixel, and their values.
  const idx = new Int32Array(m);
  const vals = new Float64Array(m);
  const sorted = new Float64Array(m);
  let rejected = 0;
  let contributions = 0;
  for (let p = 0; p < n; p++) {
    let k = 0;
    let clean = 0;
    for (let i = 0; i < m; i++) {
      const mk = used[i]!.mask[p]!;
      if ((mk & (MASK.NO_DATA | MASK.BAD)) !== 0) continue;
      if ((mk & SKIP) === 0) clean++;
      idx[k++] = i;
    }
    if (k === 0) {
      mask[p] = MASK.NO_DATA;
      continue;
    }
    // Drop CR/SAT-flagged inputs when a clean one exists.
    if (clean > 0 && clean < k) {
      let j = 0;
      for (let t = 0; t < k; t++) if ((used[idx[t]!]!.mask[p]! & SKIP) === 0) idx[j++] = idx[t]!;
      k = j;
    }
    let bits = 0;
    for (let t = 0; t < k; t++) {
      vals[t] = used[idx[t]!]!.image.data[p]!;
      bits |= used[idx[t]!]!.mask[p]! & MASK.SAT;
    }
    let medVal = 0;
    let medVar = Infinity;
    if (k >= c.minInputsToClip) {
      for (let t = 0; t < k; t++) sorted[t] = vals[t]!;
      medVal = medianOf(sorted, k);
      for (let t = 0; t < k; t++) sorted[t] = used[idx[t]!]!.variance.data[p]!;
      // Variance of a median of k values ≈ (π/2)·mean variance / k.
      medVar = (Math.PI / 2) * (medianOf(sorted, k) / k);
    }
    const clip = k >= c.minInputsToClip && Math.abs(medVal) < c.sourceSigma * Math.sqrt(medVar);
    let sw = 0;
    let swv = 0;
    let sw2var = 0;
    for (let t = 0; t < k; t++) {
      const i = idx[t]!;
      const v = vals[t]!;
      const vv = used[i]!.variance.data[p]!;
      if (clip && Math.abs(v - medVal) > c.clipSigma * Math.sqrt(vv + medVar)) {
        rejected++;
        continue;
      }
      const w = weight[i]!;
      sw += w;
      swv += w * v;
      sw2var += w * w * vv;
      contributions++;
    }
    if (sw === 0) {
      mask[p] = MASK.NO_DATA;
      continue;
    }
    image[p] = swv / sw;
    variance[p] = sw2var / (sw * sw);
    mask[p] = bits;
  }
  return {
    image: { width, height, data: image },
    mask,
    variance: { width, height, data: variance },
    wcs: ref.wcs,
    psf: coaddPsfSummary(used, weight),
    zeroPointMag: NJY_ZERO_POINT_MAG,
    metadata: finiteMetadata(coaddMetadata(ref, used, rejected, contributions)),
  };
}

function medianOf(a: Float64Array, k: number): number {
  // Insertion sort: k is the number of visits, a handful.
  for (let i = 1; i < k; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= 0 && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
  return k % 2 === 1 ? a[k >> 1]! : (a[k / 2 - 1]! + a[k / 2]!) / 2;
}

/** Weighted mean of the inputs' PSF FWHMs: a summary; detectCoadd measures the coadd's own PSF. */
function coaddPsfSummary(used: readonly ExposureValue[], weight: Float64Array): ExposureValue['psf'] {
  let sw = 0;
  let sf = 0;
  let ss = 0;
  used.forEach((w, i) => {
    if (!w.psf) return;
    sw += weight[i]!;
    sf += weight[i]! * w.psf.fwhmPx;
    ss += weight[i]! * w.psf.sigmaPx;
  });
  return sw > 0 ? { fwhmPx: sf / sw, sigmaPx: ss / sw } : undefined;
}

function coaddMetadata(ref: ExposureValue, used: readonly ExposureValue[], rejected: number, contributions: number): Record<string, Scalar> {
  const meta: Record<string, Scalar> = { BUNIT: 'nJy', NINPUTS: used.length, NREJECT: rejected, NCONTRIB: contributions };
  for (const key of ['TRACT', 'PATCH', 'INNERX0', 'INNERY0', 'INNERX1', 'INNERY1', 'BAND', 'FILTER']) {
    const v = ref.metadata[key];
    if (v !== undefined) meta[key] = v;
  }
  return meta;
}

export const assembleCoadd = defineTask({
  description: 'Inverse-variance weighted, outlier-clipped mean of the warps of a patch in one band (nJy)',
  config: assembleCoaddConfig,
  connections: {
    warps: { kind: 'input', storageClass: 'Exposure', multiple: true },
    coadd: { kind: 'output', storageClass: 'Exposure' },
  },
  run(inputs: TaskInputs, config: AssembleCoaddConfig) {
    // Sorted by visit: the sum's order, hence the bytes, must not depend on the inputs' order.
    const warps = [...many<ExposureValue>(inputs, 'warps')].sort((a, b) => Number(a.dataId.visit) - Number(b.dataId.visit)).map((d) => d.value);
    return { coadd: runAssembleCoadd(warps, config) };
  },
});
