import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPipeline } from '../../runner/pipeline/load.ts';
import { runDetectDiaSources, detectDiaSourcesConfig } from '../../pipelines/ap/detectDiaSources.ts';
import { diaSourcesFromCatalog } from '../../pipelines/ap/diaSourceCatalog.ts';
import { fitKernel, makeBasis } from '../../pipelines/ap/lib/alardLupton.ts';
import { matchToModelPsf, targetPsf } from '../../pipelines/ap/lib/modelPsfMatch.ts';
import { runSubtractImages, subtractImagesConfig } from '../../pipelines/ap/subtractImages.ts';
import { makePsf, PsfStamp, psfMetadata, type DoubleGaussianPsf } from '../../pipelines/drp/lib/psf.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../../pipelines/framework/values.ts';
import { makeTanWcs, pixelToSky } from '../../pipelines/image/wcs.ts';
import { runForcedPhotDiaObjects } from '../../pipelines/ap/forcedPhotDiaObjects.ts';
import { convolve2d } from '../../pipelines/ap/lib/alardLupton.ts';
import { convolvePairFft } from '../../pipelines/ap/lib/fft.ts';
import { warpOnto, warpSeparable } from '../../pipelines/drp/lib/warp.ts';

/**
 * The AP algorithms on synthetic images with known answers: the Alard-Lupton basis and kernel
 * fit, model-PSF matching, and subtraction plus detection of a new, a vanished and a shifted
 * star. pipelines/ap.yaml loads and reads only what the DRP and the repository provide.
 */

const SIZE = 256;

function lcg(seed: number) {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  return { uniform, gauss: () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform()) };
}

interface Star {
  x: number;
  y: number;
  flux: number;
}

function render(stars: readonly Star[], psf: DoubleGaussianPsf, sky: number, seed: number): { image: Float32Array; variance: Float32Array } {
  const image = new Float32Array(SIZE * SIZE);
  const stamp = new PsfStamp();
  for (const s of stars) {
    const r = 15;
    const x0 = Math.round(s.x) - r;
    const y0 = Math.round(s.y) - r;
    stamp.fill(psf, s.x, s.y, x0, y0, 2 * r + 1, 2 * r + 1);
    for (let j = 0; j <= 2 * r; j++) for (let i = 0; i <= 2 * r; i++) if (x0 + i >= 0 && y0 + j >= 0 && x0 + i < SIZE && y0 + j < SIZE) image[(y0 + j) * SIZE + x0 + i]! += s.flux * stamp.value(i, j);
  }
  const { gauss } = lcg(seed);
  const variance = new Float32Array(SIZE * SIZE);
  for (let i = 0; i < image.length; i++) {
    variance[i] = sky + Math.max(image[i]!, 0);
    image[i]! += Math.sqrt(variance[i]!) * gauss();
  }
  return { image, variance };
}

function exposure(img: { image: Float32Array; variance: Float32Array }, psf: DoubleGaussianPsf): ExposureValue {
  return {
    image: { width: SIZE, height: SIZE, data: img.image },
    variance: { width: SIZE, height: SIZE, data: img.variance },
    mask: new Int32Array(SIZE * SIZE),
    wcs: makeTanWcs([150, 2], [SIZE / 2, SIZE / 2], 0.2),
    psf: { fwhmPx: psf.fwhmPx, sigmaPx: psf.sigma1Px },
    zeroPointMag: 31.4,
    metadata: { ...psfMetadata(psf), BAND: 'r', 'MJD-AVG': 60000.5 },
  };
}

function field(seed: number, n: number): Star[] {
  const { uniform } = lcg(seed);
  return Array.from({ length: n }, () => ({ x: 25 + uniform() * (SIZE - 50), y: 25 + uniform() * (SIZE - 50), flux: 3000 * Math.exp(3 * uniform()) }));
}

