import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, many, single, type TaskInputs } from '../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../framework/values.ts';
import { skyToPixel } from '../image/wcs.ts';
import { apertureFlux, psfFlux } from './lib/measure.ts';
import { psfFromMetadata, psfRadiusPx } from './lib/psf.ts';
import { NJY_ZERO_POINT_MAG } from './makeWarp.ts';

/**
 * forcedPhot (LSST ForcedPhotCcdTask): PSF photometry of coadd objects at their coadd positions
 * on each calexp, giving one flux per object per visit, the input of repeatability metrics.
 *
 * Quantum {instrument, visit, detector}: one calexp, with the coadd catalogs of every patch in
 * the visit's band gathered (multiple). Per detector rather than per warp because the calexp is
 * the visit's native, unresampled data: its noise is uncorrelated, so the per-visit errors are
 * honest, and its PSF and aperture correction are the ones its zero point was fitted with, so the
 * per-visit magnitudes are calibrated consistently. Only primary objects are measured (each once
 * per tract); positions go through the calexp's fitted WCS and are not re-centroided.
 *
 * Fluxes are in nJy (the calexp's zero point), magnitudes AB; flagEdge when the PSF stamp leaves
 * the image, flagMasked when a saturated or cosmic-ray pixel lies within the stamp.
 */

export const forcedPhotConfig = z
  .object({
    /** Aperture radius for the forced aperture flux, in PSF FWHMs (at least 8 px). */
    apertureRadiusFwhm: z.number().positive().default(2.5),
  })
  .strict();
export type ForcedPhotConfig = z.infer<typeof forcedPhotConfig>;

export function runForcedPhot(calexp: ExposureValue, references: readonly CatalogValue[], c: ForcedPhotConfig): CatalogValue {
  const wcs = calexp.wcs;
  const psf = psfFromMetadata(calexp.metadata);
  if (!wcs || calexp.zeroPointMag === undefined || !psf) throw new PipelineError('BAD_INPUT', 'forcedPhot needs a calexp with WCS, zero point and PSF');
  const { width, height } = calexp.image;
  const apCorr = typeof calexp.metadata.APCORR === 'number' ? calexp.metadata.APCORR : 1;
  const toNjy = Math.pow(10, 0.4 * (NJY_ZERO_POINT_MAG - calexp.zeroPointMag));
  const radius = psfRadiusPx(psf);
  const apRadius = Math.max(8, c.apertureRadiusFwhm * psf.fwhmPx);
  const planes = { data: calexp.image.data, variance: calexp.variance.data, mask: calexp.mask, width, height };
  const out = {
    objectId: [] as number[],
    tract: [] as number[],
    patch: [] as number[],
    raDeg: [] as number[],
    decDeg: [] as number[],
    xPx: [] as number[],
    yPx: [] as number[],
    psfFlux: [] as number[],
    psfFluxErr: [] as number[],
    psfMag: [] as number[],
    psfMagErr: [] as number[],
    apFlux: [] as number[],
    coaddSnr: [] as number[],
    coaddExtendedness: [] as number[],
    flagEdge: [] as boolean[],
    flagMasked: [] as boolean[],
  };
  for (const ref of references) {
    const r = ref.columns;
    const ra = r.raDeg as Float64Array;
    for (let k = 0; k < ra.length; k++) {
      if (!(r.isPrimary as boolean[])[k]) continue;
      const dec = (r.decDeg as Float64Array)[k]!;
      const [x, y] = skyToPixel(wcs, ra[k]!, dec);
      if (!(x >= -0.5 && y >= -0.5 && x < width - 0.5 && y < height - 0.5)) continue;
      const f = psfFlux(planes, psf, x, y, radius, 0, 0, MASK.BAD | MASK.NO_DATA | MASK.CR);
      const ap = apertureFlux(planes, x, y, apRadius, MASK.BAD | MASK.NO_DATA);
      const flux = f.flux * apCorr * toNjy;
      const err = f.fluxErr * apCorr * toNjy;
      out.objectId.push((r.objectId as Int32Array)[k]!);
      out.tract.push((r.tract as Int32Array)[k]!);
      out.patch.push((r.patch as Int32Array)[k]!);
      out.raDeg.push(ra[k]!);
      out.decDeg.push(dec);
      out.xPx.push(x);
      out.yPx.push(y);
      out.psfFlux.push(flux);
      out.psfFluxErr.push(err);
      out.psfMag.push(flux > 0 ? NJY_ZERO_POINT_MAG - 2.5 * Math.log10(flux) : Number.NaN);
      out.psfMagErr.push(flux > 0 ? (1.0857 * err) / flux : Number.NaN);
      out.apFlux.push(ap.flux * toNjy);
      out.coaddSnr.push((r.snr as Float64Array)[k]!);
      out.coaddExtendedness.push((r.extendedness as Float64Array)[k]!);
      out.flagEdge.push(x < radius || y < radius || x > width - 1 - radius || y > height - 1 - radius);
      out.flagMasked.push((f.maskBits & (MASK.SAT | MASK.CR)) !== 0);
    }
  }
  // One row per object, in objectId order: deterministic whatever order the catalogs came in.
  const order = out.objectId.map((_, i) => i).sort((a, b) => out.objectId[a]! - out.objectId[b]! || out.tract[a]! - out.tract[b]!);
  const f64 = (a: number[]) => Float64Array.from(order, (i) => a[i]!);
  const i32 = (a: number[]) => Int32Array.from(order, (i) => a[i]!);
  const bool = (a: boolean[]) => order.map((i) => a[i]!);
  return {
    columns: {
      objectId: i32(out.objectId),
      tract: i32(out.tract),
      patch: i32(out.patch),
      raDeg: f64(out.raDeg),
      decDeg: f64(out.decDeg),
      xPx: f64(out.xPx),
      yPx: f64(out.yPx),
      psfFlux: f64(out.psfFlux),
      psfFluxErr: f64(out.psfFluxErr),
      psfMag: f64(out.psfMag),
      psfMagErr: f64(out.psfMagErr),
      apFlux: f64(out.apFlux),
      coaddSnr: f64(out.coaddSnr),
      coaddExtendedness: f64(out.coaddExtendedness),
      flagEdge: bool(out.flagEdge),
      flagMasked: bool(out.flagMasked),
    },
    metadata: {
      fluxUnit: 'nJy',
      band: String(calexp.metadata.BAND ?? ''),
      zeroPointMag: String(calexp.zeroPointMag),
      psfFwhmPx: String(psf.fwhmPx),
      apCorr: String(apCorr),
    },
  };
}

export const forcedPhot = defineTask({
  description: 'Forced PSF photometry of coadd objects on a calexp (per-visit fluxes in nJy)',
  config: forcedPhotConfig,
  connections: {
    exposure: { kind: 'input', storageClass: 'Exposure' },
    references: { kind: 'input', storageClass: 'Catalog', multiple: true },
    forced: { kind: 'output', storageClass: 'Catalog' },
  },
  run(inputs: TaskInputs, config: ForcedPhotConfig) {
    const calexp = single<ExposureValue>(inputs, 'exposure').value;
    const refs = many<CatalogValue>(inputs, 'references').map((d) => d.value);
    return { forced: runForcedPhot(calexp, refs, config) };
  },
});
