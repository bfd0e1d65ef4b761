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
 * without copying the mask). Lanczos-3, the default of makeWarp and getTemplate, goes through
 * its unrolled loop (warpLanczos3); other kernels through warpSeparable. Both give the same bytes
 * for Lanczos-3 (test/ap/algorithms.test.ts).
 */
export function warpOnto(src: ExposureValue, target: WarpTarget, scale: number, kernel: WarpingKernel, interpLengthPx: number, usable?: SourceBox): number {
  return kernel === 'lanczos3' ? warpLanczos3(src, target, scale, interpLengthPx, usable) : warpSeparable(src, target, scale, kernel, interpLengthPx, usable);
}

/** warpOnto with any kernel, tap by tap: the plain form of the loop, which warpLanczos3 unrolls. */
export function warpSeparable(src: ExposureValue, target: WarpTarget, scale: number, kernel: WarpingKernel, interpLengthPx: number, usable?: SourceBox): number {
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
  const { x0: bx0, y0: by0, x1: bx1, y1: by1 } = usableBounds(usable, sw, sh);
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

/**
 * warpSeparable(src, target, scale, 'lanczos3', ...) with the same arithmetic in the same order
 * (so the same bytes), written for the hot loop of makeWarp and getTemplate (which resamples every
 * overlapping coadd for every detector of every visit): the 6 × 6 taps unrolled over hoisted
 * planes, the mask taps checked before any value tap is read (a pixel with a BAD or NO_DATA tap is
 * skipped either way), the squared x weights computed once per pixel instead of once per tap row,
 * and the node interpolation inlined (no tuple per pixel).
 */
function warpLanczos3(src: ExposureValue, target: WarpTarget, scale: number, interpLengthPx: number, usable?: SourceBox): number {
  const srcWcs = src.wcs!;
  const sw = src.image.width;
  const sh = src.image.height;
  const box = coveredBox(srcWcs, sw, sh, target);
  if (!box) return 0;
  const { u0, v0, u1, v1 } = box;
  const nodes = sourceNodes(srcWcs, target.wcs, u0, v0, u1, v1, interpLengthPx);
  const bounds = usableBounds(usable, sw, sh);
  let covered = 0;
  for (let v = v0; v <= v1; v++) covered += warpRow(src, target, scale, v, u0, u1, v0, interpLengthPx, nodes.nu, nodes.nv, nodes.nx, nodes.ny, bounds);
  return covered;
}

/** Lanczos-3 weights of one axis, reused from pixel to pixel by warpLanczos3. */
const wx6 = new Float64Array(6);
const wy6 = new Float64Array(6);

/** Usable source pixels x with x0 <= x < x1: integers from ceil(x0) to ceil(x1) - 1, clipped to the image. */
function usableBounds(usable: SourceBox | undefined, sw: number, sh: number): SourceBox {
  return {
    x0: Math.max(0, Math.ceil(usable?.x0 ?? 0)),
    y0: Math.max(0, Math.ceil(usable?.y0 ?? 0)),
    x1: Math.min(sw, Math.ceil(usable?.x1 ?? sw)),
    y1: Math.min(sh, Math.ceil(usable?.y1 ?? sh)),
  };
}

/** One destination row, u0..u1 (inclusive), of warpLanczos3. */
function warpRow(
  src: ExposureValue,
  target: WarpTarget,
  scale: number,
  v: number,
  u0: number,
  u1: number,
  v0: number,
  step: number,
  nu: number,
  nv: number,
  nodeX: Float64Array,
  nodeY: Float64Array,
  bounds: SourceBox,
): number {
  const sw = src.image.width;
  const data = src.image.data;
  const variance = src.variance.data;
  const mask = src.mask;
  const tImage = target.image;
  const tVariance = target.variance;
  const tMask = target.mask;
  const scale2 = scale * scale;
  const { x0: bx0, y0: by0, x1: bx1, y1: by1 } = bounds;
  // sourceNodes().at(u, v), its row terms computed once.
  const fb = (v - v0) / step;
  const b = Math.min(nv - 2, Math.floor(fb));
  const tb = nv === 1 ? 0 : fb - b;
  const oRow = v * target.width;
  let covered = 0;
  for (let u = u0; u <= u1; u++) {
    const o = oRow + u;
    if ((tMask[o]! & MASK.NO_DATA) === 0) continue;
    const fa = (u - u0) / step;
    const a = Math.min(nu - 2, Math.floor(fa));
    const ta = nu === 1 ? 0 : fa - a;
    const k = b * nu + Math.max(0, a);
    const k2 = nu === 1 ? k : k + 1;
    const k3 = nv === 1 ? k : k + nu;
    const k4 = nv === 1 ? k2 : k2 + nu;
    const x = (1 - tb) * ((1 - ta) * nodeX[k]! + ta * nodeX[k2]!) + tb * ((1 - ta) * nodeX[k3]! + ta * nodeX[k4]!);
    const y = (1 - tb) * ((1 - ta) * nodeY[k]! + ta * nodeY[k2]!) + tb * ((1 - ta) * nodeY[k3]! + ta * nodeY[k4]!);
    const ix = Math.floor(x);
    const iy = Math.floor(y);
    const xs = ix - 2;
    const ys = iy - 2;
    if (xs < bx0 || ys < by0 || xs + 6 > bx1 || ys + 6 > by1) continue;
    const top = ys * sw + xs;
    if ((tapMask(mask, top, sw) & UNUSABLE) !== 0) continue;
    lanczos3Weights(x - ix, wx6);
    lanczos3Weights(y - iy, wy6);
    const w0 = wx6[0]!;
    const w1 = wx6[1]!;
    const w2 = wx6[2]!;
    const w3 = wx6[3]!;
    const w4 = wx6[4]!;
    const w5 = wx6[5]!;
    const q0 = w0 * w0;
    const q1 = w1 * w1;
    const q2 = w2 * w2;
    const q3 = w3 * w3;
    const q4 = w4 * w4;
    const q5 = w5 * w5;
    let value = 0;
    let vari = 0;
    for (let j = 0; j < 6; j++) {
      const r = top + j * sw;
      let rv = 0;
      rv += w0 * data[r]!;
      rv += w1 * data[r + 1]!;
      rv += w2 * data[r + 2]!;
      rv += w3 * data[r + 3]!;
      rv += w4 * data[r + 4]!;
      rv += w5 * data[r + 5]!;
      let rvar = 0;
      rvar += q0 * variance[r]!;
      rvar += q1 * variance[r + 1]!;
      rvar += q2 * variance[r + 2]!;
      rvar += q3 * variance[r + 3]!;
      rvar += q4 * variance[r + 4]!;
      rvar += q5 * variance[r + 5]!;
      const wj = wy6[j]!;
      value += wj * rv;
      vari += wj * wj * rvar;
    }
    const c = iy * sw + ix;
    tImage[o] = value * scale;
    tVariance[o] = vari * scale2;
    tMask[o] = (mask[c]! | mask[c + 1]! | mask[c + sw]! | mask[c + sw + 1]!) & CARRIED;
    covered++;
  }
  return covered;
}

/** The OR of the 6 × 6 source mask pixels from `top` (row-major, row length sw). */
function tapMask(mask: Int32Array, top: number, sw: number): number {
  let bits = 0;
  for (let j = 0; j < 6; j++) {
    const r = top + j * sw;
    bits |= mask[r]! | mask[r + 1]! | mask[r + 2]! | mask[r + 3]! | mask[r + 4]! | mask[r + 5]!;
  }
  return bits;
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
    nu,
    nv,
    nx,
    ny,
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
