import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collections, runs } from '../db/schema/index.ts';

/** Names of the newest runs (by creation), optionally with one status; what activity panels list. */
export async function recentRunNames(db: Db, opts: { limit?: number; status?: string } = {}): Promise<string[]> {
  const rows = await db
    .select({ name: collections.name })
    .from(runs)
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .where(opts.status ? eq(runs.status, opts.status) : undefined)
    .orderBy(desc(runs.id))
    .limit(Math.min(opts.limit ?? 20, 500));
  return rows.map((r) => r.name);
}
