import { PipelineError } from '../framework/errors.ts';
import type { TanWcs } from './types.ts';

/**
 * Gnomonic (TAN) projection for a TanWcs (Calabretta & Greisen 2002, "Representations of
 * celestial coordinates in FITS", section 5.1.3), with the default LONPOLE = 180 deg of zenithal
 * projections. Pixels are 0-based with centres at integers (see types.ts).
 *
 * Intermediate world coordinates (xi, eta), degrees: [xi, eta] = CD · ([x, y] - crpix).
 * xi grows towards increasing RA (east), eta towards north.
 */

const DEG = Math.PI / 180;

/** Sky position (raDeg in [0, 360), decDeg) of pixel (x, y). */
export function pixelToSky(wcs: TanWcs, x: number, y: number): [number, number] {
  const dx = x - wcs.crpixPx[0];
  const dy = y - wcs.crpixPx[1];
  const [[a, b], [c, d]] = wcs.cdDegPerPx;
  return intermediateToSky(wcs.crvalDeg, (a * dx + b * dy) * DEG, (c * dx + d * dy) * DEG);
}

/** Pixel (x, y) of a sky position; throws for points 90 deg or more from the reference point. */
export function skyToPixel(wcs: TanWcs, raDeg: number, decDeg: number): [number, number] {
  const [xi, eta] = skyToIntermediate(wcs.crvalDeg, raDeg, decDeg);
  const [[a, b], [c, d]] = wcs.cdDegPerPx;
  const det = a * d - b * c;
  const u = xi / DEG;
  const v = eta / DEG;
  return [wcs.crpixPx[0] + (d * u - b * v) / det, wcs.crpixPx[1] + (-c * u + a * v) / det];
}

/** Inverse gnomonic projection; xi, eta in radians on the tangent plane at crval. */
export function intermediateToSky(crvalDeg: [number, number], xi: number, eta: number): [number, number] {
  const ra0 = crvalDeg[0] * DEG;
  const dec0 = crvalDeg[1] * DEG;
  const sin0 = Math.sin(dec0);
  const cos0 = Math.cos(dec0);
  const denom = cos0 - eta * sin0;
  const ra = ra0 + Math.atan2(xi, denom);
  const dec = Math.atan2(sin0 + eta * cos0, Math.hypot(xi, denom));
  let raDeg = (ra / DEG) % 360;
  if (raDeg < 0) raDeg += 360;
  return [raDeg, dec / DEG];
}

/** Forward gnomonic projection onto the tangent plane at crval; returns (xi, eta) in radians. */
export function skyToIntermediate(crvalDeg: [number, number], raDeg: number, decDeg: number): [number, number] {
  const dra = (raDeg - crvalDeg[0]) * DEG;
  const dec = decDeg * DEG;
  const dec0 = crvalDeg[1] * DEG;
  const cosDec = Math.cos(dec);
  const cosc = Math.sin(dec0) * Math.sin(dec) + Math.cos(dec0) * cosDec * Math.cos(dra);
  if (cosc <= 0) {
    throw new PipelineError('BAD_INPUT', 'sky position is 90 deg or more from the TAN reference point', { raDeg, decDeg, crvalDeg });
  }
  const xi = (cosDec * Math.sin(dra)) / cosc;
  const eta = (Math.cos(dec0) * Math.sin(dec) - Math.sin(dec0) * cosDec * Math.cos(dra)) / cosc;
  return [xi, eta];
}

/**
 * A TAN WCS with square pixels: north up and east left (RA growing towards -x) at
 * rotationDeg = 0. In general north points along pixel direction (sin r, cos r) and east along
 * (-cos r, sin r), r = rotationDeg: the angle from +y to north, measured towards +x.
 */
export function makeTanWcs(crvalDeg: [number, number], crpixPx: [number, number], scaleArcsecPerPx: number, rotationDeg = 0): TanWcs {
  const s = scaleArcsecPerPx / 3600;
  const cos = Math.cos(rotationDeg * DEG);
  const sin = Math.sin(rotationDeg * DEG);
  return {
    crvalDeg: [crvalDeg[0], crvalDeg[1]],
    crpixPx: [crpixPx[0], crpixPx[1]],
    cdDegPerPx: [
      [-s * cos, s * sin],
      [s * sin, s * cos],
    ],
  };
}

/** The same WCS for a sub-image whose pixel (0, 0) is pixel (x0, y0) of this one. */
export function shiftWcs(wcs: TanWcs, x0: number, y0: number): TanWcs {
  return { crvalDeg: [...wcs.crvalDeg], crpixPx: [wcs.crpixPx[0] - x0, wcs.crpixPx[1] - y0], cdDegPerPx: [[...wcs.cdDegPerPx[0]], [...wcs.cdDegPerPx[1]]] };
}

/** Pixel scale, arcsec per pixel (square root of the CD determinant). */
export function pixelScaleArcsec(wcs: TanWcs): number {
  const [[a, b], [c, d]] = wcs.cdDegPerPx;
  return Math.sqrt(Math.abs(a * d - b * c)) * 3600;
}

/**
 * Sky polygon [[raDeg, decDeg], ...] of the pixel box [x0, x1] x [y0, y1] (pixel edges, e.g.
 * -0.5 .. width-0.5). Corners go counter-clockwise on the pixel grid, which is counter-clockwise
 * on the sky as seen from inside the sphere for the usual east-left parity (det CD < 0).
 */
export function boxRegion(wcs: TanWcs, x0: number, y0: number, x1: number, y1: number): [number, number][] {
  return [pixelToSky(wcs, x0, y0), pixelToSky(wcs, x1, y0), pixelToSky(wcs, x1, y1), pixelToSky(wcs, x0, y1)];
}

/** The region covered by an image of this size: its outer pixel edges. */
export function imageRegion(wcs: TanWcs, width: number, height: number): [number, number][] {
  return boxRegion(wcs, -0.5, -0.5, width - 0.5, height - 0.5);
}

/** Great-circle distance between two sky positions, degrees (haversine: exact for small angles). */
export function angularSeparationDeg(ra1Deg: number, dec1Deg: number, ra2Deg: number, dec2Deg: number): number {
  const sdd = Math.sin(((dec2Deg - dec1Deg) * DEG) / 2);
  const sdr = Math.sin(((ra2Deg - ra1Deg) * DEG) / 2);
  const h = sdd * sdd + Math.cos(dec1Deg * DEG) * Math.cos(dec2Deg * DEG) * sdr * sdr;
  return (2 * Math.asin(Math.min(1, Math.sqrt(h)))) / DEG;
}
