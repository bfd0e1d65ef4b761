/**
 * Shared pixel and coordinate conventions for every task in pipelines/.
 *
 * - Images are row-major Float32Array: pixel (x, y) is `data[y * width + x]`.
 * - Pixel coordinates are 0-based and a pixel's centre is at integer (x, y), as in LSST's afw;
 *   FITS (1-based CRPIX) conversions happen only in pipelines/io/fits.ts.
 * - Sky coordinates are ICRS degrees (raDeg, decDeg).
 */
export interface ImageF {
  width: number;
  height: number;
  data: Float32Array;
}

/**
 * Gnomonic (TAN) world coordinate system with a linear CD matrix, in the FITS WCS paper II sense
 * (Calabretta & Greisen 2002), but with a 0-based reference pixel.
 */
export interface TanWcs {
  /** Sky position of the reference pixel, degrees. */
  crvalDeg: [number, number];
  /** Reference pixel, 0-based (FITS CRPIX minus one). */
  crpixPx: [number, number];
  /** CD matrix, degrees per pixel: [[CD1_1, CD1_2], [CD2_1, CD2_2]]. */
  cdDegPerPx: [[number, number], [number, number]];
}

export function newImage(width: number, height: number, fill = 0): ImageF {
  const data = new Float32Array(width * height);
  if (fill !== 0) data.fill(fill);
  return { width, height, data };
}
