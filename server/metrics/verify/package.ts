import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { VeraError } from '../../errors.ts';
import { loadMetricsDir } from './metrics.ts';
import { loadSpecsDir, type SpecificationSet } from './specs.ts';
import type { Metric } from './types.ts';
import { unitsCompatible } from './units.ts';

export interface MetricsPackage {
  metrics: Map<string, Metric>;
  specs: SpecificationSet;
}

/**
 * Loads a metrics package such as verify_metrics: `metrics/*.yaml` and the `specs/` tree
 * (either may be absent). File names in messages are relative to `root`.
 */
export function loadMetricsPackage(root: string): MetricsPackage {
  const metricsDir = join(root, 'metrics');
  const specsDir = join(root, 'specs');
  if (!existsSync(metricsDir) && !existsSync(specsDir)) {
    throw new VeraError('NOT_FOUND', `${root}: not a metrics package (no metrics/ or specs/ directory)`, { root });
  }
  return {
    metrics: existsSync(metricsDir) ? loadMetricsDir(metricsDir) : new Map(),
    specs: existsSync(specsDir) ? loadSpecsDir(specsDir, root) : { specs: new Map(), partials: new Map(), duplicates: [] },
  };
}

export interface SpecProblem {
  spec: string;
  problem: string;
}

/**
 * What lsst.verify does not check when loading but a user wants to know on import:
 * specifications of metrics that `metrics/` does not define, thresholds in units that cannot
 * be compared with their metric's, and names defined twice.
 */
export function checkMetricsPackage(pkg: MetricsPackage): SpecProblem[] {
  const problems: SpecProblem[] = [];
  for (const spec of pkg.specs.specs.values()) {
    const metric = pkg.metrics.get(spec.metricName);
    if (!metric) {
      problems.push({ spec: spec.name, problem: `metric ${spec.metricName} is not defined in metrics/` });
    } else if (!unitsCompatible(metric.unit, spec.threshold.unit)) {
      problems.push({
        spec: spec.name,
        problem: `threshold unit '${spec.threshold.unit.text}' cannot be compared with metric ${metric.name}'s unit '${metric.unit.text}'`,
      });
    }
  }
  for (const d of pkg.specs.duplicates) {
    problems.push({ spec: d.name, problem: `defined again in ${d.kept.file} (document ${d.kept.document ?? 1}), replacing ${d.replaced.file}` });
  }
  return problems;
}
