import { z } from 'zod';
import { defineTask, many, type TaskInputs } from '../../framework/task.ts';
import type { CatalogValue, MeasurementValue } from '../../framework/values.ts';
import { median } from '../lib/stats.ts';
import { measurement } from './common.ts';

/**
 * Metrics read from the calibration results that calibrate writes into each src catalog's
 * metadata (no pixels needed):
 *   - PsfFwhm, per visit: the median over its detectors of the fitted PSF's FWHM, arcsec;
 *   - ZeroPointScatter, per band: the RMS of the detectors' zero points about their visit's mean,
 *     pooled over the visits, mmag. The atmosphere changes a visit's zero point for every
 *     detector alike; what differs between detectors is calibration error (a wrong flat field
 *     shows up here first) and noise.
 */

export const psfFwhmConfig = z.object({}).strict();
export const zeroPointScatterConfig = z
  .object({
    /** Visits with fewer calibrated detectors than this do not count. */
    minDetectors: z.number().int().min(2).default(2),
  })
  .strict();

export function runPsfFwhm(sources: readonly CatalogValue[]): MeasurementValue {
  const fwhm = sources.map((s) => Number(s.metadata.psfFwhmArcsec)).filter(Number.isFinite);
  return measurement('PsfFwhm', fwhm.length > 0 ? median(fwhm) : Number.NaN, 'arcsec', {
    minArcsec: { value: Math.min(...fwhm), unit: 'arcsec', label: 'smallest over detectors' },
    maxArcsec: { value: Math.max(...fwhm), unit: 'arcsec', label: 'largest over detectors' },
    nDetectors: { value: fwhm.length, unit: '', label: 'detectors' },
  });
}

export function runZeroPointScatter(sources: readonly { visit: number; catalog: CatalogValue }[], minDetectors: number): MeasurementValue {
  const byVisit = new Map<number, number[]>();
  for (const { visit, catalog } of sources) {
    const zp = Number(catalog.metadata.zeroPointMag);
    if (Number.isFinite(zp)) byVisit.set(visit, [...(byVisit.get(visit) ?? []), zp]);
  }
  let ss = 0;
  let dof = 0;
  let nVisits = 0;
  let worst = 0;
  for (const zps of byVisit.values()) {
    if (zps.length < minDetectors) continue;
    const mean = zps.reduce((a, b) => a + b, 0) / zps.length;
    for (const z of zps) ss += (z - mean) ** 2;
    dof += zps.length - 1;
    nVisits++;
    worst = Math.max(worst, Math.max(...zps) - Math.min(...zps));
  }
  return measurement('ZeroPointScatter', dof > 0 ? 1000 * Math.sqrt(ss / dof) : Number.NaN, 'mmag', {
    nVisits: { value: nVisits, unit: '', label: 'visits' },
    nCalexps: { value: dof + nVisits, unit: '', label: 'calibrated detectors' },
    maxVisitRangeMmag: { value: 1000 * worst, unit: 'mmag', label: 'largest zero-point range within a visit' },
  });
}

export const psfFwhm = defineTask({
  description: 'PSF FWHM of a visit: median over its detectors (arcsec)',
  config: psfFwhmConfig,
  connections: {
    sources: { kind: 'input', storageClass: 'Catalog', multiple: true },
    measurement: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs) {
    const sources = [...many<CatalogValue>(inputs, 'sources')].sort((a, b) => Number(a.dataId.detector) - Number(b.dataId.detector)).map((d) => d.value);
    return { measurement: runPsfFwhm(sources) };
  },
});

export const zeroPointScatter = defineTask({
  description: 'Zero-point scatter between the detectors of a visit, pooled over the visits of a band (mmag)',
  config: zeroPointScatterConfig,
  connections: {
    sources: { kind: 'input', storageClass: 'Catalog', multiple: true },
    measurement: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: z.infer<typeof zeroPointScatterConfig>) {
    const sources = [...many<CatalogValue>(inputs, 'sources')]
      .sort((a, b) => Number(a.dataId.visit) - Number(b.dataId.visit) || Number(a.dataId.detector) - Number(b.dataId.detector))
      .map((d) => ({ visit: Number(d.dataId.visit), catalog: d.value }));
    return { measurement: runZeroPointScatter(sources, config.minDetectors) };
  },
});
