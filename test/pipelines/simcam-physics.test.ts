import { describe, expect, it } from 'vitest';
import { responseImage } from '../../pipelines/simcam/camera.ts';
import type { CosmicRay, FlatVariant, RawExposure, SimCam } from '../../pipelines/simcam/index.ts';
import { defineSimCam, pointSourceSnr, psfForFwhm, psfNoiseEquivalentAreaPx, renderBias, renderExpected, renderFlat, renderRaw } from '../../pipelines/simcam/index.ts';
import { StampRenderer } from '../../pipelines/simcam/stamps.ts';

/**
 * The rendered pixels against the model: noise statistics, fluxes, centroids and zero points
 * measured the way a pipeline would (bias-subtracted, flat-fielded, sky-subtracted) must agree
 * with the truth the SimCam records.
 */

const sim = defineSimCam();
const SIZE = sim.options.detectorSizePx;
const visit = sim.visits[1]!; // r band

function nearCosmicRay(rays: CosmicRay[], x: number, y: number, radiusPx: number): boolean {
  for (const r of rays) {
    const dx = r.x1Px - r.x0Px;
    const dy = r.y1Px - r.y0Px;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - r.x0Px) * dx + (y - r.y0Px) * dy) / len2));
    if (Math.hypot(x - r.x0Px - t * dx, y - r.y0Px - t * dy) < radiusPx) return true;
  }
  return false;
}

interface Frame {
  raw: RawExposure;
  expectedE: Float64Array;
  bias: Float32Array;
  flat: Float32Array;
  /** Pipeline-style calibrated image: (raw - bias) / flat · gain, electrons, sky included. */
  calibrated: Float64Array;
}

function frame(s: SimCam, visitId: number, detectorId: number, flatVariant: FlatVariant = 'prod'): Frame {
  const raw = renderRaw(s, visitId, detectorId);
  const band = raw.truth.visit.band;
  const bias = renderBias(s, detectorId).image.data;
  const flat = renderFlat(s, detectorId, band, flatVariant).image.data;
  const gain = raw.truth.detector.gainEPerAdu;
  const calibrated = Float64Array.from(raw.image.data, (v, i) => ((v - bias[i]!) / flat[i]!) * gain);
  return { raw, expectedE: renderExpected(s, visitId, detectorId).expectedE, bias, flat, calibrated };
}

/** Bright, unsaturated stars whose aperture holds (almost) no other source light and no cosmic ray. */
function isolatedBrightStars(f: Frame, minFluxE: number): { x: number; y: number; fluxE: number; mag: number }[] {
  const src = f.raw.truth.sources;
  const psf = f.raw.truth.visit.psf;
  const sky = f.raw.truth.visit.skyEPerPx;
  const radius = Math.ceil(4 * psf.sigmaWingPx);
  const out: { x: number; y: number; fluxE: number; mag: number }[] = [];
  for (let k = 0; k < src.id!.length; k++) {
    const x = (src.xPx as Float64Array)[k]!;
    const y = (src.yPx as Float64Array)[k]!;
    const fluxE = (src.fluxE as Float64Array)[k]!;
    if ((src.kind as string[])[k] !== 'star' || (src.saturated as boolean[])[k] || fluxE < minFluxE) continue;
    if (x < radius + 2 || y < radius + 2 || x > SIZE - radius - 3 || y > SIZE - radius - 3) continue;
    if (nearCosmicRay(f.raw.truth.cosmicRays, x, y, radius + 2)) continue;
    const { sum } = aperture(f.expectedE, x, y, radius, sky);
    if (Math.abs(sum - fluxE) < 1e-3 * fluxE) out.push({ x, y, fluxE, mag: (src.mag as Float64Array)[k]! });
  }
  return out;
}

/** Sum of (image - sky) over pixels whose centres lie within radius of (x, y), and their number. */
function aperture(image: Float64Array, x: number, y: number, radius: number, sky: number): { sum: number; n: number } {
  let sum = 0;
  let n = 0;
  for (let py = Math.floor(y - radius); py <= Math.ceil(y + radius); py++) {
    for (let px = Math.floor(x - radius); px <= Math.ceil(x + radius); px++) {
      if ((px - x) ** 2 + (py - y) ** 2 > radius * radius) continue;
      sum += image[py * SIZE + px]! - sky;
      n++;
    }
  }
  return { sum, n };
}

