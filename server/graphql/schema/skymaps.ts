import { limitDoc } from '../limits.ts';

/** Sky maps: HEALPix pyramids of collections' source catalogs (server/analysis/skymaps.ts). */
export const skymapsTypeDefs = /* GraphQL */ `
  "One order of a sky map: how many pixels hold sources, and how many sources (the same at every order)."
  type SkyMapOrder {
    order: Int!
    pixels: Int!
    sources: Int!
  }

  "A HEALPix (NEST) pixel of a sky map and the aggregates of its sources' PSF flux."
  type SkyPixel {
    order: Int!
    "NEST index at this order (up to 12·4^15, so a Float)."
    pixel: Float!
    count: Int!
    fluxSum: Float!
    fluxSumSq: Float!
    meanFlux: Float!
    rmsFlux: Float!
    stdFlux: Float!
    minFlux: Float!
    maxFlux: Float!
    "The pixel's centre, degrees."
    raDeg: Float!
    decDeg: Float!
  }

  """
  The HEALPix pyramid of a collection's src catalogs, built when a run succeeds: per pixel, at
  every order from coarsestOrder to finestOrder, the count and additive aggregates of the sources'
  PSF flux. A pixel's aggregates are the combination of its four children's.
  """
  type SkyMap {
    collection: String!
    coarsestOrder: Int!
    finestOrder: Int!
    orders: [SkyMapOrder!]!
    "Where HiPS viewers (Aladin) open this map, relative to the server: statistic count or meanFlux."
    hipsPath(statistic: String = "count"): String!
    "Pixels of one order, ascending; within: only the descendants of that coarser pixel."
    pixels(order: Int!, withinOrder: Int, withinPixel: Float, ${limitDoc('SkyMap.pixels')} limit: Int): [SkyPixel!]!
  }

  extend type Query {
    "A collection's sky map, or null when none was built (no src catalogs, or the run has not succeeded)."
    skyMap(collection: String!): SkyMap
  }

  extend type Mutation {
    "Builds (again) the sky map of any collection holding src catalogs, e.g. a release or a chain (developers)."
    buildSkyMap(collection: String!): SkyMap
  }
`;
