import { z } from 'zod';
import { defineTask, single, type TaskInputs } from '../../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue, type MeasurementValue, type Scalar } from '../../framework/values.ts';
import { psfFlux } from '../lib/measure.ts';
import { gaussianPsf, psfFromMetadata, psfRadiusPx } from '../lib/psf.ts';
import { madSigma } from '../lib/stats.ts';
import { NJY_ZERO_POINT_MAG } from '../makeWarp.ts';
import { measurement } from './common.ts';

/**
 * Coadd depth per patch: the 5-sigma point-source limiting magnitude, measured empirically as
 * the spread of PSF fluxes at empty sky positions ("sky objects"): a regular grid over the
 * patch's inner region, keeping positions farther than avoidFwhm PSF FWHMs from every detection
 * and with full coverage under the PSF stamp. The spread is 1.4826 MAD, so stray faint sources do
 * not inflate it, and being measured on the pixels it includes the noise correlation that warping
 * introduces, which a depth computed from the variance plane would miss.
 *
 *   depth = 31.4 - 2.5 log10(5 · σ_psfFlux[nJy])      [AB mag]
 */

export const coaddDepthConfig = z
  .object({
    gridStepPx: z.number().int().positive().default(6),
    avoidFwhm: z.number().positive().default(3),
    minPositions: z.number().int().positive().default(50),
  })
  .strict();
export type CoaddDepthConfig = z.infer<typeof coaddDepthConfig>;

export function runCoaddDepth(coadd: ExposureValue, detections: CatalogValue, c: CoaddDepthConfig): MeasurementValue {
  const { width, height } = coadd.image;
  const meta = coadd.metadata;
  const psfMeta = detections.metadata.psf ? (JSON.parse(detections.metadata.psf) as Record<string, Scalar>) : {};
  const psf = psfFromMetadata(psfMeta) ?? gaussianPsf(coadd.psf?.fwhmPx ?? 4);
  const radius = psfRadiusPx(psf);
  const avoid = c.avoidFwhm * psf.fwhmPx;
  // Detections on a coarse grid of cells of size `avoid`, for the distance test.
  const cells = new Map<string, [number, number][]>();
  const dx = detections.columns.xPx as Float64Array;
  const dy = detections.columns.yPx as Float64Array;
  for (let k = 0; k < dx.length; k++) {
    const key = `${Math.floor(dx[k]! / avoid)},${Math.floor(dy[k]! / avoid)}`;
    cells.set(key, [...(cells.get(key) ?? []), [dx[k]!, dy[k]!]]);
  }
  const nearDetection = (x: number, y: number) => {
    const cx = Math.floor(x / avoid);
    const cy = Math.floor(y / avoid);
    for (let a = cx - 1; a <= cx + 1; a++) for (let b = cy - 1; b <= cy + 1; b++) for (const [px, py] of cells.get(`${a},${b}`) ?? []) if (Math.hypot(px - x, py - y) < avoid) return true;
    return false;
  };
  const x0 = Math.max(radius, Number(meta.INNERX0 ?? 0));
  const y0 = Math.max(radius, Number(meta.INNERY0 ?? 0));
  const x1 = Math.min(width - 1 - radius, Number(meta.INNERX1 ?? width) - 1);
  const y1 = Math.min(height - 1 - radius, Number(meta.INNERY1 ?? height) - 1);
  const planes = { data: coadd.image.data, variance: coadd.variance.data, mask: coadd.mask, width, height };
  const fluxes: number[] = [];
  for (let y = y0; y <= y1; y += c.gridStepPx) {
    for (let x = x0; x <= x1; x += c.gridStepPx) {
      if (nearDetection(x, y)) continue;
      const f = psfFlux(planes, psf, x, y, radius, 0, 0, MASK.BAD | MASK.NO_DATA);
      if (f.nMissing > 0 || !Number.isFinite(f.flux)) continue;
      fluxes.push(f.flux);
    }
  }
  const sigma = fluxes.length >= c.minPositions ? madSigma(fluxes) : Number.NaN;
  return measurement('CoaddDepth', NJY_ZERO_POINT_MAG - 2.5 * Math.log10(5 * sigma), 'mag', {
    nPositions: { value: fluxes.length, unit: '', label: 'sky positions measured' },
    sigmaPsfFluxNjy: { value: sigma, unit: 'nJy', label: 'PSF-flux noise at empty positions' },
    nInputs: { value: Number(meta.NINPUTS ?? Number.NaN), unit: '', label: 'warps in the coadd' },
  });
}

export const coaddDepth = defineTask({
  description: 'Coadd 5-sigma point-source depth of a patch from PSF fluxes at empty sky positions (AB mag)',
  config: coaddDepthConfig,
  connections: {
    coadd: { kind: 'input', storageClass: 'Exposure' },
    catalog: { kind: 'input', storageClass: 'Catalog' },
    measurement: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: CoaddDepthConfig) {
    return { measurement: runCoaddDepth(single<ExposureValue>(inputs, 'coadd').value, single<CatalogValue>(inputs, 'catalog').value, config) };
  },
});
