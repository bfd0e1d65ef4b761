import crypto from 'node:crypto';
import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { apiTokens, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { isRole, type Actor, type Role } from './roles.ts';

/**
 * API tokens are 32 random bytes, shown once. Only their SHA-256 is stored: tokens carry full
 * entropy, so a fast hash suffices (as GitHub does for its tokens); a slow KDF would only make
 * every request slower.
 */
const TOKEN_PREFIX = 'vera_';

export function hashToken(token: string): string {
  return crypto.createHash('sha256').update(token).digest('hex');
}

export interface CreatedToken {
  token: string;
  id: number;
  prefix: string;
}

export async function createToken(db: Db, userId: number, name: string, opts: { expiresAt?: Date } = {}): Promise<CreatedToken> {
  const token = TOKEN_PREFIX + crypto.randomBytes(32).toString('base64url');
  const prefix = token.slice(0, TOKEN_PREFIX.length + 6);
  const [row] = await db
    .insert(apiTokens)
    .values({ userId, name, tokenHash: hashToken(token), prefix, expiresAt: opts.expiresAt ?? null })
    .returning({ id: apiTokens.id });
  return { token, id: row!.id, prefix };
}

/** The user a token belongs to; a missing, revoked or expired token is UNAUTHENTICATED. */
export async function authenticate(db: Db, token: string): Promise<Actor> {
  const rows = await db
    .select({ tokenId: apiTokens.id, expiresAt: apiTokens.expiresAt, id: users.id, name: users.name, role: users.role })
    .from(apiTokens)
    .innerJoin(users, eq(users.id, apiTokens.userId))
    .where(and(eq(apiTokens.tokenHash, hashToken(token)), isNull(apiTokens.revokedAt)));
  const row = rows[0];
  if (!row) throw new VeraError('UNAUTHENTICATED', 'invalid or revoked API token');
  if (row.expiresAt && row.expiresAt.getTime() <= Date.now()) {
    throw new VeraError('UNAUTHENTICATED', `API token expired at ${row.expiresAt.toISOString()}`);
  }
  await db.update(apiTokens).set({ lastUsedAt: sql`now()` }).where(eq(apiTokens.id, row.tokenId));
  if (!isRole(row.role)) throw new VeraError('INTERNAL', `user '${row.name}' has unknown role '${row.role}'`);
  return { id: row.id, name: row.name, role: row.role };
}

export async function revokeToken(db: Db, tokenId: number): Promise<void> {
  await db.update(apiTokens).set({ revokedAt: sql`now()` }).where(eq(apiTokens.id, tokenId));
}

export type { Role };
