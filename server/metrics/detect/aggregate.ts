import { VeraError } from '../../errors.ts';
import { convertValue } from '../verify/index.ts';
import { mean, median, medianAbsoluteDeviation, sampleVariance, sumSquares } from './stats.ts';
import type { NoiseEstimate, SeriesMeasurement, SeriesPoint } from './types.ts';

export interface AggregateOptions {
  /** The series unit; measurements carrying another unit are converted into it. */
  unit?: string;
}

export interface AggregatedSeries {
  /** One point per commit with at least one finite value, oldest first. */
  points: SeriesPoint[];
  /** Commits whose measurements were all NaN or infinite, oldest first: they have no point. */
  emptyCommits: string[];
}

/** Summary statistics of one commit's finite values, in the order given. */
export function summarize(commit: string, position: number, values: readonly number[]): SeriesPoint {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (v < min) min = v;
    if (v > max) max = v;
  }
  return {
    commit,
    position,
    n: values.length,
    mean: mean(values),
    median: median(values),
    std: Math.sqrt(sampleVariance(values)),
    mad: medianAbsoluteDeviation(values),
    min,
    max,
    values,
  };
}

/**
 * Points per commit from raw measurements: repeats of a commit (reruns, or several data IDs
 * aggregated) become one point with their mean, median, spread and count. Points are ordered by
 * first-parent position; within a commit values keep their input order, so the output does not
 * depend on how the input was sorted beyond that. Throws `BAD_INPUT` when one commit has two
 * positions or two commits share one, and `UNIT_INCOMPATIBLE` for a unit that does not convert.
 */
export function aggregateSeries(measurements: readonly SeriesMeasurement[], opts: AggregateOptions = {}): AggregatedSeries {
  const byCommit = new Map<string, { position: number; values: number[] }>();
  const commitAt = new Map<number, string>();
  for (const [i, m] of measurements.entries()) {
    if (!Number.isFinite(m.position)) {
      throw new VeraError('BAD_INPUT', `measurement ${i} (commit ${m.commit}) has position ${m.position}, not a number`, { index: i, commit: m.commit });
    }
    let entry = byCommit.get(m.commit);
    if (entry === undefined) {
      const other = commitAt.get(m.position);
      if (other !== undefined) {
        throw new VeraError('BAD_INPUT', `commits ${other} and ${m.commit} both have position ${m.position} in the history`, {
          position: m.position,
          commits: [other, m.commit],
        });
      }
      entry = { position: m.position, values: [] };
      byCommit.set(m.commit, entry);
      commitAt.set(m.position, m.commit);
    } else if (entry.position !== m.position) {
      throw new VeraError('BAD_INPUT', `commit ${m.commit} has two positions in the history: ${entry.position} and ${m.position}`, {
        commit: m.commit,
        positions: [entry.position, m.position],
      });
    }
    if (!Number.isFinite(m.value)) continue;
    const unitless = m.unit === undefined || opts.unit === undefined;
    entry.values.push(unitless ? m.value : convertValue(m.value, m.unit!, opts.unit!));
  }
  const ordered = [...byCommit].sort((a, b) => a[1].position - b[1].position);
  const points: SeriesPoint[] = [];
  const emptyCommits: string[] = [];
  for (const [commit, { position, values }] of ordered) {
    if (values.length === 0) emptyCommits.push(commit);
    else points.push(summarize(commit, position, values));
  }
  return { points, emptyCommits };
}

/** A series with one measurement per commit, for callers (and tests) that only have numbers. */
export function seriesFromValues(values: ArrayLike<number>, commits?: readonly string[]): SeriesPoint[] {
  const points: SeriesPoint[] = [];
  for (let i = 0; i < values.length; i++) points.push(summarize(commits?.[i] ?? `#${i}`, i, [values[i]!]));
  return points;
}

/** Pooled within-commit sum of squares and its degrees of freedom over `points[from, to)`. */
export function pooledRepeats(points: readonly SeriesPoint[], from = 0, to = points.length): { ss: number; df: number } {
  let ss = 0;
  let df = 0;
  for (let i = from; i < to; i++) {
    const p = points[i]!;
    if (p.n < 2) continue;
    ss += sumSquares(p.values, p.mean);
    df += p.n - 1;
  }
  return { ss, df };
}

/**
 * Noise of one measurement. From repeats when some commit has several measurements: the pooled
 * within-commit variance Σᵢ Σⱼ (xᵢⱼ − x̄ᵢ)² / Σᵢ (nᵢ − 1) (the one-way ANOVA error term), which
 * level shifts between commits do not inflate. Otherwise, or when the repeats agree exactly
 * (bit-identical reruns say nothing about noise), from the scatter of the point values in the
 * baseline window `points[from, to)`. Undefined when neither can be estimated.
 */
export function estimateNoise(
  points: readonly SeriesPoint[],
  baseline: { from?: number; to?: number } = {},
  statistic: 'mean' | 'median' = 'mean',
): NoiseEstimate | undefined {
  const from = Math.max(0, baseline.from ?? 0);
  const to = Math.min(points.length, baseline.to ?? points.length);
  const { ss, df } = pooledRepeats(points);
  if (df > 0 && ss > 0) return { sigma: Math.sqrt(ss / df), df, source: 'repeats' };
  if (to - from < 2) return undefined;
  const values = points.slice(from, to).map((p) => p[statistic]);
  return { sigma: Math.sqrt(sampleVariance(values)), df: values.length - 1, source: 'baseline' };
}
