import type { Planes } from './measure.ts';
import { makePsf, type DoubleGaussianPsf } from './psf.ts';
import { medianInPlace } from './stats.ts';

/**
 * Fits the double-Gaussian PSF to the stacked radial profile of PSF stars (bright, isolated,
 * star-sized; chosen by the caller). Each star's pixels within radiusPx, divided by its aperture
 * flux, are binned by distance from its centroid (0.25 px bins, inverse-variance weights). For
 * each pair (s1, s2) on a grid the two amplitudes are a linear least-squares fit; the best pair
 * is refined on a 10x finer grid around it. Pixels are point samples of a Gaussian whose variance
 * includes the pixel's own, 1/12 px² per axis, which is removed from the result.
 */

const BIN_PX = 0.25;
const PIXEL_VAR = 1 / 12;

interface Profile {
  r2: Float64Array;
  value: Float64Array;
  weight: Float64Array;
}

export interface PsfFitResult {
  psf: DoubleGaussianPsf;
  nStars: number;
  /** Reduced chi-square of the binned profile fit. */
  chi2PerDof: number;
}

export function fitDoubleGaussianPsf(p: Planes, stars: readonly { x: number; y: number }[], radiusPx: number, ignoreMask: number): PsfFitResult | undefined {
  const profile = stackProfile(p, stars, radiusPx, ignoreMask);
  if (!profile) return undefined;
  const { nStars, bins } = profile;
  // Profile the chi-square over the width ratio k = s2/s1: for each k the best s1 by golden
  // section, then k itself refined by golden section. (A plain grid misses the narrow valley
  // along which s1, k and the wing fraction trade off.)
  const g1 = new Float64Array(bins.r2.length);
  const g2 = new Float64Array(bins.r2.length);
  // The core's sigma brackets s1: the half-maximum radius of the stacked profile over sqrt(2 ln 2).
  const sigmaHm = halfMaxRadius(bins) / Math.sqrt(2 * Math.LN2);
  const fit = new RatioFit(bins, g1, g2, 0.6 * sigmaHm, 1.3 * sigmaHm);
  let best = fit.bestAt(1);
  for (let step = 1; step <= 60; step++) {
    const b = fit.bestAt(1 + 0.05 * step);
    if (b.chi2 < best.chi2) best = b;
  }
  const refinedK = goldenSection(Math.max(1, best.k - 0.05), best.k + 0.05, 25, fit, true);
  const refined = fit.bestAt(refinedK);
  if (refined.chi2 < best.chi2) best = refined;
  const s1 = Math.sqrt(Math.max(best.s1 * best.s1 - PIXEL_VAR, 0.01));
  const s2raw = best.s1 * best.k;
  const s2 = Math.sqrt(Math.max(s2raw * s2raw - PIXEL_VAR, 0.01));
  const total = best.a1 + best.a2;
  const wing = total > 0 ? best.a2 / total : 0;
  const dof = Math.max(1, bins.r2.length - 4);
  return { psf: makePsf(s1, s2, wing), nStars, chi2PerDof: best.chi2 / dof };
}

export function stackProfile(p: Planes, stars: readonly { x: number; y: number }[], radiusPx: number, ignoreMask: number): { nStars: number; bins: Profile } | undefined {
  const nBins = Math.ceil(radiusPx / BIN_PX) + 1;
  const sw = new Float64Array(nBins);
  const swr2 = new Float64Array(nBins);
  const swv = new Float64Array(nBins);
  const r = Math.ceil(radiusPx);
  let nStars = 0;
  for (const s of stars) {
    const cx = Math.round(s.x);
    const cy = Math.round(s.y);
    const sky = localBackground(p, s.x, s.y, radiusPx + 2, radiusPx + 8, ignoreMask);
    if (cx - r < 0 || cy - r < 0 || cx + r >= p.width || cy + r >= p.height || Number.isNaN(sky)) continue;
    let flux = 0;
    let bad = false;
    for (let j = cy - r; j <= cy + r && !bad; j++) {
      for (let i = cx - r; i <= cx + r; i++) {
        const d2 = (i - s.x) ** 2 + (j - s.y) ** 2;
        if (d2 > radiusPx * radiusPx) continue;
        const k = j * p.width + i;
        if ((p.mask[k]! & ignoreMask) !== 0) {
          bad = true;
          break;
        }
        flux += p.data[k]! - sky;
      }
    }
    if (bad || !(flux > 0)) continue;
    nStars++;
    for (let j = cy - r; j <= cy + r; j++) {
      for (let i = cx - r; i <= cx + r; i++) {
        const d2 = (i - s.x) ** 2 + (j - s.y) ** 2;
        if (d2 > radiusPx * radiusPx) continue;
        const k = j * p.width + i;
        const v = (p.data[k]! - sky) / flux;
        const w = (flux * flux) / Math.max(p.variance[k]!, 1e-12);
        const b = Math.floor(Math.sqrt(d2) / BIN_PX);
        sw[b]! += w;
        swr2[b]! += w * d2;
        swv[b]! += w * v;
      }
    }
  }
  if (nStars === 0) return undefined;
  const used: number[] = [];
  for (let b = 0; b < nBins; b++) if (sw[b]! > 0) used.push(b);
  return {
    nStars,
    bins: {
      r2: Float64Array.from(used, (b) => swr2[b]! / sw[b]!),
      value: Float64Array.from(used, (b) => swv[b]! / sw[b]!),
      weight: Float64Array.from(used, (b) => sw[b]!),
    },
  };
}