/** Gaussian-weighted centroid (weight sigma = PSF core sigma), iterated to its fixed point. */
function centroid(image: Float64Array, x0: number, y0: number, sigma: number, sky: number): [number, number] {
  let [cx, cy] = [x0 + 0.3, y0 - 0.3];
  const h = Math.ceil(5 * sigma);
  for (let iter = 0; iter < 30; iter++) {
    let sw = 0;
    let sx = 0;
    let sy = 0;
    for (let py = Math.round(cy) - h; py <= Math.round(cy) + h; py++) {
      for (let px = Math.round(cx) - h; px <= Math.round(cx) + h; px++) {
        const w = Math.exp(-((px - cx) ** 2 + (py - cy) ** 2) / (2 * sigma * sigma)) * (image[py * SIZE + px]! - sky);
        sw += w;
        sx += w * px;
        sy += w * py;
      }
    }
    [cx, cy] = [sx / sw, sy / sw];
  }
  return [cx, cy];
}

describe('SimCam pixels against the model', () => {
  const frames = sim.detectors.map((d) => frame(sim, visit.id, d.id));
  const f = frames[0]!;
  const { gainEPerAdu: gain, readNoiseE } = f.raw.truth.detector;
  const sky = f.raw.truth.visit.skyEPerPx;

  it('gives blank sky the mean and variance of bias + flat·sky/gain with Poisson, read and quantization noise (ADU)', () => {
    let n = 0;
    let sum = 0;
    let sum2 = 0;
    let model = 0;
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        const i = y * SIZE + x;
        if (f.expectedE[i]! - sky > 0.1 || nearCosmicRay(f.raw.truth.cosmicRays, x, y, 3)) continue;
        const r = f.raw.image.data[i]! - f.bias[i]! - (sky * f.flat[i]!) / gain;
        sum += r;
        sum2 += r * r;
        model += (sky * f.flat[i]!) / gain ** 2 + (readNoiseE / gain) ** 2 + 1 / 12;
        n++;
      }
    }
    expect(n).toBeGreaterThan(50_000);
    const mean = sum / n;
    const variance = sum2 / n - mean * mean;
    expect(Math.abs(mean)).toBeLessThan(5 * Math.sqrt(variance / n));
    expect(variance / (model / n)).toBeCloseTo(1, 1);
    expect(Math.abs(variance / (model / n) - 1)).toBeLessThan(0.02);
  });

  it('scatters every pixel, stars included, with unit normalised variance around bias + flat·expected/gain', () => {
    const z = { all: [0, 0, 0], bright: [0, 0, 0] };
    for (const fr of frames) {
      const det = fr.raw.truth.detector;
      for (let i = 0; i < SIZE * SIZE; i++) {
        const e = fr.expectedE[i]! * fr.flat[i]!;
        const adu = fr.raw.image.data[i]!;
        if (adu >= 65535 || e >= det.fullWellE) continue;
        if (nearCosmicRay(fr.raw.truth.cosmicRays, i % SIZE, Math.floor(i / SIZE), 3)) continue;
        const g = det.gainEPerAdu;
        const v = (adu - fr.bias[i]! - e / g) / Math.sqrt(e / g ** 2 + (det.readNoiseE / g) ** 2 + 1 / 12);
        for (const acc of e > 3 * sky ? [z.all, z.bright] : [z.all]) {
          acc[0]! += 1;
          acc[1]! += v;
          acc[2]! += v * v;
        }
      }
    }
    const [n, s, s2] = z.all as [number, number, number];
    expect(Math.abs(s / n)).toBeLessThan(0.01);
    expect(Math.abs(s2 / n - 1)).toBeLessThan(0.01);
    // Pixels on stars: Poisson at means of thousands to tens of thousands of electrons.
    const [nb, sb, s2b] = z.bright as [number, number, number];
    expect(nb).toBeGreaterThan(500);
    expect(Math.abs(sb / nb)).toBeLessThan(5 / Math.sqrt(nb));
    expect(Math.abs(s2b / nb - 1)).toBeLessThan(0.1);
  });

  it('returns the truth flux of bright isolated stars in an aperture (few %) and the zero point to < 0.005 mag', () => {
    const chis: number[] = [];
    let sumW = 0;
    let sumWZp = 0;
    for (const fr of frames) {
      const { gainEPerAdu: g, readNoiseE: rn } = fr.raw.truth.detector;
      const radius = Math.ceil(4 * fr.raw.truth.visit.psf.sigmaWingPx);
      for (const st of isolatedBrightStars(fr, 3e4)) {
        const { sum, n } = aperture(fr.calibrated, st.x, st.y, radius, sky);
        // Photon noise of star and sky, read and quantization noise over the aperture.
        const sigmaE = Math.sqrt(st.fluxE + n * (sky + rn * rn + (g * g) / 12));
        expect(sigmaE / st.fluxE).toBeLessThan(0.03);
        chis.push((sum - st.fluxE) / sigmaE);
        const sigmaMag = (2.5 / Math.LN10) * (sigmaE / st.fluxE);
        sumW += 1 / sigmaMag ** 2;
        sumWZp += (st.mag + 2.5 * Math.log10(sum)) / sigmaMag ** 2;
      }
    }
    expect(chis.length).toBeGreaterThanOrEqual(8);
    for (const chi of chis) expect(Math.abs(chi)).toBeLessThan(5);
    const meanChi = chis.reduce((a, b) => a + b, 0) / chis.length;
    expect(Math.abs(meanChi)).toBeLessThan(4 / Math.sqrt(chis.length));
    const zpError = 1 / Math.sqrt(sumW);
    expect(zpError).toBeLessThan(0.003);
    expect(Math.abs(sumWZp / sumW - f.raw.truth.visit.zeroPointMag)).toBeLessThan(Math.max(0.005, 4 * zpError));
  });

  it('centres bright stars on their truth position within 0.05 px', () => {
    let n = 0;
    const otherVisit = sim.visits[4]!; // r band again, another night
    for (const fr of [...frames, ...sim.detectors.map((d) => frame(sim, otherVisit.id, d.id))]) {
      // Above 1e5 e- the centroid's noise is ~0.01 px (it is ~0.03 px at 3e4 e- in this sky).
      for (const st of isolatedBrightStars(fr, 1e5)) {
        const [cx, cy] = centroid(fr.calibrated, st.x, st.y, fr.raw.truth.visit.psf.sigmaCorePx, fr.raw.truth.visit.skyEPerPx);
        expect(Math.hypot(cx - st.x, cy - st.y)).toBeLessThan(0.05);
        n++;
      }
    }
    expect(n).toBeGreaterThanOrEqual(5);
  });

  it('deposits the charge of each cosmic ray along its track, unaffected by the flat', () => {
    let checked = 0;
    for (const fr of frames) {
      const g = fr.raw.truth.detector.gainEPerAdu;
      for (const ray of fr.raw.truth.cosmicRays) {
        const ends = [ray.x0Px, ray.y0Px, ray.x1Px, ray.y1Px];
        if (ends.some((v) => v < 3 || v > SIZE - 4)) continue;
        if (fr.raw.truth.cosmicRays.some((other) => other !== ray && nearCosmicRay([other], ray.x0Px, ray.y0Px, 20))) continue;
        let excessE = 0;
        for (let y = Math.floor(Math.min(ray.y0Px, ray.y1Px)) - 2; y <= Math.ceil(Math.max(ray.y0Px, ray.y1Px)) + 2; y++) {
          for (let x = Math.floor(Math.min(ray.x0Px, ray.x1Px)) - 2; x <= Math.ceil(Math.max(ray.x0Px, ray.x1Px)) + 2; x++) {
            if (!nearCosmicRay([ray], x, y, 1.5)) continue;
            const i = y * SIZE + x;
            excessE += (fr.raw.image.data[i]! - fr.bias[i]!) * g - fr.expectedE[i]! * fr.flat[i]!;
          }
        }
        expect(Math.abs(excessE / ray.chargeE - 1)).toBeLessThan(0.1);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(3);
  });
});

