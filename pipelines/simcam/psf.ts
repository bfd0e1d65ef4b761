import type { PsfModel } from './types.ts';

/**
 * The SimCam PSF, a double Gaussian (core σ, wing 2σ holding 10% of the flux), constant over a
 * visit, and what follows from it for noise: the noise-equivalent area and the S/N of a point
 * source, which is what "S/N >= 10 stars" and noise-limited repeatability are computed from.
 */

const PSF_WING_RATIO = 2;
const PSF_WING_FRACTION = 0.1;

/** FWHM of the double Gaussian in units of its core sigma (solved once by bisection). */
const FWHM_PER_CORE_SIGMA = (() => {
  const s2 = PSF_WING_RATIO * PSF_WING_RATIO;
  const profile = (r: number) => (1 - PSF_WING_FRACTION) * Math.exp(-0.5 * r * r) + (PSF_WING_FRACTION / s2) * Math.exp((-0.5 * r * r) / s2);
  const half = profile(0) / 2;
  let lo = 0;
  let hi = 10;
  for (let i = 0; i < 100; i++) {
    const mid = (lo + hi) / 2;
    if (profile(mid) > half) lo = mid;
    else hi = mid;
  }
  return 2 * lo;
})();

export function psfForFwhm(fwhmPx: number): PsfModel {
  const sigmaCorePx = fwhmPx / FWHM_PER_CORE_SIGMA;
  return { fwhmPx, sigmaCorePx, sigmaWingPx: PSF_WING_RATIO * sigmaCorePx, wingFraction: PSF_WING_FRACTION };
}

/**
 * Noise-equivalent area 1 / ∫ PSF², px², of the continuous PSF: for Gaussians i, j,
 * ∫ G_i G_j = 1 / (2π (σi² + σj²)). (Pixelisation adds ~1/12 px² per axis, negligible here.)
 */
export function psfNoiseEquivalentAreaPx(psf: PsfModel): number {
  const w = [1 - psf.wingFraction, psf.wingFraction];
  const s = [psf.sigmaCorePx, psf.sigmaWingPx];
  let integral = 0;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) integral += (w[i]! * w[j]!) / (2 * Math.PI * (s[i]! ** 2 + s[j]! ** 2));
  return 1 / integral;
}

/**
 * S/N of optimal (PSF-weighted) photometry of an isolated point source, background-dominated
 * form with the source's own photon noise: F / sqrt(F + A·(sky + readNoise²)), everything in
 * electrons (flat-fielded), A the noise-equivalent area.
 */
export function pointSourceSnr(fluxE: number, skyEPerPx: number, readNoiseE: number, psf: PsfModel): number {
  return fluxE / Math.sqrt(fluxE + psfNoiseEquivalentAreaPx(psf) * (skyEPerPx + readNoiseE * readNoiseE));
}

/**
 * S/N of PSF-weighted photometry with fixed weights w = P (LSST's PsfFlux; what forced
 * photometry measures): Var = Σ P² V / (Σ P²)² with V = sky + readNoise² + F·P, so the source
 * term is F · A² ∫P³ rather than F (A the noise-equivalent area); for a single Gaussian A²∫P³ =
 * 4/3. pointSourceSnr's F is the minimum-variance weighting's limit at high S/N and would
 * predict forced-photometry errors too small. ∫ G_i G_j G_k = 1 / ((2π)² (σi²σj² + σj²σk² + σi²σk²)).
 */
export function psfWeightedSnr(fluxE: number, skyEPerPx: number, readNoiseE: number, psf: PsfModel): number {
  const w = [1 - psf.wingFraction, psf.wingFraction];
  const s2 = [psf.sigmaCorePx ** 2, psf.sigmaWingPx ** 2];
  let cube = 0;
  for (let i = 0; i < 2; i++) for (let j = 0; j < 2; j++) for (let k = 0; k < 2; k++) cube += (w[i]! * w[j]! * w[k]!) / ((2 * Math.PI) ** 2 * (s2[i]! * s2[j]! + s2[j]! * s2[k]! + s2[i]! * s2[k]!));
  const area = psfNoiseEquivalentAreaPx(psf);
  return fluxE / Math.sqrt(fluxE * area * area * cube + area * (skyEPerPx + readNoiseE * readNoiseE));
}
