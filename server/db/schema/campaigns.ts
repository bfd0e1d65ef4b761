import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { runs } from './runs.ts';

/**
 * An operator campaign: a pipeline over inputs, split into chunks (one `where` each, one run
 * each), requested by a developer with its estimate and approved (or rejected) by someone else.
 * `status` is the decision; whether its runs are still going is read from the runs.
 */
export const campaigns = pgTable(
  'campaigns',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    requesterId: integer('requester_id')
      .notNull()
      .references(() => users.id),
    status: text('status').notNull(),
    pipelineFile: text('pipeline_file').notNull(),
    /** The pipeline text as it was requested: what was estimated is what runs. */
    pipelineYaml: text('pipeline_yaml').notNull(),
    inputs: jsonb('inputs').$type<string[]>().notNull(),
    /** One `where` per chunk (run); '' is the whole input. */
    chunks: jsonb('chunks').$type<string[]>().notNull(),
    configOverrides: jsonb('config_overrides').$type<Record<string, Record<string, unknown>>>().notNull().default({}),
    executor: text('executor').notNull(),
    estimatedQuanta: integer('estimated_quanta').notNull(),
    estimatedCoreHours: doublePrecision('estimated_core_hours').notNull(),
    estimatedBytes: bigint('estimated_bytes', { mode: 'number' }).notNull(),
    /** Its runs' expiry (storage lifetime), asked for with the request. */
    runsExpireAt: timestamp('runs_expire_at', { withTimezone: true }).notNull(),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    decidedBy: integer('decided_by').references(() => users.id),
    decidedAt: timestamp('decided_at', { withTimezone: true }),
    /** Why it was rejected (or a note with the approval). */
    decisionNote: text('decision_note'),
  },
  (t) => [
    check('campaigns_status_check', sql`${t.status} IN ('requested', 'approved', 'rejected')`),
    index('campaigns_requester_idx').on(t.requesterId),
  ],
);

/** The runs an approved campaign submitted, one per chunk. */
export const campaignRuns = pgTable(
  'campaign_runs',
  {
    campaignId: integer('campaign_id')
      .notNull()
      .references(() => campaigns.id, { onDelete: 'cascade' }),
    runId: integer('run_id')
      .notNull()
      .unique()
      .references(() => runs.id),
    chunk: integer('chunk').notNull(),
  },
  (t) => [primaryKey({ columns: [t.campaignId, t.chunk] })],
);

/** A user's limits on campaigns in flight (requested or approved, runs not all ended); none set: the defaults in config. */
export const quotas = pgTable('quotas', {
  userId: integer('user_id')
    .primaryKey()
    .references(() => users.id, { onDelete: 'cascade' }),
  coreHours: doublePrecision('core_hours').notNull(),
  bytes: bigint('bytes', { mode: 'number' }).notNull(),
  setBy: integer('set_by')
    .notNull()
    .references(() => users.id),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
