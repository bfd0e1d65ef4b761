import { eq, sql } from 'drizzle-orm';
import { requireRole, type Actor } from '../../auth/roles.ts';
import { getUser } from '../../auth/users.ts';
import type { Db } from '../../db/client.ts';
import { queryRows } from '../../db/client.ts';
import { auditLog, quotas } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';

export interface Limits {
  coreHours: number;
  bytes: number;
}

export interface QuotaInfo extends Limits {
  user: string;
  /** Whether an admin set it (else the defaults of the configuration apply). */
  custom: boolean;
  /** Estimates of this user's campaigns that still count against it. */
  inFlight: Limits;
}

/**
 * What a user's campaigns hold of their quota. Core-hours: campaigns awaiting a decision, and
 * approved ones with a run not ended yet. Bytes: campaigns awaiting a decision, and approved ones
 * with a run whose outputs are not pruned yet (storage is held until the data is deleted).
 */
export async function inFlight(db: Db, userId: number): Promise<Limits> {
  const [row] = await queryRows<{ core_hours: number | string; bytes: number | string }>(
    db,
    sql`SELECT
          coalesce(sum(c.estimated_core_hours) FILTER (WHERE c.status = 'requested' OR NOT EXISTS (SELECT 1 FROM campaign_runs x WHERE x.campaign_id = c.id)
            OR EXISTS (SELECT 1 FROM campaign_runs x JOIN runs r ON r.id = x.run_id WHERE x.campaign_id = c.id AND r.status IN ('pending', 'running'))), 0) AS core_hours,
          coalesce(sum(c.estimated_bytes) FILTER (WHERE c.status = 'requested' OR NOT EXISTS (SELECT 1 FROM campaign_runs x WHERE x.campaign_id = c.id)
            OR EXISTS (SELECT 1 FROM campaign_runs x JOIN runs r ON r.id = x.run_id WHERE x.campaign_id = c.id AND r.pruned_at IS NULL)), 0) AS bytes
        FROM campaigns c
        WHERE c.requester_id = ${userId} AND c.status IN ('requested', 'approved')`,
  );
  return { coreHours: Number(row?.core_hours ?? 0), bytes: Number(row?.bytes ?? 0) };
}

export async function limitsOf(db: Db, userId: number, defaults: Limits): Promise<Limits & { custom: boolean }> {
  const [row] = await db.select({ coreHours: quotas.coreHours, bytes: quotas.bytes }).from(quotas).where(eq(quotas.userId, userId));
  return row ? { ...row, custom: true } : { ...defaults, custom: false };
}

/** A user's quota and what their campaigns hold of it; your own, or anyone's for operators. */
export async function getQuota(db: Db, actor: Actor, userName: string | undefined, defaults: Limits): Promise<QuotaInfo> {
  requireRole(actor, 'developer', 'reading quotas');
  const name = userName ?? actor.name;
  if (name !== actor.name) requireRole(actor, 'operator', "reading another user's quota");
  const user = await getUser(db, name);
  const limits = await limitsOf(db, user.id, defaults);
  return { user: user.name, ...limits, inFlight: await inFlight(db, user.id) };
}

/** Sets a user's campaign limits (admins); recorded in the audit log. */
export async function setQuota(db: Db, actor: Actor, userName: string, limits: Limits, defaults: Limits): Promise<QuotaInfo> {
  requireRole(actor, 'admin', 'setting quotas');
  for (const [what, v] of Object.entries(limits)) {
    if (!Number.isFinite(v) || v < 0) throw new VeraError('BAD_INPUT', `quota ${what} must be a number >= 0, not ${v}`, { [what]: v });
  }
  const user = await getUser(db, userName);
  await db.transaction(async (tx) => {
    const values = { userId: user.id, coreHours: limits.coreHours, bytes: Math.round(limits.bytes), setBy: actor.id, updatedAt: new Date() };
    await tx.insert(quotas).values(values).onConflictDoUpdate({ target: quotas.userId, set: values });
    await tx.insert(auditLog).values({ actorId: actor.id, action: 'quota', subject: user.name, details: { coreHours: limits.coreHours, bytes: limits.bytes } });
  });
  return getQuota(db, actor, user.name, defaults);
}
