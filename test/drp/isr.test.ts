import { describe, expect, it } from 'vitest';
import { isr, isrConfig, runIsr } from '../../pipelines/drp/isr.ts';
import { MASK, type ImageValue } from '../../pipelines/framework/values.ts';
import { biasValue, flatValue, rawValue } from '../../pipelines/simcam/datasets.ts';
import { defineSimCam, renderExpected, renderRaw } from '../../pipelines/simcam/index.ts';
import { context } from './support.ts';

/**
 * ISR against the SimCam model: the calibrated image scatters about the noise-free expected
 * electrons exactly as its variance plane says, cosmic rays are masked and nothing else is.
 */

const sim = defineSimCam();
const visit = sim.visits[1]!; // r band
const DET = 0;
const rendered = renderRaw(sim, visit.id, DET);
const raw = rawValue(sim, visit.id, DET, rendered);
const bias = biasValue(sim, DET);
const flat = flatValue(sim, DET, 'r');
const expected = renderExpected(sim, visit.id, DET).expectedE;
const SIZE = sim.options.detectorSizePx;

/** Distance from pixel (x, y) to the nearest true cosmic-ray track, px. */
function distanceToTrack(x: number, y: number): number {
  let best = Infinity;
  for (const r of rendered.truth.cosmicRays) {
    const dx = r.x1Px - r.x0Px;
    const dy = r.y1Px - r.y0Px;
    const len2 = dx * dx + dy * dy;
    const t = len2 === 0 ? 0 : Math.max(0, Math.min(1, ((x - r.x0Px) * dx + (y - r.y0Px) * dy) / len2));
    best = Math.min(best, Math.hypot(x - r.x0Px - t * dx, y - r.y0Px - t * dy));
  }
  return best;
}

