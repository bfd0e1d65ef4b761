import fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';

/**
 * The Slurm executor's settings: a YAML file (VERA_SLURM_CONFIG), every key optional.
 *
 *   partition: debug
 *   default: { cpus: 1, memoryMB: 1024 }
 *   tasks:                       # by task label
 *     isr: { cpus: 1, memoryMB: 2048 }
 *   quantaPerJob: 1              # clustering: quanta one array element runs in one process
 *   maxRetries: 2
 *   retryUnlessExit: [10]        # element exit codes that are final (10: the task failed)
 *   pollSeconds: 2
 *   gatherMilliseconds: 200      # ready quanta gathered this long into one array
 *   maxQueued: 5000              # quanta submitted and not yet finished, at most
 *   sbatchArgs: ["--qos=normal"] # passed to every sbatch as they are
 */
const Resources = z.object({ cpus: z.number().int().min(1).max(1024), memoryMB: z.number().int().min(1).max(64 * 1024 * 1024) }).strict();

export const SlurmConfigSchema = z
  .object({
    partition: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'a partition name').optional(),
    default: Resources.default({ cpus: 1, memoryMB: 1024 }),
    tasks: z.record(z.string(), Resources.partial()).default({}),
    quantaPerJob: z.number().int().min(1).max(10_000).default(1),
    maxRetries: z.number().int().min(0).max(100).default(2),
    retryUnlessExit: z.array(z.number().int().min(0).max(255)).default([10]),
    pollSeconds: z.number().min(0.1).max(600).default(2),
    gatherMilliseconds: z.number().int().min(0).max(60_000).default(200),
    maxQueued: z.number().int().min(1).max(1_000_000).default(5000),
    sbatchArgs: z.array(z.string().regex(/^--[a-z-]+(=\S+)?$/, 'an sbatch long option, --name or --name=value')).default([]),
  })
  .strict();

export type SlurmConfig = z.infer<typeof SlurmConfigSchema>;

export function parseSlurmConfig(value: unknown, where: string): SlurmConfig {
  const parsed = SlurmConfigSchema.safeParse(value ?? {});
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new Error(`${where}: invalid Slurm executor settings: ${issues}`);
  }
  return parsed.data;
}

/** Reads the settings file; no file means every default. */
export function loadSlurmConfig(file: string | undefined): SlurmConfig {
  if (!file) return parseSlurmConfig({}, 'defaults');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read the Slurm executor settings ${file}: ${(e as Error).message}`, { cause: e });
  }
  return parseSlurmConfig(parseYaml(text), file);
}

export function resourcesFor(config: SlurmConfig, taskLabel: string): { cpus: number; memoryMB: number } {
  return { ...config.default, ...config.tasks[taskLabel] };
}
