import { MASK, type ExposureValue } from '../../framework/values.ts';
import type { TanWcs } from '../../image/types.ts';
import { pixelToSky, skyToPixel } from '../../image/wcs.ts';

/**
 * Resampling an exposure onto another pixel grid (LSST afw warpExposure): for each destination
 * pixel, the source position is found through the two WCSs, exactly on a grid of nodes every
 * interpLengthPx and bilinearly in between (TAN to TAN is smooth: the interpolation error is far
 * below 1e-4 px), and the source image is interpolated there with a separable kernel:
 *   - lanczos3 (LSST's default): sinc(d)·sinc(d/3) over 6x6 pixels, weights normalised to sum 1;
 *   - bilinear: 2x2 pixels; smoother noise, slightly blurred images.
 * The variance is resampled with the squared weights (the variance of the interpolated value,
 * ignoring the covariance interpolation creates). A destination pixel is covered only when every
 * kernel tap lies on the source image and none is BAD or NO_DATA; SAT and CR bits of the central
 * 2x2 source pixels carry over. Values are multiplied by `scale` (variance by scale²); the pixel
 * area ratio is not applied (SimCam's grids share a pixel scale; the Jacobian differs from 1 by
 * < 1e-6 over a patch).
 */

export type WarpingKernel = 'lanczos3' | 'bilinear';

export interface WarpTarget {
  wcs: TanWcs;
  width: number;
  height: number;
  image: Float32Array;
  variance: Float32Array;
  /** Starts as NO_DATA everywhere; covered pixels get their carried-over bits instead. */
  mask: Int32Array;
}

const UNUSABLE = MASK.BAD | MASK.NO_DATA;
const CARRIED = MASK.SAT | MASK.CR;

