import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertRefName, assertRevision, refNameProblem } from '../../server/git/refs.ts';

/** What git itself says of a name (`git check-ref-format --allow-onelevel`). */
function gitAccepts(name: string): boolean {
  return spawnSync('git', ['check-ref-format', '--allow-onelevel', name]).status === 0;
}

const NAMES = [
  'master', 'feature/x', 'refs/heads/main', 'refs/pull/3/head', 'v1.0', 'HEAD', 'a@b', '@@', 'a/@/b', 'a.lock.b', 'a/-x', 'ü', 'deadbeef',
  '0123456789abcdef0123456789abcdef01234567', 'release-2024.10',
  '', 'a..b', 'a.lock', 'a/b.lock/c', 'a/.b', '.a', '.', 'a/', '/a', 'a//b', 'a.', '@', 'a@{1}', '@{-1}', 'x y', 'a\tb', 'a\nb', 'a\x7fb',
  'a~1', 'a^', 'a^{commit}', 'a:b', ':/fix', 'a?', 'a*', 'a[', 'a\\b', 'HEAD:file',
];

describe('ref names are checked as git checks them', () => {
  it.each(NAMES)('%j: same verdict as git check-ref-format', (name) => {
    expect(refNameProblem(name) === null).toBe(gitAccepts(name));
  });

  it('refuses what git would read as an option, naming the argument and the value', () => {
    for (const value of ['--output=/tmp/x', '-o', '--all', '-', '--end-of-options']) {
      expect(() => assertRefName(value, 'branch')).toThrow(expect.objectContaining({ code: 'BAD_REF', details: { field: 'branch', value } }));
      expect(() => assertRevision(value)).toThrow(expect.objectContaining({ code: 'BAD_REF' }));
    }
    expect(() => assertRefName('--output=/tmp/x', 'base')).toThrow("base '--output=/tmp/x' is not a git branch, tag or commit SHA: it begins with '-'");
  });

  it('refuses very long values, and shows only their start', () => {
    const long = 'a'.repeat(5000);
    expect(() => assertRefName(long, 'head')).toThrow(expect.objectContaining({ code: 'BAD_REF', details: { field: 'head', value: `${'a'.repeat(200)}…` } }));
  });

  it('server-built revisions may add parent suffixes and ^{commit}, nothing else', () => {
    const sha = '0123456789abcdef0123456789abcdef01234567';
    for (const ok of [sha, `${sha}^`, `${sha}^2`, 'HEAD~3', 'master^^', `refs/heads/main^{commit}`, `${sha}~1^{commit}`]) expect(assertRevision(ok)).toBe(ok);
    for (const bad of [`${sha}^{tree}`, `${sha}..master`, ':/fix', 'master@{1}', '@{-1}', `${sha}^-1`, 'HEAD:README.md', '~1', '^master', `-${sha}^`]) {
      expect(() => assertRevision(bad), bad).toThrow(expect.objectContaining({ code: 'BAD_REF' }));
    }
  });
});
