import { ang2pix_nest, order2nside, pix2ang_nest } from '@hscmap/healpix';

/**
 * A HEALPix (NEST) pyramid of per-source values: additive aggregates per pixel at every order from
 * 0 to FINEST_ORDER. Only the finest order is binned from positions; each coarser order is the
 * combination of its children (NEST: the parent of pixel p is ⌊p/4⌋), so counts, sums and extrema
 * agree across orders by construction, and mean and RMS at any order are the ones of its sources.
 * A median is not additive and is therefore not kept.
 */

/**
 * The finest order binned: pixels of ~6.4″, a few per SimCam PSF-sized neighbourhood. It is also
 * the finest @hscmap/healpix computes exactly: its 32-bit bit interleaving holds 15 bits per axis.
 */
export const FINEST_ORDER = 15;
export const COARSEST_ORDER = 0;

/** Additive aggregates of the values in one pixel. */
export interface PixelAggregate {
  pixel: number;
  count: number;
  sum: number;
  sumSq: number;
  min: number;
  max: number;
}

/** One order of the pyramid, pixels ascending. */
export interface PyramidLevel {
  order: number;
  pixels: PixelAggregate[];
}

const DEG = Math.PI / 180;

/** The NEST pixel of a position (degrees) at an order ≤ FINEST_ORDER. */
export function pixelAt(order: number, raDeg: number, decDeg: number): number {
  if (!Number.isInteger(order) || order < 0 || order > FINEST_ORDER) throw new RangeError(`HEALPix order ${order} is outside 0..${FINEST_ORDER}`);
  return ang2pix_nest(order2nside(order), (90 - decDeg) * DEG, raDeg * DEG);
}

/** The parent of a NEST pixel one order up (integer division: pixels pass 2^31 at order 15). */
export function parentOf(pixel: number): number {
  return Math.floor(pixel / 4);
}

/** The centre of a NEST pixel, degrees, right ascension in [0, 360). */
export function centreOf(order: number, pixel: number): { raDeg: number; decDeg: number } {
  const { theta, phi } = pix2ang_nest(order2nside(order), pixel);
  const ra = ((phi / DEG) % 360 + 360) % 360;
  return { raDeg: ra, decDeg: 90 - theta / DEG };
}

/** Two aggregates of disjoint value sets, combined: what one pixel holding both would have. */
export function combine(a: Omit<PixelAggregate, 'pixel'>, b: Omit<PixelAggregate, 'pixel'>): Omit<PixelAggregate, 'pixel'> {
  return { count: a.count + b.count, sum: a.sum + b.sum, sumSq: a.sumSq + b.sumSq, min: Math.min(a.min, b.min), max: Math.max(a.max, b.max) };
}

/** The pyramid of values at positions, finest order first binned, then each coarser one from it. */
export function buildPyramid(raDeg: ArrayLike<number>, decDeg: ArrayLike<number>, value: ArrayLike<number>): PyramidLevel[] {
  const finest = new Map<number, PixelAggregate>();
  for (let k = 0; k < value.length; k++) {
    const ra = raDeg[k]!;
    const dec = decDeg[k]!;
    const v = value[k]!;
    // A source without a position or a value belongs to no pixel: it would make every sum NaN.
    if (!Number.isFinite(ra) || !Number.isFinite(dec) || !Number.isFinite(v)) continue;
    const p = pixelAt(FINEST_ORDER, ra, dec);
    const got = finest.get(p);
    if (got) Object.assign(got, combine(got, one(v)));
    else finest.set(p, { pixel: p, ...one(v) });
  }
  const levels: PyramidLevel[] = [{ order: FINEST_ORDER, pixels: sorted(finest) }];
  for (let order = FINEST_ORDER - 1; order >= COARSEST_ORDER; order--) {
    levels.unshift({ order, pixels: coarsen(levels[0]!.pixels) });
  }
  return levels;
}

/** One order coarser: each pixel's four children combined. */
export function coarsen(children: readonly PixelAggregate[]): PixelAggregate[] {
  const parents = new Map<number, PixelAggregate>();
  for (const c of children) {
    const p = parentOf(c.pixel);
    const got = parents.get(p);
    if (got) Object.assign(got, combine(got, c));
    else parents.set(p, { pixel: p, count: c.count, sum: c.sum, sumSq: c.sumSq, min: c.min, max: c.max });
  }
  return sorted(parents);
}

function one(v: number): Omit<PixelAggregate, 'pixel'> {
  return { count: 1, sum: v, sumSq: v * v, min: v, max: v };
}

function sorted(m: Map<number, PixelAggregate>): PixelAggregate[] {
  return [...m.values()].sort((a, b) => a.pixel - b.pixel);
}

/** Mean, RMS and standard deviation of a pixel's values, from its additive aggregates. */
export function statisticsOf(a: Omit<PixelAggregate, 'pixel'>): { mean: number; rms: number; std: number } {
  const mean = a.sum / a.count;
  const rms = Math.sqrt(a.sumSq / a.count);
  return { mean, rms, std: Math.sqrt(Math.max(0, a.sumSq / a.count - mean * mean)) };
}
