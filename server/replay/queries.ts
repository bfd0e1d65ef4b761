import { asc, desc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { replays, replayVisits, users } from '../db/schema/index.ts';

/** Replays as the API shows them: the record, its owner's name, its visits with latency. */

export async function listReplays(db: Db, limit: number) {
  return db
    .select({ replay: replays, owner: users.name })
    .from(replays)
    .innerJoin(users, eq(users.id, replays.ownerId))
    .orderBy(desc(replays.id))
    .limit(limit)
    .then((rows) => rows.map((r) => ({ ...r.replay, owner: r.owner })));
}

export async function findReplay(db: Db, id: number) {
  const [row] = await db.select({ replay: replays, owner: users.name }).from(replays).innerJoin(users, eq(users.id, replays.ownerId)).where(eq(replays.id, id));
  return row ? { ...row.replay, owner: row.owner } : null;
}

export async function visitsOf(db: Db, ids: readonly number[]) {
  if (ids.length === 0) return [];
  return db.select().from(replayVisits).where(inArray(replayVisits.replayId, [...ids])).orderBy(asc(replayVisits.replayId), asc(replayVisits.seq));
}
