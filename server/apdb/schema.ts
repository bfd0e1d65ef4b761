import { sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { VeraError } from '../errors.ts';

/**
 * One APDB per replay, as a PostgreSQL schema `apdb_<replay id>` holding Rubin's APDB tables
 * (DiaObject, DiaSource, DiaForcedSource; column names from sdm_schemas' apdb.yaml, quoted since
 * they are camelCase) and two of Vera's: ApdbVisit (the visits already associated, what makes
 * association idempotent) and Alert (the packets of each visit, the outbox the publisher drains).
 *
 * Why raw DDL and not the drizzle schema: drizzle-kit migrations describe the one application
 * schema, created once; these tables are data, created and dropped with each replay, under a name
 * known only at run time. The DDL runs in one transaction, so a replay either has its whole APDB
 * or none; it uses nothing PGlite lacks (no extensions: the spatial index is a HEALPix pixel
 * number in a btree, see spatial.ts).
 */

export function apdbSchemaName(replayId: number): string {
  if (!Number.isSafeInteger(replayId) || replayId <= 0) throw new VeraError('BAD_INPUT', `replay id must be a positive integer, not ${replayId}`);
  return `apdb_${replayId}`;
}

/** A table of a replay's APDB, as a quoted, schema-qualified identifier. */
export function apdbTable(replayId: number, table: ApdbTable): SQL {
  return sql`${sql.identifier(apdbSchemaName(replayId))}.${sql.identifier(table)}`;
}

export type ApdbTable = 'DiaObject' | 'DiaSource' | 'DiaForcedSource' | 'ApdbVisit' | 'Alert';

function ddl(schema: string): SQL[] {
  // The schema name is an identifier (apdb_<integer>), quoted by drizzle; nothing else varies.
  const s = sql.identifier(schema);
  return [
    sql`CREATE SCHEMA ${s}`,
    sql`CREATE TABLE ${s}."DiaObject" (
      "diaObjectId" bigint PRIMARY KEY,
      "validityStartMjdTai" double precision NOT NULL,
      "ra" double precision NOT NULL,
      "dec" double precision NOT NULL,
      "nDiaSources" integer NOT NULL,
      "firstDiaSourceMjdTai" double precision NOT NULL,
      "lastDiaSourceMjdTai" double precision NOT NULL,
      "pixelId" bigint NOT NULL
    )`,
    sql`CREATE INDEX "DiaObject_pixelId_idx" ON ${s}."DiaObject" ("pixelId")`,
    sql`CREATE TABLE ${s}."DiaSource" (
      "diaSourceId" bigint PRIMARY KEY,
      "diaObjectId" bigint NOT NULL REFERENCES ${s}."DiaObject" ("diaObjectId"),
      "visit" bigint NOT NULL,
      "detector" integer NOT NULL,
      "band" text NOT NULL,
      "midpointMjdTai" double precision NOT NULL,
      "ra" double precision NOT NULL,
      "dec" double precision NOT NULL,
      "raErr" real,
      "decErr" real,
      "x" real NOT NULL,
      "y" real NOT NULL,
      "psfFlux" real,
      "psfFluxErr" real,
      "scienceFlux" real,
      "scienceFluxErr" real,
      "snr" real,
      "isDipole" boolean,
      "pixelFlags_edge" boolean,
      "pixelFlags_cr" boolean,
      "pixelFlags_saturated" boolean,
      "timeProcessedMjdTai" double precision NOT NULL,
      "pixelId" bigint NOT NULL
    )`,
    sql`CREATE INDEX "DiaSource_diaObjectId_idx" ON ${s}."DiaSource" ("diaObjectId", "midpointMjdTai")`,
    sql`CREATE INDEX "DiaSource_visit_idx" ON ${s}."DiaSource" ("visit")`,
    sql`CREATE TABLE ${s}."DiaForcedSource" (
      "diaForcedSourceId" bigint PRIMARY KEY,
      "diaObjectId" bigint NOT NULL REFERENCES ${s}."DiaObject" ("diaObjectId"),
      "visit" bigint NOT NULL,
      "detector" integer NOT NULL,
      "band" text NOT NULL,
      "midpointMjdTai" double precision NOT NULL,
      "ra" double precision NOT NULL,
      "dec" double precision NOT NULL,
      "psfFlux" real,
      "psfFluxErr" real,
      "scienceFlux" real,
      "scienceFluxErr" real,
      "timeProcessedMjdTai" double precision NOT NULL
    )`,
    sql`CREATE INDEX "DiaForcedSource_diaObjectId_idx" ON ${s}."DiaForcedSource" ("diaObjectId", "midpointMjdTai")`,
    sql`CREATE TABLE ${s}."ApdbVisit" (
      "visit" bigint PRIMARY KEY,
      "midpointMjdTai" double precision NOT NULL,
      "nDiaSources" integer NOT NULL,
      "nNewDiaObjects" integer NOT NULL,
      "associatedAt" timestamp with time zone NOT NULL DEFAULT now()
    )`,
    sql`CREATE TABLE ${s}."Alert" (
      "diaSourceId" bigint PRIMARY KEY REFERENCES ${s}."DiaSource" ("diaSourceId"),
      "visit" bigint NOT NULL,
      "packet" bytea NOT NULL,
      "publishedAt" timestamp with time zone
    )`,
    sql`CREATE INDEX "Alert_visit_idx" ON ${s}."Alert" ("visit")`,
  ];
}

/**
 * Creates the APDB of a replay. A schema of that name left by a replay row that no longer exists
 * (a database restored without it, a test database emptied table by table) is dropped first: the
 * replay id is the key, and the new replay owns it. Call inside the transaction that inserts the
 * replay row, so that one does not exist without the other.
 */
export async function createApdb(tx: Db, replayId: number): Promise<void> {
  const schema = apdbSchemaName(replayId);
  await tx.execute(sql`DROP SCHEMA IF EXISTS ${sql.identifier(schema)} CASCADE`);
  for (const statement of ddl(schema)) await tx.execute(statement);
}

/** Drops a replay's APDB and everything in it. */
export async function dropApdb(db: Db, replayId: number): Promise<void> {
  await db.execute(sql`DROP SCHEMA IF EXISTS ${sql.identifier(apdbSchemaName(replayId))} CASCADE`);
}

export async function apdbExists(db: Db, replayId: number): Promise<boolean> {
  const result = (await db.execute(sql`SELECT 1 FROM pg_namespace WHERE nspname = ${apdbSchemaName(replayId)}`)) as unknown as { rows: unknown[] };
  return result.rows.length > 0;
}
