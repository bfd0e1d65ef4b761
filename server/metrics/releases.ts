import { firstParentHistory, listTags } from '../git/git.ts';
import { assertRefName } from '../git/refs.ts';
import type { Db } from '../db/client.ts';
import { gitDirOf } from './git-dir.ts';

/** A git tag of the pipeline code: a release, drawn as an annotation on a series. */
export interface Release {
  tag: string;
  /** The commit the tag points at (annotated tags peeled). */
  commit: string;
  date: Date | null;
  subject: string;
  /** Index of the commit in the branch's first-parent history (the series x axis); null when off it. */
  position: number | null;
}

/** Tags of the git repository in `gitDir` (a server-side path), oldest first; with a branch, each placed on its first-parent history. */
export async function listReleases(gitDir: string, opts: { branch?: string | undefined } = {}): Promise<Release[]> {
  if (opts.branch !== undefined) assertRefName(opts.branch, 'branch');
  const tags = await listTags(gitDir);
  const positions = new Map<string, number>();
  if (opts.branch) (await firstParentHistory(gitDir, opts.branch)).forEach((sha, i) => positions.set(sha, i));
  return tags.map((t) => ({ ...t, position: positions.get(t.commit) ?? null }));
}

/**
 * Releases of a tracked repository (`repo`: its name or GitHub owner/name), or of the repository
 * the measurements on `dataset` record. Clients name repositories, never paths on the server.
 */
export async function releasesOf(db: Db, q: { repo?: string | undefined; dataset?: string | undefined; branch?: string | undefined }): Promise<Release[]> {
  if (q.branch !== undefined) assertRefName(q.branch, 'branch');
  const gitDir = await gitDirOf(db, q);
  return listReleases(gitDir, { branch: q.branch });
}
