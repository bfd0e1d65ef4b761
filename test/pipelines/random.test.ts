import { describe, expect, it } from 'vitest';
import { Rng } from '../../pipelines/simcam/random.ts';

function moments(draw: () => number, n: number): { mean: number; variance: number; skew: number } {
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  const xs = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    xs[i] = draw();
    s1 += xs[i]!;
  }
  const mean = s1 / n;
  for (let i = 0; i < n; i++) {
    const d = xs[i]! - mean;
    s2 += d * d;
    s3 += d * d * d;
  }
  const variance = s2 / (n - 1);
  return { mean, variance, skew: s3 / n / variance ** 1.5 };
}

describe('seeded random numbers', () => {
  it('repeats a stream for the same seed and tags and differs for other tags', () => {
    const a = new Rng(7, 'raw', 1, 2);
    const b = new Rng(7, 'raw', 1, 2);
    const c = new Rng(7, 'raw', 1, 3);
    const xa = Array.from({ length: 5 }, () => a.nextUint32());
    expect(Array.from({ length: 5 }, () => b.nextUint32())).toEqual(xa);
    expect(Array.from({ length: 5 }, () => c.nextUint32())).not.toEqual(xa);
  });

  it('draws uniforms in (0, 1) with mean 1/2 and variance 1/12', () => {
    const rng = new Rng(1, 'u');
    const m = moments(() => rng.uniform(), 200_000);
    expect(m.mean).toBeCloseTo(0.5, 2);
    expect(m.variance).toBeCloseTo(1 / 12, 3);
  });

  it('draws standard normals: mean 0, variance 1, no skew, tail fractions as erf says', () => {
    const rng = new Rng(1, 'g');
    const n = 200_000;
    let beyond2 = 0;
    const m = moments(() => {
      const x = rng.gaussian();
      if (Math.abs(x) > 2) beyond2++;
      return x;
    }, n);
    expect(Math.abs(m.mean)).toBeLessThan(0.01);
    expect(m.variance).toBeCloseTo(1, 1);
    expect(Math.abs(m.skew)).toBeLessThan(0.02);
    expect(beyond2 / n).toBeCloseTo(0.0455, 2);
  });

  it.each([0.3, 4, 9.99, 10, 30, 1000, 1e5, 1e7])('draws Poisson deviates of mean %d with mean = variance = λ and skewness 1/√λ', (lam) => {
    const rng = new Rng(3, 'p', lam);
    const n = 100_000;
    let integers = true;
    const m = moments(() => {
      const k = rng.poisson(lam);
      if (!Number.isInteger(k) || k < 0) integers = false;
      return k;
    }, n);
    expect(integers).toBe(true);
    // Standard errors: mean √(λ/n); variance ≈ λ√(2/n); skewness √(6/n) ≈ 0.008.
    expect(Math.abs(m.mean - lam)).toBeLessThan(5 * Math.sqrt(lam / n));
    expect(Math.abs(m.variance / lam - 1)).toBeLessThan(5 * Math.sqrt(2 / n) + 5 / Math.sqrt(n * lam));
    expect(Math.abs(m.skew - 1 / Math.sqrt(lam))).toBeLessThan(0.04);
  });

  it('gives P(0) = e^-λ at a small mean', () => {
    const rng = new Rng(5, 'p0');
    const n = 200_000;
    let zeros = 0;
    for (let i = 0; i < n; i++) if (rng.poisson(2) === 0) zeros++;
    expect(Math.abs(zeros / n - Math.exp(-2))).toBeLessThan(5 * Math.sqrt((Math.exp(-2) * (1 - Math.exp(-2))) / n));
  });
});
