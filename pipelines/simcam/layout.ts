import type { TanWcs } from '../image/types.ts';
import { boxRegion, makeTanWcs } from '../image/wcs.ts';
import type { ResolvedOptions } from './types.ts';

/**
 * Focal-plane geometry. Focal-plane pixels (fp) are centred on the boresight, with the same
 * orientation and scale as detector pixels (no rotation between detectors, no optical
 * distortion): detector pixel (x, y) is fp (x - c + cx, y - c + cy) with c = (size - 1) / 2 and
 * (cx, cy) the detector centre. Detector id = row * columns + column, row 0 at the bottom.
 */

export function detectorCenterFpPx(options: ResolvedOptions, detectorId: number): [number, number] {
  const [nx, ny] = options.detectorGrid;
  const pitch = options.detectorSizePx + options.detectorGapPx;
  const column = detectorId % nx;
  const row = Math.floor(detectorId / nx);
  return [(column - (nx - 1) / 2) * pitch, (row - (ny - 1) / 2) * pitch];
}

/** Half-width and half-height of the focal plane's outer edge, fp pixels. */
export function focalPlaneHalfSizePx(options: ResolvedOptions): [number, number] {
  const [nx, ny] = options.detectorGrid;
  const s = options.detectorSizePx;
  const g = options.detectorGapPx;
  return [(nx * s + (nx - 1) * g) / 2, (ny * s + (ny - 1) * g) / 2];
}

/** TAN WCS of a detector for a boresight and sky rotation (see makeTanWcs for the angle). */
export function detectorWcs(options: ResolvedOptions, detectorId: number, boresightDeg: [number, number], skyAngleDeg: number): TanWcs {
  const [cx, cy] = detectorCenterFpPx(options, detectorId);
  const c = (options.detectorSizePx - 1) / 2;
  return makeTanWcs(boresightDeg, [c - cx, c - cy], options.pixelScaleArcsec, skyAngleDeg);
}

/** The focal plane's outer edge on the sky, counter-clockwise as seen from inside. */
export function focalPlaneRegion(options: ResolvedOptions, boresightDeg: [number, number], skyAngleDeg: number): [number, number][] {
  const [hx, hy] = focalPlaneHalfSizePx(options);
  const wcs = makeTanWcs(boresightDeg, [0, 0], options.pixelScaleArcsec, skyAngleDeg);
  return boxRegion(wcs, -hx, -hy, hx, hy);
}

/**
 * Each detector's outer edge on the sky for a commanded boresight and rotation, by detector id,
 * grown by `marginPx` on every side: the true pointing is off by ~1" (see planVisits), and a
 * detector left out of a patch it touches would lose its pixels from that patch's coadd.
 */
export function detectorRegions(options: ResolvedOptions, boresightDeg: [number, number], skyAngleDeg: number, marginPx: number): Record<string, [number, number][]> {
  const [nx, ny] = options.detectorGrid;
  const size = options.detectorSizePx;
  const out: Record<string, [number, number][]> = {};
  for (let id = 0; id < nx * ny; id++) {
    const wcs = detectorWcs(options, id, boresightDeg, skyAngleDeg);
    out[String(id)] = boxRegion(wcs, -0.5 - marginPx, -0.5 - marginPx, size - 0.5 + marginPx, size - 0.5 + marginPx);
  }
  return out;
}

/**
 * Half-size, in pixels, of the square (centred on the field) that every visit can touch: the
 * focal plane's half-diagonal (any rotation) plus the largest dither, plus a margin for PSF wings.
 */
export function fieldHalfSizePx(options: ResolvedOptions): number {
  const [hx, hy] = focalPlaneHalfSizePx(options);
  return Math.hypot(hx, hy) + options.ditherArcsec / options.pixelScaleArcsec + 50;
}
