import fs from 'node:fs';
import path from 'node:path';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { simpleGit } from 'simple-git';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { commits, gitRefs, repos } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { validateCollectionName } from '../repo/index.ts';
import { gitHistory } from './git.ts';

export type Repo = typeof repos.$inferSelect;

/** `owner/name` from a GitHub URL (https or ssh), else undefined. */
export function githubFullNameOf(url: string): string | undefined {
  const m = /github\.com[:/]([^/]+)\/([^/]+?)(\.git)?\/?$/.exec(url);
  return m ? `${m[1]}/${m[2]}` : undefined;
}

function defaultName(url: string): string {
  return githubFullNameOf(url) ?? path.basename(url.replace(/\/+$/, '')).replace(/\.git$/, '');
}

const RECORD_COMMITS = 2000;

/**
 * Starts tracking a repository: a bare mirror (`git clone --mirror`) under `$VERA_HOME/git`,
 * then its branches, tags and recent commits are recorded.
 */
export async function addRepo(db: Db, home: string, spec: { url: string; name?: string; githubFullName?: string }, actor: Actor): Promise<Repo> {
  requireRole(actor, 'operator', 'tracking repositories');
  // git would read a URL beginning with '-' as an option.
  if (spec.url.startsWith('-')) throw new VeraError('BAD_INPUT', `repository URL '${spec.url}' begins with '-'`, { url: spec.url });
  const name = spec.name ?? defaultName(spec.url);
  validateCollectionName(name); // same rules: '/'-separated safe segments, usable as a path
  const [existing] = await db.select().from(repos).where(eq(repos.name, name));
  if (existing) throw new VeraError('COLLECTION_CONFLICT', `repository '${name}' is already tracked (${existing.url})`, { name });
  const url = fs.existsSync(spec.url) ? path.resolve(spec.url) : spec.url;
  const mirrorPath = path.join(home, 'git', `${name}.git`);
  fs.rmSync(mirrorPath, { recursive: true, force: true });
  fs.mkdirSync(path.dirname(mirrorPath), { recursive: true });
  try {
    await simpleGit().clone(url, mirrorPath, ['--mirror', '--quiet']);
  } catch (e) {
    fs.rmSync(mirrorPath, { recursive: true, force: true });
    throw new VeraError('BAD_INPUT', `cannot clone ${url}: ${(e as Error).message.split('\n')[0]}`, { url });
  }
  gitHistory.forgetRefs(mirrorPath); // a mirror made again at the same path
  const head = await simpleGit({ baseDir: mirrorPath })
    .raw(['symbolic-ref', '--short', 'HEAD'])
    .then((s) => s.trim(), () => 'master');
  const [repo] = await db
    .insert(repos)
    .values({ name, url, mirrorPath, githubFullName: spec.githubFullName ?? githubFullNameOf(url) ?? null, defaultBranch: head, ownerId: actor.id })
    .returning();
  await recordRefs(db, repo!);
  return repo!;
}

export async function listRepos(db: Db): Promise<Repo[]> {
  return db.select().from(repos).orderBy(repos.name);
}

export async function getRepo(db: Db, name: string): Promise<Repo> {
  const [repo] = await db.select().from(repos).where(eq(repos.name, name));
  if (!repo) throw new VeraError('NOT_FOUND', `repository '${name}' is not tracked; add it with vera repos add`, { name });
  return repo;
}

export async function findRepoByGithubName(db: Db, fullName: string): Promise<Repo | undefined> {
  const [repo] = await db.select().from(repos).where(sql`lower(${repos.githubFullName}) = lower(${fullName})`);
  return repo;
}

/**
 * The repository a caller names (`repo:` in GraphQL, `--repo` in the CLI): a tracked one, by
 * name or GitHub owner/name. Never a path: callers must not make the server run git in a
 * directory of their choosing (git reads that directory's config, and its refs are theirs).
 */
export async function trackedRepo(db: Db, name: string, field = 'repo'): Promise<Repo> {
  const [byName] = await db.select().from(repos).where(eq(repos.name, name));
  const repo = byName ?? (await findRepoByGithubName(db, name));
  if (!repo) throw new VeraError('NOT_FOUND', `${field} '${name}' is not tracked: name a repository from vera repos list (its name or GitHub owner/name), not a path`, { field, name });
  return repo;
}

/** Fetches the mirror (all refs, pruned) and records what changed. Serialized per repository by git's own locks. */
export async function fetchRepo(db: Db, repo: Repo): Promise<void> {
  await simpleGit({ baseDir: repo.mirrorPath }).raw(['remote', 'update', '--prune']);
  gitHistory.forgetRefs(repo.mirrorPath);
  await recordRefs(db, repo);
}

