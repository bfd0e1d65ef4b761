import { z } from 'zod';
import { defineTask, many, single, type TaskInputs } from '../../framework/task.ts';
import type { CatalogValue, MeasurementValue } from '../../framework/values.ts';
import { chiSquare999, measurement, tangentArcsec } from './common.ts';

/**
 * PA1, photometric repeatability (LPM-17; validate_drp's PA1): the RMS of bright unresolved
 * stars' magnitudes about their own mean, over the visits of one band, from forced photometry
 * (forced_src: one PSF magnitude per coadd object per visit, so no cross-matching is needed).
 *
 * Stars: coadd extendedness 0, median per-visit S/N >= minSnr (the true median: the mean of the
 * middle two for an even count), unflagged measurements in at least
 * minVisits visits, not within variableRadiusArcsec of a known variable or transient
 * (truth_transients: variable stars are excluded from PA1 samples in real surveys too). Then
 *
 *   PA1² = Σ_stars Σ_visits (m - m̄)² / Σ_stars (n - 1)
 *
 * the pooled, unbiased variance (its expectation is the mean per-visit noise variance, which is
 * what a noise-limited prediction gives). Stars whose χ² about their mean exceeds the 99.9%
 * point for their degrees of freedom, using the pipeline's own errors, are dropped first: they
 * are blends whose flux varies with the seeing, unflagged variables or galaxies classified as
 * stars, not repeatability. Extras: the same pooled RMS predicted from the pipeline's magnitude
 * errors, the number of stars and of rejected stars, and the pooled sums (sumSquares in mmag²,
 * dof) from which "all bands" is pooled over stars (server/metrics/spec-judge.ts).
 *
 * Two companions, from the same stars:
 *   - PF1 (LPM-17 §3.3.2): the percentage of magnitude differences between two visits of a star
 *     with |Δm| > PA2 (15 mmag, the SRD design value), over every pair of visits of every
 *     selected star, BEFORE the χ² rejection: outliers are counted, not clipped;
 *   - PA1Systematic: PA1 with the photon-noise expectation (the pooled RMS predicted from the
 *     pipeline's per-measurement errors) removed in quadrature, after the χ² rejection:
 *     sqrt(max(0, PA1² − predicted²)). It isolates what the noise model does not explain
 *     (calibration, flat field, PSF modelling), which PA1 of S/N ~ 200 stars barely shows.
 */

export const photometricRepeatabilityConfig = z
  .object({
    minSnr: z.number().positive().default(100),
    minVisits: z.number().int().min(2).default(2),
    variableRadiusArcsec: z.number().nonnegative().default(1),
    doChiSquareClip: z.boolean().default(true),
    /** PF1's outlier threshold, mmag (LPM-17 PA2, design). */
    pa2Mmag: z.number().positive().default(15),
  })
  .strict();
export type PhotometricRepeatabilityConfig = z.infer<typeof photometricRepeatabilityConfig>;

export interface StarSeries {
  objectId: number;
  mags: number[];
  errs: number[];
}

/** Per-object series of unflagged forced magnitudes (one per visit), in objectId order. */
export function forcedSeries(catalogs: readonly CatalogValue[]): { series: StarSeries[]; ra: Map<number, number>; dec: Map<number, number>; snr: Map<number, number[]>; ext: Map<number, number> } {
  const byId = new Map<number, StarSeries>();
  const ra = new Map<number, number>();
  const dec = new Map<number, number>();
  const snr = new Map<number, number[]>();
  const ext = new Map<number, number>();
  for (const cat of catalogs) {
    const c = cat.columns;
    const ids = c.objectId as Int32Array;
    for (let k = 0; k < ids.length; k++) {
      if ((c.flagEdge as boolean[])[k] || (c.flagMasked as boolean[])[k]) continue;
      const flux = (c.psfFlux as Float64Array)[k]!;
      const err = (c.psfFluxErr as Float64Array)[k]!;
      if (!(flux > 0) || !(err > 0)) continue;
      // tract and objectId together name an object; SimCam has one tract, ids are unique within it.
      const id = ids[k]! + 1e7 * (c.tract as Int32Array)[k]!;
      let s = byId.get(id);
      if (!s) {
        s = { objectId: id, mags: [], errs: [] };
        byId.set(id, s);
        ra.set(id, (c.raDeg as Float64Array)[k]!);
        dec.set(id, (c.decDeg as Float64Array)[k]!);
        ext.set(id, (c.coaddExtendedness as Float64Array)[k]!);
        snr.set(id, []);
      }
      s.mags.push((c.psfMag as Float64Array)[k]!);
      s.errs.push((c.psfMagErr as Float64Array)[k]!);
      snr.get(id)!.push(flux / err);
    }
  }
  return { series: [...byId.values()].sort((a, b) => a.objectId - b.objectId), ra, dec, snr, ext };
}

