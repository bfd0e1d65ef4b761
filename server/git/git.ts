import { LRUCache } from 'lru-cache';
import { simpleGit } from 'simple-git';
import { VeraError } from '../errors.ts';
import { assertRevision } from './refs.ts';

/**
 * Commit-graph questions answered by git itself, never guessed: first-parent history of a branch,
 * merge bases, and the commits between two points.
 *
 * Every revision is checked (`assertRevision`) and passed after `--end-of-options`, so nothing a
 * caller sends is read as an option. Answers are cached: where a ref points for a few seconds
 * (a burst of series requests asks git once; a new commit is seen after that), and what follows
 * from a commit SHA (its history, merge bases) for as long as it stays in the LRU, since a SHA
 * never changes.
 */
export interface CommitInfo {
  sha: string;
  parents: string[];
  author: string;
  date: Date;
  subject: string;
}

export interface TagInfo {
  tag: string;
  /** The commit the tag points at (annotated tags peeled). */
  commit: string;
  date: Date | null;
  subject: string;
}

const spawns = new Map<string, number>();

/** How many times git has run `command` (every command when none is given) in this process. */
export function gitSpawns(command?: string): number {
  if (command !== undefined) return spawns.get(command) ?? 0;
  let n = 0;
  for (const c of spawns.values()) n += c;
  return n;
}

async function runGit(repo: string, args: string[]): Promise<string> {
  spawns.set(args[0]!, (spawns.get(args[0]!) ?? 0) + 1);
  // Async, so that simple-git's throw for a missing directory is a rejection like git's own errors.
  return simpleGit({ baseDir: repo }).raw(args);
}

const firstLine = (e: unknown) => (e as Error).message.split('\n')[0];

/** How long where a ref points is trusted before git is asked again. */
export const REF_TTL_MS = 2000;
/** Commits kept in cached histories, over all of them (about 64 bytes each). */
const MAX_CACHED_COMMITS = 1_000_000;

type RefKey = { repo: string; ref: string };
type HistoryKey = { repo: string; sha: string; max: number | undefined };
type PairKey = { repo: string; a: string; b: string };

export class GitHistoryCache {
  private readonly refs: LRUCache<string, { sha: string | null }, RefKey>;
  private readonly tagLists: LRUCache<string, { tags: readonly TagInfo[] }, string>;
  private readonly histories: LRUCache<string, { shas: readonly string[] }, HistoryKey>;
  private readonly mergeBases: LRUCache<string, { sha: string | null }, PairKey>;

