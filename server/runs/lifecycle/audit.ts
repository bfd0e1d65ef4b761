import { desc, eq } from 'drizzle-orm';
import { requireRole, type Actor } from '../../auth/roles.ts';
import type { Db } from '../../db/client.ts';
import { auditLog, users } from '../../db/schema/index.ts';

export interface AuditEntry {
  at: Date;
  actor: string;
  action: string;
  subject: string;
  bytes: number;
  details: Record<string, unknown>;
}

/** The newest entries of the audit log; operators and admins read it. */
export async function listAudit(db: Db, actor: Actor, limit: number): Promise<AuditEntry[]> {
  requireRole(actor, 'operator', 'reading the audit log');
  return db
    .select({ at: auditLog.at, actor: users.name, action: auditLog.action, subject: auditLog.subject, bytes: auditLog.bytes, details: auditLog.details })
    .from(auditLog)
    .innerJoin(users, eq(users.id, auditLog.actorId))
    .orderBy(desc(auditLog.id))
    .limit(limit);
}
