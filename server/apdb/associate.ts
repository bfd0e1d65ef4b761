import { sql, type SQL } from 'drizzle-orm';
import type { DiaForcedSource, DiaObject, DiaSource } from '../../pipelines/ap/records.ts';
import { queryRows, type Db } from '../db/client.ts';
import { VeraError } from '../errors.ts';
import { apdbTable } from './schema.ts';
import { pixelOf, pixelsNear, separationDeg } from './spatial.ts';

export interface AssociationOptions {
  /** DiaSources within this distance of a DiaObject may be associated with it, arcseconds. */
  radiusArcsec: number;
  /** When the records are written (timeProcessedMjdTai); defaults to now. */
  processedMjdTai?: number;
}

export interface VisitToAssociate {
  visit: number;
  midpointMjdTai: number;
  /** The visit's DiaSources, diaObjectId null: association assigns it. */
  diaSources: DiaSource[];
}

export interface AssociationResult {
  visit: number;
  /** The visit's DiaSources with diaObjectId set. */
  diaSources: DiaSource[];
  /** The DiaObjects they belong to, after this visit's update. */
  diaObjects: DiaObject[];
  newDiaObjects: number;
}

const CHUNK = 500;

function mjdNow(): number {
  return Date.now() / 86_400_000 + 40587;
}

/** Values of a multi-row INSERT, in chunks that stay far below the bind-parameter limit. */
async function insertChunks<T>(tx: Db, head: SQL, items: T[], row: (item: T) => SQL, tail: SQL = sql``): Promise<void> {
  for (let i = 0; i < items.length; i += CHUNK) {
    const values = sql.join(items.slice(i, i + CHUNK).map(row), sql`, `);
    await tx.execute(sql`${head} VALUES ${values} ${tail}`);
  }
}

interface ObjectRow {
  diaObjectId: string;
  ra: number;
  dec: number;
  nDiaSources: number;
  firstDiaSourceMjdTai: number;
  lastDiaSourceMjdTai: number;
}

function toObject(r: ObjectRow): DiaObject {
  return {
    diaObjectId: BigInt(r.diaObjectId),
    ra: Number(r.ra),
    dec: Number(r.dec),
    nDiaSources: Number(r.nDiaSources),
    firstDiaSourceMjdTai: Number(r.firstDiaSourceMjdTai),
    lastDiaSourceMjdTai: Number(r.lastDiaSourceMjdTai),
  };
}

const OBJECT_COLUMNS = sql`"diaObjectId"::text AS "diaObjectId", "ra", "dec", "nDiaSources", "firstDiaSourceMjdTai", "lastDiaSourceMjdTai"`;

function checkSources(visit: VisitToAssociate): void {
  const seen = new Set<bigint>();
  for (const [i, s] of visit.diaSources.entries()) {
    const where = `visit ${visit.visit}, DiaSource ${i} (diaSourceId ${s.diaSourceId})`;
    if (s.visit !== visit.visit) throw new VeraError('BAD_INPUT', `${where} belongs to visit ${s.visit}`);
    if (s.diaObjectId !== null) throw new VeraError('BAD_INPUT', `${where} already has diaObjectId ${s.diaObjectId}; association assigns it`);
    if (!Number.isFinite(s.ra) || !Number.isFinite(s.dec) || Math.abs(s.dec) > 90) throw new VeraError('BAD_INPUT', `${where} has no valid position (ra ${s.ra}, dec ${s.dec})`);
    if (seen.has(s.diaSourceId)) throw new VeraError('BAD_INPUT', `${where}: diaSourceId repeated within the visit`);
    seen.add(s.diaSourceId);
  }
}

/**
 * Associates one visit's DiaSources with the APDB's DiaObjects: each source goes to the nearest
 * DiaObject within the radius, one-to-one within the visit (pairs taken closest first, ties by
 * ids, so the result does not depend on input order); an unmatched source starts a new DiaObject
 * whose id is the source's own (as Rubin's APDB does), so replays give the same ids. The
 * DiaObjects' mean positions, counts and first/last times are updated.
 *
 * Must run inside a transaction (`tx`), which also records the visit in ApdbVisit: a visit
 * already there returns null and changes nothing, so a resumed replay can call this again.
 * Visits must come in time order: one earlier than an already associated visit is refused.
 */
