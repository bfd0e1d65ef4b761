import { detectChangePoints } from '../changepoints/index.ts';
import type { DetectionConfig } from './config.ts';
import { classify, describeChange, fmt, fmtP, withUnit } from './messages.ts';
import { relativeChange, trailingMedians } from './stats.ts';
import { exceedsAbsolute, exceedsPercent, scoreOf, scorePValue, welchTTest } from './tests.ts';
import type { Evidence, NoiseEstimate, SeriesPoint } from './types.ts';

/**
 * One scanner per method over a series' point values. Each returns raw findings (an index and
 * what it saw); `detect.ts` merges them. Threshold-like methods (zscore, percent, absolute) flag
 * points one by one and report the first point of each run of flagged points in one direction:
 * after a step, the next few points still differ from a baseline that has not caught up, and
 * that is one change, not several.
 */

export interface SeriesContext {
  points: readonly SeriesPoint[];
  /** The configured statistic of each point, in the series unit. */
  values: Float64Array;
  config: DetectionConfig;
  unit: string | undefined;
  label: string;
  /** A caller's noise estimate (one measurement's σ), replacing the estimate from repeats. */
  noise: NoiseEstimate | undefined;
}

export type RawFinding = Evidence & { index: number };

function change(ctx: SeriesContext, index: number, baseline: number, value: number) {
  const delta = value - baseline;
  const relativeDelta = relativeChange(value, baseline);
  const direction = classify(delta, ctx.config.direction);
  const text = describeChange({ label: ctx.label, unit: ctx.unit, baseline, value, relativeDelta, direction, commit: ctx.points[index]!.commit });
  return { baseline, value, delta, relativeDelta, direction, text };
}

/** Indices flagged one by one → the first of each run of consecutive flags in one direction. */
function firstOfRuns(flags: ReadonlyArray<RawFinding | undefined>): RawFinding[] {
  const out: RawFinding[] = [];
  let prev: RawFinding | undefined;
  for (const f of flags) {
    if (f !== undefined && (prev === undefined || prev.direction !== f.direction)) out.push(f);
    prev = f;
  }
  return out;
}

/**
 * Noise of point i's value from the repeats of the commits before it: the pooled within-commit
 * variance, divided by the point's own count (the standard error of a mean; a median's is
 * √(π/2) ≈ 1.253 times larger for Gaussian noise).
 */
function pointNoise(ctx: SeriesContext, i: number, pooledSs: number, pooledDf: number): NoiseEstimate | undefined {
  const perMeasurement = ctx.noise ?? (pooledDf > 0 && pooledSs > 0 ? { sigma: Math.sqrt(pooledSs / pooledDf), df: pooledDf, source: 'repeats' as const } : undefined);
  if (perMeasurement === undefined) return undefined;
  const n = ctx.points[i]!.n;
  const factor = ctx.config.statistic === 'median' ? Math.sqrt(Math.PI / 2) : 1;
  return { ...perMeasurement, sigma: (perMeasurement.sigma * factor) / Math.sqrt(n) };
}

export function zscoreFindings(ctx: SeriesContext): RawFinding[] {
  const cfg = ctx.config.zscore;
  if (!cfg.enabled) return [];
  const { values, points } = ctx;
  const flags: Array<RawFinding | undefined> = [];
  let ss = 0;
  let df = 0;
  for (let i = 0; i < values.length; i++) {
    const baseline = values.subarray(Math.max(0, i - cfg.window), i);
    const r = scoreOf(values[i]!, baseline, cfg.minSamples, pointNoise(ctx, i, ss, df));
    const p = points[i]!;
    if (p.n >= 2) {
      for (const v of p.values) ss += (v - p.mean) ** 2;
      df += p.n - 1;
    }
    if ('status' in r || !(Math.abs(r.z) >= cfg.threshold)) {
      flags.push(undefined);
      continue;
    }
    const pValue = scorePValue(r);
    const { text, ...c } = change(ctx, i, r.baselineMean, values[i]!);
    const scale = r.scaleSource === 'window' ? `the previous ${baseline.length} commits` : `the noise of repeats`;
    flags.push({
      kind: 'zscore',
      index: i,
      ...c,
      zScore: r.z,
      pValue,
      message: `${text}: z = ${fmt(r.z)} against ${scale} (mean ${withUnit(r.baselineMean, ctx.unit)}, p = ${fmtP(pValue)}; threshold ${cfg.threshold})`,
    });
  }
  return firstOfRuns(flags);
}