describe('Alard-Lupton kernel basis and fit', () => {
  it('makes the first basis function sum to 1 and the others to 0', () => {
    const b = makeBasis([0.7, 1.4, 2.8], [4, 2, 2], 8);
    expect(b.images).toHaveLength(15 + 6 + 6);
    const sums = b.images.map((im) => im.reduce((s, v) => s + v, 0));
    expect(sums[0]).toBeCloseTo(1, 12);
    for (const s of sums.slice(1)) expect(Math.abs(s)).toBeLessThan(1e-12);
  });

  it('recovers the photometric scale, the PSF broadening and the background between two images', () => {
    const stars = field(7, 60);
    const narrow = makePsf(1.2, 2.4, 0.1);
    const wide = makePsf(1.8, 3.6, 0.1);
    const ref = render(stars, narrow, 100, 1);
    const tgt = render(
      stars.map((s) => ({ ...s, flux: 1.1 * s.flux })),
      wide,
      100,
      2,
    );
    for (let i = 0; i < tgt.image.length; i++) tgt.image[i]! += 3;
    const stamps = [...stars].sort((a, b) => b.flux - a.flux).slice(0, 30).map((s) => ({ x: Math.round(s.x), y: Math.round(s.y) }));
    const variance = Float32Array.from(ref.variance, (v, i) => v + tgt.variance[i]!);
    const sol = fitKernel({ reference: ref.image, target: tgt.image, variance, width: SIZE, height: SIZE, stamps, stampHalf: 8, basis: makeBasis([0.7, 1.4, 2.8], [4, 2, 2], 10), clipSigma: 3, maxIterations: 2 }, 5);
    expect(sol.kernelSum).toBeGreaterThan(1.09);
    expect(sol.kernelSum).toBeLessThan(1.11);
    // Core sigmas 1.2 -> 1.8: the kernel adds 1.8² - 1.2² = 1.8 px² (the wing widens alike, 4× that with 10% weight).
    expect(sol.kernelVariancePx2).toBeGreaterThan(1.8 * 0.9);
    expect(sol.kernelVariancePx2).toBeLessThan(1.8 * (0.9 + 0.4) * 1.1);
    expect(sol.background[0]).toBeGreaterThan(2.5);
    expect(sol.background[0]).toBeLessThan(3.5);
  });

  it('matches an exposure to a broader model PSF, and refuses a narrower one', () => {
    const psf = makePsf(1.3, 2.6, 0.1);
    const star = render([{ x: 128.3, y: 127.6, flux: 1e6 }], psf, 0.01, 3);
    const target = targetPsf(psf.fwhmPx * 1.3);
    const matched = matchToModelPsf(exposure(star, psf), psf, target);
    expect(matched.residualRms).toBeLessThan(0.01);
    const expected = render([{ x: 128.3, y: 127.6, flux: 1e6 }], target, 0.01, 3).image;
    let peak = 0;
    let worst = 0;
    for (let i = 0; i < expected.length; i++) {
      peak = Math.max(peak, expected[i]!);
      if ((matched.exposure.mask[i]! & MASK.NO_DATA) === 0) worst = Math.max(worst, Math.abs(matched.exposure.image.data[i]! - expected[i]!));
    }
    expect(worst / peak).toBeLessThan(0.02);
    expect(() => matchToModelPsf(exposure(star, psf), psf, targetPsf(psf.fwhmPx * 0.9))).toThrow(/narrower PSF/);
  });
});