describe('SimCam point and galaxy stamps', () => {
  const psf = sim.truth.visits[0]!.psf;

  it('gives the PSF its FWHM and a noise-equivalent area of 4πσ² for a single Gaussian', () => {
    const p = psfForFwhm(4);
    const profile = (r: number) => ((1 - p.wingFraction) / p.sigmaCorePx ** 2) * Math.exp(-0.5 * (r / p.sigmaCorePx) ** 2) + (p.wingFraction / p.sigmaWingPx ** 2) * Math.exp(-0.5 * (r / p.sigmaWingPx) ** 2);
    expect(profile(2) / profile(0)).toBeCloseTo(0.5, 9);
    expect(psfNoiseEquivalentAreaPx({ ...p, wingFraction: 0 })).toBeCloseTo(4 * Math.PI * p.sigmaCorePx ** 2, 9);
    expect(pointSourceSnr(1000, 0, 0, p)).toBeCloseTo(Math.sqrt(1000), 9);
  });

  it('deposits exactly the point-source flux, centred on the sub-pixel position', () => {
    const image = new Float64Array(101 * 101);
    const stamps = new StampRenderer(psf, 101, 101);
    stamps.addPoint(image, 50.37, 49.81, 12345);
    let s = 0;
    let sx = 0;
    let sy = 0;
    image.forEach((v, i) => {
      s += v;
      sx += v * (i % 101);
      sy += v * Math.floor(i / 101);
    });
    expect(s / 12345 - 1).toBeCloseTo(0, 12);
    expect(sx / s).toBeCloseTo(50.37, 6);
    expect(sy / s).toBeCloseTo(49.81, 6);
  });

  it('deposits a galaxy flux to 1e-6, centred, with a larger second moment than a star', () => {
    const image = new Float64Array(201 * 201);
    const stamps = new StampRenderer(psf, 201, 201);
    // A 1"-radius disc at q = 0.5 with its major axis along x, for a 0.2"/px grid: covariance in px² per arcsec².
    stamps.addGalaxy(image, 100.2, 99.7, 5000, [25, 0, 6.25], 1);
    let s = 0;
    let sx = 0;
    let sy = 0;
    let sxx = 0;
    let syy = 0;
    image.forEach((v, i) => {
      const x = i % 201;
      const y = Math.floor(i / 201);
      s += v;
      sx += v * x;
      sy += v * y;
      sxx += v * (x - 100.2) ** 2;
      syy += v * (y - 99.7) ** 2;
    });
    expect(Math.abs(s / 5000 - 1)).toBeLessThan(1e-6);
    expect(sx / s).toBeCloseTo(100.2, 5);
    expect(sy / s).toBeCloseTo(99.7, 5);
    expect(sxx / s).toBeGreaterThan(syy / s);
    expect(syy / s).toBeGreaterThan(psf.sigmaCorePx ** 2);
  });
});

