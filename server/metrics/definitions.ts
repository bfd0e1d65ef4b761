import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Db } from '../db/client.ts';
import { detectionConfigs } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { upsertMetrics } from './catalog.ts';
import { parseDetectionConfigYaml } from './detect/index.ts';
import { checkMetricsPackage, loadMetricsPackageFiles, readMetricsTree } from './verify/index.ts';

/**
 * Metric definitions ship with the pipelines: a metrics package (`metrics/*.yaml`, `specs/`, and
 * optionally `detection.yaml`) in a `metrics/` directory next to the pipeline file or one level
 * up (Vera's own: `pipelines/drp.yaml` → `pipelines/metrics/`). Null when there is none.
 */
export function shippedDefinitionsDir(pipelineFile: string): string | null {
  let dir = path.dirname(pipelineFile);
  for (let up = 0; up < 2; up++) {
    const candidate = path.join(dir, 'metrics');
    if (existsSync(path.join(candidate, 'metrics')) || existsSync(path.join(candidate, 'specs'))) return candidate;
    dir = path.dirname(dir);
  }
  return null;
}

export interface LoadedDefinitions {
  dir: string;
  metrics: number;
  specifications: number;
  /** Detection configs added for metrics that had none (a stored one, perhaps hand-tuned, is kept). */
  detectionConfigs: number;
}

/**
 * Loads the definitions shipped with a pipeline, so a measurement is judged by what its own
 * pipeline says (direction, specifications, practical thresholds) whether or not anyone
 * imported them by hand. Runs wherever measurements are ingested. A package whose specification
 * cannot be compared with its metric is refused whole, naming the file; nothing is written.
 */
export async function loadShippedDefinitions(db: Db, pipelineFile: string): Promise<LoadedDefinitions | null> {
  const dir = shippedDefinitionsDir(pipelineFile);
  if (dir === null) return null;
  const pkg = loadMetricsPackageFiles(readMetricsTree(dir));
  const incompatible = checkMetricsPackage(pkg).find((p) => p.problem.includes('cannot be compared'));
  if (incompatible) throw new VeraError('UNIT_INCOMPATIBLE', `${dir}: specification ${incompatible.spec}: ${incompatible.problem}`, { spec: incompatible.spec });
  const detectionFile = path.join(dir, 'detection.yaml');
  const detectionText = existsSync(detectionFile) ? readFileSync(detectionFile, 'utf8') : null;
  // Validated before anything is written: a bad file refuses the whole load.
  if (detectionText !== null) parseDetectionConfigYaml(detectionText, detectionFile);
  let added = 0;
  await db.transaction(async (tx) => {
    await upsertMetrics(tx, [...pkg.metrics.values()], [...pkg.specs.specs.values()]);
    if (detectionText === null) return;
    const raw = (parseYaml(detectionText) ?? {}) as Record<string, Record<string, unknown>>;
    for (const [metricName, config] of Object.entries(raw)) {
      const inserted = await tx.insert(detectionConfigs).values({ metricName, config }).onConflictDoNothing().returning({ m: detectionConfigs.metricName });
      added += inserted.length;
    }
  });
  return { dir, metrics: pkg.metrics.size, specifications: pkg.specs.specs.size, detectionConfigs: added };
}