describe('subtractImages and detectDiaSources on a synthetic pair', () => {
  const stars = field(11, 80);
  const templatePsf = makePsf(1.2, 2.4, 0.1);
  const sciencePsf = makePsf(1.6, 3.2, 0.1);
  const added = { x: 100.3, y: 140.7, flux: 20000 };
  const vanished = { x: 180.2, y: 60.4, flux: 30000 };
  const moved = stars[0]!;
  const scienceStars = [...stars.slice(1), { ...moved, x: moved.x + 1.2 }, added];
  const template = exposure(render([...stars, vanished], templatePsf, 30, 4), templatePsf);
  const science = exposure(render(scienceStars, sciencePsf, 100, 5), sciencePsf);
  const sources: CatalogValue = {
    columns: {
      xPx: Float64Array.from(stars, (s) => s.x),
      yPx: Float64Array.from(stars, (s) => s.y),
      snr: Float64Array.from(stars, (s) => s.flux / 100),
    },
    metadata: {},
  };

  it('finds the new star (positive, with its flux), the vanished one (negative) and the moved one (a dipole), and little else', () => {
    const sub = runSubtractImages(science, template, sources, subtractImagesConfig.parse({}));
    expect(sub.mode).toBe('convolveTemplate');
    const { catalog } = runDetectDiaSources(sub.difference, science, { visit: 42, detector: 1 }, detectDiaSourcesConfig.parse({}));
    const rows = diaSourcesFromCatalog(catalog);
    const near = (p: { x: number; y: number }) => rows.filter((r) => Math.hypot(r.x - p.x, r.y - p.y) < 2.5);
    const [a] = near(added);
    expect(a?.psfFlux).toBeGreaterThan(0.9 * added.flux);
    expect(a?.psfFlux).toBeLessThan(1.1 * added.flux);
    expect(a?.isDipole).toBe(false);
    const [v] = near(vanished);
    expect(v?.psfFlux).toBeLessThan(-0.9 * vanished.flux);
    const [m] = near({ x: moved.x + 0.6, y: moved.y });
    expect(m?.isDipole).toBe(true);
    expect(rows.filter((r) => r.snr >= 10)).toHaveLength(3);
    expect(rows.every((r) => r.visit === 42 && r.detector === 1 && r.diaObjectId === null)).toBe(true);
  });

  it('forced-photometers known DiaObjects: the new star at its flux, a constant star at zero', () => {
    const sub = runSubtractImages(science, template, sources, subtractImagesConfig.parse({}));
    const steady = stars[5]!;
    const objects = [added, steady].map((p, k) => {
      const [ra, dec] = pixelToSky(science.wcs!, p.x, p.y);
      return { diaObjectId: BigInt(100 + k), ra, dec };
    });
    const rows = runForcedPhotDiaObjects(sub.difference, science, objects, { visit: 42, detector: 1 });
    expect(rows.map((r) => r.diaObjectId)).toEqual([100n, 101n]);
    expect(rows[0]!.psfFlux).toBeGreaterThan(0.9 * added.flux);
    expect(rows[0]!.psfFlux).toBeLessThan(1.1 * added.flux);
    expect(Math.abs(rows[1]!.psfFlux)).toBeLessThan(5 * rows[1]!.psfFluxErr);
    expect(rows[1]!.scienceFlux).toBeGreaterThan(0.9 * steady.flux);
  });

  it('gives the same bytes twice', () => {
    const one = runSubtractImages(science, template, sources, subtractImagesConfig.parse({}));
    const two = runSubtractImages(science, template, sources, subtractImagesConfig.parse({}));
    expect(Buffer.from(one.difference.image.data.buffer).equals(Buffer.from(two.difference.image.data.buffer))).toBe(true);
  });
});