describe('SimCam calibrations', () => {
  it('makes the bias frame average the bias level and the prod flat equal the true response', () => {
    for (const det of sim.truth.detectors) {
      const bias = renderBias(sim, det.id).image.data;
      expect(bias.reduce((a, b) => a + b, 0) / bias.length).toBeCloseTo(det.biasLevelAdu, 3);
      for (const band of sim.options.bands) {
        const flat = renderFlat(sim, det.id, band).image.data;
        const truth = responseImage(sim.options, det, band);
        expect(Buffer.from(flat.buffer).equals(Buffer.from(truth.buffer))).toBe(true);
      }
    }
  });

  it('makes the experimental gradient flat wrong by a few percent across the field', () => {
    let lo = Infinity;
    let hi = -Infinity;
    for (const det of sim.truth.detectors) {
      const prod = renderFlat(sim, det.id, 'r', 'prod').image.data;
      const exp = renderFlat(sim, det.id, 'r', 'exp-flat-gradient').image.data;
      for (let i = 0; i < prod.length; i++) {
        const ratio = exp[i]! / prod[i]!;
        lo = Math.min(lo, ratio);
        hi = Math.max(hi, ratio);
      }
    }
    expect(lo).toBeGreaterThan(0.94);
    expect(lo).toBeLessThan(0.97);
    expect(hi).toBeGreaterThan(1.03);
    expect(hi).toBeLessThan(1.06);
  });

  it('measurably worsens star photometry when the gradient flat is used', () => {
    const scatter = (variant: FlatVariant) => {
      const logRatios: number[] = [];
      for (const det of sim.detectors) {
        const f = frame(sim, visit.id, det.id, variant);
        const radius = Math.ceil(4 * f.raw.truth.visit.psf.sigmaWingPx);
        for (const s of isolatedBrightStars(f, 5e4)) logRatios.push(Math.log(aperture(f.calibrated, s.x, s.y, radius, f.raw.truth.visit.skyEPerPx).sum / s.fluxE));
      }
      const mean = logRatios.reduce((a, b) => a + b, 0) / logRatios.length;
      return Math.sqrt(logRatios.reduce((a, b) => a + (b - mean) ** 2, 0) / (logRatios.length - 1));
    };
    const prod = scatter('prod');
    const gradient = scatter('exp-flat-gradient');
    expect(prod).toBeLessThan(0.01);
    expect(gradient).toBeGreaterThan(1.5 * prod);
  });
});
