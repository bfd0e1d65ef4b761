import crypto from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiTokens, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { isRole, requireRole, ANONYMOUS, type Actor, type Role } from './roles.ts';

/**
 * API tokens are 32 random bytes, shown once. Only their SHA-256 is stored: tokens carry full
 * entropy, so a fast hash suffices (as GitHub does for its tokens); a slow KDF would only make
 * every request slower.
 */
const TOKEN_PREFIX = 'vera_';
const TOKEN_NAME = /^[\w .:@+-]{1,64}$/;

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  token: string;
  id: number;
  prefix: string;
}

/** What a user may see of a token: never the secret, nor its hash. */
export interface TokenInfo {
  id: number;
  user: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  expiresAt: Date | null;
  revokedAt: Date | null;
}

export async function createToken(db: Db, userId: number, name: string, opts: { expiresAt?: Date | undefined } = {}): Promise<CreatedToken> {
  if (!TOKEN_NAME.test(name)) throw new VeraError('BAD_INPUT', `invalid token name '${name}': 1 to 64 letters, digits, spaces and _ . : @ + -`, { name });
  if (opts.expiresAt && opts.expiresAt.getTime() <= Date.now()) {
    throw new VeraError('BAD_INPUT', `token expiry ${opts.expiresAt.toISOString()} is in the past`, { expiresAt: opts.expiresAt.toISOString() });
  }
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: hashToken(token), prefix, expiresAt: opts.expiresAt ?? null })
    .returning({ id: apiTokens.id });
  return { token, id: row!.id, prefix };
}

/** The user a token belongs to; a missing, revoked or expired token, or a disabled user, is UNAUTHENTICATED. */
export async function authenticate(db: Db, token: string): Promise<Actor> {
  const rows = await db
    .select({ tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt, id: users.id, name: users.name, role: users.role, disabledAt: users.disabledAt })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  const row = rows[0];
  if (!row) throw new VeraError('UNAUTHENTICATED', 'invalid or revoked API token');
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
    throw new VeraError('UNAUTHENTICATED', `API token expired at ${row.expiresAt.toISOString()}`);
  }
  if (row.disabledAt) throw new VeraError('UNAUTHENTICATED', `user '${row.name}' is disabled`);
  await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, row.tokenId));
  if (!isRole(row.role)) throw new VeraError('INTERNAL', `user '${row.name}' has unknown role '${row.role}'`);
  return { id: row.id, name: row.name, role: row.role };
}

const tokenColumns = {
  id: apiTokens.id,
  user: users.name,
  userId: apiTokens.userId,
  name: apiTokens.name,
  prefix: apiTokens.prefix,
  createdAt: apiTokens.createdAt,
  lastUsedAt: apiTokens.lastUsedAt,
  expiresAt: apiTokens.expiresAt,
  revokedAt: apiTokens.revokedAt,
};

function requireSignedIn(actor: Actor, action: string): void {
  if (actor.id === ANONYMOUS.id) throw new VeraError('UNAUTHENTICATED', `${action} needs an API token`, { action });
}

/** Tokens of the actor, or (admins) of another user or of everyone; newest first. */
export async function listTokens(db: Db, actor: Actor, opts: { user?: string | undefined; all?: boolean | undefined } = {}): Promise<TokenInfo[]> {
  requireSignedIn(actor, 'listing tokens');
  const other = opts.all || (opts.user !== undefined && opts.user !== actor.name);
  if (other) requireRole(actor, 'admin', "listing other users' tokens");
  const filter = opts.all ? undefined : eq(users.name, opts.user ?? actor.name);
  const rows = await db.select(tokenColumns).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(filter).orderBy(desc(apiTokens.id));
  return rows.map(({ userId: _userId, ...t }) => t);
}

/**
 * Revokes a token at once: the next request with it is refused. Users revoke their own tokens,
 * admins anyone's. Revoking a revoked token is a no-op that returns it.
 */
export async function revokeToken(db: Db, actor: Actor, tokenId: number): Promise<TokenInfo> {
  requireSignedIn(actor, 'revoking tokens');
  const [row] = await db.select(tokenColumns).from(apiTokens).innerJoin(users, eq(users.id, apiTokens.userId)).where(eq(apiTokens.id, tokenId));
  // Someone else's token is reported as missing to non-admins: ids must not reveal who has tokens.
  if (!row || (row.userId !== actor.id && actor.role !== 'admin')) throw new VeraError('NOT_FOUND', `no token ${tokenId} of yours`, { id: tokenId });
  const [updated] = await db
    .update(apiTokens)
    .set({ revokedAt: sql`coalesce(${apiTokens.revokedAt}, now())` })
    .where(eq(apiTokens.id, tokenId))
    .returning({ revokedAt: apiTokens.revokedAt });
  const { userId: _userId, ...info } = row;
  return { ...info, revokedAt: updated!.revokedAt };
}

export type { Role };
