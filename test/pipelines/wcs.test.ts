import { describe, expect, it } from 'vitest';
import { angularSeparationDeg, imageRegion, makeTanWcs, pixelScaleArcsec, pixelToSky, shiftWcs, skyToPixel } from '../../pipelines/image/wcs.ts';

describe('TAN WCS', () => {
  it('maps the reference pixel to CRVAL and round-trips pixels through the sky to 1e-9 px', () => {
    const wcs = makeTanWcs([359.99, -45], [100, 200], 0.2, 37);
    expect(pixelToSky(wcs, 100, 200)).toEqual([359.99, -45]);
    for (const [x, y] of [[0, 0], [511, 511], [-3000, 4000], [100.25, 199.75]] as const) {
      const [ra, dec] = pixelToSky(wcs, x, y);
      const [x2, y2] = skyToPixel(wcs, ra, dec);
      expect(Math.abs(x2 - x)).toBeLessThan(1e-9);
      expect(Math.abs(y2 - y)).toBeLessThan(1e-9);
    }
  });

  it('puts north up and east left at zero rotation, with the pixel scale as the step', () => {
    const wcs = makeTanWcs([150, 2], [0, 0], 0.2);
    const [raUp, decUp] = pixelToSky(wcs, 0, 1);
    const [raRight] = pixelToSky(wcs, 1, 0);
    expect(decUp).toBeGreaterThan(2);
    expect(raUp).toBeCloseTo(150, 12);
    expect(raRight).toBeLessThan(150);
    expect(angularSeparationDeg(150, 2, ...pixelToSky(wcs, 1, 0)) * 3600).toBeCloseTo(0.2, 9);
    expect(pixelScaleArcsec(wcs)).toBeCloseTo(0.2, 12);
  });

  it('matches the gnomonic projection far from the centre (angle from tangent point = atan(r))', () => {
    const wcs = makeTanWcs([10, 60], [0, 0], 3600); // 1 degree per pixel
    const [ra, dec] = pixelToSky(wcs, 0, 20);
    expect(angularSeparationDeg(10, 60, ra, dec)).toBeCloseTo((Math.atan((20 * Math.PI) / 180) * 180) / Math.PI, 10);
  });

  it('rotates north towards +x for a positive sky angle and shifts the origin of sub-images', () => {
    const wcs = makeTanWcs([150, 2], [50, 50], 0.2, 90);
    const [, decRight] = pixelToSky(wcs, 51, 50);
    expect(decRight).toBeGreaterThan(2);
    const sub = shiftWcs(wcs, 10, 20);
    expect(pixelToSky(sub, 40, 30)).toEqual(pixelToSky(wcs, 50, 50));
  });

  it('gives image regions counter-clockwise as seen from inside (east left, north up)', () => {
    const region = imageRegion(makeTanWcs([150, 2], [255.5, 255.5], 0.2, 10), 512, 512);
    // Shoelace area in (east = -RA·cos(dec), north = dec): positive for counter-clockwise.
    let area = 0;
    for (let k = 0; k < region.length; k++) {
      const [ra1, d1] = region[k]!;
      const [ra2, d2] = region[(k + 1) % region.length]!;
      area += -ra1 * Math.cos((2 * Math.PI) / 180) * d2 - -ra2 * Math.cos((2 * Math.PI) / 180) * d1;
    }
    expect(area).toBeGreaterThan(0);
  });
});
