import { VeraError } from '../../errors.ts';
import { buildName } from './names.ts';
import type { Job } from './job.ts';
import type { SpecificationSet } from './specs.ts';
import type { ThresholdSpecification } from './threshold.ts';
import type { Measurement, MetricSet } from './types.ts';

export interface SubsetOptions {
  /** A package (`validate_drp`) or fully qualified metric (`validate_drp.PA1`). */
  name?: string;
  /** Keep specifications whose metadata query the job's metadata satisfies. */
  meta?: Readonly<Record<string, unknown>>;
  /** Keep specifications whose query has all these terms, equal (`arg_driven` matching). */
  requiredMeta?: Readonly<Record<string, unknown>>;
  /** Keep specifications that carry all these tags. */
  specTags?: readonly string[];
  /** Keep specifications whose metric carries all these tags (needs `metrics`). */
  metricTags?: readonly string[];
  metrics?: MetricSet;
}

/**
 * `SpecificationSet.subset`: the filters combine (all must hold). lsst.verify computes the
 * metric-tag filter but forgets to apply it; here it is applied.
 */
export function subsetSpecs(specs: Iterable<ThresholdSpecification>, opts: SubsetOptions): ThresholdSpecification[] {
  const target = opts.name === undefined ? undefined : buildName({ package: opts.name });
  if (target && !target.ok) throw new VeraError('BAD_INPUT', `specification subset: ${target.problem}`, { name: opts.name });
  const metricTags = opts.metricTags ?? [];
  if (metricTags.length > 0 && opts.metrics === undefined) {
    throw new VeraError('BAD_INPUT', 'specification subset: filtering by metric tags needs the metric definitions');
  }
  return [...specs].filter((s) => {
    if (target?.ok) {
      const t = target.name;
      if (t.package !== s.package || (t.metric !== undefined && t.metric !== s.metric) || (t.spec !== undefined && t.spec !== s.spec)) {
        return false;
      }
    }
    if (opts.meta && !s.queryMetadata(opts.meta)) return false;
    if (opts.requiredMeta && !s.queryMetadata(opts.requiredMeta, { argDriven: true })) return false;
    if (opts.specTags && !opts.specTags.every((t) => s.tags.includes(t))) return false;
    if (metricTags.length > 0) {
      const metric = opts.metrics?.get(s.metricName);
      if (!metric || !metricTags.every((t) => metric.tags.includes(t))) return false;
    }
    return true;
  });
}

export type CheckStatus = 'passed' | 'failed' | 'unmeasured';

export interface SpecCheck {
  spec: ThresholdSpecification;
  measurement: Measurement;
  /** `unmeasured` when the measurement is NaN (lsst.verify's report shows a minus sign). */
  status: CheckStatus;
}

export type ReportOptions = Omit<SubsetOptions, 'meta' | 'requiredMeta'> & {
  /** Metadata that decides which specifications apply; the job's own by default. */
  meta?: Readonly<Record<string, unknown>>;
};

/**
 * `Job.report`: every specification that applies to the job's metadata, checked against the
 * job's measurement of its metric (specifications without a measurement are left out), sorted
 * by specification name. Specifications default to those the job carries. Throws
 * `UNIT_INCOMPATIBLE` if a measurement's unit cannot be compared with its threshold.
 */
export function evaluateJob(
  job: Job,
  specs: SpecificationSet | Iterable<ThresholdSpecification> = job.specs,
  opts: ReportOptions = {},
): SpecCheck[] {
  const list = 'specs' in specs && 'partials' in specs ? specs.specs.values() : (specs as Iterable<ThresholdSpecification>);
  const metrics = opts.metrics ?? new Map(job.metrics.map((m) => [m.name, m]));
  const selected = subsetSpecs(list, { ...opts, meta: opts.meta ?? job.meta, metrics });
  // A MeasurementSet keeps one measurement per metric: the last one wins.
  const byMetric = new Map<string, Measurement>();
  for (const m of job.measurements) byMetric.set(m.metric, m);
  selected.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: SpecCheck[] = [];
  for (const spec of selected) {
    const measurement = byMetric.get(spec.metricName);
    if (!measurement) continue;
    const status: CheckStatus = Number.isNaN(measurement.quantity.value) ? 'unmeasured' : spec.check(measurement.quantity) ? 'passed' : 'failed';
    out.push({ spec, measurement, status });
  }
  return out;
}
