import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { detectionConfigs, specifications } from '../db/schema/index.ts';
import { parse as parseYaml } from 'yaml';
import { parseDetectionConfig, parseDetectionConfigYaml, type DetectionConfig } from './detect/index.ts';
import { parseUnit, ThresholdSpecification, type Operator } from './verify/index.ts';

/** A metric's specifications from the database, as lsst.verify objects. */
export async function specsOf(db: Db, metric: string): Promise<ThresholdSpecification[]> {
  const rows = await db.select().from(specifications).where(eq(specifications.metricName, metric));
  return rows.map((r) => {
    const [pkg, metricShort] = [r.metricName.slice(0, r.metricName.indexOf('.')), r.metricName.slice(r.metricName.indexOf('.') + 1)];
    return new ThresholdSpecification({
      name: r.name,
      package: pkg,
      metric: metricShort,
      spec: r.name.slice(r.metricName.length + 1),
      threshold: { value: r.value, unit: parseUnit(r.unit), operator: r.operator as Operator },
      metadataQuery: r.metadataQuery,
      tags: r.tags,
      extra: {},
    });
  });
}

/**
 * A metric's detection config: the stored one, else defaults with the direction read from its
 * specifications (a `<=` threshold means lower is better), else lower is better.
 */
export async function detectionConfigOf(db: Db, metric: string): Promise<{ config: DetectionConfig; specs: ThresholdSpecification[]; stored: boolean }> {
  const specs = await specsOf(db, metric);
  const [row] = await db.select().from(detectionConfigs).where(eq(detectionConfigs.metricName, metric));
  if (row) return { config: parseDetectionConfig(row.config, `detection config of ${metric}`), specs, stored: true };
  const upper = specs.filter((s) => s.threshold.operator === '<' || s.threshold.operator === '<=').length;
  const lower = specs.filter((s) => s.threshold.operator === '>' || s.threshold.operator === '>=').length;
  return { config: parseDetectionConfig({ direction: lower > upper ? 'higher_is_better' : 'lower_is_better' }), specs, stored: false };
}

export async function setDetectionConfig(db: Db, metric: string, input: unknown): Promise<DetectionConfig> {
  const config = parseDetectionConfig(input, `detection config of ${metric}`);
  await db
    .insert(detectionConfigs)
    .values({ metricName: metric, config: input as Record<string, unknown> })
    .onConflictDoUpdate({ target: detectionConfigs.metricName, set: { config: input as Record<string, unknown>, updatedAt: new Date() } });
  return config;
}

/**
 * Sets the detection configs of a YAML file (metric name → config) in one transaction, after
 * validating every entry: a bad one names the file and metric, and nothing is changed.
 */
export async function importDetectionConfigs(db: Db, text: string, file: string): Promise<number> {
  parseDetectionConfigYaml(text, file);
  const raw = (parseYaml(text) ?? {}) as Record<string, unknown>;
  await db.transaction(async (tx) => {
    for (const [metric, config] of Object.entries(raw)) await setDetectionConfig(tx, metric, config);
  });
  return Object.keys(raw).length;
}
