import crypto from 'node:crypto';
import path from 'node:path';
import { simpleGit } from 'simple-git';
import type { SoftwareVersion } from '../db/schema/index.ts';

/**
 * The software version of the code in `dir`: commit, branch, exact tag, and whether the
 * checkout is dirty (with a hash of its diff, so two dirty runs can be told apart).
 * Outside a git repository every field but `repo` is empty.
 */
export async function detectSoftware(dir: string): Promise<SoftwareVersion> {
  const git = simpleGit({ baseDir: dir });
  let top: string;
  try {
    top = (await git.revparse(['--show-toplevel'])).trim();
  } catch {
    return { repo: path.resolve(dir), commit: null, branch: null, tag: null, dirty: false, diffHash: null };
  }
  const repoGit = simpleGit({ baseDir: top });
  const commit = await repoGit.revparse(['HEAD']).then((s) => s.trim(), () => null);
  const branch = await repoGit.revparse(['--abbrev-ref', 'HEAD']).then((s) => (s.trim() === 'HEAD' ? null : s.trim()), () => null);
  const tag = await repoGit.raw(['describe', '--tags', '--exact-match', 'HEAD']).then((s) => s.trim() || null, () => null);
  const status = await repoGit.status();
  const dirty = !status.isClean();
  let diffHash: string | null = null;
  if (dirty) {
    // Untracked files count too: new task modules change what runs.
    const diff = await repoGit.raw(['diff', 'HEAD']).catch(() => '');
    const untracked = status.not_added.sort().join('\n');
    diffHash = `sha256:${crypto.createHash('sha256').update(diff).update('\0').update(untracked).digest('hex')}`;
  }
  return { repo: top, commit, branch, tag, dirty, diffHash };
}
