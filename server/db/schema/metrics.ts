import { sql } from 'drizzle-orm';
import { bigserial, check, doublePrecision, index, integer, jsonb, pgTable, serial, text, timestamp, unique, uuid } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { collections, datasets, quanta, type DataIdJson } from './registry.ts';

/** lsst.verify metrics, as imported from verify_metrics-style YAML. */
export const metrics = pgTable('metrics', {
  id: serial('id').primaryKey(),
  /** `package.metric`. */
  name: text('name').notNull().unique(),
  package: text('package').notNull(),
  unit: text('unit').notNull(),
  description: text('description').notNull().default(''),
  tags: jsonb('tags').$type<string[]>().notNull().default([]),
  reference: jsonb('reference').$type<Record<string, unknown>>().notNull().default({}),
  /** Where it was imported from (file path). */
  source: text('source').notNull().default(''),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** Threshold specifications (lsst.verify), fully resolved (inheritance applied). */
export const specifications = pgTable(
  'specifications',
  {
    id: serial('id').primaryKey(),
    /** `package.metric.spec`. */
    name: text('name').notNull().unique(),
    metricName: text('metric_name').notNull(),
    operator: text('operator').notNull(),
    value: doublePrecision('value').notNull(),
    unit: text('unit').notNull(),
    metadataQuery: jsonb('metadata_query').$type<Record<string, unknown>>().notNull().default({}),
    tags: jsonb('tags').$type<string[]>().notNull().default([]),
    source: text('source').notNull().default(''),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('specifications_metric_idx').on(t.metricName)],
);

/**
 * One measured value of a metric: from a run's Measurement dataset (linked to its run, quantum
 * and dataset) or from a posted lsst.verify Job. `dataset` names what was processed (the run's
 * input collections, or a Job's dataset); `commit` and `branch` place it in a series.
 */
export const measurements = pgTable(
  'measurements',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    metricName: text('metric_name').notNull(),
    value: doublePrecision('value'),
    unit: text('unit').notNull(),
    dataset: text('dataset').notNull(),
    dataId: jsonb('data_id').$type<DataIdJson>().notNull().default({}),
    repo: text('repo'),
    commit: text('commit'),
    branch: text('branch'),
    runId: integer('run_id').references(() => collections.id, { onDelete: 'cascade' }),
    quantumId: uuid('quantum_id').references(() => quanta.id, { onDelete: 'cascade' }),
    /** Null once `vera prune` deleted the dataset: the measured value stays in its series. */
    datasetId: uuid('dataset_id').references(() => datasets.id, { onDelete: 'set null' }),
    jobId: text('job_id'),
    extras: jsonb('extras').$type<Record<string, unknown>>().notNull().default({}),
    measuredAt: timestamp('measured_at', { withTimezone: true }).notNull().defaultNow(),
    /**
     * Whether the point is part of its branch's history (`branch`: a CI build of a clean commit,
     * or a run someone allowed marked as such) or a developer's (`developer`: dirty tree, config
     * overrides, not a CI build); only branch points make a branch's series and its regressions.
     */
    countsAs: text('counts_as').notNull().default('developer'),
    /** Why it counts as it does, in words a user reads on the series page. */
    standingReason: text('standing_reason').notNull().default(''),
    /** Set when the measurement cannot be judged (e.g. its metric has no definition): stored, never detected on. */
    flag: text('flag'),
  },
  (t) => [
    check('measurements_counts_as_check', sql`${t.countsAs} IN ('branch', 'developer')`),
    index('measurements_series_idx').on(t.metricName, t.dataset, t.branch, t.commit),
    index('measurements_standing_idx').on(t.metricName, t.dataset, t.countsAs),
    index('measurements_run_idx').on(t.runId),
    unique('measurements_dataset_once').on(t.datasetId),
  ],
);

/** Per-metric detection settings (server/metrics/detect config), editable over GraphQL and YAML. */
export const detectionConfigs = pgTable('detection_configs', {
  metricName: text('metric_name').primaryKey(),
  config: jsonb('config').$type<Record<string, unknown>>().notNull(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});

/** A detected change in a series, its status and its explanation. */
export const regressions = pgTable(
  'regressions',
  {
    id: serial('id').primaryKey(),
    metricName: text('metric_name').notNull(),
    dataset: text('dataset').notNull(),
    branch: text('branch').notNull(),
    dataId: jsonb('data_id').$type<DataIdJson>().notNull().default({}),
    kind: text('kind').notNull(),
    status: text('status').notNull().default('open'),
    firstBadCommit: text('first_bad_commit').notNull(),
    lastGoodCommit: text('last_good_commit'),
    finding: jsonb('finding').$type<Record<string, unknown>>().notNull(),
    explanation: jsonb('explanation').$type<Record<string, unknown>>(),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('regressions_status_check', sql`${t.status} IN ('open', 'acknowledged', 'fixed', 'false_alarm')`),
    unique('regressions_once').on(t.metricName, t.dataset, t.branch, t.dataId, t.kind, t.firstBadCommit),
    index('regressions_status_idx').on(t.status),
  ],
);

/** Each triage step of a regression (acknowledge, mark fixed, reopen, ...): who, when, why. */
export const regressionEvents = pgTable(
  'regression_events',
  {
    id: serial('id').primaryKey(),
    regressionId: integer('regression_id')
      .notNull()
      .references(() => regressions.id, { onDelete: 'cascade' }),
    fromStatus: text('from_status').notNull(),
    toStatus: text('to_status').notNull(),
    actorId: integer('actor_id')
      .notNull()
      .references(() => users.id),
    note: text('note').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('regression_events_regression_idx').on(t.regressionId)],
);
