import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Vera's checkout (or installed package) root: this file is <root>/cli/version.ts. */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/**
 * `vera --version`: the package version, and in a git checkout the commit (with "+changes" when
 * the tree differs from it), so a bug report names exactly the code that ran.
 */
export function versionText(root = ROOT): string {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8')) as { version: string };
  const commit = gitCommit(root);
  return commit ? `vera ${pkg.version} (commit ${commit})` : `vera ${pkg.version}`;
}

function gitCommit(root: string): string | undefined {
  if (!fs.existsSync(path.join(root, '.git'))) return undefined;
  try {
    const run = (...args: string[]) => execFileSync('git', ['-C', root, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'], timeout: 5000 }).trim();
    const sha = run('rev-parse', '--short=12', 'HEAD');
    const dirty = run('status', '--porcelain', '--untracked-files=no') !== '';
    return dirty ? `${sha}+changes` : sha;
  } catch {
    // git missing, or not a repository after all: the version alone.
    return undefined;
  }
}
