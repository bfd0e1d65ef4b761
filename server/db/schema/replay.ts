import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';

/** What a replay is configured with: the association and alerting knobs (docs/alert-production.md). */
export interface ReplayConfig {
  /** DiaSources within this distance of a DiaObject are associated with it, arcseconds. */
  associationRadiusArcsec: number;
  /** Collections the per-visit AP runs read: raws, calibrations, refcats and the templates (deepCoadd). */
  inputs?: string[];
  /** The AP pipeline run per visit, in a pipeline root; default pipelines/ap.yaml. */
  pipeline?: string;
  /** Task config overrides of the AP pipeline (`label: { field: value }`). */
  configOverrides?: Record<string, Record<string, unknown>>;
}

/** Milliseconds spent per stage of one visit (docs/alert-production.md, "Replay and APDB"). */
export interface VisitStageTimings {
  processMs?: number;
  associateMs?: number;
  packageMs?: number;
  publishMs?: number;
}

/**
 * An alert-production replay: visits released in observation order on a (scaled) clock, an APDB
 * of its own (PostgreSQL schema `apdb_<id>`, made by server/apdb with raw DDL, not by drizzle:
 * one schema per replay is data, not the application's schema), alerts published on a stream.
 */
export const replays = pgTable(
  'replays',
  {
    id: serial('id').primaryKey(),
    ownerId: integer('owner_id')
      .notNull()
      .references(() => users.id),
    status: text('status').notNull(),
    instrument: text('instrument').notNull(),
    /** The code replayed: a commit, branch or release name, as given. */
    codeRef: text('code_ref').notNull(),
    config: jsonb('config').$type<ReplayConfig>().notNull(),
    /** Clock speed: observatory seconds per wall second; null: as fast as possible. */
    speed: doublePrecision('speed'),
    /** The JetStream subject alerts go to, or null when no stream is configured. */
    alertSubject: text('alert_subject'),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    /** The wall-clock instant the first visit's shutter close maps to; kept across resumes. */
    startedAt: timestamp('started_at', { withTimezone: true }),
    endedAt: timestamp('ended_at', { withTimezone: true }),
    /** Refreshed by the process driving the replay; a stale one means that process died. */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (t) => [
    check('replays_status_check', sql`${t.status} IN ('pending', 'running', 'succeeded', 'failed', 'cancelled')`),
    check('replays_speed_check', sql`${t.speed} IS NULL OR ${t.speed} > 0`),
    index('replays_owner_idx').on(t.ownerId),
  ],
);

/**
 * The visits of a replay, in observation order (`seq`), each with its progress. `stage` only
 * moves forward: pending → associated (DiaSources in the APDB and the visit's alert packets
 * stored, one transaction) → published; a resumed replay continues each visit from its stage, so
 * nothing is associated or published twice.
 */
export const replayVisits = pgTable(
  'replay_visits',
  {
    replayId: integer('replay_id')
      .notNull()
      .references(() => replays.id, { onDelete: 'cascade' }),
    seq: integer('seq').notNull(),
    visit: bigint('visit', { mode: 'number' }).notNull(),
    /** Shutter close (end of exposure) as observed. */
    shutterCloseAt: timestamp('shutter_close_at', { withTimezone: true, precision: 3 }).notNull(),
    /** Mid-exposure MJD (TAI), the time association orders by. */
    midpointMjdTai: doublePrecision('midpoint_mjd_tai').notNull(),
    stage: text('stage').notNull().default('pending'),
    /** The shutter close on the replay's clock (as fast as possible: when the visit was released). */
    scaledShutterCloseAt: timestamp('scaled_shutter_close_at', { withTimezone: true, precision: 3 }),
    publishedAt: timestamp('published_at', { withTimezone: true, precision: 3 }),
    /** publishedAt − scaledShutterCloseAt, milliseconds. */
    latencyMs: doublePrecision('latency_ms'),
    timings: jsonb('timings').$type<VisitStageTimings>().notNull().default({}),
    diaSources: integer('dia_sources'),
    newDiaObjects: integer('new_dia_objects'),
    alerts: integer('alerts'),
  },
  (t) => [
    primaryKey({ columns: [t.replayId, t.seq] }),
    check('replay_visits_stage_check', sql`${t.stage} IN ('pending', 'associated', 'published')`),
  ],
);
