import { VeraError } from '../../errors.ts';
import { convertValue, type ThresholdSpecification } from '../verify/index.ts';
import { parseDetectionConfig, type DetectionConfig, type DetectionConfigInput } from './config.ts';
import { withUnit } from './messages.ts';
import { changepointFindings, thresholdFindings, welchFindings, zscoreFindings, type RawFinding, type SeriesContext } from './methods.ts';
import { relativeChange } from './stats.ts';
import { applyPractical } from './practical.ts';
import { passesSpec } from './tests.ts';
import type { Evidence, Finding, FindingKind, NoiseEstimate, SeriesPoint } from './types.ts';

export interface DetectOptions {
  /** The series unit (astropy-style); needed by specification and absolute thresholds. */
  unit?: string;
  /** Fully qualified metric name, for messages; when given, specifications must be of it. */
  metric?: string;
  /** Where the config's `specs` names are looked up (e.g. `SpecificationSet.specs`). */
  specs?: ReadonlyMap<string, ThresholdSpecification> | Iterable<ThresholdSpecification>;
  /**
   * Noise of one measurement, replacing the estimate from the series' own repeats. Either one is
   * only the z-score's fallback, where the baseline window is too short or constant.
   */
  noise?: NoiseEstimate;
}

/**
 * Regressions and improvements in a series (DESIGN.md §7): specification, relative and absolute
 * thresholds, z-scores against a baseline window, Welch's t-test between adjacent windows and
 * E-divisive change points (as Apache Otava). Each finding names the first bad point and the
 * last good one. Methods that point at the same index in the same direction make one finding,
 * led by the strongest evidence, the others listed in `alsoFoundBy`. Sorted by index.
 */
export function detectRegressions(points: readonly SeriesPoint[], config: DetectionConfigInput | DetectionConfig, opts: DetectOptions = {}): Finding[] {
  const cfg = parseDetectionConfig(config);
  const values = new Float64Array(points.length);
  for (let i = 0; i < points.length; i++) {
    const v = points[i]![cfg.statistic];
    if (!Number.isFinite(v)) {
      throw new VeraError('BAD_INPUT', `point ${i} (commit ${points[i]!.commit}) has ${cfg.statistic} ${v}, not a finite number`, { index: i });
    }
    values[i] = v;
  }
  const ctx: SeriesContext = { points, values, config: cfg, unit: opts.unit, label: metricLabel(opts.metric), noise: opts.noise };
  const raw = [
    ...specFindings(ctx, resolveSpecs(cfg, opts)),
    ...thresholdFindings(ctx, 'percent'),
    ...thresholdFindings(ctx, 'absolute', absoluteThreshold(cfg, opts.unit)),
    ...zscoreFindings(ctx),
    ...welchFindings(ctx),
    ...changepointFindings(ctx),
  ];
  // The practical threshold gates every inference; significance alone never opens a regression.
  return mergeFindings(cfg.practical ? applyPractical(raw, cfg.practical, opts.unit) : raw, points);
}

/** `validate_drp.PA1` → `PA1`; messages read better with the short name. */
function metricLabel(metric: string | undefined): string {
  if (metric === undefined) return 'the metric';
  const dot = metric.lastIndexOf('.');
  return dot >= 0 ? metric.slice(dot + 1) : metric;
}

function absoluteThreshold(cfg: DetectionConfig, unit: string | undefined): number | undefined {
  const abs = cfg.absolute;
  if (abs === undefined) return undefined;
  if (abs.unit === undefined) return abs.threshold;
  if (unit === undefined) {
    throw new VeraError('BAD_INPUT', `field 'absolute.unit' is '${abs.unit}' but the series has no unit: pass the series unit`, { unit: abs.unit });
  }
  try {
    return Math.abs(convertValue(abs.threshold, abs.unit, unit));
  } catch (e) {
    if (!(e instanceof VeraError)) throw e;
    throw new VeraError(e.code, `field 'absolute.unit': ${e.message}`, e.details, { cause: e });
  }
}

type SpecSource = NonNullable<DetectOptions['specs']>;

function specIndex(specs: SpecSource | undefined): ReadonlyMap<string, ThresholdSpecification> {
  if (specs === undefined) return new Map();
  const isMap = (x: SpecSource): x is ReadonlyMap<string, ThresholdSpecification> => typeof (x as Map<string, unknown>).get === 'function';
  if (isMap(specs)) return specs;
  return new Map([...specs].map((s) => [s.name, s]));
}

