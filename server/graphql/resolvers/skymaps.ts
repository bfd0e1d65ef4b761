import { pix2ang_nest, order2nside } from '@hscmap/healpix';
import { requireRole } from '../../auth/index.ts';
import { COARSEST_ORDER, FINEST_ORDER, statisticsOf, type PixelAggregate } from '../../analysis/healpix-pyramid.ts';
import { buildSkyMap, skyMapOrders, skyMapPixels } from '../../analysis/skymaps.ts';
import { VeraError } from '../../errors.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationBuildSkyMapArgs, QuerySkyMapArgs, SkyMapPixelsArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

interface SkyMapParent {
  collection: string;
}

async function skyMapOf(ctx: GraphQLContext, collection: string) {
  const orders = await skyMapOrders(ctx.vera.database.db, collection);
  if (orders.length === 0) return null;
  return { collection, coarsestOrder: COARSEST_ORDER, finestOrder: FINEST_ORDER, orders };
}

function pixelOut(order: number, p: PixelAggregate) {
  const s = statisticsOf(p);
  const { theta, phi } = pix2ang_nest(order2nside(order), p.pixel);
  return {
    order,
    pixel: p.pixel,
    count: p.count,
    fluxSum: p.sum,
    fluxSumSq: p.sumSq,
    meanFlux: s.mean,
    rmsFlux: s.rms,
    stdFlux: s.std,
    minFlux: p.min,
    maxFlux: p.max,
    raDeg: (phi * 180) / Math.PI,
    decDeg: 90 - (theta * 180) / Math.PI,
  };
}

export const skymapQueries = {
  skyMap: (_: unknown, a: QuerySkyMapArgs, ctx: GraphQLContext) => skyMapOf(ctx, a.collection),
};

export const skymapMutations = {
  buildSkyMap: async (_: unknown, a: MutationBuildSkyMapArgs, ctx: GraphQLContext) => {
    requireRole(ctx.actor, 'developer', 'build a sky map');
    const sources = await buildSkyMap(ctx.vera.database.db, ctx.vera.datastore, a.collection);
    if (sources === null) throw new VeraError('NOT_FOUND', `collection '${a.collection}' holds no src catalog to map`, { collection: a.collection });
    return skyMapOf(ctx, a.collection);
  },
};

export const skymapTypes = {
  SkyMap: {
    pixels: async (m: SkyMapParent, a: SkyMapPixelsArgs, ctx: GraphQLContext) => {
      const limit = listLimit('SkyMap.pixels', a.limit);
      if ((a.withinOrder == null) !== (a.withinPixel == null)) throw new VeraError('BAD_INPUT', 'SkyMap.pixels: give withinOrder and withinPixel together');
      if (a.withinPixel != null && (!Number.isSafeInteger(a.withinPixel) || a.withinPixel < 0)) throw new VeraError('BAD_INPUT', `SkyMap.pixels(withinPixel: ${a.withinPixel}) is not a pixel index`);
      const within = a.withinOrder != null && a.withinPixel != null ? { order: a.withinOrder, pixel: a.withinPixel } : undefined;
      const rows = await skyMapPixels(ctx.vera.database.db, m.collection, a.order, { limit, within });
      return rows.map((p) => pixelOut(a.order, p));
    },
  },
};