/**
 * Mean level in the annulus rIn..rOut around (x, y), after dropping pixels more than 4 sigma from
 * the annulus median (neighbours); a plain mean otherwise, so the unresolved light of faint
 * sources, which also lies under the star, is included. NaN when the annulus leaves the image.
 */
export function localBackground(p: Planes, x: number, y: number, rIn: number, rOut: number, ignoreMask: number): number {
  const r = Math.ceil(rOut);
  const cx = Math.round(x);
  const cy = Math.round(y);
  if (cx - r < 0 || cy - r < 0 || cx + r >= p.width || cy + r >= p.height) return Number.NaN;
  const { values, variances, sorted } = annulusBuffers((2 * r + 1) * (2 * r + 1));
  let m = 0;
  for (let j = cy - r; j <= cy + r; j++) {
    for (let i = cx - r; i <= cx + r; i++) {
      const d2 = (i - x) ** 2 + (j - y) ** 2;
      if (d2 < rIn * rIn || d2 > rOut * rOut) continue;
      const k = j * p.width + i;
      if ((p.mask[k]! & ignoreMask) !== 0) continue;
      values[m] = p.data[k]!;
      variances[m] = p.variance[k]!;
      m++;
    }
  }
  if (m < 10) return Number.NaN;
  sorted.set(values.subarray(0, m));
  const med = medianInPlace(sorted, m);
  const clip = 4 * Math.sqrt(medianInPlace(variances, m));
  let s = 0;
  let n = 0;
  for (let k = 0; k < m; k++) {
    const v = values[k]!;
    if (Math.abs(v - med) > clip) continue;
    s += v;
    n++;
  }
  return s / n;
}

let annulus = { values: new Float64Array(0), variances: new Float64Array(0), sorted: new Float64Array(0) };

/**
 * localBackground's working arrays, grown as needed and kept: it runs for every PSF and
 * aperture-correction star, and arrays made per call were a quarter of the science's garbage.
 */
function annulusBuffers(n: number): typeof annulus {
  if (annulus.values.length < n) annulus = { values: new Float64Array(n), variances: new Float64Array(n), sorted: new Float64Array(n) };
  return annulus;
}

interface GridBest {
  s1: number;
  k: number;
  a1: number;
  a2: number;
  chi2: number;
}

/** Radius where the binned profile first falls below half its central value, px. */
function halfMaxRadius(bins: Profile): number {
  let peak = 0;
  let w = 0;
  for (let i = 0; i < bins.r2.length && bins.r2[i]! < 0.5; i++) {
    peak += bins.value[i]! * bins.weight[i]!;
    w += bins.weight[i]!;
  }
  peak = w > 0 ? peak / w : bins.value[0]!;
  for (let i = 1; i < bins.r2.length; i++) {
    if (bins.value[i]! < peak / 2) {
      const r0 = Math.sqrt(bins.r2[i - 1]!);
      const r1 = Math.sqrt(bins.r2[i]!);
      const v0 = bins.value[i - 1]!;
      const v1 = bins.value[i]!;
      return v0 > v1 ? r0 + ((v0 - peak / 2) / (v0 - v1)) * (r1 - r0) : r1;
    }
  }
  return Math.sqrt(bins.r2[bins.r2.length - 1]!);
}

/**
 * The profile fit at a width ratio k: the best s1 (golden section on log s1 within lo..hi px)
 * with its amplitudes. One object per PSF fit instead of closures made on every call, which V8
 * compiled anew for each fit.
 */
class RatioFit {
  /** The ratio the s1 search is running at. */
  private k = 1;

