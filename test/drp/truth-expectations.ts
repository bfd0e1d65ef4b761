import type { CatalogValue } from '../../pipelines/framework/values.ts';
import type { Frame } from './support.ts';

/**
 * What the SimCam noise model predicts for the DRP's measurements, computed from truth (true
 * flux, sky, read noise and PSF), and the pulls of the pipeline's own errors against truth.
 * Used by science.test.ts; nothing here reads a pipeline error estimate to build a prediction.
 */

export interface TruePsf {
  sigmaCorePx: number;
  sigmaWingPx: number;
  wingFraction: number;
}

/** The true PSF's value at pixel offset (dx, dy), sampled at the pixel centre (normalized to 1). */
function psfAt(psf: TruePsf, dx: number, dy: number): number {
  const r2 = dx * dx + dy * dy;
  const g = (s: number) => Math.exp(-r2 / (2 * s * s)) / (2 * Math.PI * s * s);
  return (1 - psf.wingFraction) * g(psf.sigmaCorePx) + psf.wingFraction * g(psf.sigmaWingPx);
}

/**
 * Per-axis error of a Gaussian-weighted centroid (weight width: the PSF's moment sigma, as the
 * pipeline uses) for a star of fluxE electrons, from the noise model: the same linear
 * propagation as any fixed-point centroid, Var(δg) = Σ W² u² V with V = sky + readNoise² + F·P
 * and slope Σ W (1 − u²/σw²) F·P, on a pixel grid around a star at a pixel centre.
 */
export function centroidSigmaPx(fluxE: number, skyEPerPx: number, readNoiseE: number, psf: TruePsf): number {
  const sw = Math.sqrt((1 - psf.wingFraction) * psf.sigmaCorePx ** 2 + psf.wingFraction * psf.sigmaWingPx ** 2);
  const r = Math.ceil(3 * sw);
  let varG = 0;
  let slope = 0;
  for (let j = -r; j <= r; j++) {
    for (let i = -r; i <= r; i++) {
      const w = Math.exp(-(i * i + j * j) / (2 * sw * sw));
      const model = fluxE * psfAt(psf, i, j);
      varG += w * w * i * i * (skyEPerPx + readNoiseE ** 2 + model);
      slope += w * (1 - (i * i) / (sw * sw)) * model;
    }
  }
  return Math.sqrt(varG) / slope;
}

/** Index of the nearest truth source within radiusPx of (x, y), or -1. */
export function nearestTruth(truth: CatalogValue, x: number, y: number, radiusPx: number): number {
  const tx = truth.columns.xPx as Float64Array;
  const ty = truth.columns.yPx as Float64Array;
  let best = -1;
  let bestD = radiusPx;
  for (let j = 0; j < tx.length; j++) {
    if (Math.abs(tx[j]! - x) > bestD) continue;
    const d = Math.hypot(tx[j]! - x, ty[j]! - y);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

/** A truth star with no other truth source of S/N > 2 within radiusPx (blends bias both pulls). */
export function isolatedStar(truth: CatalogValue, j: number, radiusPx: number): boolean {
  const t = truth.columns;
  if ((t.kind as string[])[j] !== 'star' || (t.saturated as boolean[])[j] || !(t.onDetector as boolean[])[j]) return false;
  const tx = t.xPx as Float64Array;
  const ty = t.yPx as Float64Array;
  const snr = t.snr as Float64Array;
  for (let k = 0; k < tx.length; k++) if (k !== j && snr[k]! > 2 && Math.hypot(tx[k]! - tx[j]!, ty[k]! - ty[j]!) < radiusPx) return false;
  return true;
}

export interface Pulls {
  x: number[];
  y: number[];
  flux: number[];
}

/**
 * Pulls of src measurements of isolated truth stars with S/N in [minSnr, maxSnr]:
 * (x − x_true) / xErr, likewise y, and (f − a·F_true) / fErr with a the frame's median ratio of
 * measured to true flux (it absorbs the aperture correction, which is not a noise term).
 */
export function srcPulls(frames: readonly Frame[], minSnr = 20, maxSnr = 1000): Pulls {
  const out: Pulls = { x: [], y: [], flux: [] };
  for (const f of frames) {
    const s = f.src.columns;
    const t = f.truth.columns;
    const rows: { k: number; j: number }[] = [];
    for (let k = 0; k < (s.xPx as Float64Array).length; k++) {
      const snr = (s.snr as Float64Array)[k]!;
      if (!(snr >= minSnr && snr <= maxSnr)) continue;
      if ((s.flagEdge as boolean[])[k] || (s.flagSaturated as boolean[])[k] || (s.flagCentroid as boolean[])[k] || (s.flagCr as boolean[])[k]) continue;
      const j = nearestTruth(f.truth, (s.xPx as Float64Array)[k]!, (s.yPx as Float64Array)[k]!, 1);
      if (j >= 0 && isolatedStar(f.truth, j, 12)) rows.push({ k, j });
    }
    const ratios = rows.map(({ k, j }) => (s.psfFlux as Float64Array)[k]! / (t.fluxE as Float64Array)[j]!).sort((a, b) => a - b);
    const a = ratios[ratios.length >> 1]!;
    for (const { k, j } of rows) {
      out.x.push(((s.xPx as Float64Array)[k]! - (t.xPx as Float64Array)[j]!) / (s.xErrPx as Float64Array)[k]!);
      out.y.push(((s.yPx as Float64Array)[k]! - (t.yPx as Float64Array)[j]!) / (s.yErrPx as Float64Array)[k]!);
      out.flux.push(((s.psfFlux as Float64Array)[k]! - a * (t.fluxE as Float64Array)[j]!) / (s.psfFluxErr as Float64Array)[k]!);
    }
  }
  return out;
}

/**
 * Robust spread of pulls about zero (their known mean when errors and estimates are right):
 * 1.4826 · median |pull|. Robust because a few stars blended with sources below the detection
 * limit or hit by cosmic rays below the CR threshold make long tails that are not what the
 * error estimate is about; fractionBeyond reports how many there are.
 */
export function robustSigma(xs: readonly number[]): number {
  const a = xs.map(Math.abs).sort((p, q) => p - q);
  const n = a.length;
  return 1.4826 * (n % 2 ? a[n >> 1]! : (a[n / 2 - 1]! + a[n / 2]!) / 2);
}

export function fractionBeyond(xs: readonly number[], limit: number): number {
  return xs.filter((x) => Math.abs(x) > limit).length / xs.length;
}

/**
 * Tolerance on robustSigma of N unit-normal pulls: the MAD estimator of sigma has asymptotic
 * variance 1.3605 σ²/N (efficiency 37% of the standard deviation's 0.5 σ²/N), so its standard
 * deviation is 1.166/sqrt(N); the tolerance is 3 of those.
 */
export function robustSigmaTolerance(n: number): number {
  return (3 * 1.1664) / Math.sqrt(n);
}
