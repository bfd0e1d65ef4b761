import { and, asc, eq, sql } from 'drizzle-orm';
import { readCatalogParquet } from '../../pipelines/io/parquet.ts';
import type { Db } from '../db/client.ts';
import { healpixPyramid } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { findDatasets, findDatasetType, getCollection, type Datastore } from '../repo/index.ts';
import { buildPyramid, COARSEST_ORDER, FINEST_ORDER, type PixelAggregate, type PyramidLevel } from './healpix-pyramid.ts';

/** The source catalog a sky map bins, and its columns: position and the value aggregated. */
export const SKYMAP_SOURCE = { datasetType: 'src', ra: 'raDeg', dec: 'decDeg', value: 'psfFlux' } as const;

const INSERT_BATCH = 1000;

export interface SkyMapOrder {
  order: number;
  pixels: number;
  sources: number;
}

/**
 * Bins the `src` catalogs of a collection (a run, a release, a chain searched find-first) into a
 * HEALPix pyramid and stores it, replacing the previous one, in one transaction. Returns the
 * number of sources binned, or null when the collection holds no `src` catalog.
 */
export async function buildSkyMap(db: Db, datastore: Datastore, collection: string): Promise<number | null> {
  const c = await getCollection(db, collection);
  if (!(await findDatasetType(db, SKYMAP_SOURCE.datasetType))) return null;
  const found = await findDatasets(db, { datasetType: SKYMAP_SOURCE.datasetType, collections: [c.name] });
  const catalogs = found.filter((d) => d.path.endsWith('.parquet'));
  if (catalogs.length === 0) return null;
  const ra: number[] = [];
  const dec: number[] = [];
  const value: number[] = [];
  for (const d of catalogs) {
    const cat = await readCatalogParquet(await datastore.read(d.path, d.checksum));
    const cols = [SKYMAP_SOURCE.ra, SKYMAP_SOURCE.dec, SKYMAP_SOURCE.value].map((name) => cat.columns[name]);
    if (cols.some((col) => !(col instanceof Float64Array || col instanceof Float32Array))) {
      throw new VeraError('BAD_INPUT', `catalog ${d.path} lacks a numeric ${SKYMAP_SOURCE.ra}, ${SKYMAP_SOURCE.dec} or ${SKYMAP_SOURCE.value} column`, { dataset: d.id });
    }
    const [r, de, v] = cols as (Float64Array | Float32Array)[];
    for (let k = 0; k < v!.length; k++) {
      ra.push(r![k]!);
      dec.push(de![k]!);
      value.push(v![k]!);
    }
  }
  const levels = buildPyramid(ra, dec, value);
  await storePyramid(db, c.id, levels);
  return levels[0]!.pixels.reduce((n, p) => n + p.count, 0);
}

async function storePyramid(db: Db, collectionId: number, levels: readonly PyramidLevel[]): Promise<void> {
  const rows = levels.flatMap((l) =>
    l.pixels.map((p) => ({ collectionId, order: l.order, pixel: p.pixel, count: p.count, fluxSum: p.sum, fluxSumSq: p.sumSq, fluxMin: p.min, fluxMax: p.max })),
  );
  await db.transaction(async (tx) => {
    await tx.delete(healpixPyramid).where(eq(healpixPyramid.collectionId, collectionId));
    for (let i = 0; i < rows.length; i += INSERT_BATCH) await tx.insert(healpixPyramid).values(rows.slice(i, i + INSERT_BATCH));
  });
}

/** The orders a collection's sky map holds, coarse to fine; empty when it has none. */
export async function skyMapOrders(db: Db, collection: string): Promise<SkyMapOrder[]> {
  const c = await getCollection(db, collection);
  const rows = await db
    .select({ order: healpixPyramid.order, pixels: sql<number>`count(*)::int`, sources: sql<number>`sum(${healpixPyramid.count})::int` })
    .from(healpixPyramid)
    .where(eq(healpixPyramid.collectionId, c.id))
    .groupBy(healpixPyramid.order)
    .orderBy(asc(healpixPyramid.order));
  return rows;
}

/** The pixels of one order (ascending), optionally only those under a coarser pixel `within`. */
export async function skyMapPixels(
  db: Db,
  collection: string,
  order: number,
  opts: { limit: number; within?: { order: number; pixel: number } },
): Promise<PixelAggregate[]> {
  assertOrder(order, 'order');
  const c = await getCollection(db, collection);
  const conditions = [eq(healpixPyramid.collectionId, c.id), eq(healpixPyramid.order, order)];
  if (opts.within) {
    assertOrder(opts.within.order, 'within.order');
    if (opts.within.order > order) throw new VeraError('BAD_INPUT', `within.order (${opts.within.order}) must not be finer than order (${order})`);
    // NEST: the descendants of pixel q, d orders finer, are exactly q·4^d … (q+1)·4^d − 1.
    const span = 4 ** (order - opts.within.order);
    conditions.push(sql`${healpixPyramid.pixel} >= ${opts.within.pixel * span} AND ${healpixPyramid.pixel} < ${(opts.within.pixel + 1) * span}`);
  }
  const rows = await db
    .select()
    .from(healpixPyramid)
    .where(and(...conditions))
    .orderBy(asc(healpixPyramid.pixel))
    .limit(opts.limit);
  return rows.map((r) => ({ pixel: r.pixel, count: r.count, sum: r.fluxSum, sumSq: r.fluxSumSq, min: r.fluxMin, max: r.fluxMax }));
}

export function assertOrder(order: number, what: string): void {
  if (!Number.isInteger(order) || order < COARSEST_ORDER || order > FINEST_ORDER) {
    throw new VeraError('BAD_INPUT', `${what} ${order} is not a sky-map order (${COARSEST_ORDER}..${FINEST_ORDER})`);
  }
}
