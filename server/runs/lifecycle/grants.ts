import { and, eq } from 'drizzle-orm';
import { requireRole, type Actor } from '../../auth/roles.ts';
import { getUser } from '../../auth/users.ts';
import type { Db } from '../../db/client.ts';
import { auditLog, grants, users } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';

export interface GrantInfo {
  owner: string;
  grantee: string;
  createdAt: Date;
}

/**
 * Lets `grantee` prune what `owner` owns. Owners grant their own things; an admin may grant on
 * anyone's behalf (`owner`). Granting twice is a no-op. Recorded in the audit log.
 */
export async function grantPrune(db: Db, granteeName: string, actor: Actor, ownerName?: string): Promise<GrantInfo> {
  requireRole(actor, 'developer', 'granting');
  const owner = await ownerFor(db, actor, ownerName);
  const grantee = await getUser(db, granteeName);
  if (grantee.id === owner.id) throw new VeraError('BAD_INPUT', `user '${granteeName}' already owns what a grant would give`, { grantee: granteeName });
  return db.transaction(async (tx) => {
    const [row] = await tx.insert(grants).values({ ownerId: owner.id, granteeId: grantee.id, grantedBy: actor.id }).onConflictDoNothing().returning();
    if (row) await tx.insert(auditLog).values({ actorId: actor.id, action: 'grant', subject: `${owner.name} -> ${grantee.name}`, details: { owner: owner.name, grantee: grantee.name } });
    const [kept] = await tx.select({ createdAt: grants.createdAt }).from(grants).where(and(eq(grants.ownerId, owner.id), eq(grants.granteeId, grantee.id)));
    return { owner: owner.name, grantee: grantee.name, createdAt: kept!.createdAt };
  });
}

/** Takes a grant back; returns whether there was one. */
export async function revokePrune(db: Db, granteeName: string, actor: Actor, ownerName?: string): Promise<boolean> {
  requireRole(actor, 'developer', 'revoking grants');
  const owner = await ownerFor(db, actor, ownerName);
  const grantee = await getUser(db, granteeName);
  return db.transaction(async (tx) => {
    const gone = await tx.delete(grants).where(and(eq(grants.ownerId, owner.id), eq(grants.granteeId, grantee.id))).returning();
    if (gone.length > 0) await tx.insert(auditLog).values({ actorId: actor.id, action: 'revoke', subject: `${owner.name} -> ${grantee.name}`, details: { owner: owner.name, grantee: grantee.name } });
    return gone.length > 0;
  });
}

/** Grants given by or to the actor (every grant, for an admin). */
export async function listGrants(db: Db, actor: Actor): Promise<GrantInfo[]> {
  requireRole(actor, 'developer', 'listing grants');
  const rows = await db
    .select({ ownerId: grants.ownerId, granteeId: grants.granteeId, createdAt: grants.createdAt })
    .from(grants)
    .orderBy(grants.createdAt);
  const names = new Map((await db.select({ id: users.id, name: users.name }).from(users)).map((u) => [u.id, u.name]));
  return rows
    .filter((r) => actor.role === 'admin' || r.ownerId === actor.id || r.granteeId === actor.id)
    .map((r) => ({ owner: names.get(r.ownerId)!, grantee: names.get(r.granteeId)!, createdAt: r.createdAt }));
}

/** Ids of the owners whose things the actor may delete besides its own. */
export async function grantorsOf(db: Db, actor: Actor): Promise<Set<number>> {
  const rows = await db.select({ ownerId: grants.ownerId }).from(grants).where(eq(grants.granteeId, actor.id));
  return new Set(rows.map((r) => r.ownerId));
}

async function ownerFor(db: Db, actor: Actor, ownerName: string | undefined): Promise<{ id: number; name: string }> {
  if (ownerName === undefined || ownerName === actor.name) return { id: actor.id, name: actor.name };
  if (actor.role !== 'admin') {
    throw new VeraError('FORBIDDEN', `only an admin grants on another user's behalf; user '${actor.name}' is ${actor.role}`, { owner: ownerName });
  }
  const u = await getUser(db, ownerName);
  return { id: u.id, name: u.name };
}
