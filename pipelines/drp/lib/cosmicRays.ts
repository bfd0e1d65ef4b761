import { erf } from './psf.ts';

/**
 * Cosmic-ray finding by the Shimasaku/Lupton criteria of SDSS photo and LSST meas_algorithms
 * (CR.cc): a pixel is a cosmic ray when it is significant,
 *   (2)  I > nSigma·σ                         (I the background-subtracted value),
 * and sharper than any PSF allows along at least one of the four lines through it,
 *   (3)  (I - c·σ)·r_d > (I_a + I_b)/2 + c·σ_ab  for some direction d with neighbours a, b,
 * where r_d is the ratio of the sharpest allowed PSF's value one step away along d to its peak
 * (pixel-integrated Gaussian of minPsfSigmaPx). Stars, however bright, fail (3) in every
 * direction; a track fails it only along its own length. Neighbours of cosmic-ray pixels that
 * pass the same test at the lower growNSigma join them (a track's fainter ends; a star's wing
 * next to a hit stays unflagged). At the image's edges only the lines along the edge are tested.
 * Flagged pixels are then replaced by linear interpolation from the nearest good pixels along
 * their row and column.
 */

export interface CosmicRayOptions {
  nSigma: number;
  contrastSigma: number;
  minPsfSigmaPx: number;
  growNSigma: number;
  /** Pixels with these mask bits are never cosmic rays and never used as neighbours' references. */
  ignoreMask: number;
}

/** Ratio of a pixel-integrated Gaussian's value one pixel away (axis) and one diagonal step away to its central value. */
function psfRatios(sigmaPx: number): [number, number] {
  const s = 1 / (Math.SQRT2 * sigmaPx);
  const centre = erf(0.5 * s);
  const next = (erf(1.5 * s) - erf(0.5 * s)) / 2;
  const r = next / centre;
  return [r, r * r];
}

/** Marks cosmic-ray pixels in `out` (1) and returns their number. resid = image - background. */
export function findCosmicRays(resid: Float32Array, variance: Float32Array, mask: Int32Array, width: number, height: number, o: CosmicRayOptions, out: Uint8Array): number {
  const [rAxis, rDiag] = psfRatios(o.minPsfSigmaPx);
  const c = o.contrastSigma;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if ((mask[i]! & o.ignoreMask) !== 0) continue;
      const v = resid[i]!;
      const sig = Math.sqrt(variance[i]!);
      if (!(v > o.nSigma * sig)) continue;
      if (sharpAlongSomeLine(resid, variance, null, i, x, y, width, height, v - c * sig, rAxis, rDiag, c)) {
        out[i] = 1;
        count++;
      }
    }
  }
  // Grow: neighbours of cosmic-ray pixels that pass the same test at the lower growNSigma,
  // judged only along lines whose two neighbours are not cosmic rays themselves (so a flagged
  // core cannot make a star's wing look sharp), a few rings at most.
  for (let pass = 0; pass < 3; pass++) {
    let added = 0;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        if (out[i] !== 0 || (mask[i]! & o.ignoreMask) !== 0) continue;
        const v = resid[i]!;
        const sig = Math.sqrt(variance[i]!);
        if (!(v > o.growNSigma * sig) || !touchesFlagged(out, x, y, width, height)) continue;
        if (sharpAlongSomeLine(resid, variance, out, i, x, y, width, height, v - c * sig, rAxis, rDiag, c)) {
          out[i] = 2; // provisional: not a seed within this pass
          added++;
        }
      }
    }
    for (let i = 0; i < out.length; i++) if (out[i] === 2) out[i] = 1;
    count += added;
    if (added === 0) break;
  }
  return count;
}

function touchesFlagged(out: Uint8Array, x: number, y: number, width: number, height: number): boolean {
  for (let dy = -1; dy <= 1; dy++) {
    const yy = y + dy;
    if (yy < 0 || yy >= height) continue;
    for (let dx = -1; dx <= 1; dx++) {
      const xx = x + dx;
      if (xx >= 0 && xx < width && out[yy * width + xx] === 1) return true;
    }
  }
  return false;
}

