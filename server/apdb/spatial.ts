import { ang2pix_nest, ang2vec, query_disc_inclusive_nest, order2nside } from '@hscmap/healpix';

/**
 * The APDB's spatial index: a HEALPix pixel (nested scheme) per DiaObject and DiaSource, in the
 * `pixelId` column Rubin's SQL APDB gives its own (HTM) index. Order 13 (pixels ~26″ across)
 * keeps a disc of a few arcseconds to a handful of pixels, and every pixel number below 2^31,
 * the range @hscmap/healpix computes exactly with 32-bit arithmetic.
 */
export const HEALPIX_ORDER = 13;
const NSIDE = order2nside(HEALPIX_ORDER);
const DEG = Math.PI / 180;

function vectorOf(raDeg: number, decDeg: number): [number, number, number] {
  return ang2vec((90 - decDeg) * DEG, raDeg * DEG);
}

export function pixelOf(raDeg: number, decDeg: number): number {
  return ang2pix_nest(NSIDE, (90 - decDeg) * DEG, raDeg * DEG);
}

/** Every pixel that may hold a point within `radiusDeg` of (ra, dec) (a superset: candidates). */
export function pixelsNear(raDeg: number, decDeg: number, radiusDeg: number): number[] {
  const out: number[] = [];
  query_disc_inclusive_nest(NSIDE, vectorOf(raDeg, decDeg), radiusDeg * DEG, (p) => out.push(p));
  return out;
}

/** Great-circle distance, degrees (haversine: exact at the sub-arcsecond separations association uses). */
export function separationDeg(ra1: number, dec1: number, ra2: number, dec2: number): number {
  const s = Math.sin(((dec2 - dec1) * DEG) / 2) ** 2 + Math.cos(dec1 * DEG) * Math.cos(dec2 * DEG) * Math.sin(((ra2 - ra1) * DEG) / 2) ** 2;
  return (2 * Math.asin(Math.min(1, Math.sqrt(s)))) / DEG;
}