/** The true median (mean of the two middle values for an even count). */
export function medianOf(values: readonly number[]): number {
  const v = [...values].sort((a, b) => a - b);
  const n = v.length;
  return n % 2 ? v[n >> 1]! : (v[n / 2 - 1]! + v[n / 2]!) / 2;
}

export interface RepeatabilityMeasurements {
  pa1: MeasurementValue;
  pa1Systematic: MeasurementValue;
  pf1: MeasurementValue;
}

export function runPhotometricRepeatabilityFamily(forced: readonly CatalogValue[], transients: CatalogValue | undefined, c: PhotometricRepeatabilityConfig): RepeatabilityMeasurements {
  const { series, ra, dec, snr, ext } = forcedSeries(forced);
  const avoid = variablePositions(transients);
  const pa2 = c.pa2Mmag / 1000;
  let num = 0;
  let den = 0;
  let errNum = 0;
  let nStars = 0;
  let nClipped = 0;
  let nPairs = 0;
  let nOutlierPairs = 0;
  for (const s of series) {
    const n = s.mags.length;
    if (n < c.minVisits || ext.get(s.objectId) !== 0) continue;
    if (medianOf(snr.get(s.objectId)!) < c.minSnr) continue;
    if (nearAny(avoid, ra.get(s.objectId)!, dec.get(s.objectId)!, c.variableRadiusArcsec)) continue;
    for (let a = 0; a < n; a++) {
      for (let b = a + 1; b < n; b++) {
        nPairs++;
        if (Math.abs(s.mags[a]! - s.mags[b]!) > pa2) nOutlierPairs++;
      }
    }
    const mean = s.mags.reduce((a, b) => a + b, 0) / n;
    let ss = 0;
    let chi2 = 0;
    let e2 = 0;
    for (let v = 0; v < n; v++) {
      ss += (s.mags[v]! - mean) ** 2;
      chi2 += ((s.mags[v]! - mean) / s.errs[v]!) ** 2;
      e2 += s.errs[v]! ** 2;
    }
    if (c.doChiSquareClip && chi2 > chiSquare999(n - 1)) {
      nClipped++;
      continue;
    }
    num += ss;
    den += n - 1;
    errNum += ((n - 1) / n) * e2;
    nStars++;
  }
  const mmag = (v: number) => (den > 0 ? 1000 * Math.sqrt(v / den) : Number.NaN);
  const common = {
    nStars: { value: nStars, unit: '', label: 'stars used' },
    nRejected: { value: nClipped, unit: '', label: 'stars rejected by the chi-square test' },
  };
  const pa1 = measurement('PA1', mmag(num), 'mmag', {
    ...common,
    nDof: { value: den, unit: '', label: 'degrees of freedom' },
    predictedFromErrors: { value: mmag(errNum), unit: 'mmag', label: 'the same RMS predicted from the pipeline errors' },
    sumSquares: { value: 1e6 * num, unit: 'mmag2', label: 'sum of squared residuals (for pooling)' },
    dof: { value: den, unit: '', label: 'degrees of freedom (for pooling)' },
  });
  // Negative when the scatter is below its noise expectation; kept signed so pooling over
  // bands stays unbiased, clamped only in the value.
  const excess = num - errNum;
  const pa1Systematic = measurement('PA1Systematic', mmag(Math.max(0, excess)), 'mmag', {
    ...common,
    pa1: { value: mmag(num), unit: 'mmag', label: 'PA1' },
    photonNoise: { value: mmag(errNum), unit: 'mmag', label: 'PA1 expected from the per-measurement errors' },
    sumSquares: { value: 1e6 * excess, unit: 'mmag2', label: 'excess sum of squares over the noise expectation (for pooling)' },
    dof: { value: den, unit: '', label: 'degrees of freedom (for pooling)' },
  });
  const pf1 = measurement('PF1', nPairs > 0 ? (100 * nOutlierPairs) / nPairs : Number.NaN, '%', {
    nPairs: { value: nPairs, unit: '', label: 'pairs of visits of selected stars' },
    nOutliers: { value: nOutlierPairs, unit: '', label: `pairs with |dm| > ${c.pa2Mmag} mmag` },
    pa2Mmag: { value: c.pa2Mmag, unit: 'mmag', label: 'outlier threshold (PA2)' },
    numerator: { value: nOutlierPairs, unit: '', label: 'outlier pairs (for pooling)' },
    denominator: { value: nPairs, unit: '', label: 'pairs (for pooling)' },
  });
  return { pa1, pa1Systematic, pf1 };
}

