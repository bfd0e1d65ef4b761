import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  serial,
  text,
  timestamp,
  unique,
  uuid,
} from 'drizzle-orm/pg-core';
import { users } from './auth.ts';

export type DataIdValue = string | number;
export type DataIdJson = Record<string, DataIdValue>;

export const datasetTypes = pgTable('dataset_types', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  /** Every dimension of the type, required and implied, in universe order. */
  dimensions: jsonb('dimensions').$type<string[]>().notNull(),
  /** The dimensions whose values identify a dataset (the data ID keys). */
  requiredDimensions: jsonb('required_dimensions').$type<string[]>().notNull(),
  storageClass: text('storage_class').notNull(),
  isCalibration: boolean('is_calibration').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
});

export const collections = pgTable(
  'collections',
  {
    id: serial('id').primaryKey(),
    name: text('name').notNull().unique(),
    type: text('type').notNull(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    doc: text('doc').notNull().default(''),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [check('collections_type_check', sql`${t.type} IN ('RUN', 'TAGGED', 'CHAINED', 'CALIBRATION')`)],
);

/** Ordered children of CHAINED collections; the search order is `position` ascending. */
export const collectionChain = pgTable(
  'collection_chain',
  {
    parentId: integer('parent_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    position: integer('position').notNull(),
    childId: integer('child_id')
      .notNull()
      .references(() => collections.id),
  },
  (t) => [primaryKey({ columns: [t.parentId, t.position] }), unique('collection_chain_child_once').on(t.parentId, t.childId)],
);

/** What a quantum was planned to read and write, kept so a run can resume and a dataset be rebuilt. */
export interface QuantumPlan {
  inputs: { connection: string; datasetType: string; dataId: DataIdJson; storageClass: string; existingId?: string; multiple: boolean }[];
  outputs: { connection: string; datasetType: string; dataId: DataIdJson; storageClass: string; persist: boolean }[];
}

/**
 * Where a quantum's time went, in milliseconds. The worker measures reading its input files,
 * decoding them, the task itself and encoding its outputs; the server measures the wait between
 * handing the quantum to the executor and the worker starting it. `writeMs` is writing the output
 * files and making them durable: a local worker's writes plus the server's fsyncs of them, or the
 * server's writes and fsyncs of bytes it received (docs/runner.md). Registration happens in the
 * transaction that records this row, so it is summed per task on the run instead (`runs.task_timings`).
 */
export interface QuantumTimings {
  queueMs: number;
  readMs: number;
  decodeMs: number;
  computeMs: number;
  encodeMs: number;
  writeMs: number;
}

/** Software a quantum ran: the commit of the pipeline code, and whether the checkout was dirty. */
export interface SoftwareVersion {
  repo: string;
  commit: string | null;
  branch: string | null;
  tag: string | null;
  dirty: boolean;
  /** SHA-256 of `git diff HEAD` when dirty, so two dirty runs can be told apart. */
  diffHash: string | null;
}

/**
 * A quantum: one execution of one task on one data ID, the producer of its output datasets,
 * with its provenance (config, software, host, timings, memory, log).
 */
export const quanta = pgTable(
  'quanta',
  {
    id: uuid('id').primaryKey(),
    runId: integer('run_id')
      .notNull()
      .references(() => collections.id),
    taskLabel: text('task_label').notNull(),
    dataId: jsonb('data_id').$type<DataIdJson>().notNull(),
    status: text('status').notNull().default('succeeded'),
    taskClass: text('task_class'),
    config: jsonb('config').$type<Record<string, unknown>>(),
    configHash: text('config_hash'),
    plan: jsonb('plan').$type<QuantumPlan>(),
    software: jsonb('software').$type<SoftwareVersion>(),
    executor: text('executor'),
    host: text('host'),
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    peakMemoryBytes: bigint('peak_memory_bytes', { mode: 'number' }),
    timings: jsonb('timings').$type<QuantumTimings>(),
    log: text('log'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    index('quanta_run_idx').on(t.runId, t.taskLabel),
    check('quanta_status_check', sql`${t.status} IN ('pending', 'running', 'succeeded', 'failed', 'blocked')`),
  ],
);

export const datasets = pgTable(
  'datasets',
  {
    id: uuid('id').primaryKey(),
    datasetTypeId: integer('dataset_type_id')
      .notNull()
      .references(() => datasetTypes.id),
    runId: integer('run_id')
      .notNull()
      .references(() => collections.id),
    /** Values of the type's required dimensions: the identity of the dataset within its run. */
    dataId: jsonb('data_id').$type<DataIdJson>().notNull(),
    /** Required plus implied dimension values (a visit's band, ...): what `where` filters on. */
    dims: jsonb('dims').$type<DataIdJson>().notNull(),
    /** Relative to the datastore root. */
    path: text('path').notNull().unique(),
    sizeBytes: bigint('size_bytes', { mode: 'number' }).notNull(),
    /** `sha256:<hex>` of the file's bytes. */
    checksum: text('checksum').notNull(),
    /** False once an intermediate's file is deleted (persist: false); the row keeps its provenance. */
    stored: boolean('stored').notNull().default(true),
    quantumId: uuid('quantum_id').references(() => quanta.id),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('datasets_identity').on(t.datasetTypeId, t.runId, t.dataId),
    index('datasets_run_type_idx').on(t.runId, t.datasetTypeId),
    // fastupdate off: bulk registrations would otherwise sit in the GIN pending list, which every
    // query scans linearly until a vacuum merges it (18 ms instead of 0.7 ms at 100k datasets).
    index('datasets_dims_gin').using('gin', sql`${t.dims} jsonb_path_ops`).with({ fastupdate: false }),
  ],
);

/** Inputs each quantum read; outputs are the datasets whose quantum_id is the quantum. */
export const quantumInputs = pgTable(
  'quantum_inputs',
  {
    quantumId: uuid('quantum_id')
      .notNull()
      .references(() => quanta.id, { onDelete: 'cascade' }),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id),
    connection: text('connection').notNull(),
  },
  (t) => [primaryKey({ columns: [t.quantumId, t.datasetId] }), index('quantum_inputs_dataset_idx').on(t.datasetId)],
);

/** Membership of TAGGED collections; at most one dataset per (type, data ID) in each. */
export const datasetTags = pgTable(
  'dataset_tags',
  {
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    datasetTypeId: integer('dataset_type_id').notNull(),
    dataId: jsonb('data_id').$type<DataIdJson>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.collectionId, t.datasetId] }),
    unique('dataset_tags_identity').on(t.collectionId, t.datasetTypeId, t.dataId),
    index('dataset_tags_dataset_idx').on(t.datasetId),
  ],
);

/**
 * Certifications in CALIBRATION collections: a dataset valid over [validFrom, validTo).
 * A null bound is open. Overlaps for the same (type, data ID) are refused by server/repo.
 */
export const datasetCalibs = pgTable(
  'dataset_calibs',
  {
    id: serial('id').primaryKey(),
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    datasetId: uuid('dataset_id')
      .notNull()
      .references(() => datasets.id, { onDelete: 'cascade' }),
    datasetTypeId: integer('dataset_type_id').notNull(),
    dataId: jsonb('data_id').$type<DataIdJson>().notNull(),
    validFrom: timestamp('valid_from', { withTimezone: true }),
    validTo: timestamp('valid_to', { withTimezone: true }),
  },
  (t) => [
    index('dataset_calibs_lookup_idx').on(t.collectionId, t.datasetTypeId),
    index('dataset_calibs_dataset_idx').on(t.datasetId),
    check('dataset_calibs_range_check', sql`${t.validFrom} IS NULL OR ${t.validTo} IS NULL OR ${t.validFrom} < ${t.validTo}`),
  ],
);
