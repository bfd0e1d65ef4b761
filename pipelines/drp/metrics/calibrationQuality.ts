import { z } from 'zod';
import { defineTask, single, type TaskInputs } from '../../framework/task.ts';
import type { CatalogValue, MeasurementValue } from '../../framework/values.ts';
import { angularSeparationDeg } from '../../image/wcs.ts';
import { matchNearest } from '../lib/match.ts';
import { measurement, tangentArcsec } from './common.ts';

/**
 * Per detector-visit checks of calexp calibration, so a bad fit is a failing data ID rather than
 * a shift in a band's mean:
 *
 *   - WcsResidual: robust 2-D RMS, mas, sqrt(median d² / ln 2), of the angular distance d between the sky positions of the
 *     calexp's unflagged stars with S/N >= minSnr (through the fitted WCS) and their true
 *     positions (truth stars matched on the pixel grid), scored against truth. It includes the
 *     centroid noise (~5-10 mas at S/N 50-100); a WCS off by a shift, rotation or scale adds to
 *     it on that detector-visit. (Against the refcat instead, its ~20 mas position errors would
 *     swamp the fit's error.)
 *   - CalibrationError: |median (psfMag − true mag)|, mmag, over the calexp's unflagged stars with
 *     S/N >= minSnr matched on the pixel grid (within matchRadiusPx) to truth stars (not
 *     variables): the error of the exposure's photometric zero point as seen in calibrated
 *     magnitudes, scored against the simulator's truth. Pooled over exposures ("all") as an RMS
 *     (extras sumSquares, dof = 1 per exposure).
 */

export const wcsResidualConfig = z.object({ minSnr: z.number().positive().default(50), matchRadiusPx: z.number().positive().default(1) }).strict();
export const calibrationErrorConfig = z
  .object({
    minSnr: z.number().positive().default(50),
    matchRadiusPx: z.number().positive().default(1),
    minStars: z.number().int().positive().default(5),
  })
  .strict();
export type CalibrationErrorConfig = z.infer<typeof calibrationErrorConfig>;

export function runWcsResidual(src: CatalogValue, truth: CatalogValue, minSnr: number, matchRadiusPx = 1): MeasurementValue {
  const s = src.columns;
  const t = truth.columns;
  const keep: number[] = [];
  for (let k = 0; k < (s.xPx as Float64Array).length; k++) {
    if (!((s.snr as Float64Array)[k]! >= minSnr) || (s.flagEdge as boolean[])[k] || (s.flagSaturated as boolean[])[k] || (s.flagCr as boolean[])[k]) continue;
    keep.push(k);
  }
  const stars = Array.from((t.kind as string[]).keys()).filter((j) => (t.kind as string[])[j] === 'star');
  const pick = (col: ArrayLike<number>, rows: number[]) => Float64Array.from(rows, (r) => col[r]!);
  const m = matchNearest(pick(s.xPx as Float64Array, keep), pick(s.yPx as Float64Array, keep), pick(t.xPx as Float64Array, stars), pick(t.yPx as Float64Array, stars), matchRadiusPx);
  const ra = s.raDeg as Float64Array;
  const dec = s.decDeg as Float64Array;
  const tRa = t.raDeg as Float64Array;
  const tDec = t.decDeg as Float64Array;
  const d2: number[] = [];
  let sumE = 0;
  let sumN = 0;
  const n = m.source.length;
  for (let q = 0; q < n; q++) {
    const k = keep[m.source[q]!]!;
    const j = stars[m.reference[q]!]!;
    const d = angularSeparationDeg(ra[k]!, dec[k]!, tRa[j]!, tDec[j]!) * 3.6e6;
    const [e, no] = tangentArcsec([tRa[j]!, tDec[j]!], ra[k]!, dec[k]!);
    d2.push(d * d);
    sumE += e * 1000;
    sumN += no * 1000;
  }
  // Robust 2-D RMS: for isotropic Gaussian errors d² ~ σ²·χ²₂, whose median is 2 ln 2 · σ², so
  // sqrt(median d² / ln 2) estimates sqrt(2)·σ; one blended star cannot fail a good fit.
  d2.sort((a, b) => a - b);
  const medianD2 = n === 0 ? Number.NaN : n % 2 ? d2[n >> 1]! : (d2[n / 2 - 1]! + d2[n / 2]!) / 2;
  return measurement('WcsResidual', Math.sqrt(medianD2 / Math.LN2), 'mas', {
    nStars: { value: n, unit: '', label: 'stars matched to truth' },
    meanOffsetEastMas: { value: sumE / n, unit: 'mas', label: 'mean offset from the true positions, east' },
    meanOffsetNorthMas: { value: sumN / n, unit: 'mas', label: 'mean offset from the true positions, north' },
    fitRmsMas: { value: Number(src.metadata.astromRmsArcsec) * 1000, unit: 'mas', label: 'residual RMS of the WCS fit itself (against the refcat)' },
    rmsMas: { value: Math.sqrt(d2.reduce((a, b) => a + b, 0) / n), unit: 'mas', label: 'plain 2-D RMS (outliers included)' },
  });
}

