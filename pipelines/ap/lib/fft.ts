import { PipelineError } from '../../framework/errors.ts';
import { keptPlanes } from '../../drp/lib/scratch.ts';

/**
 * Convolution of an image and its variance with a small kernel and its square by FFT, for the
 * Alard-Lupton subtraction (subtractImages applies its fitted kernel this way).
 *
 * Why FFT: the fitted kernel is a sum of 27 basis functions that group into 11 separable terms,
 * and its singular values fall slowly (it is fitted to noisy stamps), so neither the basis nor
 * an SVD gives a separable form cheaper than the (2h+1)² direct sum; K² has no such form at all.
 * Direct convolution of a 512² detector with a 23² kernel and its square is ~280 M multiply-adds;
 * by FFT it is three complex 2-D transforms of 512² (~3 × 24 M butterflies' worth of flops).
 *
 * Size and wrap-around: the transform is N_x × N_y with N the smallest power of two ≥ the
 * image's size. An output pixel at least h from every edge only ever reads input pixels inside
 * the image, so the circular convolution equals the linear one there; only those pixels are
 * written (the h-wide border is left 0, as convolve2d leaves it; the caller masks it NO_DATA).
 *
 * Two real convolutions per complex transform: the image and the variance are packed as the real
 * and imaginary parts of one input, K and K² likewise, split by the conjugate symmetry of the
 * transform of a real array, multiplied, recombined and inverted once. Float64 throughout, a
 * fixed order of operations: the same bytes on every run. The result agrees with the direct sum
 * to ~1e-12 relative (float64 rounding of the transforms), far below the float32 output's 6e-8.
 */

/** Radix-2 complex FFT of one size, tables precomputed. */
export class Fft {
  readonly n: number;
  private readonly cos: Float64Array;
  private readonly sin: Float64Array;
  private readonly rev: Uint32Array;

  constructor(n: number) {
    if (!(n >= 1 && (n & (n - 1)) === 0)) throw new PipelineError('BAD_INPUT', `FFT size ${n} is not a power of two`);
    this.n = n;
    this.cos = new Float64Array(n >> 1);
    this.sin = new Float64Array(n >> 1);
    for (let k = 0; k < n >> 1; k++) {
      this.cos[k] = Math.cos((2 * Math.PI * k) / n);
      this.sin[k] = -Math.sin((2 * Math.PI * k) / n);
    }
    this.rev = new Uint32Array(n);
    let bits = 0;
    while (1 << bits < n) bits++;
    for (let i = 0; i < n; i++) {
      let r = 0;
      for (let b = 0; b < bits; b++) if ((i >> b) & 1) r |= 1 << (bits - 1 - b);
      this.rev[i] = r;
    }
  }

  /** In place on re[off..off+n), im[off..off+n); inverse without the 1/n scale. */
  transform(re: Float64Array, im: Float64Array, off: number, inverse: boolean): void {
    const n = this.n;
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) {
        const tr = re[off + i]!;
        re[off + i] = re[off + j]!;
        re[off + j] = tr;
        const ti = im[off + i]!;
        im[off + i] = im[off + j]!;
        im[off + j] = ti;
      }
    }
    const sign = inverse ? -1 : 1;
    const cos = this.cos;
    const sin = this.sin;
    // Within a stage the butterflies touch disjoint pairs, so their order does not matter: one
    // twiddle factor at a time, for every block of the stage.
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let k = 0; k < half; k++) {
        const wr = cos[k * step]!;
        const wi = sign * sin[k * step]!;
        for (let start = 0; start < n; start += size) {
          const a = off + start + k;
          const b = a + half;
          const br = re[b]!;
          const bi = im[b]!;
          const tr = wr * br - wi * bi;
          const ti = wr * bi + wi * br;
          const ar = re[a]!;
          const ai = im[a]!;
          re[b] = ar - tr;
          im[b] = ai - ti;
          re[a] = ar + tr;
          im[a] = ai + ti;
        }
      }
    }
  }

  /**
   * The transform along y of every column of an n × stride row-major array (n rows of `stride`
   * values), in place: transform(column) for each column, with rows as the vector unit.
   */
  transformRows(re: Float64Array, im: Float64Array, stride: number, inverse: boolean): void {
    const n = this.n;
    const rev = this.rev;
    for (let i = 0; i < n; i++) {
      const j = rev[i]!;
      if (j > i) swapRows(re, im, i * stride, j * stride, stride);
    }
    const sign = inverse ? -1 : 1;
    for (let size = 2; size <= n; size <<= 1) {
      const half = size >> 1;
      const step = n / size;
      for (let start = 0; start < n; start += size) {
        for (let k = 0; k < half; k++) {
          const wr = this.cos[k * step]!;
          const wi = sign * this.sin[k * step]!;
          butterflyRows(re, im, (start + k) * stride, (start + k + half) * stride, stride, wr, wi);
        }
      }
    }
  }
}

