import { eq, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { isRole, requireRole, ROLES, type Actor, type Role } from './roles.ts';

const USER_NAME = /^[A-Za-z][A-Za-z0-9_.-]{0,63}$/;

export interface User {
  id: number;
  name: string;
  role: Role;
  createdAt: Date;
  disabledAt: Date | null;
}

function toUser(row: typeof users.$inferSelect): User {
  if (!isRole(row.role)) throw new VeraError('INTERNAL', `user '${row.name}' has unknown role '${row.role}'`);
  return { ...row, role: row.role };
}

/** Creates a user; `actor` must be an admin, except when bootstrapping (actor undefined). */
export async function createUser(db: Db, name: string, role: string, actor?: Actor): Promise<User> {
  if (actor) requireRole(actor, 'admin', 'creating users');
  if (!USER_NAME.test(name)) {
    throw new VeraError('BAD_INPUT', `invalid user name '${name}': letters, digits, '_', '.', '-', starting with a letter`, { name });
  }
  if (!isRole(role)) throw new VeraError('BAD_INPUT', `unknown role '${role}'; roles: ${ROLES.join(', ')}`, { role });
  // The system user owns ci/ and releases/; nobody may create a user that would act as it.
  if (name === SYSTEM_USER) throw new VeraError('BAD_INPUT', `user name '${name}' is reserved for Vera's own CI work`, { name });
  const existing = await db.select().from(users).where(eq(users.name, name));
  if (existing.length > 0) throw new VeraError('BAD_INPUT', `user '${name}' already exists`, { name });
  const [row] = await db.insert(users).values({ name, role }).returning();
  return toUser(row!);
}

export async function getUser(db: Db, name: string): Promise<User> {
  const [row] = await db.select().from(users).where(eq(users.name, name));
  if (!row) throw new VeraError('NOT_FOUND', `no user named '${name}'`, { name });
  return toUser(row);
}

export async function listUsers(db: Db): Promise<User[]> {
  return (await db.select().from(users).orderBy(users.name)).map(toUser);
}

/**
 * Disables (or enables again) a user: a disabled user's tokens are refused at once, while what
 * they own stays. Admins only, and never themselves, so an installation keeps an admin.
 */
export async function setUserDisabled(db: Db, name: string, disabled: boolean, actor: Actor): Promise<User> {
  requireRole(actor, 'admin', disabled ? 'disabling users' : 'enabling users');
  const user = await getUser(db, name);
  if (user.id === actor.id) throw new VeraError('BAD_INPUT', 'you cannot disable or enable yourself; ask another admin', { name });
  if (user.name === SYSTEM_USER) throw new VeraError('BAD_INPUT', `user '${name}' is Vera's own CI user and cannot be disabled`, { name });
  const [row] = await db
    .update(users)
    .set({ disabledAt: disabled ? sql`coalesce(${users.disabledAt}, now())` : null })
    .where(eq(users.id, user.id))
    .returning();
  return toUser(row!);
}

export async function countUsers(db: Db): Promise<number> {
  const [row] = await db.select({ n: sql<number>`count(*)::int` }).from(users);
  return row?.n ?? 0;
}

/** The user Vera acts as for work nobody asked for directly (webhooks, schedules): an operator. */
export const SYSTEM_USER = 'vera-ci';

export async function systemActor(db: Db): Promise<Actor> {
  const [row] = await db.insert(users).values({ name: SYSTEM_USER, role: 'operator' }).onConflictDoNothing().returning();
  const user = row ?? (await db.select().from(users).where(eq(users.name, SYSTEM_USER)))[0]!;
  return { id: user.id, name: user.name, role: user.role as Role };
}

export function isSystemActor(actor: Actor): boolean {
  return actor.name === SYSTEM_USER && actor.role === 'operator';
}
