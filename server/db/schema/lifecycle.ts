import { sql } from 'drizzle-orm';
import { bigint, bigserial, check, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { runs } from './runs.ts';

/**
 * Delegated rights: `grantee` may prune what `owner` owns (their runs), as the owner could.
 * Granted and revoked by the owner (or an admin) with `vera grant`.
 */
export const grants = pgTable(
  'grants',
  {
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    granteeId: integer('grantee_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    grantedBy: integer('granted_by')
      .notNull()
      .references(() => users.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.ownerId, t.granteeId] }), index('grants_grantee_idx').on(t.granteeId), check('grants_not_self', sql`${t.ownerId} <> ${t.granteeId}`)],
);

/** Who deleted (and, later, approved) what, when: written in the transaction that does it. */
export const auditLog = pgTable(
  'audit_log',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    action: text('action').notNull(),
    /** What was acted on, by name: a run, a worktree (`<repo>@<sha>`), a grant. */
    subject: text('subject').notNull(),
    bytes: bigint('bytes', { mode: 'number' }).notNull().default(0),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    check('audit_log_action_check', sql`${t.action} IN ('prune-run', 'prune-worktree', 'grant', 'revoke', 'campaign-request', 'campaign-approve', 'campaign-reject', 'quota')`),
    index('audit_log_at_idx').on(t.at),
  ],
);

/**
 * A run's deletion under way. Written (committed) before any file moves; its files are renamed
 * into `trash` (under the datastore root), then one transaction deletes the dataset rows and sets
 * `state = 'committed'`, then the trash is removed and this row with it. A process killed at any
 * point leaves this row, and the next prune (or server start) finishes the deletion from where it
 * stopped: so files and rows always end up gone together.
 */
export const pruneDeletions = pgTable(
  'prune_deletions',
  {
    id: serial('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .unique()
      .references(() => runs.id),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    /** Relative to the datastore root: `.trash/<id>`. */
    trash: text('trash').notNull(),
    state: text('state').notNull().default('moving'),
    startedAt: timestamp('started_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('prune_deletions_state_check', sql`${t.state} IN ('moving', 'committed')`)],
);
