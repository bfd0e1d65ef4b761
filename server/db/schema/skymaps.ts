import { sql } from 'drizzle-orm';
import { bigint, check, doublePrecision, integer, pgTable, primaryKey, smallint } from 'drizzle-orm/pg-core';
import { collections } from './registry.ts';

/**
 * The HEALPix (NEST) pyramid of a collection's source catalog (server/analysis/healpix-pyramid.ts):
 * per pixel and order, the additive aggregates of the sources' PSF flux. Additive (count, sums,
 * extrema) so that a parent pixel's row is exactly the combination of its four children's rows,
 * and mean and RMS follow from them at any order. Rows go with their collection.
 */
export const healpixPyramid = pgTable(
  'healpix_pyramid',
  {
    collectionId: integer('collection_id')
      .notNull()
      .references(() => collections.id, { onDelete: 'cascade' }),
    order: smallint('order').notNull(),
    /** NEST index at `order`; below 12·4^15, so exact as a JavaScript number. */
    pixel: bigint('pixel', { mode: 'number' }).notNull(),
    count: integer('count').notNull(),
    fluxSum: doublePrecision('flux_sum').notNull(),
    fluxSumSq: doublePrecision('flux_sum_sq').notNull(),
    fluxMin: doublePrecision('flux_min').notNull(),
    fluxMax: doublePrecision('flux_max').notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.collectionId, t.order, t.pixel] }),
    check('healpix_pyramid_order_check', sql`${t.order} BETWEEN 0 AND 29`),
    check('healpix_pyramid_count_check', sql`${t.count} > 0`),
  ],
);