/** A box of source pixels, [x0, x1) × [y0, y1). */
export interface SourceBox {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * Warps src onto target (only pixels not yet covered are written); returns the number of pixels
 * covered. With `usable`, source pixels outside that box count as NO_DATA (as if masked so,
 * without copying the mask).
 */
export function warpOnto(src: ExposureValue, target: WarpTarget, scale: number, kernel: WarpingKernel, interpLengthPx: number, usable?: SourceBox): number {
  const srcWcs = src.wcs!;
  const sw = src.image.width;
  const sh = src.image.height;
  const box = coveredBox(srcWcs, sw, sh, target);
  if (!box) return 0;
  const { u0, v0, u1, v1 } = box;
  const half = kernel === 'lanczos3' ? 3 : 1;
  const taps = 2 * half;
  const wx = new Float64Array(taps);
  const wy = new Float64Array(taps);
  const nodes = sourceNodes(srcWcs, target.wcs, u0, v0, u1, v1, interpLengthPx);
  const data = src.image.data;
  const variance = src.variance.data;
  const mask = src.mask;
  const scale2 = scale * scale;
  // Usable pixels x with x0 <= x < x1: integers from ceil(x0) to ceil(x1) - 1.
  const bx0 = Math.max(0, Math.ceil(usable?.x0 ?? 0));
  const by0 = Math.max(0, Math.ceil(usable?.y0 ?? 0));
  const bx1 = Math.min(sw, Math.ceil(usable?.x1 ?? sw));
  const by1 = Math.min(sh, Math.ceil(usable?.y1 ?? sh));
  let covered = 0;
  for (let v = v0; v <= v1; v++) {
    for (let u = u0; u <= u1; u++) {
      const o = v * target.width + u;
      if ((target.mask[o]! & MASK.NO_DATA) === 0) continue;
      const [x, y] = nodes.at(u, v);
      const ix = Math.floor(x);
      const iy = Math.floor(y);
      const xs = ix - half + 1;
      const ys = iy - half + 1;
      if (xs < bx0 || ys < by0 || xs + taps > bx1 || ys + taps > by1) continue;
      if (kernel === 'lanczos3') {
        lanczos3Weights(x - ix, wx);
        lanczos3Weights(y - iy, wy);
      } else {
        wx[0] = 1 - (x - ix);
        wx[1] = x - ix;
        wy[0] = 1 - (y - iy);
        wy[1] = y - iy;
      }
      let value = 0;
      let vari = 0;
      let bad = 0;
      for (let j = 0; j < taps; j++) {
        const row = (ys + j) * sw + xs;
        let rv = 0;
        let rvar = 0;
        for (let i = 0; i < taps; i++) {
          bad |= mask[row + i]!;
          rv += wx[i]! * data[row + i]!;
          rvar += wx[i]! * wx[i]! * variance[row + i]!;
        }
        value += wy[j]! * rv;
        vari += wy[j]! * wy[j]! * rvar;
      }
      if ((bad & UNUSABLE) !== 0) continue;
      const c = iy * sw + ix;
      const carried = (mask[c]! | mask[c + 1]! | mask[c + sw]! | mask[c + sw + 1]!) & CARRIED;
      target.image[o] = value * scale;
      target.variance[o] = vari * scale2;
      target.mask[o] = carried;
      covered++;
    }
  }
  return covered;
}

/** Lanczos-3 weights for the 6 pixels ix-2..ix+3 at fractional offset f in [0, 1), normalised. */
function lanczos3Weights(f: number, out: Float64Array): void {
  if (f < 1e-9) {
    out.fill(0);
    out[2] = 1;
    return;
  }
  // d = f + 2 - t for t = 0..5; sin(πd) = ±sin(πf); sin(πd/3) by the angle-addition formula.
  const sPi = Math.sin(Math.PI * f);
  const a = (Math.PI * f) / 3;
  const sa = Math.sin(a);
  const ca = Math.cos(a);
  let sum = 0;
  for (let t = 0; t < 6; t++) {
    const m = 2 - t;
    const d = f + m;
    const sinPiD = (m & 1) === 0 ? sPi : -sPi;
    const sinD3 = sa * COS_M[t]! + ca * SIN_M[t]!;
    const w = (3 * sinPiD * sinD3) / (Math.PI * Math.PI * d * d);
    out[t] = w;
    sum += w;
  }
  for (let t = 0; t < 6; t++) out[t]! /= sum;
}

/** cos(πm/3), sin(πm/3) for m = 2 - t, t = 0..5. */
const COS_M = Float64Array.from({ length: 6 }, (_, t) => Math.cos((Math.PI * (2 - t)) / 3));
const SIN_M = Float64Array.from({ length: 6 }, (_, t) => Math.sin((Math.PI * (2 - t)) / 3));

/** Destination pixel box (inclusive) that the source image can reach, or undefined. */
function coveredBox(srcWcs: TanWcs, sw: number, sh: number, target: WarpTarget): { u0: number; v0: number; u1: number; v1: number } | undefined {
  let umin = Infinity;
  let vmin = Infinity;
  let umax = -Infinity;
  let vmax = -Infinity;
  // Edges sampled every 64 px: TAN to TAN maps straight edges to very nearly straight ones.
  const samples: [number, number][] = [];
  for (let t = 0; t <= 1; t += 1 / 8) {
    samples.push([-0.5 + t * sw, -0.5], [-0.5 + t * sw, sh - 0.5], [-0.5, -0.5 + t * sh], [sw - 0.5, -0.5 + t * sh]);
  }
  for (const [x, y] of samples) {
    const [ra, dec] = pixelToSky(srcWcs, x, y);
    const [u, v] = skyToPixel(target.wcs, ra, dec);
    umin = Math.min(umin, u);
    vmin = Math.min(vmin, v);
    umax = Math.max(umax, u);
    vmax = Math.max(vmax, v);
  }
  const u0 = Math.max(0, Math.floor(umin) - 1);
  const v0 = Math.max(0, Math.floor(vmin) - 1);
  const u1 = Math.min(target.width - 1, Math.ceil(umax) + 1);
  const v1 = Math.min(target.height - 1, Math.ceil(vmax) + 1);
  return u0 > u1 || v0 > v1 ? undefined : { u0, v0, u1, v1 };
}

/** Source pixel positions of destination pixels: exact on nodes, bilinear between them. */
function sourceNodes(srcWcs: TanWcs, dstWcs: TanWcs, u0: number, v0: number, u1: number, v1: number, step: number) {
  const nu = Math.ceil((u1 - u0) / step) + 1;
  const nv = Math.ceil((v1 - v0) / step) + 1;
  const nx = new Float64Array(nu * nv);
  const ny = new Float64Array(nu * nv);
  for (let b = 0; b < nv; b++) {
    for (let a = 0; a < nu; a++) {
      const [ra, dec] = pixelToSky(dstWcs, u0 + a * step, v0 + b * step);
      const [x, y] = skyToPixel(srcWcs, ra, dec);
      nx[b * nu + a] = x;
      ny[b * nu + a] = y;
    }
  }
  const out: [number, number] = [0, 0];
  return {
    at(u: number, v: number): [number, number] {
      const fa = (u - u0) / step;
      const fb = (v - v0) / step;
      const a = Math.min(nu - 2, Math.floor(fa));
      const b = Math.min(nv - 2, Math.floor(fb));
      const ta = nu === 1 ? 0 : fa - a;
      const tb = nv === 1 ? 0 : fb - b;
      const k = b * nu + Math.max(0, a);
      const k2 = nu === 1 ? k : k + 1;
      const k3 = nv === 1 ? k : k + nu;
      const k4 = nv === 1 ? k2 : k2 + nu;
      out[0] = (1 - tb) * ((1 - ta) * nx[k]! + ta * nx[k2]!) + tb * ((1 - ta) * nx[k3]! + ta * nx[k4]!);
      out[1] = (1 - tb) * ((1 - ta) * ny[k]! + ta * ny[k2]!) + tb * ((1 - ta) * ny[k3]! + ta * ny[k4]!);
      return out;
    },
  };
}