  constructor(
    private readonly bins: Profile,
    private readonly g1: Float64Array,
    private readonly g2: Float64Array,
    private readonly lo: number,
    private readonly hi: number,
  ) {}

  bestAt(k: number): GridBest {
    this.k = k;
    return this.evaluate(goldenSection(Math.log(this.lo), Math.log(this.hi), 30, this, false));
  }

  /** chi² of the best s1 at ratio k. */
  chi2AtRatio(k: number): number {
    return this.bestAt(k).chi2;
  }

  /** chi² at s1 = exp(logS1) and the current ratio. */
  chi2AtLogS1(logS1: number): number {
    return this.evaluate(logS1).chi2;
  }

  private evaluate(logS1: number): GridBest {
    const s1 = Math.exp(logS1);
    gaussianProfile(this.g1, this.bins.r2, s1);
    gaussianProfile(this.g2, this.bins.r2, s1 * this.k);
    const f = fitAmplitudes(this.bins, this.g1, this.g2);
    return { s1, k: this.k, a1: f.a1, a2: f.a2, chi2: f.chi2 };
  }
}

/** Minimiser of a unimodal f on [lo, hi] by golden-section search: f is the fit's chi² over the ratio or over log s1. */
function goldenSection(lo: number, hi: number, iterations: number, fit: RatioFit, overRatio: boolean): number {
  const r = (Math.sqrt(5) - 1) / 2;
  let a = lo;
  let b = hi;
  let c = b - r * (b - a);
  let d = a + r * (b - a);
  let fc = objective(fit, overRatio, c);
  let fd = objective(fit, overRatio, d);
  for (let i = 0; i < iterations; i++) {
    if (fc < fd) {
      b = d;
      d = c;
      fd = fc;
      c = b - r * (b - a);
      fc = objective(fit, overRatio, c);
    } else {
      a = c;
      c = d;
      fc = fd;
      d = a + r * (b - a);
      fd = objective(fit, overRatio, d);
    }
  }
  return (a + b) / 2;
}

function objective(fit: RatioFit, overRatio: boolean, x: number): number {
  return overRatio ? fit.chi2AtRatio(x) : fit.chi2AtLogS1(x);
}

function gaussianProfile(out: Float64Array, r2: Float64Array, s: number): void {
  const norm = 1 / (2 * Math.PI * s * s);
  const inv = -0.5 / (s * s);
  for (let i = 0; i < r2.length; i++) out[i] = norm * Math.exp(r2[i]! * inv);
}

/** Non-negative weighted least squares for value ≈ a1·g1 + a2·g2 (2x2 normal equations, then the edges). */
function fitAmplitudes(bins: Profile, g1: Float64Array, g2: Float64Array): { a1: number; a2: number; chi2: number } {
  let s11 = 0;
  let s12 = 0;
  let s22 = 0;
  let s1v = 0;
  let s2v = 0;
  for (let i = 0; i < g1.length; i++) {
    const w = bins.weight[i]!;
    s11 += w * g1[i]! * g1[i]!;
    s12 += w * g1[i]! * g2[i]!;
    s22 += w * g2[i]! * g2[i]!;
    s1v += w * g1[i]! * bins.value[i]!;
    s2v += w * g2[i]! * bins.value[i]!;
  }
  const det = s11 * s22 - s12 * s12;
  let a1 = Math.max(0, s1v / s11);
  let a2 = 0;
  let chi2 = chiSquare(bins, g1, g2, a1, a2);
  // The wing alone, then both when the unconstrained solution is non-negative; the better chi² wins.
  const wingOnly = Math.max(0, s2v / s22);
  const cw = chiSquare(bins, g1, g2, 0, wingOnly);
  if (cw < chi2) {
    a1 = 0;
    a2 = wingOnly;
    chi2 = cw;
  }
  if (det > 1e-12 * s11 * s22) {
    const b1 = (s22 * s1v - s12 * s2v) / det;
    const b2 = (s11 * s2v - s12 * s1v) / det;
    if (b1 >= 0 && b2 >= 0) {
      const c = chiSquare(bins, g1, g2, b1, b2);
      if (c < chi2) {
        a1 = b1;
        a2 = b2;
        chi2 = c;
      }
    }
  }
  return { a1, a2, chi2 };
}

function chiSquare(bins: Profile, g1: Float64Array, g2: Float64Array, a1: number, a2: number): number {
  let chi2 = 0;
  for (let i = 0; i < g1.length; i++) {
    const d = bins.value[i]! - a1 * g1[i]! - a2 * g2[i]!;
    chi2 += bins.weight[i]! * d * d;
  }
  return chi2;
}
