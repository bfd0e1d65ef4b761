/**
 * Seeded randomness for SimCam: xoshiro128** (Blackman & Vigna 2018) seeded through splitmix32,
 * with Gaussian (Marsaglia polar) and Poisson (inversion for small means; PTRS transformed rejection,
 * Hörmann 1993, as numpy uses, for means >= 10: exact at every mean) sampling.
 *
 * Each purpose gets its own stream from (seed, ...tags), so rendering one detector never depends
 * on what was rendered before it. Results are bit-identical for the same Node/V8 version
 * (Math.log and friends are deterministic there, not across engines).
 */

const TWO_POW_32 = 4294967296;

/** 32-bit FNV-1a hash of a string. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [next, (z ^ (z >>> 16)) >>> 0];
}

/**
 * Stirling series for ln Γ(x), shifted up to x >= 7 (numpy's random_loggam); relative error
 * ~1e-15, used only in PTRS's acceptance test.
 */
function logGamma(x: number): number {
  if (x === 1 || x === 2) return 0;
  const a = [
    8.333333333333333e-2, -2.777777777777778e-3, 7.936507936507937e-4, -5.952380952380952e-4, 8.417508417508418e-4,
    -1.917526917526918e-3, 6.410256410256410e-3, -2.955065359477124e-2, 1.796443723688307e-1, -1.3924322169059,
  ];
  let x0 = x;
  let n = 0;
  if (x <= 7) {
    n = Math.floor(7 - x);
    x0 = x + n;
  }
  const x2 = 1 / (x0 * x0);
  let gl0 = a[9]!;
  for (let k = 8; k >= 0; k--) gl0 = gl0 * x2 + a[k]!;
  let gl = gl0 / x0 + 0.5 * Math.log(2 * Math.PI) + (x0 - 0.5) * Math.log(x0) - x0;
  for (let k = 1; k <= n; k++) {
    gl -= Math.log(x0 - 1);
    x0 -= 1;
  }
  return gl;
}

export class Rng {
  private s0: number;
  private s1: number;
  private s2: number;
  private s3: number;
  private spare = 0;
  private hasSpare = false;

  /** A stream for (seed, ...tags); distinct tags give independent-looking streams. */
  constructor(seed: number, ...tags: (string | number)[]) {
    let state = fnv1a(`${seed}/${tags.join('/')}`);
    const words: number[] = [];
    for (let i = 0; i < 4; i++) {
      const [next, out] = splitmix32(state);
      state = next;
      words.push(out | 0);
    }
    [this.s0, this.s1, this.s2, this.s3] = words as [number, number, number, number];
    if ((this.s0 | this.s1 | this.s2 | this.s3) === 0) this.s0 = 1;
  }

  /** Next 32-bit output as an unsigned integer. */
  nextUint32(): number {
    const result = Math.imul(rotl(Math.imul(this.s1, 5), 7), 9);
    const t = this.s1 << 9;
    this.s2 ^= this.s0;
    this.s3 ^= this.s1;
    this.s1 ^= this.s2;
    this.s0 ^= this.s3;
    this.s2 ^= t;
    this.s3 = rotl(this.s3, 11);
    return result >>> 0;
  }

  /** Uniform in the open interval (0, 1), 32-bit resolution. */
  uniform(): number {
    return (this.nextUint32() + 0.5) / TWO_POW_32;
  }

  /** Uniform in [lo, hi). */
  range(lo: number, hi: number): number {
    return lo + (hi - lo) * this.uniform();
  }

  /** Integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.uniform() * n);
  }

  /** Standard normal deviate (Marsaglia polar method, both values used). */
  gaussian(): number {
    if (this.hasSpare) {
      this.hasSpare = false;
      return this.spare;
    }
    let u: number;
    let v: number;
    let s: number;
    do {
      u = 2 * this.uniform() - 1;
      v = 2 * this.uniform() - 1;
      s = u * u + v * v;
    } while (s >= 1);
    const f = Math.sqrt((-2 * Math.log(s)) / s);
    this.spare = v * f;
    this.hasSpare = true;
    return u * f;
  }

  /** Poisson deviate of mean `mean` (>= 0); exact in distribution at every mean. */
  poisson(mean: number): number {
    if (!(mean > 0)) return 0;
    if (mean < 10) {
      // Multiplication (Knuth): count uniforms until their product drops below e^-mean.
      const limit = Math.exp(-mean);
      let k = 0;
      let p = this.uniform();
      while (p > limit) {
        k++;
        p *= this.uniform();
      }
      return k;
    }
    return this.poissonPtrs(mean);
  }

  /**
   * PTRS (Hörmann 1993, "The transformed rejection method for generating Poisson random
   * variables"), as numpy's random_poisson_ptrs. The logarithms are needed only by the rarely
   * reached exact acceptance test, so they are computed there.
   */
  private poissonPtrs(lam: number): number {
    const slam = Math.sqrt(lam);
    const b = 0.931 + 2.53 * slam;
    const a = -0.059 + 0.02483 * b;
    const vr = 0.9277 - 3.6224 / (b - 2);
    for (;;) {
      const u = this.uniform() - 0.5;
      const v = this.uniform();
      const us = 0.5 - Math.abs(u);
      const k = Math.floor(((2 * a) / us + b) * u + lam + 0.43);
      if (us >= 0.07 && v <= vr) return k;
      if (k < 0 || (us < 0.013 && v > us)) continue;
      const invAlpha = 1.1239 + 1.1328 / (b - 3.4);
      if (Math.log(v) + Math.log(invAlpha) - Math.log(a / (us * us) + b) <= -lam + k * Math.log(lam) - logGamma(k + 1)) return k;
    }
  }
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}
