import { simpleGit } from 'simple-git';
import { VeraError } from '../errors.ts';

/**
 * Commit-graph questions answered by git itself, never guessed: first-parent history of a branch,
 * merge bases, and the commits between two points.
 */
export interface CommitInfo {
  sha: string;
  parents: string[];
  author: string;
  date: Date;
  subject: string;
}

function git(repo: string) {
  return simpleGit({ baseDir: repo });
}

/** SHAs of a ref's first-parent history, oldest first (the order a branch's series is plotted in). */
export async function firstParentHistory(repo: string, ref: string, opts: { max?: number } = {}): Promise<string[]> {
  try {
    const out = await git(repo).raw(['rev-list', '--first-parent', ...(opts.max ? [`--max-count=${opts.max}`] : []), ref, '--']);
    return out.split('\n').filter(Boolean).reverse();
  } catch (e) {
    throw new VeraError('NOT_FOUND', `git cannot list the history of '${ref}' in ${repo}: ${(e as Error).message.split('\n')[0]}`, { repo, ref });
  }
}

export async function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  try {
    return (await git(repo).raw(['merge-base', a, b])).trim() || null;
  } catch {
    return null;
  }
}

export async function resolveRef(repo: string, ref: string): Promise<string | null> {
  try {
    return (await git(repo).revparse([`${ref}^{commit}`])).trim();
  } catch {
    return null;
  }
}

/** Commits reachable from `to` but not from `from` (the changes between a good and a bad point), oldest first. */
export async function commitsBetween(repo: string, from: string | null, to: string): Promise<CommitInfo[]> {
  const range = from ? `${from}..${to}` : to;
  const out = await git(repo).raw(['log', '--reverse', '--format=%H%x1f%P%x1f%an%x1f%aI%x1f%s', range, '--']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, parents, author, date, subject] = line.split('\x1f') as [string, string, string, string, string];
      return { sha, parents: parents.split(' ').filter(Boolean), author, date: new Date(date), subject };
    });
}