describe('the fast paths of getTemplate and subtractImages', () => {
  it('resamples with Lanczos-3 through the unrolled loop to the bytes of the tap-by-tap one, masked pixels and inner box included', () => {
    const sw = 120;
    const src = makeTanWcs([150, 2], [59.5, 59.5], 0.2, 0.3);
    const dst = makeTanWcs([150, 2], [40.37, 47.81], 0.2, 0);
    const { uniform, gauss } = lcg(11);
    const data = Float32Array.from({ length: sw * sw }, () => 100 + 10 * gauss());
    const variance = Float32Array.from({ length: sw * sw }, () => 90 + 20 * uniform());
    const mask = new Int32Array(sw * sw);
    // A hole of NO_DATA, a BAD column, saturated and cosmic-ray pixels carried over.
    for (let y = 30; y < 40; y++) for (let x = 50; x < 70; x++) mask[y * sw + x] = MASK.NO_DATA;
    for (let y = 0; y < sw; y++) mask[y * sw + 90]! |= MASK.BAD;
    for (let k = 0; k < 40; k++) mask[Math.floor(uniform() * sw * sw)]! |= k % 2 === 0 ? MASK.SAT : MASK.CR;
    const coadd: ExposureValue = { image: { width: sw, height: sw, data }, mask, variance: { width: sw, height: sw, data: variance }, wcs: src, metadata: {} };
    const box = { x0: 10.5, y0: 12, x1: 100, y1: 95.5 };
    for (const usable of [box, undefined]) {
      const [a, b] = [0, 1].map(() => ({ wcs: dst, width: 100, height: 90, image: new Float32Array(9000), variance: new Float32Array(9000), mask: new Int32Array(9000).fill(MASK.NO_DATA) }));
      // A pixel already covered stays as it is.
      a!.mask[4545] = b!.mask[4545] = 0;
      const covered = warpSeparable(coadd, a!, 1.7, 'lanczos3', 16, usable);
      expect(warpOnto(coadd, b!, 1.7, 'lanczos3', 16, usable)).toBe(covered);
      expect(covered).toBeGreaterThan(3000);
      expect(Buffer.from(b!.image.buffer).equals(Buffer.from(a!.image.buffer))).toBe(true);
      expect(Buffer.from(b!.variance.buffer).equals(Buffer.from(a!.variance.buffer))).toBe(true);
      expect(Array.from(b!.mask)).toEqual(Array.from(a!.mask));
      expect(a!.mask.some((m) => (m & MASK.SAT) !== 0) && a!.mask.some((m) => (m & MASK.CR) !== 0)).toBe(true);
    }
  });

  it('convolves an image and its variance by FFT as the direct sum does, also when the size is not a power of two', () => {
    for (const [width, height] of [
      [128, 128],
      [100, 75],
    ] as const) {
      const h = 6;
      const k = 2 * h + 1;
      const { uniform, gauss } = lcg(width + height);
      const image = Float32Array.from({ length: width * height }, () => 50 + 10 * gauss());
      const variance = Float32Array.from({ length: width * height }, () => 40 + 5 * uniform());
      const kernel = Float64Array.from({ length: k * k }, (_, i) => Math.exp(-(((i % k) - h) ** 2 + (Math.floor(i / k) - h) ** 2) / 8) * (1 + 0.1 * gauss()));
      const k2 = Float64Array.from(kernel, (v) => v * v);
      const [fa, fb, da, db] = [0, 1, 2, 3].map(() => new Float32Array(width * height));
      // Twice: the second call reuses the first's working planes and must not see their values.
      convolvePairFft(image, kernel, variance, k2, width, height, h, fa!, fb!);
      convolvePairFft(image, kernel, variance, k2, width, height, h, fa!, fb!);
      convolve2d(image, width, height, kernel, h, da!);
      convolve2d(variance, width, height, k2, h, db!);
      let worst = 0;
      for (let i = 0; i < width * height; i++) {
        worst = Math.max(worst, Math.abs(fa![i]! - da![i]!) / Math.abs(da![i]! || 1), Math.abs(fb![i]! - db![i]!) / Math.abs(db![i]! || 1));
        if (da![i] === 0) expect(fa![i]).toBe(0);
      }
      expect(worst).toBeLessThan(1e-6);
    }
  });
});

describe('pipelines/ap.yaml', () => {
  it('loads, in dependency order, reading only DRP inputs and the templates coadds', async () => {
    const p = await loadPipeline(path.resolve('pipelines/ap.yaml'));
    const order = p.tasks.map((t) => t.label);
    expect(order).toEqual(['isr', 'characterizeImage', 'calibrate', 'getTemplate', 'subtractImages', 'detectDiaSources']);
    const external = new Set<string>();
    for (const t of p.tasks) for (const c of t.connections) if (c.kind !== 'output' && !p.producers.has(c.datasetType)) external.add(c.datasetType);
    expect([...external].sort()).toEqual(['bias', 'deepCoadd', 'flat', 'raw', 'refcat']);
    expect(p.producers.has('goodSeeingDiff_diaSrc')).toBe(true);
  });
});
