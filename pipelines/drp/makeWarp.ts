import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, many, type TaskContext, type TaskInputs } from '../framework/task.ts';
import { MASK, type ExposureValue, type Scalar } from '../framework/values.ts';
import { pixelToSky, skyToPixel } from '../image/wcs.ts';
import { finiteMetadata } from './lib/metadata.ts';
import { psfFromMetadata, psfMetadata } from './lib/psf.ts';
import { patchGrid, patchMetadata, SIMCAM_SKYMAP_DEFINITION, SkymapDefinitionSchema, type PatchGrid } from './lib/skymap.ts';
import { median } from './lib/stats.ts';
import { warpOnto, type WarpingKernel } from './lib/warp.ts';
import { matchToModelPsf, targetPsf } from '../ap/lib/modelPsfMatch.ts';

/**
 * makeWarp (LSST pipe_tasks MakeWarpTask, "direct" warps): every calexp of one visit resampled
 * onto one patch's pixel grid (lib/warp.ts; Lanczos-3 by default) and scaled to nJy with its own
 * zero point, so warps of different visits share one unit: flux_nJy = electrons ·
 * 10^(0.4 (31.4 - zeroPointMag)) (31.4 is the AB magnitude of 1 nJy).
 *
 * Quantum: {skymap, tract, patch, visit}; all calexps of the visit are gathered (detectors do
 * not overlap, so each patch pixel comes from at most one). Coverage is the mask: NO_DATA where
 * no calexp reached; the variance plane gives per-pixel weights. Metadata carries the visit's
 * PSF, its inverse-variance weight (1 / median variance of covered pixels, nJy⁻²) and the number
 * of covered pixels.
 *
 * With psfMatchFwhmPx set, every calexp is first convolved to one model PSF of that FWHM
 * (ap/lib/modelPsfMatch.ts, as MakeWarpTask's PSF-matched warps): coadds of such warps have the
 * same PSF everywhere, which difference-imaging templates need (pipelines/ap/README.md). Off by
 * default: direct warps keep the full resolution of each visit.
 *
 * The patch geometry comes from `skymap`, the skymap dimension record's definition (tasks see
 * no dimension records; the default is the SimCam skymap's).
 */

export const NJY_ZERO_POINT_MAG = 31.4;

export const makeWarpConfig = z
  .object({
    skymap: SkymapDefinitionSchema.default(SIMCAM_SKYMAP_DEFINITION),
    warpingKernel: z.enum(['lanczos3', 'bilinear']).default('lanczos3'),
    /** Exact WCS evaluations every this many destination pixels, bilinear in between. */
    interpLengthPx: z.number().int().positive().default(16),
    /** PSF-matched warps: the model PSF's FWHM, px (larger than every input's), or null for direct warps. */
    psfMatchFwhmPx: z.number().positive().nullable().default(null),
  })
  .strict();
export type MakeWarpConfig = z.infer<typeof makeWarpConfig>;

export function runMakeWarp(calexps: readonly ExposureValue[], grid: PatchGrid, kernel: WarpingKernel, interpLengthPx: number, psfMatchFwhmPx: number | null = null): ExposureValue {
  if (psfMatchFwhmPx !== null) {
    const target = targetPsf(psfMatchFwhmPx);
    // Only the calexps that reach the patch are worth convolving.
    calexps = calexps.filter((c) => c.wcs === undefined || reachesGrid(c, grid)).map((c) => {
      const psf = psfFromMetadata(c.metadata);
      if (!psf) throw new PipelineError('BAD_INPUT', 'PSF-matched warps need calexps with a PSF model (PSFSIG1, PSFSIG2, PSFWFRAC)');
      return matchToModelPsf(c, psf, target).exposure;
    });
  }
  const n = grid.width * grid.height;
  const target = {
    wcs: grid.wcs,
    width: grid.width,
    height: grid.height,
    image: new Float32Array(n),
    variance: new Float32Array(n),
    mask: new Int32Array(n).fill(MASK.NO_DATA),
  };
  let covered = 0;
  for (const c of calexps) {
    if (!c.wcs || c.zeroPointMag === undefined) throw new PipelineError('BAD_INPUT', 'makeWarp needs calibrated exposures (WCS and zero point)');
    covered += warpOnto(c, target, Math.pow(10, 0.4 * (NJY_ZERO_POINT_MAG - c.zeroPointMag)), kernel, interpLengthPx);
  }
  const vars: number[] = [];
  for (let i = 0; i < n; i += 7) if (target.mask[i] === 0) vars.push(target.variance[i]!);
  const weight = vars.length > 0 ? 1 / median(vars) : 0;
  const first = calexps[0];
  const psf = first ? psfFromMetadata(first.metadata) : undefined;
  const fwhm = calexps.length > 0 ? median(calexps.map((c) => c.psf?.fwhmPx ?? Number.NaN).filter(Number.isFinite)) : Number.NaN;
  const meta: Record<string, Scalar> = {
    BUNIT: 'nJy',
    ...patchMetadata(grid),
    NCOVER: covered,
    WEIGHT: weight,
    WARPKERN: kernel,
    NCALEXP: calexps.length,
    ...(psf ? psfMetadata(psf) : {}),
  };
  for (const key of ['VISIT', 'EXPID', 'BAND', 'FILTER', 'MJD-AVG', 'AIRMASS', 'EXPTIME']) {
    const v = first?.metadata[key];
    if (v !== undefined) meta[key] = v;
  }
  return {
    image: { width: grid.width, height: grid.height, data: target.image },
    mask: target.mask,
    variance: { width: grid.width, height: grid.height, data: target.variance },
    wcs: grid.wcs,
    psf: Number.isFinite(fwhm) && psf ? { fwhmPx: fwhm, sigmaPx: psf.sigma1Px } : undefined,
    zeroPointMag: NJY_ZERO_POINT_MAG,
    metadata: finiteMetadata(meta),
  };
}

/** Whether any part of the calexp lands on the patch grid (corners and edge midpoints, with a margin). */
function reachesGrid(c: ExposureValue, grid: PatchGrid): boolean {
  const { width, height } = c.image;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const [x, y] of [[0, 0], [width, 0], [0, height], [width, height], [width / 2, 0], [width / 2, height], [0, height / 2], [width, height / 2]] as const) {
    const [ra, dec] = pixelToSky(c.wcs!, x - 0.5, y - 0.5);
    const [u, v] = skyToPixel(grid.wcs, ra, dec);
    [x0, y0, x1, y1] = [Math.min(x0, u), Math.min(y0, v), Math.max(x1, u), Math.max(y1, v)];
  }
  const m = 8;
  return x1 >= -m && y1 >= -m && x0 <= grid.width + m && y0 <= grid.height + m;
}

export const makeWarp = defineTask({
  description: 'Resample the calexps of one visit onto a patch grid, in nJy, with variance and coverage',
  config: makeWarpConfig,
  connections: {
    calexps: { kind: 'input', storageClass: 'Exposure', multiple: true },
    warp: { kind: 'output', storageClass: 'Exposure' },
  },
  run(inputs: TaskInputs, config: MakeWarpConfig, ctx: TaskContext) {
    const grid = patchGrid(config.skymap, Number(ctx.dataId.tract), Number(ctx.dataId.patch));
    // Sorted by detector so the result does not depend on the order inputs arrive in.
    const calexps = [...many<ExposureValue>(inputs, 'calexps')].sort((a, b) => Number(a.dataId.detector) - Number(b.dataId.detector)).map((d) => d.value);
    return { warp: runMakeWarp(calexps, grid, config.warpingKernel, config.interpLengthPx, config.psfMatchFwhmPx) };
  },
});