export async function associateVisit(tx: Db, replayId: number, visit: VisitToAssociate, opts: AssociationOptions): Promise<AssociationResult | null> {
  if (!(opts.radiusArcsec > 0)) throw new VeraError('BAD_INPUT', `association radius must be positive arcseconds, not ${opts.radiusArcsec}`);
  checkSources(visit);
  const visits = apdbTable(replayId, 'ApdbVisit');
  // Serializes association of this APDB: two processes associating at once would both see the
  // same "latest" visit and the same DiaObjects.
  await tx.execute(sql`LOCK TABLE ${visits} IN EXCLUSIVE MODE`);
  const [done] = await queryRows<{ n: number }>(tx, sql`SELECT count(*)::int AS n FROM ${visits} WHERE "visit" = ${visit.visit}`);
  if (done!.n > 0) return null;
  const [latest] = await queryRows<{ visit: string; t: number }>(
    tx,
    sql`SELECT "visit"::text AS "visit", "midpointMjdTai" AS t FROM ${visits} ORDER BY "midpointMjdTai" DESC LIMIT 1`,
  );
  if (latest && Number(latest.t) > visit.midpointMjdTai) {
    throw new VeraError('BAD_INPUT', `visit ${visit.visit} (MJD ${visit.midpointMjdTai}) is earlier than visit ${latest.visit} (MJD ${latest.t}), already associated: association goes in time order`, {
      visit: visit.visit,
      latest: latest.visit,
    });
  }

  const radiusDeg = opts.radiusArcsec / 3600;
  const candidatePixels = new Set<number>();
  for (const s of visit.diaSources) for (const p of pixelsNear(s.ra, s.dec, radiusDeg)) candidatePixels.add(p);
  const objectTable = apdbTable(replayId, 'DiaObject');
  const candidates =
    candidatePixels.size === 0
      ? []
      : (
          await queryRows<ObjectRow>(
            tx,
            sql`SELECT ${OBJECT_COLUMNS} FROM ${objectTable} WHERE "pixelId" = ANY(${`{${[...candidatePixels].join(',')}}`}::bigint[])`,
          )
        ).map(toObject);

  // Every source–object pair within the radius, closest first; ties broken by ids.
  const pairs: { s: number; o: number; d: number }[] = [];
  visit.diaSources.forEach((s, si) => {
    candidates.forEach((o, oi) => {
      const d = separationDeg(s.ra, s.dec, o.ra, o.dec);
      if (d <= radiusDeg) pairs.push({ s: si, o: oi, d });
    });
  });
  const cmp = (a: bigint, b: bigint) => (a < b ? -1 : a > b ? 1 : 0);
  pairs.sort((a, b) => a.d - b.d || cmp(visit.diaSources[a.s]!.diaSourceId, visit.diaSources[b.s]!.diaSourceId) || cmp(candidates[a.o]!.diaObjectId, candidates[b.o]!.diaObjectId));
  const objectOfSource = new Map<number, number>();
  const takenObjects = new Set<number>();
  for (const p of pairs) {
    if (objectOfSource.has(p.s) || takenObjects.has(p.o)) continue;
    objectOfSource.set(p.s, p.o);
    takenObjects.add(p.o);
  }

  const processed = opts.processedMjdTai ?? mjdNow();
  const updated: DiaObject[] = [];
  const created: DiaObject[] = [];
  const associated: DiaSource[] = visit.diaSources.map((s, si) => {
    const oi = objectOfSource.get(si);
    if (oi === undefined) {
      created.push({ diaObjectId: s.diaSourceId, ra: s.ra, dec: s.dec, nDiaSources: 1, firstDiaSourceMjdTai: s.midpointMjdTai, lastDiaSourceMjdTai: s.midpointMjdTai });
      return { ...s, diaObjectId: s.diaSourceId };
    }
    const o = candidates[oi]!;
    const n = o.nDiaSources + 1;
    // Running mean of the positions (RA difference wrapped to ±180°, so it works across 0h).
    const dRa = ((((s.ra - o.ra) % 360) + 540) % 360) - 180;
    updated.push({
      diaObjectId: o.diaObjectId,
      ra: (((o.ra + dRa / n) % 360) + 360) % 360,
      dec: o.dec + (s.dec - o.dec) / n,
      nDiaSources: n,
      firstDiaSourceMjdTai: Math.min(o.firstDiaSourceMjdTai, s.midpointMjdTai),
      lastDiaSourceMjdTai: Math.max(o.lastDiaSourceMjdTai, s.midpointMjdTai),
    });
    return { ...s, diaObjectId: o.diaObjectId };
  });

  await insertChunks(
    tx,
    sql`INSERT INTO ${objectTable} ("diaObjectId", "validityStartMjdTai", "ra", "dec", "nDiaSources", "firstDiaSourceMjdTai", "lastDiaSourceMjdTai", "pixelId")`,
    created,
    (o) => sql`(${String(o.diaObjectId)}::bigint, ${processed}, ${o.ra}, ${o.dec}, ${o.nDiaSources}, ${o.firstDiaSourceMjdTai}, ${o.lastDiaSourceMjdTai}, ${pixelOf(o.ra, o.dec)})`,
  );
  for (const o of updated) {
    await tx.execute(sql`UPDATE ${objectTable} SET "validityStartMjdTai" = ${processed}, "ra" = ${o.ra}, "dec" = ${o.dec}, "nDiaSources" = ${o.nDiaSources},
      "firstDiaSourceMjdTai" = ${o.firstDiaSourceMjdTai}, "lastDiaSourceMjdTai" = ${o.lastDiaSourceMjdTai}, "pixelId" = ${pixelOf(o.ra, o.dec)}
      WHERE "diaObjectId" = ${String(o.diaObjectId)}::bigint`);
  }
  await insertChunks(
    tx,
    sql`INSERT INTO ${apdbTable(replayId, 'DiaSource')} ("diaSourceId", "diaObjectId", "visit", "detector", "band", "midpointMjdTai", "ra", "dec", "raErr", "decErr", "x", "y",
      "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr", "snr", "isDipole", "pixelFlags_edge", "pixelFlags_cr", "pixelFlags_saturated", "timeProcessedMjdTai", "pixelId")`,
    associated,
    (s) => sql`(${String(s.diaSourceId)}::bigint, ${String(s.diaObjectId)}::bigint, ${s.visit}, ${s.detector}, ${s.band}, ${s.midpointMjdTai}, ${s.ra}, ${s.dec}, ${s.raErr}, ${s.decErr},
      ${s.x}, ${s.y}, ${s.psfFlux}, ${s.psfFluxErr}, ${s.scienceFlux}, ${s.scienceFluxErr}, ${s.snr}, ${s.isDipole}, ${s.pixelFlags_edge}, ${s.pixelFlags_cr}, ${s.pixelFlags_saturated},
      ${processed}, ${pixelOf(s.ra, s.dec)})`,
  );
  await tx.execute(
    sql`INSERT INTO ${visits} ("visit", "midpointMjdTai", "nDiaSources", "nNewDiaObjects") VALUES (${visit.visit}, ${visit.midpointMjdTai}, ${associated.length}, ${created.length})`,
  );
  return { visit: visit.visit, diaSources: associated, diaObjects: [...created, ...updated], newDiaObjects: created.length };
}

