import { z } from 'zod';
import { defineTask, single, type TaskInputs } from '../../framework/task.ts';
import type { CatalogValue, MeasurementValue } from '../../framework/values.ts';
import { matchNearest } from '../lib/match.ts';
import { measurement } from './common.ts';

/**
 * Detection completeness and purity of one calexp's src catalog against the truth of its raw
 * (truth_sources), matched on the detector's pixel grid (truth xPx, yPx are true positions on the
 * same pixels), so the metric does not depend on the astrometric calibration.
 *
 *   Completeness = matched / selected truth, for truth sources of the chosen kinds that are on
 *                  the detector, not saturated, with noise-model S/N >= minTruthSnr   [%]
 *   Purity       = detections within matchRadiusPx of some truth source with S/N >=
 *                  purityMinTruthSnr, over all detections                               [%]
 *
 * Completeness uses the nearest-neighbour rule "any detection within the radius" (a blended
 * pair found as one detection counts twice: deblending is not scored here).
 */

export const detectionCompletenessConfig = z
  .object({
    minTruthSnr: z.number().positive().default(10),
    kinds: z.array(z.enum(['star', 'galaxy', 'variable', 'transient'])).default(['star']),
    matchRadiusPx: z.number().positive().default(2.5),
    purityMinTruthSnr: z.number().nonnegative().default(1),
  })
  .strict();
export type DetectionCompletenessConfig = z.infer<typeof detectionCompletenessConfig>;

export function runDetectionCompleteness(src: CatalogValue, truth: CatalogValue, c: DetectionCompletenessConfig): { completeness: MeasurementValue; purity: MeasurementValue } {
  const t = truth.columns;
  const s = src.columns;
  const tx = t.xPx as Float64Array;
  const ty = t.yPx as Float64Array;
  const tsnr = t.snr as Float64Array;
  const kinds = t.kind as string[];
  const sx = s.xPx as Float64Array;
  const sy = s.yPx as Float64Array;
  const anyWithin = (x: number, y: number, xs: ArrayLike<number>, ys: ArrayLike<number>, keep: (j: number) => boolean) => {
    for (let j = 0; j < xs.length; j++) if (keep(j) && Math.abs(xs[j]! - x) <= c.matchRadiusPx && Math.hypot(xs[j]! - x, ys[j]! - y) <= c.matchRadiusPx) return true;
    return false;
  };
  let selected = 0;
  let found = 0;
  for (let k = 0; k < tx.length; k++) {
    if (!(t.onDetector as boolean[])[k] || (t.saturated as boolean[])[k] || tsnr[k]! < c.minTruthSnr || !c.kinds.includes(kinds[k] as 'star')) continue;
    selected++;
    if (anyWithin(tx[k]!, ty[k]!, sx, sy, () => true)) found++;
  }
  let real = 0;
  for (let k = 0; k < sx.length; k++) if (anyWithin(sx[k]!, sy[k]!, tx, ty, (j) => tsnr[j]! >= c.purityMinTruthSnr)) real++;
  // One-to-one matches, for the record: how many detections pair with distinct truth sources.
  const oneToOne = matchNearest(sx, sy, tx, ty, c.matchRadiusPx).source.length;
  return {
    completeness: measurement('Completeness', selected > 0 ? (100 * found) / selected : Number.NaN, '%', {
      nTruth: { value: selected, unit: '', label: `truth ${c.kinds.join('/')} with S/N >= ${c.minTruthSnr}` },
      nFound: { value: found, unit: '', label: 'of them detected' },
      numerator: { value: found, unit: '', label: 'detected (for pooling)' },
      denominator: { value: selected, unit: '', label: 'selected truth (for pooling)' },
    }),
    purity: measurement('Purity', sx.length > 0 ? (100 * real) / sx.length : Number.NaN, '%', {
      nDetections: { value: sx.length, unit: '', label: 'detections' },
      nReal: { value: real, unit: '', label: 'detections near a truth source' },
      nOneToOne: { value: oneToOne, unit: '', label: 'detections matched one-to-one to truth' },
      numerator: { value: real, unit: '', label: 'real detections (for pooling)' },
      denominator: { value: sx.length, unit: '', label: 'detections (for pooling)' },
    }),
  };
}

export const detectionCompleteness = defineTask({
  description: 'Detection completeness (truth stars with S/N >= 10 detected) and purity (detections that are real) of a calexp (%)',
  config: detectionCompletenessConfig,
  connections: {
    sources: { kind: 'input', storageClass: 'Catalog' },
    truth: { kind: 'prerequisite', storageClass: 'Catalog' },
    completeness: { kind: 'output', storageClass: 'Measurement' },
    purity: { kind: 'output', storageClass: 'Measurement' },
  },
  run(inputs: TaskInputs, config: DetectionCompletenessConfig) {
    const { completeness, purity } = runDetectionCompleteness(single<CatalogValue>(inputs, 'sources').value, single<CatalogValue>(inputs, 'truth').value, config);
    return { completeness, purity };
  },
});
