import { eq } from 'drizzle-orm';
import { simpleGit } from 'simple-git';
import { firstParentHistory } from '../ci/git.ts';
import type { Db } from '../db/client.ts';
import { measurements } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';

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

/** Tags of a repository, oldest first; with a branch, each placed on its first-parent history. */
export async function listReleases(repo: string, opts: { branch?: string } = {}): Promise<Release[]> {
  let out: string;
  try {
    out = await simpleGit({ baseDir: repo }).raw([
      'for-each-ref',
      '--sort=creatordate',
      '--format=%(refname:short)%1f%(objectname)%1f%(*objectname)%1f%(creatordate:iso-strict)%1f%(contents:subject)',
      'refs/tags',
    ]);
  } catch (e) {
    throw new VeraError('NOT_FOUND', `cannot list the tags of ${repo}: ${(e as Error).message.split('\n')[0]}`, { repo });
  }
  const positions = new Map<string, number>();
  if (opts.branch) (await firstParentHistory(repo, opts.branch)).forEach((sha, i) => positions.set(sha, i));
  return out
    .split('\n')
    .filter(Boolean)
    .map((line) => {
      const [tag, object, peeled, date, subject] = line.split('\x1f') as [string, string, string, string, string];
      const commit = peeled || object;
      return { tag, commit, date: date ? new Date(date) : null, subject, position: positions.get(commit) ?? null };
    });
}

/**
 * Releases of a repository that measurements name: clients may ask about the repositories whose
 * software was measured, not about any path on the server.
 */
export async function releasesOfMeasuredRepo(db: Db, repo: string, opts: { branch?: string } = {}): Promise<Release[]> {
  const [known] = await db.select({ repo: measurements.repo }).from(measurements).where(eq(measurements.repo, repo)).limit(1);
  if (!known) throw new VeraError('NOT_FOUND', `no measurements name the repository ${repo}`, { repo });
  return listReleases(repo, opts);
}
