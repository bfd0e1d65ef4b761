import { and, desc, eq, inArray, isNotNull } from 'drizzle-orm';
import { firstParentHistory, mergeBase } from '../git/git.ts';
import { assertRefName } from '../git/refs.ts';
import type { Db } from '../db/client.ts';
import { measurements } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { collectionNames, getRun } from '../runs/queries.ts';
import { compareRuns, type Comparison } from './compare.ts';
import { datasetLabel } from './ingest.ts';
import { standingOfRun, type Standing } from './standing.ts';

export interface RunAgainstBranch extends Comparison {
  /** Why the run is (or is not) part of the branch's history. */
  standing: Standing;
  branch: string;
}

/**
 * A run (typically a developer's: dirty tree, overrides) against its branch's history: the
 * base is the branch's CI build (or marked run) at the run's commit, else at the latest commit
 * before it on the branch's first-parent history that has one (for a commit off the branch,
 * from its merge base). The branch's own series and regressions are not touched.
 */
export async function compareRunWithBranch(db: Db, runName: string, branch?: string): Promise<RunAgainstBranch> {
  const run = await getRun(db, runName);
  const commit = run.software?.commit;
  const repo = run.software?.repo;
  const ref = assertRefName(branch ?? run.software?.branch ?? 'master', 'branch');
  if (!commit || !repo) throw new VeraError('BAD_INPUT', `run '${runName}' recorded no commit, so it has no place on a branch to compare with`, { run: runName });
  const dataset = datasetLabel(run.inputs);
  const branchRows = await db
    .selectDistinct({ commit: measurements.commit, runId: measurements.runId })
    .from(measurements)
    .where(and(eq(measurements.dataset, dataset), eq(measurements.countsAs, 'branch'), isNotNull(measurements.runId), isNotNull(measurements.commit)));
  const measured = new Set(branchRows.map((r) => r.commit!));
  const history = await firstParentHistory(repo, ref);
  let upTo = history.indexOf(commit);
  if (upTo < 0) {
    const mb = await mergeBase(repo, commit, ref);
    upTo = mb ? history.indexOf(mb) : -1;
  }
  const baseCommit = upTo >= 0 ? history.slice(0, upTo + 1).findLast((c) => measured.has(c)) : undefined;
  if (!baseCommit) {
    throw new VeraError('NOT_FOUND', `branch '${ref}' has no history on dataset '${dataset}' at or before commit ${commit.slice(0, 12)} to compare run '${runName}' with`, {
      run: runName,
      branch: ref,
    });
  }
  const ids = branchRows.filter((r) => r.commit === baseCommit).map((r) => r.runId!);
  // The latest branch run at that commit is the one its series shows.
  const [latest] = await db
    .selectDistinct({ runId: measurements.runId, at: measurements.measuredAt })
    .from(measurements)
    .where(inArray(measurements.runId, ids))
    .orderBy(desc(measurements.measuredAt))
    .limit(1);
  const baseRun = (await collectionNames(db, [latest!.runId])).get(latest!.runId!)!;
  const cmp = await compareRuns(db, baseRun, runName);
  return {
    ...cmp,
    base: { ...cmp.base, label: `${ref} at ${baseCommit.slice(0, 12)}` },
    standing: await standingOfRun(db, runName),
    branch: ref,
  };
}
