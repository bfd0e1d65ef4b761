import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, single, type TaskContext, type TaskInputs } from '../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../framework/values.ts';
import { pixelToSky } from '../image/wcs.ts';
import { measureConfigFields, measureOptions } from './characterizeImage.ts';
import { estimateBackground, evaluateBackground } from './lib/background.ts';
import { gaussianPsf, psfMetadata } from './lib/psf.ts';
import { detectAndMeasure } from './lib/sources.ts';
import { NJY_ZERO_POINT_MAG } from './makeWarp.ts';

/**
 * detectCoadd (LSST DetectCoaddSourcesTask + a coadd measurement with the PSF-template
 * deblender of lib/deblend.ts, without multi-band merging): detection, PSF and measurement on a deepCoadd with the same code as
 * characterizeImage (lib/sources.ts). The coadd's PSF is a mixture of the visits' PSFs, which the
 * double Gaussian approximates and the aperture correction renormalises. A residual background
 * on the scale of backgroundBinSizePx is removed first (calexps were already background-
 * subtracted).
 *
 * Output: one row per peak with objectId (patch · 100000 + row, unique within a tract), tract,
 * patch, raDeg, decDeg, isPrimary (centroid in the patch's inner region: each object is primary
 * in exactly one patch) and the measurements, fluxes in nJy with psfMag = 31.4 - 2.5 log10(psfFlux).
 */

export const detectCoaddConfig = z
  .object({
    doBackground: z.boolean().default(true),
    backgroundBinSizePx: z.number().int().positive().default(128),
    ...measureConfigFields,
  })
  .strict();
export type DetectCoaddConfig = z.infer<typeof detectCoaddConfig>;

/** Objects per patch are numbered below this, so objectId = patch · OBJECTS_PER_PATCH + row. */
export const OBJECTS_PER_PATCH = 100_000;

const IGNORE = MASK.BAD | MASK.NO_DATA;

export function runDetectCoadd(coadd: ExposureValue, c: DetectCoaddConfig): { catalog: CatalogValue } {
  const { width, height } = coadd.image;
  const n = width * height;
  const wcs = coadd.wcs;
  if (!wcs) throw new PipelineError('BAD_INPUT', 'the coadd has no WCS');
  const data = Float32Array.from(coadd.image.data);
  const mask = coadd.mask;
  if (c.doBackground) {
    const bg = evaluateBackground(estimateBackground(data, mask, width, height, { binSizePx: c.backgroundBinSizePx, clipSigma: 3, nIter: 3, ignoreMask: IGNORE | MASK.SAT }), new Float32Array(n));
    for (let i = 0; i < n; i++) if ((mask[i]! & MASK.NO_DATA) === 0) data[i]! -= bg[i]!;
  }
  const skyVar = evaluateBackground(
    estimateBackground(coadd.variance.data, mask, width, height, { binSizePx: c.backgroundBinSizePx, clipSigma: 3, nIter: 3, statistic: 'median', ignoreMask: IGNORE }),
    new Float32Array(n),
  );
  const guess = gaussianPsf(coadd.psf?.fwhmPx ?? 4);
  const planes = { data, variance: coadd.variance.data, mask, width, height };
  const result = detectAndMeasure(planes, skyVar, guess, measureOptions(c, 0, IGNORE));
  const cat = result.catalog;
  const rows = (cat.xPx as Float64Array).length;
  if (rows >= OBJECTS_PER_PATCH) throw new PipelineError('BAD_INPUT', `more than ${OBJECTS_PER_PATCH} detections in one patch`, { rows });
  const meta = coadd.metadata;
  const tract = Number(meta.TRACT ?? 0);
  const patch = Number(meta.PATCH ?? 0);
  const inner = [meta.INNERX0, meta.INNERY0, meta.INNERX1, meta.INNERY1].map(Number);
  const raDeg = new Float64Array(rows);
  const decDeg = new Float64Array(rows);
  const isPrimary = new Array<boolean>(rows);
  const psfMag = new Float64Array(rows);
  for (let k = 0; k < rows; k++) {
    const x = (cat.xPx as Float64Array)[k]!;
    const y = (cat.yPx as Float64Array)[k]!;
    [raDeg[k], decDeg[k]] = pixelToSky(wcs, x, y);
    // Pixel centres at integers: the inner region spans x0 - 0.5 .. x1 - 0.5.
    isPrimary[k] = inner.every(Number.isFinite) ? x >= inner[0]! - 0.5 && x < inner[2]! - 0.5 && y >= inner[1]! - 0.5 && y < inner[3]! - 0.5 : true;
    const f = (cat.psfFlux as Float64Array)[k]!;
    psfMag[k] = f > 0 ? NJY_ZERO_POINT_MAG - 2.5 * Math.log10(f) : Number.NaN;
  }
  return {
    catalog: {
      columns: {
        objectId: Int32Array.from({ length: rows }, (_, k) => patch * OBJECTS_PER_PATCH + k),
        tract: new Int32Array(rows).fill(tract),
        patch: new Int32Array(rows).fill(patch),
        raDeg,
        decDeg,
        isPrimary,
        psfMag,
        ...cat,
      },
      metadata: {
        fluxUnit: 'nJy',
        band: String(meta.BAND ?? ''),
        psfFwhmPx: String(result.psf.fwhmPx),
        apCorr: String(result.apCorr),
        nInputs: String(meta.NINPUTS ?? ''),
        psf: JSON.stringify(psfMetadata(result.psf)),
      },
    },
  };
}

export const detectCoadd = defineTask({
  description: 'Detect and measure sources on a coadd; objects with sky positions and a primary flag per patch',
  config: detectCoaddConfig,
  connections: {
    coadd: { kind: 'input', storageClass: 'Exposure' },
    catalog: { kind: 'output', storageClass: 'Catalog' },
  },
  run(inputs: TaskInputs, config: DetectCoaddConfig, ctx: TaskContext) {
    const coadd = single<ExposureValue>(inputs, 'coadd').value;
    const metadata = { ...coadd.metadata, TRACT: coadd.metadata.TRACT ?? ctx.dataId.tract ?? 0, PATCH: coadd.metadata.PATCH ?? ctx.dataId.patch ?? 0 };
    const { catalog } = runDetectCoadd({ ...coadd, metadata }, config);
    return { catalog };
  },
});