function swapRows(re: Float64Array, im: Float64Array, a: number, b: number, len: number): void {
  for (let x = 0; x < len; x++) {
    const tr = re[a + x]!;
    re[a + x] = re[b + x]!;
    re[b + x] = tr;
    const ti = im[a + x]!;
    im[a + x] = im[b + x]!;
    im[b + x] = ti;
  }
}

/** One radix-2 butterfly between rows a and b, element by element (Fft.transform's arithmetic). */
function butterflyRows(re: Float64Array, im: Float64Array, a: number, b: number, len: number, wr: number, wi: number): void {
  for (let x = 0; x < len; x++) {
    const br = re[b + x]!;
    const bi = im[b + x]!;
    const tr = wr * br - wi * bi;
    const ti = wr * bi + wi * br;
    const ar = re[a + x]!;
    const ai = im[a + x]!;
    re[b + x] = ar - tr;
    im[b + x] = ai - ti;
    re[a + x] = ar + tr;
    im[a + x] = ai + ti;
  }
}

function nextPow2(n: number): number {
  let p = 1;
  while (p < n) p <<= 1;
  return p;
}

/**
 * 2-D transform of an nx × ny row-major complex array: rows (those in `rows` only, the others
 * being zero), then columns. The column transforms run on whole rows at a time (fy.transformRows):
 * the same butterflies in the same order as one column after another, so the same bytes, but each
 * inner loop is a contiguous pass over a row with one twiddle factor instead of a walk down a
 * column with a stride of nx·8 bytes, which the cache punished (every element a different line
 * of the same set).
 */
function transform2d(re: Float64Array, im: Float64Array, fx: Fft, fy: Fft, inverse: boolean, rows: Iterable<number>): void {
  for (const y of rows) fx.transform(re, im, y * fx.n, inverse);
  fy.transformRows(re, im, fx.n, inverse);
}

interface Planes {
  zr: Float64Array;
  zi: Float64Array;
  kr: Float64Array;
  ki: Float64Array;
}

const ffts = new Map<number, Fft>();

/**
 * The four working planes of one convolution (8 MB at 512²; nothing of them is returned), kept
 * for the next call on this thread instead of allocated each time (freed buffers of that size are
 * what makes V8 collect; up to 1 Mpx, drp/lib/scratch.ts). kr and ki come back zeroed; zr and zi
 * hold the last call's values.
 */
function planes(size: number): Planes {
  const p = keptPlanes('convolvePairFft', size, () => ({ zr: new Float64Array(size), zi: new Float64Array(size), kr: new Float64Array(size), ki: new Float64Array(size) }));
  // zr and zi: the caller writes the image's pixels and zeroes the padding.
  p.kr.fill(0);
  p.ki.fill(0);
  return p;
}

function fftOf(n: number): Fft {
  let f = ffts.get(n);
  if (!f) ffts.set(n, (f = new Fft(n)));
  return f;
}

function* rowsFrom(a: number, b: number): Generator<number> {
  for (let y = a; y < b; y++) yield y;
}

/**
 * The product planes P = F(a)F(Ka) + i F(b)F(Kb) from Z = F(a + i b) and Q = F(Ka + i Kb), written
 * over Q. Each transform is split by conjugate symmetry (F(a)[f] = (Z[f] + conj Z[-f]) / 2,
 * F(b)[f] = (Z[f] − conj Z[-f]) / 2i). P at f and at −f both need Z and Q at f and −f, so each
 * pair (f, −f) is done together before either is overwritten.
 */