/**
 * Condition (3) along the lines through pixel i whose two neighbours exist (at the image's edge
 * only the line along the edge does), and, when `flagged` is given, are not cosmic rays.
 */
function sharpAlongSomeLine(
  resid: Float32Array,
  variance: Float32Array,
  flagged: Uint8Array | null,
  i: number,
  x: number,
  y: number,
  width: number,
  height: number,
  core: number,
  rAxis: number,
  rDiag: number,
  c: number,
): boolean {
  const h = x > 0 && x < width - 1;
  const v = y > 0 && y < height - 1;
  return (
    (h && ok(flagged, i - 1, i + 1) && sharper(resid, variance, i - 1, i + 1, core * rAxis, c)) ||
    (v && ok(flagged, i - width, i + width) && sharper(resid, variance, i - width, i + width, core * rAxis, c)) ||
    (h && v && ok(flagged, i - width - 1, i + width + 1) && sharper(resid, variance, i - width - 1, i + width + 1, core * rDiag, c)) ||
    (h && v && ok(flagged, i - width + 1, i + width - 1) && sharper(resid, variance, i - width + 1, i + width - 1, core * rDiag, c))
  );
}

function ok(flagged: Uint8Array | null, a: number, b: number): boolean {
  return flagged === null || (flagged[a] !== 1 && flagged[b] !== 1);
}

function sharper(resid: Float32Array, variance: Float32Array, a: number, b: number, scaledCore: number, c: number): boolean {
  const mean = (resid[a]! + resid[b]!) / 2;
  const sigma = Math.sqrt(variance[a]! + variance[b]!) / 2;
  return scaledCore > mean + c * sigma;
}

/** Nearest good pixels searched this far along the row and the column. */
const INTERP_REACH_PX = 8;

/**
 * Replaces flagged pixels of resid (background-subtracted) by the mean of linear interpolations
 * across the flagged run along the row and along the column; variance likewise from the good
 * pixels used. A pixel with no good pixel in reach on either line gets 0 (the background).
 */
export function interpolateFlagged(resid: Float32Array, variance: Float32Array, flagged: Uint8Array, width: number, height: number): void {
  // Only unflagged pixels are read and only flagged ones written, so the planes are read in place
  // (copies of them, 2 MB at 512² per image, were garbage that made V8 collect).
  const src = resid;
  const srcVar = variance;
  const acc = { sum: 0, sumVar: 0, n: 0 };
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (flagged[i] === 0) continue;
      acc.sum = 0;
      acc.sumVar = 0;
      acc.n = 0;
      interpolateAlong(src, srcVar, flagged, i, 1, x, width, acc);
      interpolateAlong(src, srcVar, flagged, i, width, y, height, acc);
      resid[i] = acc.n > 0 ? acc.sum / acc.n : 0;
      if (acc.n > 0) variance[i] = acc.sumVar / acc.n;
    }
  }
}

/** Adds to acc the interpolation at pixel i along one line (step 1: row; step width: column). */
function interpolateAlong(
  src: Float32Array,
  srcVar: Float32Array,
  flagged: Uint8Array,
  i: number,
  step: number,
  pos: number,
  size: number,
  acc: { sum: number; sumVar: number; n: number },
): void {
  let lo = -1;
  let hi = -1;
  for (let d = 1; d <= INTERP_REACH_PX && pos - d >= 0; d++) {
    if (flagged[i - d * step] === 0) {
      lo = d;
      break;
    }
  }
  for (let d = 1; d <= INTERP_REACH_PX && pos + d < size; d++) {
    if (flagged[i + d * step] === 0) {
      hi = d;
      break;
    }
  }
  if (lo > 0 && hi > 0) {
    const t = lo / (lo + hi);
    acc.sum += src[i - lo * step]! * (1 - t) + src[i + hi * step]! * t;
    acc.sumVar += srcVar[i - lo * step]! * (1 - t) + srcVar[i + hi * step]! * t;
    acc.n++;
  } else if (lo > 0 || hi > 0) {
    const j = lo > 0 ? i - lo * step : i + hi * step;
    acc.sum += src[j]!;
    acc.sumVar += srcVar[j]!;
    acc.n++;
  }
}
