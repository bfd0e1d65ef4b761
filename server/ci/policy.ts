import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { simpleGit } from 'simple-git';
import { z } from 'zod';
import { VeraError } from '../errors.ts';
import { describeIssue } from '../metrics/verify/index.ts';
import { parseCron } from './cron.ts';

export const BUILD_EVENTS = ['push', 'pull_request', 'release', 'schedule', 'workflow_run', 'api'] as const;
export type BuildEvent = (typeof BUILD_EVENTS)[number];

/**
 * `vera.yaml` at the root of a tracked repository, read at the commit being built:
 *
 * ```yaml
 * runs:
 *   - name: drp                       # names the run and its commit status (vera/drp)
 *     pipeline: pipelines/drp.yaml    # relative to the repository root
 *     dataset: SimCam/defaults        # input collections, comma-separated or a list
 *     where: "detector IN (0, 1)"     # optional data query
 *     config: { isr: { doFlat: true } }
 *     on: [push, pull_request, release]
 * schedule:
 *   cron: "0 3 * * *"                 # runs `on: [schedule]` entries on the default branch
 * ```
 */
const RunPolicySchema = z
  .object({
    name: z.string().regex(/^[A-Za-z0-9_.-]+$/, 'names are letters, digits, _ . -'),
    pipeline: z.string().min(1).refine(isRepoPath, 'must be a path inside the repository (relative, / separated, without ..)'),
    dataset: z.union([z.string().min(1), z.array(z.string().min(1)).min(1)]),
    where: z.string().optional(),
    config: z.record(z.string(), z.record(z.string(), z.unknown())).default({}),
    on: z.array(z.enum(BUILD_EVENTS)).default(['push', 'pull_request', 'release']),
  })
  .strict();

const PolicySchema = z
  .object({
    runs: z.array(RunPolicySchema).min(1),
    schedule: z
      .object({
        cron: z.string().refine((c) => {
          try {
            parseCron(c);
            return true;
          } catch {
            return false;
          }
        }, 'not a 5-field cron expression (minute hour day month weekday)'),
      })
      .strict()
      .optional(),
  })
  .strict();

/**
 * Whether `p` names a file inside a repository: relative, `/`-separated, never climbing out with
 * `..`. Symlinks are the reader's to resolve (runner/pipeline/roots.ts).
 */
export function isRepoPath(p: string): boolean {
  if (p.includes('\\') || p.includes('\0') || path.posix.isAbsolute(p)) return false;
  const normalized = path.posix.normalize(p);
  return normalized !== '.' && normalized !== '..' && !normalized.startsWith('../');
}

export type RunPolicy = z.infer<typeof RunPolicySchema>;
export type Policy = z.infer<typeof PolicySchema>;

export function inputsOf(p: RunPolicy): string[] {
  return Array.isArray(p.dataset) ? p.dataset : p.dataset.split(',').map((s) => s.trim()).filter(Boolean);
}

export function parsePolicy(text: string, where: string): Policy {
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new VeraError('CONFIG_INVALID', `${where}: not valid YAML: ${(e as Error).message.split('\n')[0]}`);
  }
  const parsed = PolicySchema.safeParse(doc);
  if (!parsed.success) {
    const d = describeIssue(parsed.error.issues[0]!);
    throw new VeraError('CONFIG_INVALID', `${where}: ${d.path ? `${d.path}: ` : ''}${d.message}`, { path: d.path });
  }
  return parsed.data;
}

/** The repository's `vera.yaml` at a commit, or undefined when it has none. */
export async function readPolicy(mirrorPath: string, sha: string): Promise<Policy | undefined> {
  let text: string;
  try {
    text = await simpleGit({ baseDir: mirrorPath }).show([`${sha}:vera.yaml`]);
  } catch {
    return undefined;
  }
  return parsePolicy(text, `vera.yaml at ${sha.slice(0, 10)}`);
}
