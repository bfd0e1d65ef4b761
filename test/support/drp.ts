import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { PROJECT_ROOT } from './git-repo.ts';

export const DRP = path.join(PROJECT_ROOT, 'pipelines/drp.yaml');

/**
 * pipelines/drp.yaml cut to single-frame processing (isr, characterizeImage, calibrate): what
 * makes `calexp` and `src`, unchanged, without the coaddition, forced photometry and metrics after
 * it. Run it with `pipelineFile: DRP`, so its task classes resolve as the whole pipeline's do.
 */
export function singleFrameDrp(): string {
  const doc = parseYaml(fs.readFileSync(DRP, 'utf8')) as { tasks: Record<string, unknown> };
  doc.tasks = Object.fromEntries(Object.entries(doc.tasks).filter(([k]) => ['isr', 'characterizeImage', 'calibrate'].includes(k)));
  return stringifyYaml(doc);
}
