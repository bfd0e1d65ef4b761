import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleGit, type SimpleGit } from 'simple-git';

export const PROJECT_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * A real git repository of pipeline code for tests. It lives under the project's `.test-tmp/`
 * (git-ignored) so task modules in it resolve `zod` and Vera's framework like any pipeline
 * package inside the project would.
 */
export async function makePipelineRepo(name: string): Promise<{ dir: string; git: SimpleGit; commit(files: Record<string, string>, message: string): Promise<string>; remove(): void }> {
  const dir = path.join(PROJECT_ROOT, '.test-tmp', `${name}-${process.pid}-${Date.now().toString(36)}`);
  fs.mkdirSync(dir, { recursive: true });
  const git = simpleGit({ baseDir: dir });
  await git.init(['--initial-branch=master']);
  await git.addConfig('user.email', 'dev@example.org');
  await git.addConfig('user.name', 'Pipeline Developer');
  return {
    dir,
    git,
    async commit(files, message) {
      for (const [rel, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
        fs.writeFileSync(path.join(dir, rel), text);
      }
      await git.add('.');
      await git.commit(message);
      return (await git.revparse(['HEAD'])).trim();
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** Source of a task module that computes a toy metric from the raw values; imports Vera's framework by path. */
export function metricTaskSource(): string {
  const framework = path.join(PROJECT_ROOT, 'pipelines/framework/task.ts');
  return `import { z } from 'zod';
import { defineTask, many } from '${framework}';

/** mean(raw values) * scale + offset, plus seeded noise of the given sigma. */
export const offsetMetric = defineTask({
  description: 'a toy metric from raw values',
  config: z.object({ scale: z.number().default(0.01), offset: z.number().default(0), noise: z.number().default(0.05) }).strict(),
  run(inputs, config, ctx) {
    const raws = many<{ value: number }>(inputs, 'raw');
    const mean = raws.reduce((s, r) => s + r.value.value, 0) / raws.length;
    // Box-Muller from a xorshift on the quantum seed: deterministic per run seed.
    let x = ctx.seed || 1;
    const next = () => { x ^= x << 13; x ^= x >>> 17; x ^= x << 5; return ((x >>> 0) + 0.5) / 4294967296; };
    const g = Math.sqrt(-2 * Math.log(next())) * Math.cos(2 * Math.PI * next());
    return { measurement: { metric: 'toy.offset', value: mean * config.scale + config.offset + config.noise * g, unit: 'mmag' } };
  },
});
`;
}

export function metricPipeline(offset: number): string {
  return `description: toy metric pipeline
tasks:
  metric:
    class: ./tasks.ts#offsetMetric
    dimensions: [instrument]
    config: { offset: ${offset} }
    connections:
      raw: { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: StructuredData, multiple: true }
      measurement: { kind: output, datasetType: toyMetric, dimensions: [instrument], storageClass: Measurement }
`;
}

/**
 * The toy metric's definitions as a pipeline repository ships them (`metrics/` next to
 * `pipeline.yaml`): ingestion loads them, so its direction is known without a hand import.
 */
export function toyMetricsFiles(opts: { detection?: string } = {}): Record<string, string> {
  return {
    'metrics/metrics/toy.yaml': 'offset:\n  description: A toy photometric offset.\n  unit: mmag\n  reference: {}\n  tags: [photometry]\n',
    'metrics/detection.yaml': opts.detection ?? 'toy.offset: { direction: lower_is_better }\n',
  };
}
