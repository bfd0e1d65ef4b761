import { describe, expect, it } from 'vitest';
import { interpolateFlagged } from '../../pipelines/drp/lib/cosmicRays.ts';
import { detectSources, dilate, footprintPixels } from '../../pipelines/drp/lib/detection.ts';
import { localBackground } from '../../pipelines/drp/lib/psfFit.ts';
import { keptPlanes, scratchFloat32, scratchUint8, zeroedInt32, zeroedUint8 } from '../../pipelines/drp/lib/scratch.ts';

/**
 * Per-thread kept working planes (drp/lib/scratch.ts): one plane per name and size, reused by
 * the next call with that name, never handed to two names; and the science that uses them
 * gives the same numbers as with fresh planes.
 */

describe('kept planes', () => {
  it('reuses a plane for the same name and size, zeroed where promised, and gives each name its own', () => {
    const a = zeroedInt32('test.int32.a', 64);
    a.fill(7);
    const again = zeroedInt32('test.int32.a', 64);
    expect(again).toBe(a);
    expect(again.every((v) => v === 0)).toBe(true);
    const b = zeroedInt32('test.int32.b', 64);
    expect(b).not.toBe(a);
    b.fill(3);
    expect(a.every((v) => v === 0)).toBe(true);
    // Another size makes a new plane, which is then the one kept.
    const bigger = zeroedInt32('test.int32.a', 128);
    expect(bigger).not.toBe(a);
    expect(zeroedInt32('test.int32.a', 128)).toBe(bigger);

    const u = scratchUint8('test.uint8', 32);
    u.fill(9);
    expect(scratchUint8('test.uint8', 32)).toBe(u);
    expect(zeroedUint8('test.uint8', 32).every((v) => v === 0)).toBe(true);
    expect(scratchUint8('test.uint8.other', 32)).not.toBe(u);
    const f = scratchFloat32('test.f32', 16);
    expect(scratchFloat32('test.f32', 16)).toBe(f);
    const set = keptPlanes('test.set', 16, () => ({ p: new Float32Array(16) }));
    expect(keptPlanes('test.set', 16, () => ({ p: new Float32Array(16) }))).toBe(set);
  });

  it('keeps nothing above 1 Mpx', () => {
    const n = (1 << 20) + 1;
    expect(zeroedInt32('test.int32.huge', n) === zeroedInt32('test.int32.huge', n)).toBe(false);
    expect(scratchUint8('test.uint8.huge', n) === scratchUint8('test.uint8.huge', n)).toBe(false);
  });
});

/** A field of Gaussian blobs with noise-free variance, for detections with footprints. */
function field(size: number, seed: number) {
  const data = new Float32Array(size * size);
  const variance = new Float32Array(size * size).fill(4);
  let s = seed;
  const rnd = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648);
  for (let k = 0; k < 12; k++) {
    const x0 = 8 + rnd() * (size - 16);
    const y0 = 8 + rnd() * (size - 16);
    const f = 200 + 2000 * rnd();
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) data[y * size + x]! += f * Math.exp(-((x - x0) ** 2 + (y - y0) ** 2) / 4.5);
  }
  for (let i = 0; i < data.length; i++) data[i]! += 2 * (rnd() - 0.5);
  return { data, variance, mask: new Int32Array(size * size) };
}