async function recordRefs(db: Db, repo: Repo): Promise<void> {
  const git = simpleGit({ baseDir: repo.mirrorPath });
  const refLines = (await git.raw(['for-each-ref', '--format=%(refname)%09%(objectname)%09%(*objectname)', 'refs/heads', 'refs/tags'])).split('\n').filter(Boolean);
  const refs = refLines.map((l) => {
    const [full, sha, peeled] = l.split('\t') as [string, string, string];
    const kind = full.startsWith('refs/tags/') ? 'tag' : 'branch';
    return { repoId: repo.id, name: full.replace(/^refs\/(heads|tags)\//, ''), kind, sha: peeled || sha };
  });
  const log = await git.raw(['log', '--all', `--max-count=${RECORD_COMMITS}`, '--format=%H%x1f%P%x1f%an%x1f%cI%x1f%s']).catch(() => '');
  const commitRows = log
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [sha, parents, author, date, subject] = line.split('\x1f') as [string, string, string, string, string];
      return { repoId: repo.id, sha, parents: parents.split(' ').filter(Boolean), author, committedAt: new Date(date), subject };
    });
  await db.transaction(async (tx) => {
    await tx.delete(gitRefs).where(eq(gitRefs.repoId, repo.id));
    if (refs.length) await tx.insert(gitRefs).values(refs);
    for (let i = 0; i < commitRows.length; i += 500) await tx.insert(commits).values(commitRows.slice(i, i + 500)).onConflictDoNothing();
    await tx.update(repos).set({ fetchedAt: new Date() }).where(eq(repos.id, repo.id));
  });
}

export async function refsOf(db: Db, repo: Repo) {
  return (await refsOfRepos(db, [repo.id])).get(repo.id)!;
}

/** The refs of several repositories (by id), by kind and name, in one query. */
export async function refsOfRepos(db: Db, repoIds: readonly number[]): Promise<Map<number, (typeof gitRefs.$inferSelect)[]>> {
  const out = new Map<number, (typeof gitRefs.$inferSelect)[]>(repoIds.map((id) => [id, []]));
  if (out.size === 0) return out;
  const rows = await db
    .select()
    .from(gitRefs)
    .where(inArray(gitRefs.repoId, [...out.keys()]))
    .orderBy(asc(gitRefs.kind), asc(gitRefs.name));
  for (const r of rows) out.get(r.repoId)!.push(r);
  return out;
}

/**
 * A checkout of `sha` to run from: a detached git worktree of the mirror under
 * `$VERA_HOME/worktrees/<repo>/<sha>`, made once and reused by every run of that commit.
 * `<sha>.done` beside it says the checkout completed: `git worktree add` writes `.git` before the
 * files, so a process killed during it leaves a worktree that looks made but lacks files.
 */
export async function ensureWorktree(home: string, repo: Repo, sha: string): Promise<string> {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new VeraError('BAD_INPUT', `'${sha}' is not a full commit SHA`);
  const dir = path.join(home, 'worktrees', repo.name, sha);
  const done = `${dir}.done`;
  if (fs.existsSync(path.join(dir, '.git'))) {
    if (fs.existsSync(done)) return dir;
    // Made before completion was recorded: kept if git finds it whole.
    if (await isCompleteCheckout(dir, sha)) {
      fs.writeFileSync(done, `${sha}\n`);
      return dir;
    }
  }
  fs.rmSync(done, { force: true });
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  const git = simpleGit({ baseDir: repo.mirrorPath });
  const has = await git.raw(['cat-file', '-t', sha]).then((t) => t.trim() === 'commit', () => false);
  if (!has) throw new VeraError('NOT_FOUND', `commit ${sha} is not in the mirror of '${repo.name}' (fetch it first)`, { sha });
  // A half-made worktree from a killed process is removed and made again.
  fs.rmSync(dir, { recursive: true, force: true });
  await git.raw(['worktree', 'prune']);
  await git.raw(['worktree', 'add', '--detach', '--force', dir, sha]);
  fs.writeFileSync(done, `${sha}\n`);
  return dir;
}

/** The commits with a worktree of `repo` under `$VERA_HOME/worktrees`, and where each is. */
export function listWorktrees(home: string, repo: Repo): { sha: string; dir: string }[] {
  const base = path.join(home, 'worktrees', repo.name);
  const names = fs.existsSync(base) ? fs.readdirSync(base, { withFileTypes: true }) : [];
  return names.filter((e) => e.isDirectory() && /^[0-9a-f]{40}$/.test(e.name)).map((e) => ({ sha: e.name, dir: path.join(base, e.name) }));
}

/**
 * Removes a build's worktree. `<sha>.done` goes first: a process killed midway leaves a checkout
 * that `ensureWorktree` sees as incomplete and makes again, never one it trusts with files missing.
 */
export async function removeWorktree(home: string, repo: Repo, sha: string): Promise<void> {
  if (!/^[0-9a-f]{40}$/.test(sha)) throw new VeraError('BAD_INPUT', `'${sha}' is not a full commit SHA`);
  const dir = path.join(home, 'worktrees', repo.name, sha);
  fs.rmSync(`${dir}.done`, { force: true });
  fs.rmSync(dir, { recursive: true, force: true });
  await simpleGit({ baseDir: repo.mirrorPath }).raw(['worktree', 'prune']).catch(() => {}); // the mirror's record of it; harmless if the mirror is gone
}

/** Whether a worktree is checked out at `sha` with every tracked file as committed. */
async function isCompleteCheckout(dir: string, sha: string): Promise<boolean> {
  const git = simpleGit({ baseDir: dir });
  const head = await git.revparse(['HEAD']).then((h) => h.trim(), () => '');
  if (head !== sha) return false;
  const changes = await git.raw(['status', '--porcelain', '--untracked-files=no']).catch(() => 'unknown');
  return changes.trim() === '';
}
