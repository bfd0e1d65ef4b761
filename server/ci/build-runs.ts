import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { buildRuns, collections, runs } from '../db/schema/index.ts';

/** Names of the runs of several builds (by id), in the order they were made, in one query. */
export async function runNamesOfBuilds(db: Db, buildIds: readonly number[]): Promise<Map<number, string[]>> {
  const out = new Map<number, string[]>(buildIds.map((id) => [id, []]));
  if (out.size === 0) return out;
  const rows = await db
    .select({ buildId: buildRuns.buildId, name: collections.name })
    .from(buildRuns)
    .innerJoin(runs, eq(runs.id, buildRuns.runId))
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .where(inArray(buildRuns.buildId, [...out.keys()]))
    .orderBy(asc(buildRuns.runId));
  for (const r of rows) out.get(r.buildId)!.push(r.name);
  return out;
}
