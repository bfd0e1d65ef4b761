import { passesSpec } from './detect/index.ts';
import { convertValue, parseUnit, type ThresholdSpecification } from './verify/index.ts';

/**
 * Judging specifications per data ID (docs/metrics.md, "Specifications").
 *
 * A metric measured per band, visit, detector, patch or HEALPix bin meets a specification only
 * when every data ID meets it: a failing band must not hide behind good ones. Each measured
 * data ID is judged on its own value; the worst failing one (farthest beyond the threshold) is
 * named so a PR comment, a regression or the dashboard can say where the failure is.
 *
 * The value shown for "all" data IDs is computed as the metric defines it, not as a mean of
 * per-data-ID values, when the measurements carry the sums to pool (see pooledValue).
 */

export interface JudgedValue {
  value: number | null;
  unit: string;
  dataId: Record<string, unknown>;
  extras?: Record<string, unknown> | null;
}

export interface SpecVerdict {
  spec: string;
  /** The spec is met by "all" and by every data ID; null when nothing was measured. */
  pass: boolean | null;
  /** How many data IDs fail it. */
  failingDataIds: number;
  /** The failing data ID farthest beyond the threshold (null: none fails, or only "all" does). */
  worstDataId: Record<string, unknown> | null;
  /** Its value, in the metric's unit. */
  worstValue: number | null;
}

function finite(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function extraValue(extras: Record<string, unknown> | null | undefined, key: string): number | undefined {
  const e = extras?.[key];
  const v = typeof e === 'object' && e !== null ? (e as { value?: unknown }).value : e;
  return finite(v) ? v : undefined;
}

function inUnit(v: JudgedValue, unit: string): number | null {
  if (!finite(v.value)) return null;
  return v.unit === unit ? v.value : convertValue(v.value, parseUnit(v.unit), parseUnit(unit));
}

/**
 * The metric over all data IDs, pooled as the metric defines it when every measurement carries
 * the sums to pool (extras written by the pipelines/drp metric tasks):
 *   - RMS metrics (PA1, astrometric repeatability): `sumSquares` (unit², Σ of squared residuals)
 *     and `dof`: all = sqrt(max(0, Σ sumSquares) / Σ dof), the RMS pooled over stars (a
 *     noise-subtracted sum may be negative per band);
 *   - fractions (completeness, purity, outlier fractions): `numerator` and `denominator`:
 *     all = scale · Σ numerator / Σ denominator, with scale 100 for '%' and 1 otherwise.
 * Otherwise (metrics without a pooled definition, e.g. a per-visit PSF FWHM) the mean of the
 * data IDs' values. Returns null when nothing finite was measured.
 */
export function pooledValue(values: readonly JudgedValue[], unit: string): number | null {
  const measured = values.filter((v) => finite(v.value));
  if (measured.length === 0) return null;
  const sum = (key: string) => measured.reduce((s, v) => s + (extraValue(v.extras, key) ?? Number.NaN), 0);
  const sameUnit = measured.every((v) => v.unit === unit);
  if (sameUnit && measured.every((v) => extraValue(v.extras, 'sumSquares') !== undefined && extraValue(v.extras, 'dof') !== undefined)) {
    const dof = sum('dof');
    if (dof > 0) return Math.sqrt(Math.max(0, sum('sumSquares')) / dof);
  }
  if (sameUnit && measured.every((v) => extraValue(v.extras, 'numerator') !== undefined && extraValue(v.extras, 'denominator') !== undefined)) {
    const den = sum('denominator');
    if (den > 0) return ((unit === '%' ? 100 : 1) * sum('numerator')) / den;
  }
  const xs = measured.map((v) => inUnit(v, unit)).filter(finite);
  return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
}

/** How far a value lies beyond a spec's threshold in the failing direction (positive: fails by more). */
function excess(spec: ThresholdSpecification, value: number, unit: string): number {
  const t = convertValue(spec.threshold.value, spec.threshold.unit, parseUnit(unit));
  return spec.threshold.operator.startsWith('<') ? value - t : t - value;
}

/**
 * Judges each spec on "all" (the pooled value) and on every data ID that has its own
 * measurement. Measurements without data ID keys count only towards "all".
 */
export function judgeSpecs(specs: readonly ThresholdSpecification[], values: readonly JudgedValue[], unit: string): SpecVerdict[] {
  const all = pooledValue(values, unit);
  const perId = values.filter((v) => Object.keys(v.dataId).length > 0 && finite(v.value));
  return specs.map((spec) => {
    if (all === null) return { spec: spec.name, pass: null, failingDataIds: 0, worstDataId: null, worstValue: null };
    let worst: { dataId: Record<string, unknown>; value: number; excess: number } | null = null;
    let failing = 0;
    for (const v of perId) {
      const x = inUnit(v, unit)!;
      if (passesSpec(spec, x, unit)) continue;
      failing++;
      const e = excess(spec, x, unit);
      if (!worst || e > worst.excess) worst = { dataId: v.dataId, value: x, excess: e };
    }
    return { spec: spec.name, pass: failing === 0 && passesSpec(spec, all, unit), failingDataIds: failing, worstDataId: worst?.dataId ?? null, worstValue: worst?.value ?? null };
  });
}

/** "band=g visit=12": a data ID as people read it (the instrument is implied). */
export function dataIdLabel(dataId: Record<string, unknown> | null): string {
  return dataId ? Object.entries(dataId).filter(([k]) => k !== 'instrument' && k !== 'skymap').map(([k, v]) => `${k}=${String(v)}`).join(' ') : 'all';
}