export function runCalibrationError(src: CatalogValue, truth: CatalogValue, c: CalibrationErrorConfig): MeasurementValue {
  const s = src.columns;
  const t = truth.columns;
  const keep: number[] = [];
  for (let k = 0; k < (s.xPx as Float64Array).length; k++) {
    if ((s.extendedness as Float64Array)[k] !== 0 || !((s.snr as Float64Array)[k]! >= c.minSnr)) continue;
    if ((s.flagEdge as boolean[])[k] || (s.flagSaturated as boolean[])[k] || (s.flagCr as boolean[])[k]) continue;
    keep.push(k);
  }
  const stars = Array.from((t.kind as string[]).keys()).filter((j) => (t.kind as string[])[j] === 'star' && !(t.saturated as boolean[])[j]);
  const pick = (col: ArrayLike<number>, rows: number[]) => Float64Array.from(rows, (r) => col[r]!);
  const m = matchNearest(pick(s.xPx as Float64Array, keep), pick(s.yPx as Float64Array, keep), pick(t.xPx as Float64Array, stars), pick(t.yPx as Float64Array, stars), c.matchRadiusPx);
  const diffs = Array.from(m.source, (i, q) => (s.psfMag as Float64Array)[keep[i]!]! - (t.mag as Float64Array)[stars[m.reference[q]!]!]!).sort((a, b) => a - b);
  const n = diffs.length;
  const med = n >= c.minStars ? (n % 2 ? diffs[n >> 1]! : (diffs[n / 2 - 1]! + diffs[n / 2]!) / 2) : Number.NaN;
  const mad = n >= c.minStars ? 1.4826 * [...diffs.map((d) => Math.abs(d - med))].sort((a, b) => a - b)[n >> 1]! : Number.NaN;
  const errMmag = 1000 * med;
  return measurement('CalibrationError', Math.abs(errMmag), 'mmag', {
    offsetMmag: { value: errMmag, unit: 'mmag', label: 'median calibrated minus true magnitude (signed)' },
    statErrMmag: { value: (1000 * 1.2533 * mad) / Math.sqrt(n), unit: 'mmag', label: 'statistical error of the median' },
    nStars: { value: n, unit: '', label: 'stars matched to truth' },
    sumSquares: { value: errMmag ** 2, unit: 'mmag2', label: 'squared error (for pooling over exposures)' },
    dof: { value: Number.isFinite(errMmag) ? 1 : Number.NaN, unit: '', label: 'one exposure (for pooling)' },
  });
}

export const wcsResidual = defineTask({
  description: 'WCS quality of a calexp: RMS distance of its stars\u2019 sky positions from their true positions (mas, against truth)',
  config: wcsResidualConfig,
  connections: {
    sources: { kind: 'input', storageClass: 'Catalog' },
    truth: { kind: 'prerequisite', storageClass: 'Catalog' },
    measurement: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: z.infer<typeof wcsResidualConfig>) {
    return { measurement: runWcsResidual(single<CatalogValue>(inputs, 'sources').value, single<CatalogValue>(inputs, 'truth').value, config.minSnr, config.matchRadiusPx) };
  },
});

export const calibrationError = defineTask({
  description: 'Photometric calibration error of a calexp: median calibrated minus true magnitude of its stars (mmag, against truth)',
  config: calibrationErrorConfig,
  connections: {
    sources: { kind: 'input', storageClass: 'Catalog' },
    truth: { kind: 'prerequisite', storageClass: 'Catalog' },
    measurement: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: CalibrationErrorConfig) {
    return { measurement: runCalibrationError(single<CatalogValue>(inputs, 'sources').value, single<CatalogValue>(inputs, 'truth').value, config) };
  },
});