describe('science on kept planes', () => {
  const size = 96;
  const opts = { thresholdSigma: 5, minPixels: 5, peakMinSigma: 2, ignoreMask: 0 };

  it('detectSources labels in a kept plane equal fresh ones, are reused per name and not shared between names', () => {
    const f1 = field(size, 1);
    const f2 = field(size, 2);
    const fresh1 = detectSources(f1.data, f1.variance, f1.mask, size, size, 1.5, opts);
    const fresh2 = detectSources(f2.data, f2.variance, f2.mask, size, size, 1.5, opts);
    expect(fresh1.footprintArea.length).toBeGreaterThan(3);
    const kept1 = detectSources(f1.data, f1.variance, f1.mask, size, size, 1.5, opts, undefined, 'test.labels.a');
    const other = detectSources(f2.data, f2.variance, f2.mask, size, size, 1.5, opts, undefined, 'test.labels.b');
    // Two live users: the second name's call leaves the first's labels alone.
    expect(other.labels).not.toBe(kept1.labels);
    expect(Array.from(kept1.labels)).toEqual(Array.from(fresh1.labels));
    expect(Array.from(other.labels)).toEqual(Array.from(fresh2.labels));
    // The same name on another image: the same plane, with no label left over from the first.
    const kept2 = detectSources(f2.data, f2.variance, f2.mask, size, size, 1.5, opts, undefined, 'test.labels.a');
    expect(kept2.labels).toBe(kept1.labels);
    expect(Array.from(kept2.labels)).toEqual(Array.from(fresh2.labels));
    expect(Array.from(kept2.peakX)).toEqual(Array.from(fresh2.peakX));
  });

  it('footprintPixels and dilate into kept planes equal fresh ones, after a different image used them', () => {
    const a = detectSources(...Object.values(field(size, 3)) as [Float32Array, Float32Array, Int32Array], size, size, 1.5, opts);
    const b = detectSources(...Object.values(field(size, 4)) as [Float32Array, Float32Array, Int32Array], size, size, 1.5, opts);
    const fresh = dilate(footprintPixels(b.labels), size, size, 3);
    dilate(footprintPixels(a.labels, scratchUint8('test.fp', size * size)), size, size, 3, zeroedUint8('test.grown', size * size));
    const kept = dilate(footprintPixels(b.labels, scratchUint8('test.fp', size * size)), size, size, 3, zeroedUint8('test.grown', size * size));
    expect(kept.reduce((s, v) => s + v, 0)).toBeGreaterThan(0);
    expect(Array.from(kept)).toEqual(Array.from(fresh));
  });

  it('interpolateFlagged, reading the planes in place, interpolates from the unflagged pixels as they were', () => {
    const w = 16;
    const make = (seed: number) => {
      const resid = Float32Array.from({ length: w * w }, (_, i) => Math.sin(i * seed));
      const variance = Float32Array.from({ length: w * w }, (_, i) => 1 + ((i * seed) % 5));
      return { resid, variance };
    };
    const flagged = new Uint8Array(w * w);
    for (const i of [17, 18, 19, 50, 51, 66, 67, 200]) flagged[i] = 1;
    const second = make(7);
    const orig = Float32Array.from(second.resid);
    const origVar = Float32Array.from(second.variance);
    interpolateFlagged(second.resid, second.variance, flagged, w, w);
    // Pixel 18 (row 1, x 2): row neighbours 16 and 20 at distances 2 and 2 (17 and 19 are flagged
    // and written first), column neighbours 2 and 34.
    const row = orig[16]! * 0.5 + orig[20]! * 0.5;
    const col = orig[2]! * 0.5 + orig[34]! * 0.5;
    expect(second.resid[18]).toBe(Math.fround((row + col) / 2));
    // Pixel 51 (row 3, x 3): row neighbours 49 (2 px, 50 is flagged) and 52 (1 px); column 35 (1 px)
    // and 83 (2 px, 67 is flagged).
    const row51 = orig[49]! * (1 - 2 / 3) + orig[52]! * (2 / 3);
    const col51 = orig[35]! * (1 - 1 / 3) + orig[83]! * (1 / 3);
    expect(second.resid[51]).toBe(Math.fround((row51 + col51) / 2));
    for (let i = 0; i < w * w; i++) {
      if (flagged[i]) continue;
      expect(second.resid[i]).toBe(orig[i]);
      expect(second.variance[i]).toBe(origVar[i]);
    }
  });

  it('localBackground is the clipped annulus mean, the same on a second, smaller annulus', () => {
    const f = field(size, 5);
    const p = { ...f, width: size, height: size };
    const reference = (x: number, y: number, rIn: number, rOut: number) => {
      const v: number[] = [];
      const va: number[] = [];
      for (let j = 0; j < size; j++)
        for (let i = 0; i < size; i++) {
          const d2 = (i - x) ** 2 + (j - y) ** 2;
          if (d2 >= rIn * rIn && d2 <= rOut * rOut) {
            v.push(p.data[j * size + i]!);
            va.push(p.variance[j * size + i]!);
          }
        }
      const med = (a: number[]) => {
        const s = [...a].sort((q, r) => q - r);
        return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
      };
      const m = med(v);
      const clip = 4 * Math.sqrt(med(va));
      const kept = v.filter((q) => Math.abs(q - m) <= clip);
      return kept.reduce((s, q) => s + q, 0) / kept.length;
    };
    expect(localBackground(p, 48.3, 47.6, 12, 20, 0)).toBe(reference(48.3, 47.6, 12, 20));
    expect(localBackground(p, 30.1, 60.2, 5, 9, 0)).toBe(reference(30.1, 60.2, 5, 9));
    expect(localBackground(p, 3, 3, 5, 9, 0)).toBeNaN();
  });
});
