import { and, desc, eq, isNotNull } from 'drizzle-orm';
import { resolveRef } from '../git/git.ts';
import { trackedRepo } from '../git/repos.ts';
import type { Db } from '../db/client.ts';
import { measurements, repos } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';

/**
 * The git directory to ask about a dataset's commits: the mirror of the tracked repository a
 * caller names (by name or GitHub owner/name), else the repository the dataset's latest
 * measurements record (a path the server wrote, from a run's software version or a tracked
 * repository). Callers never give a path.
 */
export async function gitDirOf(db: Db, q: { repo?: string | undefined; dataset?: string | undefined }): Promise<string> {
  if (q.repo !== undefined) return (await trackedRepo(db, q.repo)).mirrorPath;
  if (q.dataset === undefined) throw new VeraError('BAD_INPUT', 'name a tracked repository (repo) or a dataset whose measurements record one');
  const [row] = await db
    .select({ repo: measurements.repo })
    .from(measurements)
    .where(and(eq(measurements.dataset, q.dataset), isNotNull(measurements.repo), isNotNull(measurements.commit)))
    .orderBy(desc(measurements.measuredAt))
    .limit(1);
  if (!row?.repo) throw new VeraError('NOT_FOUND', `no git repository is recorded for the measurements on dataset '${q.dataset}'; name a tracked repository with repo`, { dataset: q.dataset });
  return row.repo;
}

/**
 * The branch a comparison's base defaults to: the tracked repository's default branch (what its
 * remote's HEAD names, `main` or `master`), else `master` or `main`, whichever the recorded
 * repository has. A repository whose history starts on `main` is not asked about `master`.
 */
export async function defaultBranchOf(db: Db, q: { repo?: string | undefined; dataset?: string | undefined }): Promise<string> {
  if (q.repo !== undefined) return (await trackedRepo(db, q.repo)).defaultBranch;
  const gitDir = await gitDirOf(db, q);
  const [tracked] = await db.select({ defaultBranch: repos.defaultBranch }).from(repos).where(eq(repos.mirrorPath, gitDir));
  if (tracked) return tracked.defaultBranch;
  for (const candidate of ['master', 'main']) if (await resolveRef(gitDir, candidate)) return candidate;
  return 'master';
}