/** PA1 alone (see runPhotometricRepeatabilityFamily). */
export function runPhotometricRepeatability(forced: readonly CatalogValue[], transients: CatalogValue | undefined, c: PhotometricRepeatabilityConfig): MeasurementValue {
  return runPhotometricRepeatabilityFamily(forced, transients, c).pa1;
}

function variablePositions(transients: CatalogValue | undefined): { x: number; y: number; centre: [number, number] }[] {
  if (!transients) return [];
  const ra = transients.columns.raDeg as Float64Array;
  const dec = transients.columns.decDeg as Float64Array;
  if (ra.length === 0) return [];
  const centre: [number, number] = [ra[0]!, dec[0]!];
  return Array.from(ra, (r, k) => {
    const [x, y] = tangentArcsec(centre, r, dec[k]!);
    return { x, y, centre };
  });
}

function nearAny(points: { x: number; y: number; centre: [number, number] }[], raDeg: number, decDeg: number, radiusArcsec: number): boolean {
  if (points.length === 0 || radiusArcsec <= 0) return false;
  const [x, y] = tangentArcsec(points[0]!.centre, raDeg, decDeg);
  return points.some((p) => Math.hypot(p.x - x, p.y - y) <= radiusArcsec);
}

export const photometricRepeatability = defineTask({
  description: 'PA1 (RMS of bright unresolved stars\u2019 forced magnitudes about their means over the visits of a band, mmag), PA1Systematic and PF1',
  config: photometricRepeatabilityConfig,
  connections: {
    forced: { kind: 'input', storageClass: 'Catalog', multiple: true },
    transients: { kind: 'prerequisite', storageClass: 'Catalog' },
    pa1: { kind: 'output', storageClass: 'Measurement' },
    pa1Systematic: { kind: 'output', storageClass: 'Measurement' },
    pf1: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: PhotometricRepeatabilityConfig) {
    const forced = [...many<CatalogValue>(inputs, 'forced')]
      .sort((a, b) => Number(a.dataId.visit) - Number(b.dataId.visit) || Number(a.dataId.detector) - Number(b.dataId.detector))
      .map((d) => d.value);
    const transients = inputs.transients ? single<CatalogValue>(inputs, 'transients').value : undefined;
    const { pa1, pa1Systematic, pf1 } = runPhotometricRepeatabilityFamily(forced, transients, config);
    return { pa1, pa1Systematic, pf1 };
  },
});
