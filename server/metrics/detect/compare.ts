import { VeraError } from '../../errors.ts';
import { convertValue } from '../verify/index.ts';
import { parseDetectionConfig, type DetectionConfig, type DetectionConfigInput } from './config.ts';
import { classify, fmt, fmtP } from './messages.ts';
import { practicallyLarge as practicalGate } from './practical.ts';
import { mean, relativeChange, sampleVariance } from './stats.ts';
import { exceedsAbsolute, exceedsPercent, noiseTTest, welchTTest, type Insufficient, type TTest } from './tests.ts';
import type { Comparison, NoiseEstimate } from './types.ts';

export interface CompareOptions {
  /** Noise of one measurement (e.g. `estimateNoise` of the base branch's series). */
  noise?: NoiseEstimate;
  /** The unit of the samples; needed when `absolute.unit` is given. */
  unit?: string;
}

function checkFinite(xs: readonly number[], side: string): void {
  for (const [i, v] of xs.entries()) {
    if (!Number.isFinite(v)) throw new VeraError('BAD_INPUT', `${side}[${i}] is ${v}, not a finite number`, { side, index: i });
  }
}

/**
 * The test for two samples: Welch's t-test (Welch 1947; Satterthwaite 1946) when both have
 * `welch.minSamples` values; otherwise a t-test on a noise estimate (the caller's, or the scatter
 * of the side that is large enough), so one head commit can still be compared with a base
 * series; otherwise nothing.
 */
function chooseTest(base: readonly number[], head: readonly number[], minSamples: number, noise: NoiseEstimate | undefined): { test: Comparison['test']; r: TTest | Insufficient } {
  const welch = welchTTest(head, base, minSamples);
  if (welch.status === 'ok') return { test: 'welch', r: welch };
  let estimate = noise;
  if (estimate === undefined) {
    const big = base.length >= head.length ? base : head;
    if (big.length >= Math.max(2, minSamples)) estimate = { sigma: Math.sqrt(sampleVariance(big)), df: big.length - 1, source: 'baseline' };
  }
  if (estimate === undefined) {
    return { test: 'none', r: { status: 'insufficient', reason: `${welch.reason}, and there is no noise estimate to test a smaller sample with` } };
  }
  const r = noiseTTest(head, base, estimate, minSamples);
  return { test: r.status === 'ok' ? 'noise' : 'none', r };
}

/** When thresholds are configured, a significant change must also exceed one of them to count. */
function practicallyLarge(cfg: DetectionConfig, headMean: number, baseMean: number, unit: string | undefined): boolean | undefined {
  const checks: boolean[] = [];
  if (cfg.percent !== undefined) checks.push(exceedsPercent(headMean, baseMean, cfg.percent.threshold));
  if (cfg.absolute !== undefined) {
    const { threshold, unit: thresholdUnit } = cfg.absolute;
    if (thresholdUnit !== undefined && unit === undefined) {
      throw new VeraError('BAD_INPUT', `field 'absolute.unit' is '${thresholdUnit}' but the samples have no unit: pass their unit`, { unit: thresholdUnit });
    }
    const limit = thresholdUnit === undefined ? threshold : Math.abs(convertValue(threshold, thresholdUnit, unit!));
    checks.push(exceedsAbsolute(headMean, baseMean, limit));
  }
  // The practical threshold must be passed too, when one is set: below it nothing changed that matters.
  if (cfg.practical !== undefined && !practicalGate(cfg.practical, headMean - baseMean, relativeChange(headMean, baseMean), unit)) return false;
  return checks.length === 0 ? undefined : checks.some(Boolean);
}

/**
 * A branch (head) against its base (DESIGN.md §7: the merge base's measurements on master).
 * Significance is the two-sided p-value ≤ `welch.maxPValue`; direction follows the metric's
 * config. When percent or absolute thresholds are configured, a significant change smaller than
 * all of them is `unchanged`: with deterministic pipelines noise can be tiny, and a 0.01 %
 * change, however certain, should not fail a pull request.
 */
export function compareSamples(
  base: readonly number[],
  head: readonly number[],
  config: DetectionConfigInput | DetectionConfig,
  opts: CompareOptions = {},
): Comparison {
  const cfg = parseDetectionConfig(config);
  checkFinite(base, 'base');
  checkFinite(head, 'head');
  const baseMean = mean(base);
  const headMean = mean(head);
  const delta = headMean - baseMean;
  const relativeDelta = relativeChange(headMean, baseMean);
  const { minSamples, maxPValue } = cfg.welch;
  const { test, r } = chooseTest(base, head, minSamples, opts.noise);
  const common = { delta, relativeDelta, baseMean, headMean, test };
  if (r.status === 'insufficient') {
    return { ...common, status: 'insufficient', pValue: Number.NaN, significant: false, t: Number.NaN, df: Number.NaN, reason: r.reason };
  }
  const significant = r.pTwoSided <= maxPValue;
  const large = practicallyLarge(cfg, headMean, baseMean, opts.unit);
  const stats = `${test === 'welch' ? "Welch's" : 'noise'} t = ${fmt(r.t)}, p = ${fmtP(r.pTwoSided)}`;
  let status: Comparison['status'] = 'unchanged';
  let reason: string;
  if (!significant) reason = `not significant (${stats} > ${maxPValue})`;
  else if (large === false) reason = `significant (${stats}) but within the configured thresholds`;
  else {
    status = classify(delta, cfg.direction);
    reason = `${status} (${stats} <= ${maxPValue})`;
  }
  return { ...common, status, pValue: r.pTwoSided, significant, t: r.t, df: r.df, reason };
}
