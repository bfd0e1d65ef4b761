import type { Scalar } from '../../framework/values.ts';

/**
 * The PSF model: a circular double Gaussian, (1 - f)·N(0, σ1²) + f·N(0, σ2²), constant over an
 * image, as meas_algorithms' DoubleGaussianPsf. Its values on pixels are integrated exactly over
 * each pixel (differences of error functions, separable), so PSF fluxes are total fluxes and
 * centroids are unbiased at any sub-pixel phase.
 */
export interface DoubleGaussianPsf {
  sigma1Px: number;
  sigma2Px: number;
  /** Fraction of the flux in the second (wider) Gaussian. */
  wingFraction: number;
  /** Full width at half maximum of the profile (not of its moments), pixels. */
  fwhmPx: number;
}

/** Abramowitz & Stegun 7.1.26: |error| < 1.5e-7, ample for PSF weights. */
export function erf(x: number): number {
  const ax = x < 0 ? -x : x;
  const t = 1 / (1 + 0.3275911 * ax);
  const y = 1 - ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) * t * Math.exp(-ax * ax);
  return x < 0 ? -y : y;
}

/** FWHM of a double Gaussian's radial profile (bisection on the half-maximum radius). */
export function doubleGaussianFwhm(sigma1Px: number, sigma2Px: number, wingFraction: number): number {
  const a1 = (1 - wingFraction) / (sigma1Px * sigma1Px);
  const a2 = wingFraction / (sigma2Px * sigma2Px);
  const profile = (r: number) => a1 * Math.exp((-0.5 * r * r) / (sigma1Px * sigma1Px)) + a2 * Math.exp((-0.5 * r * r) / (sigma2Px * sigma2Px));
  const half = profile(0) / 2;
  let lo = 0;
  let hi = 10 * Math.max(sigma1Px, sigma2Px);
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (profile(mid) > half) lo = mid;
    else hi = mid;
  }
  return 2 * lo;
}

export function makePsf(sigma1Px: number, sigma2Px: number, wingFraction: number): DoubleGaussianPsf {
  return { sigma1Px, sigma2Px, wingFraction, fwhmPx: doubleGaussianFwhm(sigma1Px, sigma2Px, wingFraction) };
}

/** A single Gaussian of this FWHM (the starting guess before a PSF is measured). */
export function gaussianPsf(fwhmPx: number): DoubleGaussianPsf {
  const s = fwhmPx / (2 * Math.sqrt(2 * Math.LN2));
  return { sigma1Px: s, sigma2Px: s, wingFraction: 0, fwhmPx };
}

/** σ of the profile's second moment, pixels: sqrt((1 - f)σ1² + fσ2²). */
export function momentSigmaPx(psf: DoubleGaussianPsf): number {
  return Math.sqrt((1 - psf.wingFraction) * psf.sigma1Px ** 2 + psf.wingFraction * psf.sigma2Px ** 2);
}

/** Radius that holds all but ~1e-4 of the PSF flux, pixels. */
export function psfRadiusPx(psf: DoubleGaussianPsf): number {
  return Math.ceil(4.3 * Math.max(psf.sigma1Px, psf.wingFraction > 0 ? psf.sigma2Px : 0));
}

/** FITS-friendly metadata keys (8 characters at most) for the model. */
export function psfMetadata(psf: DoubleGaussianPsf): Record<string, Scalar> {
  return { PSFSIG1: psf.sigma1Px, PSFSIG2: psf.sigma2Px, PSFWFRAC: psf.wingFraction, PSFFWHM: psf.fwhmPx };
}

export function psfFromMetadata(meta: Record<string, Scalar>): DoubleGaussianPsf | undefined {
  const s1 = meta.PSFSIG1;
  const s2 = meta.PSFSIG2;
  const f = meta.PSFWFRAC;
  if (typeof s1 !== 'number' || typeof s2 !== 'number' || typeof f !== 'number') return undefined;
  return makePsf(s1, s2, f);
}

/**
 * Pixel-integrated PSF values on a box of pixels, reusing its buffers between sources. After
 * `fill(psf, x, y, x0, y0, nx, ny)`, `value(i, j)` is the PSF integral over pixel (x0 + i, y0 + j)
 * for a unit-flux source centred at (x, y).
 */
export class PsfStamp {
  private ax = new Float64Array(0);
  private ay = new Float64Array(0);
  private bx = new Float64Array(0);
  private by = new Float64Array(0);
  private f = 0;

  fill(psf: DoubleGaussianPsf, x: number, y: number, x0: number, y0: number, nx: number, ny: number): void {
    if (this.ax.length < Math.max(nx, ny)) {
      const n = Math.max(nx, ny);
      this.ax = new Float64Array(n);
      this.ay = new Float64Array(n);
      this.bx = new Float64Array(n);
      this.by = new Float64Array(n);
    }
    this.f = psf.wingFraction;
    pixelIntegrals(this.ax, nx, x0 - x, psf.sigma1Px);
    pixelIntegrals(this.ay, ny, y0 - y, psf.sigma1Px);
    if (this.f > 0) {
      pixelIntegrals(this.bx, nx, x0 - x, psf.sigma2Px);
      pixelIntegrals(this.by, ny, y0 - y, psf.sigma2Px);
    }
  }

  value(i: number, j: number): number {
    const core = (1 - this.f) * this.ax[i]! * this.ay[j]!;
    return this.f > 0 ? core + this.f * this.bx[i]! * this.by[j]! : core;
  }
}

/** out[k] = ∫ over pixel (first + k) of a unit 1-D Gaussian of width sigma centred at 0. */
function pixelIntegrals(out: Float64Array, n: number, first: number, sigma: number): void {
  const s = 1 / (Math.SQRT2 * sigma);
  let prev = erf((first - 0.5) * s);
  for (let k = 0; k < n; k++) {
    const next = erf((first + k + 0.5) * s);
    out[k] = 0.5 * (next - prev);
    prev = next;
  }
}