/**
 * Stores forced photometry of known DiaObjects (one visit's), positioned at the DiaObject. Meant
 * for the same transaction as the visit's association; rows already stored are left as they are.
 */
export async function storeForcedSources(tx: Db, replayId: number, forced: DiaForcedSource[], opts: { processedMjdTai?: number } = {}): Promise<void> {
  if (forced.length === 0) return;
  const processed = opts.processedMjdTai ?? mjdNow();
  const objects = apdbTable(replayId, 'DiaObject');
  const ids = [...new Set(forced.map((f) => String(f.diaObjectId)))];
  const known = await queryRows<ObjectRow>(tx, sql`SELECT ${OBJECT_COLUMNS} FROM ${objects} WHERE "diaObjectId" = ANY(${`{${ids.join(',')}}`}::bigint[])`);
  const byId = new Map(known.map((r) => [r.diaObjectId, toObject(r)]));
  const missing = ids.find((id) => !byId.has(id));
  if (missing) throw new VeraError('BAD_INPUT', `forced photometry names DiaObject ${missing}, which this APDB does not have`);
  await insertChunks(
    tx,
    sql`INSERT INTO ${apdbTable(replayId, 'DiaForcedSource')} ("diaForcedSourceId", "diaObjectId", "visit", "detector", "band", "midpointMjdTai", "ra", "dec",
      "psfFlux", "psfFluxErr", "scienceFlux", "scienceFluxErr", "timeProcessedMjdTai")`,
    forced,
    (f) => {
      const o = byId.get(String(f.diaObjectId))!;
      return sql`(${String(f.diaForcedSourceId)}::bigint, ${String(f.diaObjectId)}::bigint, ${f.visit}, ${f.detector}, ${f.band}, ${f.midpointMjdTai}, ${o.ra}, ${o.dec},
        ${f.psfFlux}, ${f.psfFluxErr}, ${f.scienceFlux}, ${f.scienceFluxErr}, ${processed})`;
    },
    sql`ON CONFLICT ("diaForcedSourceId") DO NOTHING`,
  );
}
