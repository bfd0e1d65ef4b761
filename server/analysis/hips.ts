import { writeFits } from '../../pipelines/io/fits.ts';
import type { Db } from '../db/client.ts';
import { getCollection } from '../repo/index.ts';
import { centreOf, FINEST_ORDER, statisticsOf, type PixelAggregate } from './healpix-pyramid.ts';
import { skyMapOrders, skyMapPixels } from './skymaps.ts';

/**
 * A sky map as a HiPS (IVOA HiPS 1.0, 2017): an image HiPS in FITS tiles, so Aladin and other
 * HiPS clients open it by URL. A tile of order k and index n is a WIDTH×WIDTH image of the
 * pyramid's pixels of order k + TILE_SHIFT under HEALPix pixel n; pixels without sources are NaN
 * (FITS's BLANK for floats). Tiles exist where the pyramid has data; they are made from the
 * database on request, so nothing is written and nothing can be stale.
 */

/** What a tile pixel shows: the number of sources, or their mean PSF flux. */
export const HIPS_STATISTICS = ['count', 'meanFlux'] as const;
export type HipsStatistic = (typeof HIPS_STATISTICS)[number];

/** log2 of the tile width: 64×64 tiles keep the finest tiles' pixels at the pyramid's finest order. */
export const TILE_SHIFT = 6;
export const TILE_WIDTH = 1 << TILE_SHIFT;
/** hips_order: the deepest tile order, whose tile pixels are the pyramid's finest pixels. */
export const HIPS_ORDER = FINEST_ORDER - TILE_SHIFT;
export const HIPS_ORDER_MIN = 0;

/** Where a collection's HiPS is served, relative to the server: the collection is one URL segment. */
export function hipsBasePath(collection: string, statistic: HipsStatistic): string {
  return `/hips/${encodeURIComponent(collection)}/${statistic}`;
}

/** The standard's directory rule: tile n of an order lives in Dir ⌊n/10000⌋·10000. */
export function hipsDirOf(npix: number): number {
  return Math.floor(npix / 10000) * 10000;
}

export function hipsTilePath(order: number, npix: number): string {
  return `Norder${order}/Dir${hipsDirOf(npix)}/Npix${npix}.fits`;
}

/**
 * Bits of x in the even positions and of y in the odd ones: the NEST index of face coordinates
 * (x, y) inside a pixel, TILE_SHIFT bits each (so plain arithmetic, no 32-bit overflow).
 */
function interleave(x: number, y: number): number {
  let out = 0;
  for (let b = 0; b < TILE_SHIFT; b++) out += (((x >> b) & 1) << (2 * b)) + (((y >> b) & 1) << (2 * b + 1));
  return out;
}

/**
 * Sub-pixel (NEST offset inside the tile's HEALPix pixel) of each tile pixel, in FITS data order
 * (row by row from the first stored row, column by column). The arrangement is the one HiPS
 * tiles use: the NEST Z-order array rotated by a quarter turn (row i, column j holds x = W−1−i,
 * y = j), as in the HiPS reference tools (hipspy's healpix_to_hips_tile: rot90 of the Z-order).
 */
export const TILE_SUBPIXELS: Int32Array = (() => {
  const out = new Int32Array(TILE_WIDTH * TILE_WIDTH);
  for (let i = 0; i < TILE_WIDTH; i++) for (let j = 0; j < TILE_WIDTH; j++) out[i * TILE_WIDTH + j] = interleave(TILE_WIDTH - 1 - i, j);
  return out;
})();

function valueOf(p: PixelAggregate, statistic: HipsStatistic): number {
  return statistic === 'count' ? p.count : statisticsOf(p).mean;
}