function multiplySplit(zr: Float64Array, zi: Float64Array, kr: Float64Array, ki: Float64Array, nx: number, ny: number): void {
  for (let y = 0; y < ny; y++) {
    const my = (ny - y) & (ny - 1);
    if (my < y) continue;
    for (let x = 0; x < nx; x++) {
      const mx = (nx - x) & (nx - 1);
      const f = y * nx + x;
      const g = my * nx + mx;
      if (g < f) continue;
      const zrf = zr[f]!;
      const zif = zi[f]!;
      const zrg = zr[g]!;
      const zig = zi[g]!;
      const krf = kr[f]!;
      const kif = ki[f]!;
      const krg = kr[g]!;
      const kig = ki[g]!;
      productAt(zrf, zif, zrg, zig, krf, kif, krg, kig);
      kr[f] = productRe;
      ki[f] = productIm;
      if (g !== f) {
        productAt(zrg, zig, zrf, zif, krg, kig, krf, kif);
        kr[g] = productRe;
        ki[g] = productIm;
      }
    }
  }
}

let productRe = 0;
let productIm = 0;

/** P at f from Z and Q at f and at g = −f, into productRe and productIm (no object per pixel). */
function productAt(zrf: number, zif: number, zrg: number, zig: number, krf: number, kif: number, krg: number, kig: number): void {
  // Image and variance transforms at f.
  const ar = 0.5 * (zrf + zrg);
  const ai = 0.5 * (zif - zig);
  const br = 0.5 * (zif + zig);
  const bi = -0.5 * (zrf - zrg);
  // Kernel transforms at f.
  const kar = 0.5 * (krf + krg);
  const kai = 0.5 * (kif - kig);
  const kbr = 0.5 * (kif + kig);
  const kbi = -0.5 * (krf - krg);
  // Products.
  const qar = ar * kar - ai * kai;
  const qai = ar * kai + ai * kar;
  const qbr = br * kbr - bi * kbi;
  const qbi = br * kbi + bi * kbr;
  // P = Qa + i·Qb.
  productRe = qar - qbi;
  productIm = qai + qbr;
}

/**
 * outA = kernelA ⊗ srcA and outB = kernelB ⊗ srcB (convolution: out(x) = Σ_u k(u) src(x − u)),
 * both kernels (2h+1)² row-major and centred, over the pixels at least h from every edge; the
 * border is left 0.
 */
export function convolvePairFft(
  srcA: Float32Array,
  kernelA: Float64Array,
  srcB: Float32Array,
  kernelB: Float64Array,
  width: number,
  height: number,
  h: number,
  outA: Float32Array,
  outB: Float32Array,
): void {
  const k = 2 * h + 1;
  if (kernelA.length !== k * k || kernelB.length !== k * k) throw new PipelineError('BAD_INPUT', `convolution kernels must be ${k}x${k}`);
  outA.fill(0);
  outB.fill(0);
  if (width <= 2 * h || height <= 2 * h) return;
  const nx = nextPow2(width);
  const ny = nextPow2(height);
  const fx = fftOf(nx);
  const fy = fftOf(ny);
  const size = nx * ny;
  const { zr, zi, kr, ki } = planes(size);

  // Image (real) + i·variance (imaginary), zero-padded.
  for (let y = 0; y < height; y++) {
    const s = y * width;
    const d = y * nx;
    for (let x = 0; x < width; x++) {
      zr[d + x] = srcA[s + x]!;
      zi[d + x] = srcB[s + x]!;
    }
    zr.fill(0, d + width, d + nx);
    zi.fill(0, d + width, d + nx);
  }
  zr.fill(0, height * nx);
  zi.fill(0, height * nx);
  transform2d(zr, zi, fx, fy, false, rowsFrom(0, height));

  // Kernel A (real) + i·kernel B (imaginary), centre at the origin, wrapped.
  const kernelRows: number[] = [];
  for (let v = 0; v < k; v++) {
    const yy = (v - h + ny) % ny;
    kernelRows.push(yy);
    for (let u = 0; u < k; u++) {
      const xx = (u - h + nx) % nx;
      kr[yy * nx + xx] = kernelA[v * k + u]!;
      ki[yy * nx + xx] = kernelB[v * k + u]!;
    }
  }
  kernelRows.sort((a, b) => a - b);
  transform2d(kr, ki, fx, fy, false, kernelRows);

  // Split both, multiply, pack the two products as one plane (over the kernels'), invert it.
  multiplySplit(zr, zi, kr, ki, nx, ny);
  const pr = kr;
  const pi = ki;
  transform2d(pr, pi, fx, fy, true, rowsFrom(0, ny));
  const scale = 1 / size;
  for (let y = h; y < height - h; y++) {
    const s = y * nx;
    const d = y * width;
    for (let x = h; x < width - h; x++) {
      outA[d + x] = pr[s + x]! * scale;
      outB[d + x] = pi[s + x]! * scale;
    }
  }
}
