import { readFileSync, readdirSync } from 'node:fs';
import { basename, extname, join } from 'node:path';
import { VeraError } from '../../errors.ts';
import { buildName } from './names.ts';
import { metricDocSchema, type Metric } from './types.ts';
import { parseUnit } from './units.ts';
import { isMapping, parseYamlDocument, yamlError } from './yaml.ts';
import { describeIssue } from './zod-messages.ts';

export interface ParseMetricsOptions {
  /** Package the metrics belong to; lsst.verify takes it from the file name (`validate_drp.yaml`). */
  package: string;
  /** File name for messages. */
  file: string;
}

/**
 * Parses one `metrics/<package>.yaml`: each top-level key is a metric of that package, with
 * `description`, `unit`, optional `tags` and `reference` (`doc`, `page`, `url`). Anchors and
 * `<<` merges are resolved first, as PyYAML does. Errors name the file, the metric and the field.
 */
export function parseMetricsYaml(text: string, opts: ParseMetricsOptions): Metric[] {
  const yamlOpts = { file: opts.file, code: 'METRIC_YAML' as const };
  const doc = parseYamlDocument(text, yamlOpts);
  if (doc === undefined) return [];
  if (!isMapping(doc.value)) throw yamlError(yamlOpts, 'expected a mapping of metric names to definitions', doc.line);
  const metrics: Metric[] = [];
  for (const [key, body] of Object.entries(doc.value)) {
    const line = doc.lineOf([key]);
    const name = buildName({ package: opts.package, metric: key });
    if (!name.ok || name.name.metric === undefined) {
      throw yamlError(yamlOpts, `metric '${key}': ${name.ok ? 'not a metric name' : name.problem}`, line, { key });
    }
    if (!isMapping(body)) throw yamlError(yamlOpts, `metric '${key}': expected a mapping of fields`, line, { key });
    const parsed = metricDocSchema.safeParse(body);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue ? describeIssue(issue) : { path: '', segments: [], message: 'invalid' };
      const fieldLine = doc.lineOf([key, ...field.segments.map((p) => (typeof p === 'symbol' ? String(p) : p))]) ?? line;
      throw yamlError(yamlOpts, `metric '${key}': ${field.path ? `field '${field.path}': ` : ''}${field.message}`, fieldLine, {
        key: field.path ? `${key}.${field.path}` : key,
      });
    }
    const m = parsed.data;
    let unit;
    try {
      unit = parseUnit(m.unit);
    } catch (e) {
      if (!(e instanceof VeraError)) throw e;
      throw yamlError({ file: opts.file, code: e.code }, `metric '${key}': field 'unit': ${e.message}`, doc.lineOf([key, 'unit']), {
        key: `${key}.unit`,
        unit: m.unit,
      });
    }
    metrics.push({
      name: `${opts.package}.${name.name.metric}`,
      package: opts.package,
      metric: name.name.metric,
      unit,
      // lsst.verify strips the trailing newline a folded `>` block leaves.
      description: m.description.replace(/\n+$/, ''),
      tags: m.tags,
      reference: m.reference,
      source: { file: opts.file, line },
    });
  }
  return metrics;
}

/** Reads one metric definition file; the package is the file name without extension. */
export function loadMetricsFile(path: string, displayName = path): Metric[] {
  const pkg = basename(path, extname(path));
  return parseMetricsYaml(readFileSync(path, 'utf8'), { package: pkg, file: displayName });
}

/**
 * Loads every `*.yaml` in a `metrics/` directory (as `MetricSet.load_metrics_package` does),
 * keyed by fully qualified name. A metric defined twice keeps the later definition.
 */
export function loadMetricsDir(dir: string): Map<string, Metric> {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.yaml'))
    .sort();
  const out = new Map<string, Metric>();
  for (const f of files) {
    for (const metric of loadMetricsFile(join(dir, f), join(basename(dir), f))) out.set(metric.name, metric);
  }
  return out;
}