/** One tile as FITS bytes, or null when the pyramid holds no source under it. */
export async function hipsTile(db: Db, collection: string, statistic: HipsStatistic, order: number, npix: number): Promise<Uint8Array | null> {
  const dataOrder = order + TILE_SHIFT;
  const base = npix * TILE_WIDTH * TILE_WIDTH;
  const pixels = await skyMapPixels(db, collection, dataOrder, { limit: TILE_WIDTH * TILE_WIDTH, within: { order, pixel: npix } });
  if (pixels.length === 0) return null;
  const byOffset = new Map(pixels.map((p) => [p.pixel - base, valueOf(p, statistic)]));
  const data = new Float32Array(TILE_WIDTH * TILE_WIDTH);
  for (let k = 0; k < data.length; k++) data[k] = byOffset.get(TILE_SUBPIXELS[k]!) ?? NaN;
  return writeFits([
    {
      data,
      shape: [TILE_WIDTH, TILE_WIDTH],
      header: [
        { key: 'ORDER', value: order, comment: 'HEALPix order of the tile' },
        { key: 'NPIX', value: npix, comment: 'HEALPix NEST index of the tile' },
        { key: 'BUNIT', value: statistic === 'count' ? 'count' : 'adu', comment: statistic },
      ],
    },
  ]);
}

/**
 * The HiPS `properties` file (HiPS 1.0, section 4.4): every mandatory keyword (creator_did,
 * obs_title, dataproduct_type, hips_version, hips_release_date, hips_status, hips_tile_format,
 * hips_order, hips_frame) and the ones a viewer needs to open it in the right place (tile width,
 * minimum order, bitpix, initial position and field, display range). Null: no sky map.
 */
export async function hipsProperties(db: Db, collection: string, statistic: HipsStatistic): Promise<string | null> {
  const c = await getCollection(db, collection);
  const orders = await skyMapOrders(db, collection);
  if (orders.length === 0) return null;
  // The initial view: the order where the sources first spread over more than a few pixels.
  const spread = orders.find((o) => o.pixels > 4) ?? orders.at(-1)!;
  const viewOrder = Math.max(0, spread.order - 1);
  const [densest] = (await skyMapPixels(db, collection, viewOrder, { limit: 100_000 })).sort((a, b) => b.count - a.count);
  const centre = centreOf(viewOrder, densest!.pixel);
  const finest = await skyMapPixels(db, collection, FINEST_ORDER, { limit: 100_000 });
  const values = finest.map((p) => valueOf(p, statistic));
  const pixelSizeDeg = (order: number) => Math.sqrt((4 * Math.PI) / (12 * 4 ** order)) * (180 / Math.PI);
  const lines: [string, string | number][] = [
    ['creator_did', `ivo://vera/skymap/${encodeURIComponent(c.name)}/${statistic}`],
    ['obs_title', `${c.name} sources: ${statistic === 'count' ? 'count' : 'mean PSF flux'} per HEALPix pixel`],
    ['obs_description', `Vera sky map of the src catalogs of collection ${c.name}: ${statistic} per HEALPix (NEST) pixel of order ${FINEST_ORDER} in the deepest tiles`],
    ['dataproduct_type', 'image'],
    ['hips_version', '1.4'],
    ['hips_builder', 'Vera'],
    ['hips_creator', 'Vera'],
    ['hips_release_date', c.createdAt.toISOString().slice(0, 16) + 'Z'],
    ['hips_status', 'public master unclonable'],
    ['hips_tile_format', 'fits'],
    ['hips_tile_width', TILE_WIDTH],
    ['hips_order', HIPS_ORDER],
    ['hips_order_min', HIPS_ORDER_MIN],
    ['hips_frame', 'equatorial'],
    ['hips_pixel_bitpix', -32],
    ['data_pixel_bitpix', -32],
    ['hips_pixel_scale', pixelSizeDeg(FINEST_ORDER)],
    ['hips_initial_ra', centre.raDeg],
    ['hips_initial_dec', centre.decDeg],
    ['hips_initial_fov', 2 * pixelSizeDeg(viewOrder)],
    ['hips_data_range', `${Math.min(...values)} ${Math.max(...values)}`],
    ['hips_pixel_cut', `${Math.min(...values)} ${Math.max(...values)}`],
    // Kilobytes: one FITS tile (header block and data) per pyramid pixel of each tile order.
    ['hips_estsize', Math.ceil((orders.filter((o) => o.order <= HIPS_ORDER).reduce((n, o) => n + o.pixels, 0) * (2880 + Math.ceil((TILE_WIDTH * TILE_WIDTH * 4) / 2880) * 2880)) / 1024)],
  ];
  return `# HiPS properties (IVOA HiPS 1.0), served by Vera\n${lines.map(([k, v]) => `${k.padEnd(20)} = ${v}`).join('\n')}\n`;
}
