import { VeraError } from '../../errors.ts';

/**
 * Conversions between Butler's representations and Vera's:
 * - sphgeom's ConvexPolygon encoding (byte 0x70, then each vertex as three little-endian float64:
 *   x, y, z of a unit vector) and Vera's polygons `[[raDeg, decDeg], ...]`;
 * - TAI instants (`YYYY-MM-DD HH:MM:SS.fffffffff`, Butler's `!butler_time/tai/iso`) and UTC Dates.
 */
const POLYGON_CODE = 0x70;
const DEG = Math.PI / 180;

export function decodeConvexPolygon(hex: string, where: string): [number, number][] {
  const bytes = /^[0-9a-fA-F]*$/.test(hex) && hex.length % 2 === 0 ? Buffer.from(hex, 'hex') : Buffer.alloc(0);
  if (bytes.length < 1 + 3 * 24 || bytes[0] !== POLYGON_CODE || (bytes.length - 1) % 24 !== 0) {
    throw new VeraError('BUTLER_EXPORT_INVALID', `${where}: not an encoded sphgeom ConvexPolygon (0x70 then 3 or more vertices of 3 float64)`, { where });
  }
  const out: [number, number][] = [];
  for (let off = 1; off < bytes.length; off += 24) {
    const x = bytes.readDoubleLE(off);
    const y = bytes.readDoubleLE(off + 8);
    const z = bytes.readDoubleLE(off + 16);
    const norm = Math.hypot(x, y, z);
    let ra = Math.atan2(y, x) / DEG;
    if (ra < 0) ra += 360;
    out.push([ra, Math.asin(z / norm) / DEG]);
  }
  return out;
}

export function encodeConvexPolygon(vertices: readonly (readonly [number, number])[]): string {
  const bytes = Buffer.alloc(1 + vertices.length * 24);
  bytes[0] = POLYGON_CODE;
  vertices.forEach(([ra, dec], i) => {
    const off = 1 + i * 24;
    bytes.writeDoubleLE(Math.cos(dec * DEG) * Math.cos(ra * DEG), off);
    bytes.writeDoubleLE(Math.cos(dec * DEG) * Math.sin(ra * DEG), off + 8);
    bytes.writeDoubleLE(Math.sin(dec * DEG), off + 16);
  });
  return bytes.toString('hex');
}

/** The direction of the mean of the vertices' unit vectors: a polygon's centre, in degrees. */
export function polygonCentre(vertices: readonly (readonly [number, number])[]): { raDeg: number; decDeg: number } {
  let x = 0;
  let y = 0;
  let z = 0;
  for (const [ra, dec] of vertices) {
    x += Math.cos(dec * DEG) * Math.cos(ra * DEG);
    y += Math.cos(dec * DEG) * Math.sin(ra * DEG);
    z += Math.sin(dec * DEG);
  }
  let raDeg = Math.atan2(y, x) / DEG;
  if (raDeg < 0) raDeg += 360;
  return { raDeg, decDeg: Math.atan2(z, Math.hypot(x, y)) / DEG };
}

/** TAI - UTC in seconds from each UTC date on (IERS Bulletin C; the last leap second was 2016-12-31). */
const LEAP_SECONDS: readonly [string, number][] = [
  ['1972-01-01', 10], ['1972-07-01', 11], ['1973-01-01', 12], ['1974-01-01', 13], ['1975-01-01', 14],
  ['1976-01-01', 15], ['1977-01-01', 16], ['1978-01-01', 17], ['1979-01-01', 18], ['1980-01-01', 19],
  ['1981-07-01', 20], ['1982-07-01', 21], ['1983-07-01', 22], ['1985-07-01', 23], ['1988-01-01', 24],
  ['1990-01-01', 25], ['1991-01-01', 26], ['1992-07-01', 27], ['1993-07-01', 28], ['1994-07-01', 29],
  ['1996-01-01', 30], ['1997-07-01', 31], ['1999-01-01', 32], ['2006-01-01', 33], ['2009-01-01', 34],
  ['2012-07-01', 35], ['2015-07-01', 36], ['2017-01-01', 37],
];
const LEAPS_MS = LEAP_SECONDS.map(([d, s]) => [Date.parse(`${d}T00:00:00Z`), s] as const);

function offsetAtUtc(utcMs: number): number {
  let s = 10;
  for (const [from, secs] of LEAPS_MS) if (utcMs >= from) s = secs;
  return s;
}

const TAI_ISO = /^(\d{4}-\d{2}-\d{2})[ T](\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?$/;

export function taiToUtc(iso: string, where: string): Date {
  const m = TAI_ISO.exec(iso.trim());
  if (!m) throw new VeraError('BUTLER_EXPORT_INVALID', `${where}: '${iso}' is not a TAI time as YYYY-MM-DD HH:MM:SS.fffffffff`, { where, value: iso });
  const frac = (m[3] ?? '').padEnd(3, '0').slice(0, 3);
  const taiMs = Date.parse(`${m[1]}T${m[2]}.${frac}Z`);
  if (Number.isNaN(taiMs)) throw new VeraError('BUTLER_EXPORT_INVALID', `${where}: '${iso}' is not a valid date`, { where, value: iso });
  // The offset is defined on the UTC scale: try the offset at the TAI reading, then correct once.
  const first = taiMs - offsetAtUtc(taiMs) * 1000;
  return new Date(taiMs - offsetAtUtc(first) * 1000);
}

export function utcToTai(d: Date): string {
  const tai = new Date(d.getTime() + offsetAtUtc(d.getTime()) * 1000).toISOString();
  return `${tai.slice(0, 10)} ${tai.slice(11, 23)}000000`;
}