describe('isr', () => {
  const out = runIsr(raw, bias, flat, isrConfig.parse({}));

  it('calibrates to flat-fielded electrons whose residuals match the variance plane', () => {
    let s = 0;
    let s2 = 0;
    let n = 0;
    for (let i = 0; i < expected.length; i++) {
      if (out.mask[i] !== 0) continue;
      const z = (out.image.data[i]! - expected[i]!) / Math.sqrt(out.variance.data[i]!);
      s += z;
      s2 += z * z;
      n++;
    }
    expect(n).toBeGreaterThan(0.99 * SIZE * SIZE);
    expect(Math.abs(s / n)).toBeLessThan(0.03);
    expect(Math.sqrt(s2 / n - (s / n) ** 2)).toBeCloseTo(1, 1);
    expect(out.metadata.BUNIT).toBe('electron');
    expect(out.wcs).toEqual(raw.wcs);
  });

  it('masks the cosmic-ray tracks, only them, and interpolates over them', () => {
    expect(rendered.truth.cosmicRays.length).toBeGreaterThan(3);
    // Charge per pixel as SimCam deposits it (README: equal parts at 4 points per pixel of length).
    const charge = new Float64Array(SIZE * SIZE);
    for (const r of rendered.truth.cosmicRays) {
      const steps = Math.max(1, Math.ceil(4 * Math.hypot(r.x1Px - r.x0Px, r.y1Px - r.y0Px)));
      for (let k = 0; k < steps; k++) {
        const f = (k + 0.5) / steps;
        const x = Math.round(r.x0Px + f * (r.x1Px - r.x0Px));
        const y = Math.round(r.y0Px + f * (r.y1Px - r.y0Px));
        if (x >= 0 && y >= 0 && x < SIZE && y < SIZE) charge[y * SIZE + x]! += r.chargeE / steps;
      }
    }
    let strong = 0;
    let hit = 0;
    for (let i = 0; i < charge.length; i++) {
      if (charge[i]! < 10 * Math.sqrt(out.variance.data[i]!)) continue;
      strong++;
      if ((out.mask[i]! & MASK.CR) !== 0) hit++;
    }
    expect(strong).toBeGreaterThan(20);
    expect(hit).toBe(strong);
    let flagged = 0;
    let worst = 0;
    for (let i = 0; i < out.mask.length; i++) {
      if ((out.mask[i]! & MASK.CR) === 0) continue;
      flagged++;
      expect(distanceToTrack(i % SIZE, Math.floor(i / SIZE))).toBeLessThan(2);
      worst = Math.max(worst, Math.abs(out.image.data[i]! - expected[i]!) / Math.sqrt(out.variance.data[i]!));
    }
    expect(flagged).toBe(out.metadata.NCRPIX);
    // A track leaves thousands of electrons; the interpolated pixels are back near the sky.
    expect(worst).toBeLessThan(30);
    const off = runIsr(raw, bias, flat, isrConfig.parse({ doCosmicRays: false }));
    expect(off.mask.some((m) => (m & MASK.CR) !== 0)).toBe(false);
  });

  it('masks saturated pixels at the ADC top and at the full well', () => {
    const data = Float32Array.from(raw.image.data);
    data[1000] = 65535;
    data[2000] = bias.image.data[2000]! + 100_000 / Number(raw.metadata.GAIN);
    const sat = runIsr({ ...raw, image: { ...raw.image, data } }, bias, flat, isrConfig.parse({}));
    expect(sat.mask[1000]! & MASK.SAT).toBe(MASK.SAT);
    expect(sat.mask[2000]! & MASK.SAT).toBe(MASK.SAT);
    expect(sat.metadata.NSATPIX).toBe(2);
  });

  it('leaves the flat-field pattern in when doFlat is off', () => {
    const noFlat = runIsr(raw, bias, undefined, isrConfig.parse({ doFlat: false }));
    // Without the flat the image is expected x response: its ratio to the expected follows the flat.
    let num = 0;
    let den = 0;
    for (let i = 0; i < expected.length; i += 3) {
      if (noFlat.mask[i] !== 0) continue;
      num += noFlat.image.data[i]! / flat.image.data[i]!;
      den += expected[i]!;
    }
    expect(num / den).toBeCloseTo(1, 2);
    // 32x32-pixel block means beat the shot noise: the uncorrected image follows the flat.
    const blocks = (f: (i: number) => number) => {
      const out: number[] = [];
      for (let by = 0; by < SIZE; by += 32) {
        for (let bx = 0; bx < SIZE; bx += 32) {
          let s = 0;
          for (let y = by; y < by + 32; y++) for (let x = bx; x < bx + 32; x++) s += f(y * SIZE + x);
          out.push(s / 1024);
        }
      }
      return out;
    };
    const corr = correlation(
      blocks((i) => flat.image.data[i]!),
      blocks((i) => noFlat.image.data[i]! / expected[i]!),
    );
    expect(corr).toBeGreaterThan(0.9);
  });

  it('refuses a flat taken through another filter, naming both', async () => {
    const wrong: ImageValue = { ...flat, metadata: { ...flat.metadata, FILTER: 'SimCam-g' } };
    expect(() => runIsr(raw, bias, wrong, isrConfig.parse({}))).toThrow(/SimCam-g.*SimCam-r/);
    const viaTask = await isr.run({ raw: { dataId: {}, value: raw }, bias: { dataId: {}, value: bias }, flat: { dataId: {}, value: flat } }, isrConfig.parse({}), context({}));
    expect((viaTask.exposure as { image: { width: number } }).image.width).toBe(SIZE);
  });
});

function correlation(a: number[], b: number[]): number {
  const ma = a.reduce((x, y) => x + y, 0) / a.length;
  const mb = b.reduce((x, y) => x + y, 0) / b.length;
  let sab = 0;
  let saa = 0;
  let sbb = 0;
  for (let i = 0; i < a.length; i++) {
    sab += (a[i]! - ma) * (b[i]! - mb);
    saa += (a[i]! - ma) ** 2;
    sbb += (b[i]! - mb) ** 2;
  }
  return sab / Math.sqrt(saa * sbb);
}
