import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, single, type TaskContext, type TaskInputs } from '../framework/task.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../framework/values.ts';
import { skyToPixel } from '../image/wcs.ts';
import { psfFlux } from '../drp/lib/measure.ts';
import { psfFromMetadata, psfRadiusPx } from '../drp/lib/psf.ts';
import { NJY_ZERO_POINT_MAG } from '../drp/makeWarp.ts';
import type { DiaForcedSource } from './records.ts';

/**
 * forcedPhotDiaObjects (LSST ap_pipe DiaForcedSourceTask): PSF photometry at the positions of
 * known DiaObjects on a difference image and on its science image, whether or not anything was
 * detected there, so each DiaObject's light curve has a point on every visit that covers it.
 *
 * The DiaObjects (diaObjectId INT64, ra, dec) come from the APDB, which only the server reads:
 * the server hands them to this function (or to the task as the `diaObjects` input catalog); the
 * task stays pure. Fluxes are in nJy with the science exposure's zero point and aperture
 * correction, as detectDiaSources'. Objects whose position falls off the image or on NO_DATA
 * are skipped. diaForcedSourceId packs (visit, detector, index) as diaSourceId does.
 */

export const forcedPhotDiaObjectsConfig = z.object({}).strict();
export type ForcedPhotDiaObjectsConfig = z.infer<typeof forcedPhotDiaObjectsConfig>;

export interface DiaObjectPosition {
  diaObjectId: bigint;
  ra: number;
  dec: number;
}

const IGNORE = MASK.BAD | MASK.NO_DATA;
const TAI_MINUS_UTC_DAYS = 37 / 86_400;

export function runForcedPhotDiaObjects(difference: ExposureValue, science: ExposureValue, objects: readonly DiaObjectPosition[], ids: { visit: number; detector: number }): DiaForcedSource[] {
  const psf = psfFromMetadata(difference.metadata);
  const sciPsf = psfFromMetadata(science.metadata) ?? psf;
  if (!psf || !sciPsf || !difference.wcs || difference.zeroPointMag === undefined) throw new PipelineError('BAD_INPUT', 'forcedPhotDiaObjects needs a difference image with PSF, WCS and zero point');
  const { width, height } = difference.image;
  const toNjy = Math.pow(10, 0.4 * (NJY_ZERO_POINT_MAG - difference.zeroPointMag));
  const apCorr = typeof science.metadata.APCORR === 'number' ? science.metadata.APCORR : 1;
  const diff = { data: difference.image.data, variance: difference.variance.data, mask: difference.mask, width, height };
  const sci = { data: science.image.data, variance: science.variance.data, mask: science.mask, width, height };
  const band = String(science.metadata.BAND ?? '');
  const mjd = Number(science.metadata['MJD-AVG']) + TAI_MINUS_UTC_DAYS;
  const out: DiaForcedSource[] = [];
  for (const o of [...objects].sort((a, b) => (a.diaObjectId < b.diaObjectId ? -1 : a.diaObjectId > b.diaObjectId ? 1 : 0))) {
    const [x, y] = skyToPixel(difference.wcs, o.ra, o.dec);
    if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) continue;
    if ((difference.mask[Math.round(y) * width + Math.round(x)]! & IGNORE) !== 0) continue;
    const d = psfFlux(diff, psf, x, y, psfRadiusPx(psf), 0, 0, IGNORE);
    const s = psfFlux(sci, sciPsf, x, y, psfRadiusPx(sciPsf), 0, 0, IGNORE | MASK.CR);
    if (out.length >= 10_000) throw new PipelineError('BAD_INPUT', 'more than 10000 DiaObjects on one detector: the id packing has room for 10000');
    out.push({
      diaForcedSourceId: BigInt(ids.visit) * 1_000_000n + BigInt(ids.detector) * 10_000n + BigInt(out.length),
      diaObjectId: o.diaObjectId,
      visit: ids.visit,
      detector: ids.detector,
      band,
      midpointMjdTai: mjd,
      psfFlux: d.flux * apCorr * toNjy,
      psfFluxErr: d.fluxErr * apCorr * toNjy,
      scienceFlux: s.flux * apCorr * toNjy,
      scienceFluxErr: s.fluxErr * apCorr * toNjy,
    });
  }
  return out;
}

export function diaForcedSourceCatalog(rows: readonly DiaForcedSource[]): CatalogValue {
  return {
    columns: {
      diaForcedSourceId: BigInt64Array.from(rows, (r) => r.diaForcedSourceId),
      diaObjectId: BigInt64Array.from(rows, (r) => r.diaObjectId),
      visit: BigInt64Array.from(rows, (r) => BigInt(r.visit)),
      detector: Int32Array.from(rows, (r) => r.detector),
      band: rows.map((r) => r.band),
      midpointMjdTai: Float64Array.from(rows, (r) => r.midpointMjdTai),
      psfFlux: Float64Array.from(rows, (r) => r.psfFlux),
      psfFluxErr: Float64Array.from(rows, (r) => r.psfFluxErr),
      scienceFlux: Float64Array.from(rows, (r) => r.scienceFlux),
      scienceFluxErr: Float64Array.from(rows, (r) => r.scienceFluxErr),
    },
    metadata: { fluxUnit: 'nJy' },
  };
}

export const forcedPhotDiaObjects = defineTask({
  description: 'Forced PSF photometry of known DiaObjects on a difference image and its calexp (DiaForcedSource rows)',
  config: forcedPhotDiaObjectsConfig,
  connections: {
    difference: { kind: 'input', storageClass: 'Exposure' },
    science: { kind: 'input', storageClass: 'Exposure' },
    diaObjects: { kind: 'input', storageClass: 'Catalog' },
    diaForcedSources: { kind: 'output', storageClass: 'Catalog' },
  },
  run(inputs: TaskInputs, _config: ForcedPhotDiaObjectsConfig, ctx: TaskContext) {
    const objects = single<CatalogValue>(inputs, 'diaObjects').value.columns;
    const idCol = objects.diaObjectId;
    const ra = objects.ra;
    const dec = objects.dec;
    if (!(idCol instanceof BigInt64Array) || !(ra instanceof Float64Array) || !(dec instanceof Float64Array)) {
      throw new PipelineError('BAD_INPUT', 'the diaObjects catalog needs diaObjectId (INT64), ra and dec (DOUBLE) columns');
    }
    const positions = Array.from(idCol, (id, k) => ({ diaObjectId: id, ra: ra[k]!, dec: dec[k]! }));
    const rows = runForcedPhotDiaObjects(single<ExposureValue>(inputs, 'difference').value, single<ExposureValue>(inputs, 'science').value, positions, {
      visit: Number(ctx.dataId.visit),
      detector: Number(ctx.dataId.detector),
    });
    return { diaForcedSources: diaForcedSourceCatalog(rows) };
  },
});
