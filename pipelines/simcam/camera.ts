import { detectorCenterFpPx, focalPlaneHalfSizePx } from './layout.ts';
import { Rng } from './random.ts';
import type { Band, DetectorRecord, DetectorTruth, ResolvedOptions } from './types.ts';

/**
 * The camera: per-detector electronics (gain, read noise, bias structure, full well) and the
 * multiplicative response ("flat"): response = qe[band] · vignetting(focal-plane radius) ·
 * (1 + smooth polynomial) · (1 + pixel-to-pixel noise). The response multiplies sky and source
 * photo-electrons (not cosmic rays); the prod flat calibration is exactly this response.
 */

export const INSTRUMENT = 'SimCam';
/** Relative chromatic strength of the smooth flat structure (bluer light, stronger structure). */
const BAND_STRUCTURE: Record<Band, number> = { g: 1.2, r: 1, i: 0.8 };
/** Depth of the vignetting at the focal plane's outer corner, fraction. */
const VIGNETTING_AT_CORNER = 0.04;

export function detectorFullName(options: ResolvedOptions, detectorId: number): string {
  const nx = options.detectorGrid[0];
  return `S${Math.floor(detectorId / nx)}${detectorId % nx}`;
}

export function defineDetectors(options: ResolvedOptions): { records: DetectorRecord[]; truth: DetectorTruth[] } {
  const [nx, ny] = options.detectorGrid;
  const records: DetectorRecord[] = [];
  const truth: DetectorTruth[] = [];
  for (let id = 0; id < nx * ny; id++) {
    const rng = new Rng(options.seed, 'detector', id);
    records.push({
      instrument: INSTRUMENT,
      id,
      fullName: detectorFullName(options, id),
      extra: { widthPx: options.detectorSizePx, heightPx: options.detectorSizePx, column: id % nx, row: Math.floor(id / nx) },
    });
    const poly = (scale: number) => rng.range(-scale, scale);
    truth.push({
      id,
      centerFpPx: detectorCenterFpPx(options, id),
      gainEPerAdu: rng.range(1.4, 1.9),
      readNoiseE: rng.range(4, 7),
      biasLevelAdu: Math.round(rng.range(900, 1100)),
      biasRippleAdu: rng.range(1, 3),
      biasRipplePeriods: 1 + rng.int(6),
      biasRowRampAdu: rng.range(-4, 4),
      fullWellE: 100_000,
      qe: { g: rng.range(0.95, 1.05), r: rng.range(0.95, 1.05), i: rng.range(0.95, 1.05) },
      flatPoly: [poly(0.02), poly(0.02), poly(0.01), poly(0.015), poly(0.015)],
      prnuRms: 0.005,
    });
  }
  return { records, truth };
}

/** The exact bias structure of a detector, ADU: level + zero-mean column ripple + zero-mean row ramp. */
export function biasImage(options: ResolvedOptions, det: DetectorTruth): Float32Array {
  const size = options.detectorSizePx;
  const out = new Float32Array(size * size);
  const column = new Float64Array(size);
  for (let x = 0; x < size; x++) column[x] = det.biasRippleAdu * Math.sin((2 * Math.PI * det.biasRipplePeriods * (x + 0.5)) / size);
  for (let y = 0; y < size; y++) {
    const row = det.biasLevelAdu + det.biasRowRampAdu * ((y + 0.5) / size - 0.5);
    for (let x = 0; x < size; x++) out[y * size + x] = row + column[x]!;
  }
  return out;
}

/**
 * Responses already computed, per options object (a SimCam's own), detector and band: every raw
 * of a detector in a band reuses one. Only a cache: values depend on the arguments alone.
 */
const responseCache = new WeakMap<ResolvedOptions, Map<string, Float32Array>>();

/** The true response of a detector in a band (dimensionless, near 1); the caller must not modify it. */
export function cachedResponseImage(options: ResolvedOptions, det: DetectorTruth, band: Band): Float32Array {
  let perSim = responseCache.get(options);
  if (!perSim) {
    perSim = new Map();
    responseCache.set(options, perSim);
  }
  const key = `${det.id}/${band}`;
  let response = perSim.get(key);
  if (!response) {
    response = responseImage(options, det, band);
    perSim.set(key, response);
  }
  return response;
}

/** The true response of a detector in a band (dimensionless, near 1), freshly computed. */
export function responseImage(options: ResolvedOptions, det: DetectorTruth, band: Band): Float32Array {
  const size = options.detectorSizePx;
  const out = new Float32Array(size * size);
  const [hx, hy] = focalPlaneHalfSizePx(options);
  const cornerR2 = hx * hx + hy * hy;
  const c = (size - 1) / 2;
  const [a1, a2, a3, a4, a5] = det.flatPoly;
  const structure = BAND_STRUCTURE[band];
  // The pixel-to-pixel part is a property of the silicon: the same draws in every band.
  const prnu = new Rng(options.seed, 'prnu', det.id);
  for (let y = 0; y < size; y++) {
    const v = (y - c) / c;
    const fy = y - c + det.centerFpPx[1];
    for (let x = 0; x < size; x++) {
      const u = (x - c) / c;
      const fx = x - c + det.centerFpPx[0];
      const smooth = 1 + structure * (a1 * u + a2 * v + a3 * u * v + a4 * (u * u - 1 / 3) + a5 * (v * v - 1 / 3));
      const vignetting = 1 - (VIGNETTING_AT_CORNER * (fx * fx + fy * fy)) / cornerR2;
      out[y * size + x] = det.qe[band] * vignetting * smooth * (1 + det.prnuRms * prnu.gaussian());
    }
  }
  return out;
}

/**
 * Multiplicative error of the experimental flat `exp-flat-gradient`: a plane across the whole
 * focal plane, +-3% along fp x and +-1.5% along fp y at the outer edges.
 */
export function gradientFlatError(options: ResolvedOptions, det: DetectorTruth, x: number, y: number): number {
  const [hx, hy] = focalPlaneHalfSizePx(options);
  const c = (options.detectorSizePx - 1) / 2;
  return 1 + (0.03 * (x - c + det.centerFpPx[0])) / hx + (0.015 * (y - c + det.centerFpPx[1])) / hy;
}