function resolveSpecs(cfg: DetectionConfig, opts: DetectOptions): ThresholdSpecification[] {
  if (cfg.specs.length === 0) return [];
  const byName = specIndex(opts.specs);
  if (opts.unit === undefined) {
    throw new VeraError('BAD_INPUT', `field 'specs': specification thresholds need the series unit, and none was given`, { specs: cfg.specs });
  }
  return cfg.specs.map((name, i) => {
    const spec = byName.get(name);
    if (spec === undefined) throw new VeraError('SPEC_UNRESOLVED', `field 'specs[${i}]': no specification named '${name}'`, { spec: name });
    if (opts.metric !== undefined && spec.metricName !== opts.metric) {
      throw new VeraError('CONFIG_INVALID', `field 'specs[${i}]': specification '${name}' is for ${spec.metricName}, not ${opts.metric}`, { spec: name });
    }
    return spec;
  });
}

/**
 * Each specification as a pass/fail sequence: the first failing point after a passing one (or
 * at the start) is a regression, the first passing point after a failing one an improvement.
 * Specifications decide direction by their operator, not the metric's config.
 */
function specFindings(ctx: SeriesContext, specs: readonly ThresholdSpecification[]): RawFinding[] {
  const out: RawFinding[] = [];
  const unit = ctx.unit!;
  for (const spec of specs) {
    let limit: number;
    try {
      limit = convertValue(spec.threshold.value, spec.threshold.unit, unit);
    } catch (e) {
      if (!(e instanceof VeraError)) throw e;
      throw new VeraError(e.code, `specification ${spec.name}: the series in '${unit}' cannot be compared with it: ${e.message}`, { ...e.details, spec: spec.name }, { cause: e });
    }
    let passedBefore: boolean | undefined;
    for (let i = 0; i < ctx.values.length; i++) {
      const value = ctx.values[i]!;
      const passes = passesSpec(spec, value, unit);
      if (passes !== passedBefore && !(passedBefore === undefined && passes)) {
        const direction = passes ? 'improvement' : 'regression';
        const verdict = passes ? 'passes' : 'fails';
        const commit = ctx.points[i]!.commit.slice(0, 12);
        out.push({
          kind: 'spec',
          index: i,
          baseline: limit,
          value,
          delta: value - limit,
          relativeDelta: relativeChange(value, limit),
          spec: spec.name,
          direction,
          message: `${ctx.label} = ${withUnit(value, unit)} at commit ${commit} ${verdict} ${spec.name} (${spec.toString()})${passes ? ' again' : ''}`,
        });
      }
      passedBefore = passes;
    }
  }
  return out;
}

const STATISTICAL: ReadonlySet<FindingKind> = new Set(['changepoint', 'welch', 'zscore']);
const KIND_ORDER: readonly FindingKind[] = ['spec', 'changepoint', 'welch', 'zscore', 'absolute', 'percent'];

/**
 * Strongest evidence first: a failed specification is a fact about the value, not an inference;
 * then the statistical tests by p-value (smaller is stronger); then the plain thresholds, which
 * say nothing about noise. Ties keep the order of KIND_ORDER.
 */
function compareEvidence(a: Evidence, b: Evidence): number {
  const tier = (e: Evidence) => (e.kind === 'spec' ? 0 : STATISTICAL.has(e.kind) ? 1 : 2);
  const d = tier(a) - tier(b);
  if (d !== 0) return d;
  const pa = a.pValue ?? Number.NaN;
  const pb = b.pValue ?? Number.NaN;
  if (pa !== pb && !(Number.isNaN(pa) && Number.isNaN(pb))) {
    if (Number.isNaN(pa)) return 1;
    if (Number.isNaN(pb)) return -1;
    return pa - pb;
  }
  return KIND_ORDER.indexOf(a.kind) - KIND_ORDER.indexOf(b.kind);
}

function mergeFindings(raw: RawFinding[], points: readonly SeriesPoint[]): Finding[] {
  const groups = new Map<string, RawFinding[]>();
  for (const f of raw) {
    const key = `${f.index}:${f.direction}`;
    const g = groups.get(key);
    if (g) g.push(f);
    else groups.set(key, [f]);
  }
  const out: Finding[] = [];
  for (const group of groups.values()) {
    group.sort(compareEvidence);
    const [lead, ...rest] = group;
    const { index, ...evidence } = lead!;
    out.push({
      ...evidence,
      index,
      lastGoodIndex: index > 0 ? index - 1 : null,
      commit: points[index]!.commit,
      lastGoodCommit: index > 0 ? points[index - 1]!.commit : null,
      alsoFoundBy: rest.map(({ index: _index, ...e }) => e),
    });
  }
  return out.sort((a, b) => a.index - b.index || (a.direction === b.direction ? 0 : a.direction === 'regression' ? -1 : 1));
}
