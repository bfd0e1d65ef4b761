import { sql } from 'drizzle-orm';
import type { DiaForcedSource, DiaObject, DiaSource } from '../../pipelines/ap/records.ts';
import { queryRows, type Db } from '../db/client.ts';
import { apdbTable } from './schema.ts';

/** Reading a replay's APDB back: what alerts carry, what tests and the API inspect. */

const SOURCE_COLUMNS = sql`"diaSourceId"::text AS "diaSourceId", "diaObjectId"::text AS "diaObjectId", "visit"::text AS "visit", "detector", "band", "midpointMjdTai",
  "ra", "dec", "raErr", "decErr", "x", "y", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr", "snr", "isDipole", "pixelFlags_edge", "pixelFlags_cr", "pixelFlags_saturated"`;

type Row = Record<string, unknown>;
const num = (v: unknown): number => Number(v);
const optNum = (v: unknown): number => (v === null || v === undefined ? Number.NaN : Number(v));

function toSource(r: Row): DiaSource {
  return {
    diaSourceId: BigInt(r.diaSourceId as string),
    diaObjectId: BigInt(r.diaObjectId as string),
    visit: num(r.visit),
    detector: num(r.detector),
    band: r.band as string,
    midpointMjdTai: num(r.midpointMjdTai),
    ra: num(r.ra),
    dec: num(r.dec),
    raErr: optNum(r.raErr),
    decErr: optNum(r.decErr),
    x: num(r.x),
    y: num(r.y),
    psfFlux: optNum(r.psfFlux),
    psfFluxErr: optNum(r.psfFluxErr),
    scienceFlux: optNum(r.scienceFlux),
    scienceFluxErr: optNum(r.scienceFluxErr),
    snr: optNum(r.snr),
    isDipole: Boolean(r.isDipole),
    pixelFlags_edge: Boolean(r.pixelFlags_edge),
    pixelFlags_cr: Boolean(r.pixelFlags_cr),
    pixelFlags_saturated: Boolean(r.pixelFlags_saturated),
  };
}

function toForced(r: Row): DiaForcedSource & { ra: number; dec: number } {
  return {
    diaForcedSourceId: BigInt(r.diaForcedSourceId as string),
    diaObjectId: BigInt(r.diaObjectId as string),
    visit: num(r.visit),
    detector: num(r.detector),
    band: r.band as string,
    midpointMjdTai: num(r.midpointMjdTai),
    ra: num(r.ra),
    dec: num(r.dec),
    psfFlux: optNum(r.psfFlux),
    psfFluxErr: optNum(r.psfFluxErr),
    scienceFlux: optNum(r.scienceFlux),
    scienceFluxErr: optNum(r.scienceFluxErr),
  };
}

function idArray(ids: readonly bigint[]) {
  // One bound parameter, an array literal of bigints, cast on the server.
  return sql`${`{${ids.map((id) => id.toString()).join(',')}}`}::bigint[]`;
}

export async function diaObjects(db: Db, replayId: number): Promise<DiaObject[]> {
  const rows = await queryRows<Row>(
    db,
    sql`SELECT "diaObjectId"::text AS "diaObjectId", "ra", "dec", "nDiaSources", "firstDiaSourceMjdTai", "lastDiaSourceMjdTai"
        FROM ${apdbTable(replayId, 'DiaObject')} ORDER BY "diaObjectId"`,
  );
  return rows.map((r) => ({
    diaObjectId: BigInt(r.diaObjectId as string),
    ra: num(r.ra),
    dec: num(r.dec),
    nDiaSources: num(r.nDiaSources),
    firstDiaSourceMjdTai: num(r.firstDiaSourceMjdTai),
    lastDiaSourceMjdTai: num(r.lastDiaSourceMjdTai),
  }));
}

export async function diaSources(db: Db, replayId: number, opts: { visit?: number } = {}): Promise<DiaSource[]> {
  const where = opts.visit === undefined ? sql`` : sql`WHERE "visit" = ${opts.visit}`;
  const rows = await queryRows<Row>(db, sql`SELECT ${SOURCE_COLUMNS} FROM ${apdbTable(replayId, 'DiaSource')} ${where} ORDER BY "midpointMjdTai", "diaSourceId"`);
  return rows.map(toSource);
}

/** DiaSources of these DiaObjects observed before `beforeMjdTai`, oldest first: an alert's prvDiaSources. */
export async function previousDiaSources(db: Db, replayId: number, objectIds: readonly bigint[], beforeMjdTai: number): Promise<DiaSource[]> {
  if (objectIds.length === 0) return [];
  const rows = await queryRows<Row>(
    db,
    sql`SELECT ${SOURCE_COLUMNS} FROM ${apdbTable(replayId, 'DiaSource')}
        WHERE "diaObjectId" = ANY(${idArray(objectIds)}) AND "midpointMjdTai" < ${beforeMjdTai} ORDER BY "midpointMjdTai", "diaSourceId"`,
  );
  return rows.map(toSource);
}

/** Forced photometry of these DiaObjects before `beforeMjdTai`, oldest first: an alert's prvDiaForcedSources. */
export async function previousForcedSources(db: Db, replayId: number, objectIds: readonly bigint[], beforeMjdTai: number): Promise<(DiaForcedSource & { ra: number; dec: number })[]> {
  if (objectIds.length === 0) return [];
  const rows = await queryRows<Row>(
    db,
    sql`SELECT "diaForcedSourceId"::text AS "diaForcedSourceId", "diaObjectId"::text AS "diaObjectId", "visit"::text AS "visit", "detector", "band", "midpointMjdTai",
          "ra", "dec", "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr"
        FROM ${apdbTable(replayId, 'DiaForcedSource')}
        WHERE "diaObjectId" = ANY(${idArray(objectIds)}) AND "midpointMjdTai" < ${beforeMjdTai} ORDER BY "midpointMjdTai", "diaForcedSourceId"`,
  );
  return rows.map(toForced);
}

export async function associatedVisits(db: Db, replayId: number): Promise<{ visit: number; nDiaSources: number; nNewDiaObjects: number }[]> {
  const rows = await queryRows<Row>(db, sql`SELECT "visit"::text AS "visit", "nDiaSources", "nNewDiaObjects" FROM ${apdbTable(replayId, 'ApdbVisit')} ORDER BY "midpointMjdTai"`);
  return rows.map((r) => ({ visit: num(r.visit), nDiaSources: num(r.nDiaSources), nNewDiaObjects: num(r.nNewDiaObjects) }));
}
