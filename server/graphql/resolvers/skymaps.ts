import { requireRole } from '../../auth/index.ts';
import { centreOf, COARSEST_ORDER, FINEST_ORDER, statisticsOf, type PixelAggregate } from '../../analysis/healpix-pyramid.ts';
import { hipsBasePath, HIPS_STATISTICS, type HipsStatistic } from '../../analysis/hips.ts';
import { buildSkyMap, skyMapOrders, skyMapPixels } from '../../analysis/skymaps.ts';
import { VeraError } from '../../errors.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationBuildSkyMapArgs, QuerySkyMapArgs, SkyMapHipsPathArgs, SkyMapPixelsArgs } from '../generated/resolvers.ts';
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
    ...centreOf(order, p.pixel),
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
    hipsPath: (m: SkyMapParent, a: SkyMapHipsPathArgs) => {
      const statistic = a.statistic ?? 'count';
      if (!(HIPS_STATISTICS as readonly string[]).includes(statistic)) throw new VeraError('BAD_INPUT', `SkyMap.hipsPath(statistic: '${statistic}'): one of ${HIPS_STATISTICS.join(', ')}`);
      return hipsBasePath(m.collection, statistic as HipsStatistic);
    },
  },
};