/** Percent and absolute thresholds against the median of the previous `window` points. */
export function thresholdFindings(ctx: SeriesContext, kind: 'percent' | 'absolute', absoluteInSeriesUnit?: number): RawFinding[] {
  const cfg = kind === 'percent' ? ctx.config.percent : ctx.config.absolute;
  if (cfg === undefined) return [];
  const { values } = ctx;
  const medians = trailingMedians(values, cfg.window);
  const flags: Array<RawFinding | undefined> = [];
  for (let i = 0; i < values.length; i++) {
    if (i === 0) {
      flags.push(undefined);
      continue;
    }
    const base = medians[i]!;
    const v = values[i]!;
    const hit = kind === 'percent' ? exceedsPercent(v, base, cfg.threshold) : exceedsAbsolute(v, base, absoluteInSeriesUnit!);
    if (!hit) {
      flags.push(undefined);
      continue;
    }
    const { text, ...c } = change(ctx, i, base, v);
    const limit = kind === 'percent' ? `${fmt(cfg.threshold)} %` : withUnit(absoluteInSeriesUnit!, ctx.unit);
    flags.push({ kind, index: i, ...c, message: `${text}: beyond ${limit} from the median of the previous ${Math.min(i, cfg.window)} commits` });
  }
  return firstOfRuns(flags);
}

/**
 * Welch's t-test of the `window` points before each index against the `window` points from it.
 * Around a step every index within a window of it tests significant, so each run of
 * significant indices (one direction) yields one finding, at its smallest p-value: the split
 * that best separates the two regimes, i.e. the first point of the new one.
 */
export function welchFindings(ctx: SeriesContext): RawFinding[] {
  const cfg = ctx.config.welch;
  if (!cfg.enabled) return [];
  const { values } = ctx;
  const n = values.length;
  const out: RawFinding[] = [];
  let best: { i: number; p: number; t: number; before: number; after: number; nb: number; na: number } | undefined;
  let bestDir: string | undefined;
  const flush = () => {
    if (best === undefined) return;
    const { text, ...c } = change(ctx, best.i, best.before, best.after);
    out.push({
      kind: 'welch',
      index: best.i,
      ...c,
      pValue: best.p,
      message: `${text}: Welch's t = ${fmt(best.t)}, p = ${fmtP(best.p)} between the ${best.nb} commits before and the ${best.na} from it (threshold ${cfg.maxPValue})`,
    });
    best = undefined;
  };
  for (let i = cfg.minSamples; i <= n - cfg.minSamples; i++) {
    const after = values.subarray(i, Math.min(n, i + cfg.window));
    const before = values.subarray(Math.max(0, i - cfg.window), i);
    const r = welchTTest(after, before, cfg.minSamples);
    const dir = r.status === 'ok' && r.pTwoSided <= cfg.maxPValue ? classify(r.meanA - r.meanB, ctx.config.direction) : undefined;
    if (dir === undefined || dir !== bestDir) flush();
    bestDir = dir;
    if (r.status !== 'ok' || dir === undefined) continue;
    if (best === undefined || r.pTwoSided < best.p || (r.pTwoSided === best.p && Math.abs(r.t) > Math.abs(best.t))) {
      best = { i, p: r.pTwoSided, t: r.t, before: r.meanB, after: r.meanA, nb: before.length, na: after.length };
    }
  }
  flush();
  return out;
}

/**
 * E-divisive change points exactly as Apache Otava reports them on the point values. Otava's
 * index is the first point of the new regime, which is our first bad point; the segment means
 * are the baseline and value.
 */
export function changepointFindings(ctx: SeriesContext): RawFinding[] {
  const cfg = ctx.config.changepoints;
  if (!cfg.enabled || ctx.values.length < 2) return [];
  const found = detectChangePoints(ctx.values, { window: cfg.window, maxPValue: cfg.maxPValue, minMagnitude: cfg.minMagnitude });
  const out: RawFinding[] = [];
  for (const cp of found) {
    if (cp.meanAfter === cp.meanBefore) continue;
    const { text, ...c } = change(ctx, cp.index, cp.meanBefore, cp.meanAfter);
    out.push({
      kind: 'changepoint',
      index: cp.index,
      ...c,
      pValue: cp.pValue,
      magnitude: cp.magnitude,
      message: `${text}: E-divisive change point (segment means), p = ${fmtP(cp.pValue)}, magnitude ${fmt(cp.magnitude)}`,
    });
  }
  return out;
}
