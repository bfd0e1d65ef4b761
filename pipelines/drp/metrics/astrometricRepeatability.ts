import { z } from 'zod';
import { defineTask, many, type TaskInputs } from '../../framework/task.ts';
import type { CatalogValue, MeasurementValue } from '../../framework/values.ts';
import { associate, chiSquare999, measurement, tangentArcsec } from './common.ts';

/**
 * AM1-like astrometric repeatability: how well one star's measured sky position repeats from
 * visit to visit, over the visits of one band. (LPM-17's AM1 is the RMS of the distance between
 * star pairs 5 arcmin apart; SimCam's field is 3.5 arcmin across, so we measure the per-star
 * scatter directly.) Positions come from the src catalogs (calibrated WCS at each visit's own
 * centroid); sources are associated across visits within matchRadiusArcsec (common.ts).
 *
 * Stars: extendedness 0, S/N >= minSnr, unflagged, found in >= minVisits visits. Then
 *
 *   value = sqrt( Σ_stars Σ_visits |p - p̄|² / Σ_stars (n - 1) )          [mas]
 *
 * the pooled 2-D RMS of positions about each star's mean (sqrt(2) times the per-axis RMS for
 * isotropic errors). Stars whose χ² about their mean, with the pipeline's centroid errors,
 * exceeds the 99.9% point are dropped (blends, mismatches). Extras: per-axis RMS, the same RMS
 * predicted from the centroid errors, star counts.
 */

export const astrometricRepeatabilityConfig = z
  .object({
    minSnr: z.number().positive().default(50),
    minVisits: z.number().int().min(2).default(2),
    matchRadiusArcsec: z.number().positive().default(0.5),
    doChiSquareClip: z.boolean().default(true),
  })
  .strict();
export type AstrometricRepeatabilityConfig = z.infer<typeof astrometricRepeatabilityConfig>;

export function runAstrometricRepeatability(sources: readonly { visit: number; catalog: CatalogValue }[], c: AstrometricRepeatabilityConfig): MeasurementValue {
  const x: number[] = [];
  const y: number[] = [];
  const err: number[] = [];
  const visit: number[] = [];
  let centre: [number, number] | undefined;
  for (const { visit: v, catalog } of sources) {
    const s = catalog.columns;
    const scale = Number(catalog.metadata.pixelScaleArcsec ?? 0.2);
    const ra = s.raDeg as Float64Array;
    for (let k = 0; k < ra.length; k++) {
      if ((s.extendedness as Float64Array)[k] !== 0 || (s.snr as Float64Array)[k]! < c.minSnr) continue;
      if ((s.flagEdge as boolean[])[k] || (s.flagSaturated as boolean[])[k] || (s.flagCentroid as boolean[])[k] || (s.flagCr as boolean[])[k]) continue;
      const dec = (s.decDeg as Float64Array)[k]!;
      centre ??= [ra[k]!, dec];
      const [px, py] = tangentArcsec(centre, ra[k]!, dec);
      x.push(px);
      y.push(py);
      err.push((s.xErrPx as Float64Array)[k]! * scale);
      visit.push(v);
    }
  }
  const groups = associate(x, y, visit, c.matchRadiusArcsec);
  let sumX = 0;
  let sumY = 0;
  let sumErr = 0;
  let dof = 0;
  let nStars = 0;
  let nClipped = 0;
  for (const g of groups) {
    const n = g.members.length;
    if (n < c.minVisits) continue;
    let mx = 0;
    let my = 0;
    for (const i of g.members) {
      mx += x[i]! / n;
      my += y[i]! / n;
    }
    let ssx = 0;
    let ssy = 0;
    let chi2 = 0;
    let e2 = 0;
    for (const i of g.members) {
      ssx += (x[i]! - mx) ** 2;
      ssy += (y[i]! - my) ** 2;
      chi2 += ((x[i]! - mx) ** 2 + (y[i]! - my) ** 2) / err[i]! ** 2;
      e2 += err[i]! ** 2;
    }
    if (c.doChiSquareClip && chi2 > chiSquare999(2 * (n - 1))) {
      nClipped++;
      continue;
    }
    sumX += ssx;
    sumY += ssy;
    sumErr += ((n - 1) / n) * e2;
    dof += n - 1;
    nStars++;
  }
  const mas = (v: number) => (dof > 0 ? 1000 * Math.sqrt(v / dof) : Number.NaN);
  return measurement('AstrometricRepeatability', mas(sumX + sumY), 'mas', {
    rmsEastMas: { value: mas(sumX), unit: 'mas', label: 'RMS along RA (east)' },
    rmsNorthMas: { value: mas(sumY), unit: 'mas', label: 'RMS along Dec (north)' },
    predictedFromErrors: { value: mas(2 * sumErr), unit: 'mas', label: 'the same 2-D RMS predicted from the centroid errors' },
    nStars: { value: nStars, unit: '', label: 'stars used' },
    nRejected: { value: nClipped, unit: '', label: 'stars rejected by the chi-square test' },
    sumSquares: { value: 1e6 * (sumX + sumY), unit: 'mas2', label: 'sum of squared 2-D residuals (for pooling)' },
    dof: { value: dof, unit: '', label: 'degrees of freedom (for pooling)' },
  });
}

export const astrometricRepeatability = defineTask({
  description: 'Astrometric repeatability: pooled RMS of bright stars\u2019 positions about their means over the visits of a band (mas)',
  config: astrometricRepeatabilityConfig,
  connections: {
    sources: { kind: 'input', storageClass: 'Catalog', multiple: true },
    measurement: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: AstrometricRepeatabilityConfig) {
    const sources = [...many<CatalogValue>(inputs, 'sources')]
      .sort((a, b) => Number(a.dataId.visit) - Number(b.dataId.visit) || Number(a.dataId.detector) - Number(b.dataId.detector))
      .map((d) => ({ visit: Number(d.dataId.visit), catalog: d.value }));
    return { measurement: runAstrometricRepeatability(sources, config) };
  },
});