  constructor(opts: { refTtlMs?: number; now?: () => number } = {}) {
    const ttl = opts.refTtlMs ?? REF_TTL_MS;
    const perf = opts.now ? { now: opts.now } : undefined;
    const timed = { ttl, ttlResolution: 0, ...(perf ? { perf } : {}) };
    this.refs = new LRUCache({
      max: 10_000,
      ...timed,
      fetchMethod: async (_k, _stale, { context }) => ({
        sha: await runGit(context.repo, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${context.ref}^{commit}`]).then(
          (s) => s.trim() || null,
          () => null,
        ),
      }),
    });
    this.tagLists = new LRUCache({ max: 100, ...timed, fetchMethod: async (_k, _stale, { context }) => ({ tags: Object.freeze(await readTags(context)) }) });
    this.histories = new LRUCache({
      max: 256,
      maxSize: MAX_CACHED_COMMITS,
      sizeCalculation: (v) => Math.max(1, v.shas.length),
      fetchMethod: async (_k, _stale, { context: { repo, sha, max } }) => {
        const out = await runGit(repo, ['rev-list', '--first-parent', ...(max ? [`--max-count=${max}`] : []), '--end-of-options', sha, '--']);
        return { shas: Object.freeze(out.split('\n').filter(Boolean).reverse()) };
      },
    });
    this.mergeBases = new LRUCache({
      max: 10_000,
      fetchMethod: async (_k, _stale, { context: { repo, a, b } }) => ({
        sha: await runGit(repo, ['merge-base', '--end-of-options', a, b]).then(
          (s) => s.trim() || null,
          () => null,
        ),
      }),
    });
  }

  /** The commit a revision names, or null when it names none. */
  async resolveRef(repo: string, ref: string): Promise<string | null> {
    assertRevision(ref);
    return (await this.refs.fetch(`${repo}\0${ref}`, { context: { repo, ref } }))!.sha;
  }

  /** SHAs of a ref's first-parent history, oldest first (the order a branch's series is plotted in). Shared: do not modify. */
  async firstParentHistory(repo: string, ref: string, opts: { max?: number } = {}): Promise<readonly string[]> {
    const sha = await this.resolveRef(repo, ref);
    if (!sha) throw new VeraError('NOT_FOUND', `git cannot list the history of '${ref}' in ${repo}: it is not a commit, branch or tag there`, { repo, ref });
    try {
      return (await this.histories.fetch(`${repo}\0${sha}\0${opts.max ?? ''}`, { context: { repo, sha, max: opts.max } }))!.shas;
    } catch (e) {
      throw new VeraError('NOT_FOUND', `git cannot list the history of '${ref}' in ${repo}: ${firstLine(e)}`, { repo, ref });
    }
  }

  async mergeBase(repo: string, a: string, b: string): Promise<string | null> {
    const [shaA, shaB] = await Promise.all([this.resolveRef(repo, a), this.resolveRef(repo, b)]);
    if (!shaA || !shaB) return null;
    // The merge base of two commits does not depend on their order.
    const [x, y] = shaA < shaB ? [shaA, shaB] : [shaB, shaA];
    return (await this.mergeBases.fetch(`${repo}\0${x}\0${y}`, { context: { repo, a: x, b: y } }))!.sha;
  }

  /** Tags of a repository, oldest first. Shared: do not modify. */
  async tags(repo: string): Promise<readonly TagInfo[]> {
    try {
      return (await this.tagLists.fetch(repo, { context: repo }))!.tags;
    } catch (e) {
      throw new VeraError('NOT_FOUND', `cannot list the tags of ${repo}: ${firstLine(e)}`, { repo });
    }
  }

  /** Forgets where the refs of `repo` point (after a fetch moved them): the next question asks git. */
  forgetRefs(repo: string): void {
    const prefix = `${repo}\0`;
    for (const key of [...this.refs.keys()]) if (key.startsWith(prefix)) this.refs.delete(key);
    this.tagLists.delete(repo);
  }
}

async function readTags(repo: string): Promise<TagInfo[]> {
  const out = await runGit(repo, [
    'for-each-ref',
    '--sort=creatordate',
    '--format=%(refname:short)%1f%(objectname)%1f%(*objectname)%1f%(creatordate:iso-strict)%1f%(contents:subject)',
    'refs/tags',
  ]);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [tag, object, peeled, date, subject] = line.split('\x1f') as [string, string, string, string, string];
      return { tag, commit: peeled || object, date: date ? new Date(date) : null, subject };
    });
}

/** The process's cache: every request and build shares it. */
export const gitHistory = new GitHistoryCache();

export function firstParentHistory(repo: string, ref: string, opts: { max?: number } = {}): Promise<readonly string[]> {
  return gitHistory.firstParentHistory(repo, ref, opts);
}

export function mergeBase(repo: string, a: string, b: string): Promise<string | null> {
  return gitHistory.mergeBase(repo, a, b);
}

export function resolveRef(repo: string, ref: string): Promise<string | null> {
  return gitHistory.resolveRef(repo, ref);
}

export function listTags(repo: string): Promise<readonly TagInfo[]> {
  return gitHistory.tags(repo);
}

/** Commits reachable from `to` but not from `from` (the changes between a good and a bad point), oldest first. */
export async function commitsBetween(repo: string, from: string | null, to: string): Promise<CommitInfo[]> {
  const range = from ? `${assertRevision(from)}..${assertRevision(to)}` : assertRevision(to);
  const out = await runGit(repo, ['log', '--reverse', '--format=%H%x1f%P%x1f%an%x1f%aI%x1f%s', '--end-of-options', range, '--']);
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, parents, author, date, subject] = line.split('\x1f') as [string, string, string, string, string];
      return { sha, parents: parents.split(' ').filter(Boolean), author, date: new Date(date), subject };
    });
}
