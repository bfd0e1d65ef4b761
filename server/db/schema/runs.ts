import { sql } from 'drizzle-orm';
import { bigint, boolean, check, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { collections, type QuantumTimings, type SoftwareVersion } from './registry.ts';

/** A task's quanta in one run: how many, and their phases summed, with registration. */
export interface TaskTimings extends QuantumTimings {
  quanta: number;
  registerMs: number;
}

/** A processing run: a pipeline executed on inputs into its own RUN collection. */
export const runs = pgTable(
  'runs',
  {
    id: serial('id').primaryKey(),
    collectionId: integer('collection_id')
      .notNull()
      .unique()
      .references(() => collections.id),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    purpose: text('purpose').notNull(),
    status: text('status').notNull(),
    pipelineFile: text('pipeline_file').notNull(),
    /** The pipeline YAML as it was when the run was made. */
    pipelineYaml: text('pipeline_yaml').notNull(),
    configOverrides: jsonb('config_overrides').$type<Record<string, Record<string, unknown>>>().notNull().default({}),
    inputs: jsonb('inputs').$type<string[]>().notNull(),
    where: text('where_expr').notNull().default(''),
    bind: jsonb('bind').$type<Record<string, unknown>>().notNull().default({}),
    software: jsonb('software').$type<SoftwareVersion>(),
    executor: text('executor').notNull(),
    seed: integer('seed').notNull().default(0),
    saveIntermediates: boolean('save_intermediates').notNull().default(false),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** After this, `vera prune` deletes the run's datasets and files (default by purpose). */
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    /** When `vera prune` deleted its datasets and files; the run, its quanta and measurements stay as history. */
    prunedAt: timestamp('pruned_at', { withTimezone: true }),
    /** Bytes of files the prune freed. */
    prunedBytes: bigint('pruned_bytes', { mode: 'number' }),
    /**
     * Refreshed by the process executing the run while it runs. A `running` run whose heartbeat
     * is older than the lease lost its executor (a killed server) and is recovered at start-up.
     */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
    /**
     * Set by cancelRun: the process executing the run (this one or another on the database)
     * stops it, kills its running quanta and marks it `cancelled`. Cleared when it executes again.
     */
    cancelRequestedAt: timestamp('cancel_requested_at', { withTimezone: true }),
    /** Per task label: quanta executed and milliseconds summed per phase, registration included. */
    taskTimings: jsonb('task_timings').$type<Record<string, TaskTimings>>().notNull().default({}),
    /** Who marked this (non-CI) run as its branch's history; its measurements then count as branch points. */
    branchHistoryBy: integer('branch_history_by').references(() => users.id),
  },
  (t) => [
    check('runs_purpose_check', sql`${t.purpose} IN ('ci', 'developer', 'operator', 'replay')`),
    check('runs_status_check', sql`${t.status} IN ('pending', 'running', 'succeeded', 'failed', 'partial', 'cancelled')`),
    index('runs_owner_idx').on(t.ownerId),
    index('runs_expires_idx').on(t.expiresAt),
  ],
);

/** RUN collections whose datasets a run reads: what must not be deleted while this run needs them. */
export const runInputRuns = pgTable(
  'run_input_runs',
  {
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id, { onDelete: 'cascade' }),
    inputCollectionId: integer('input_collection_id')
      .notNull()
      .references(() => collections.id),
  },
  (t) => [primaryKey({ columns: [t.runId, t.inputCollectionId] }), index('run_input_runs_input_idx').on(t.inputCollectionId)],
);
