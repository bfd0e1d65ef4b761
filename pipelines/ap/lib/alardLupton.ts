import { PipelineError } from '../../framework/errors.ts';

/**
 * PSF matching by the Alard & Lupton (1998, ApJ 503, 325) method, as LSST's ip_diffim does it
 * (AlardLuptonSubtractTask): the matching kernel is a linear combination of fixed basis
 * functions, Gaussians times polynomials,
 *
 *   K(u, v) = Σ_k a_k B_k(u, v),   B = G_σ(u, v) · (u/h)^i (v/h)^j,   i + j ≤ degree(σ),
 *
 * and the coefficients, with a differential background b0 + b1·x + b2·y, solve the linear least
 * squares problem  target ≈ K ⊗ reference + background  on stamps around bright sources. As in
 * Alard (2000, A&AS 144, 363) every basis function but the first is made to sum to zero by
 * subtracting a multiple of the first, so Σ K = a_0 is the photometric scale and the other terms
 * only reshape the PSF. Each basis function is separable before that subtraction, so convolving
 * a stamp with it costs two 1-D passes.
 *
 * The kernel is spatially constant (SimCam's PSFs are constant over a detector; ip_diffim's
 * default spatial order is 2). Stamps whose residual χ²/pixel is an outlier (a variable source,
 * a missed cosmic ray, a blend) are rejected and the fit is repeated.
 */

export interface KernelBasis {
  halfWidth: number;
  /** Row-major (2h+1)² images of the basis functions, after the zero-sum normalisation. */
  images: Float64Array[];
  /** The separable factors before normalisation: B'_k = fx_k ⊗ fy_k, and B_k = B'_k - s_k · B'_0. */
  fx: Float64Array[];
  fy: Float64Array[];
  sums: Float64Array;
  /** Gaussian sigma and polynomial exponents of each function (for the record). */
  terms: { sigmaPx: number; i: number; j: number }[];
}

/** Gaussians of the given sigmas with polynomial degrees, sampled on ±halfWidth pixels. */
export function makeBasis(sigmasPx: readonly number[], degrees: readonly number[], halfWidth: number): KernelBasis {
  if (sigmasPx.length !== degrees.length || sigmasPx.length === 0) throw new PipelineError('BAD_INPUT', 'Alard-Lupton basis needs one polynomial degree per Gaussian sigma', { sigmasPx, degrees });
  const n = 2 * halfWidth + 1;
  const fx: Float64Array[] = [];
  const fy: Float64Array[] = [];
  const terms: KernelBasis['terms'] = [];
  for (let g = 0; g < sigmasPx.length; g++) {
    const s = sigmasPx[g]!;
    const gauss = new Float64Array(n);
    let sum = 0;
    for (let t = 0; t < n; t++) {
      const d = t - halfWidth;
      gauss[t] = Math.exp((-0.5 * d * d) / (s * s));
      sum += gauss[t]!;
    }
    for (let t = 0; t < n; t++) gauss[t]! /= sum;
    for (let i = 0; i <= degrees[g]!; i++) {
      for (let j = 0; i + j <= degrees[g]!; j++) {
        fx.push(Float64Array.from(gauss, (v, t) => v * ((t - halfWidth) / halfWidth) ** i));
        fy.push(Float64Array.from(gauss, (v, t) => v * ((t - halfWidth) / halfWidth) ** j));
        terms.push({ sigmaPx: s, i, j });
      }
    }
  }
  const sums = new Float64Array(fx.length);
  const images: Float64Array[] = [];
  for (let k = 0; k < fx.length; k++) {
    const img = new Float64Array(n * n);
    for (let v = 0; v < n; v++) for (let u = 0; u < n; u++) img[v * n + u] = fx[k]![u]! * fy[k]![v]!;
    let s = 0;
    for (const x of img) s += x;
    sums[k] = k === 0 ? 0 : s;
    images.push(img);
  }
  // Zero-sum normalisation against the first (unit-sum) function.
  for (let k = 1; k < images.length; k++) {
    const s = sums[k]!;
    if (s === 0) continue;
    const img = images[k]!;
    const first = images[0]!;
    for (let p = 0; p < img.length; p++) img[p]! -= s * first[p]!;
  }
  return { halfWidth, images, fx, fy, sums, terms };
}

export interface Stamp {
  /** Centre pixel (integers) of a stamp of half-size `half`. */
  x: number;
  y: number;
}

export interface FitInput {
  reference: Float32Array;
  target: Float32Array;
  /** Per-pixel weight source: target variance plus reference variance. */
  variance: Float32Array;
  width: number;
  height: number;
  stamps: readonly Stamp[];
  stampHalf: number;
  basis: KernelBasis;
  clipSigma: number;
  maxIterations: number;
}

export interface KernelSolution {
  coefficients: Float64Array;
  /** b0 + b1·(x/width - 0.5)·2 + b2·(y/height - 0.5)·2 */
  background: [number, number, number];
  kernel: Float64Array;
  halfWidth: number;
  kernelSum: number;
  /** Second moment per axis of the kernel, px² (the Gaussian width it adds to the PSF). */
  kernelVariancePx2: number;
  stampsUsed: number;
  stampsRejected: number;
  /** Mean χ² per pixel of the used stamps after the fit. */
  meanChi2: number;
}

/**
 * The design matrix of one stamp, row-major by pixel (np values per pixel): reference ⊗ B_k on
 * the stamp's pixels for each basis function, then the three background terms. Basis functions
 * that share their x factor (same Gaussian and x exponent) share the row pass of the separable
 * convolution.
 */
function stampDesign(input: FitInput, stamp: Stamp, design: Float64Array, work: StampWork): Float64Array {
  const { reference, width, height, basis, stampHalf } = input;
  const h = basis.halfWidth;
  const m = 2 * stampHalf + 1;
  const mm = m * m;
  const wide = m + 2 * h;
  const x0 = stamp.x - stampHalf - h;
  const y0 = stamp.y - stampHalf - h;
  const nb = basis.fx.length;
  const np = nb + 3;
  const { col, c0, rowPass } = work;
  const nk = 2 * h + 1;
  const groups = xFactorGroups(basis);
  let rowPassOf = -1;
  for (let k = 0; k < nb; k++) {
    const fx = basis.fx[k]!;
    const fy = basis.fy[k]!;
    const group = groups[k]!;
    if (group !== rowPassOf) {
      // Convolution (not correlation): out(x) = Σ_u f(u) in(x - u); f is indexed t = u + h.
      for (let yy = 0; yy < wide; yy++) {
        const row = (y0 + yy) * width + x0;
        for (let xx = 0; xx < m; xx++) {
          let s = 0;
          for (let t = 0; t < nk; t++) s += fx[t]! * reference[row + xx + 2 * h - t]!;
          rowPass[yy * m + xx] = s;
        }
      }
      rowPassOf = group;
    }
    for (let yy = 0; yy < m; yy++) {
      for (let xx = 0; xx < m; xx++) {
        let s = 0;
        for (let t = 0; t < nk; t++) s += fy[t]! * rowPass[(yy + 2 * h - t) * m + xx]!;
        col[yy * m + xx] = s;
      }
    }
    if (k === 0) c0.set(col);
    const sk = basis.sums[k]!;
    if (k > 0 && sk !== 0) for (let p = 0; p < mm; p++) col[p]! -= sk * c0[p]!;
    for (let p = 0; p < mm; p++) design[p * np + k] = col[p]!;
  }
  for (let yy = 0; yy < m; yy++) {
    for (let xx = 0; xx < m; xx++) {
      const p = (yy * m + xx) * np;
      design[p + nb] = 1;
      design[p + nb + 1] = (2 * (stamp.x - stampHalf + xx)) / width - 1;
      design[p + nb + 2] = (2 * (stamp.y - stampHalf + yy)) / height - 1;
    }
  }
  return design;
}

/** Per-stamp working rows of stampDesign, shared by the stamps of one fit. */
interface StampWork {
  col: Float64Array;
  c0: Float64Array;
  rowPass: Float64Array;
}

let designScratch: Float64Array | undefined;
/** Design matrices of up to 64 MB are kept for the next fit on this thread. */
const MAX_DESIGN_SCRATCH = 1 << 23;

/**
 * One buffer for the design matrices of all stamps of a fit (8.5 MB for 80 stamps of 21² pixels
 * and 30 parameters; nothing of it outlives fitKernel), kept for the next fit on this thread
 * instead of allocated per stamp: each stamp's matrix is written whole before it is read.
 */
function designBuffer(length: number): Float64Array {
  if (designScratch && designScratch.length >= length) return designScratch;
  const buf = new Float64Array(length);
  designScratch = length <= MAX_DESIGN_SCRATCH ? buf : undefined;
  return buf;
}

const groupCache = new WeakMap<KernelBasis, Int32Array>();

/** For each basis function, the first one with the same x factor (equal values: same Gaussian, same x exponent). */
function xFactorGroups(basis: KernelBasis): Int32Array {
  const cached = groupCache.get(basis);
  if (cached) return cached;
  const out = Int32Array.from(basis.fx, (fk, k) => {
    for (let j = 0; j < k; j++) if (basis.fx[j]!.every((v, q) => v === fk[q])) return j;
    return k;
  });
  groupCache.set(basis, out);
  return out;
}

interface StampSystem {
  /** Pixels × parameters, row-major. */
  design: Float64Array;
  target: Float64Array;
  weight: Float64Array;
  /** This stamp's terms of the normal equations, AᵀWA (upper triangle) and AᵀWb: fixed across clipping iterations. */
  ata: Float64Array;
  atb: Float64Array;
}

function stampSystem(input: FitInput, stamp: Stamp, designSpace: Float64Array, work: StampWork): StampSystem {
  const m = 2 * input.stampHalf + 1;
  const target = new Float64Array(m * m);
  const weight = new Float64Array(m * m);
  for (let yy = 0; yy < m; yy++) {
    for (let xx = 0; xx < m; xx++) {
      const p = (stamp.y - input.stampHalf + yy) * input.width + stamp.x - input.stampHalf + xx;
      target[yy * m + xx] = input.target[p]!;
      const v = input.variance[p]!;
      weight[yy * m + xx] = v > 0 ? 1 / v : 0;
    }
  }
  const design = stampDesign(input, stamp, designSpace, work);
  const np = input.basis.fx.length + 3;
  const ata = new Float64Array(np * np);
  const atb = new Float64Array(np);
  for (let p = 0; p < target.length; p++) {
    const w = weight[p]!;
    if (w === 0) continue;
    const row = p * np;
    const t = target[p]!;
    for (let a = 0; a < np; a++) {
      const va = design[row + a]! * w;
      atb[a]! += va * t;
      const ra = a * np;
      for (let b = a; b < np; b++) ata[ra + b]! += va * design[row + b]!;
    }
  }
  return { design, target, weight, ata, atb };
}

/** Solves A x = b (A symmetric positive semi-definite) by Gaussian elimination with partial pivoting. */
export function solveLinear(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const m = Float64Array.from(a);
  const x = Float64Array.from(b);
  for (let c = 0; c < n; c++) {
    let piv = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r * n + c]!) > Math.abs(m[piv * n + c]!)) piv = r;
    if (!(Math.abs(m[piv * n + c]!) > 1e-300)) throw new PipelineError('BAD_INPUT', 'the kernel fit is singular: too few or degenerate stamps', { column: c });
    if (piv !== c) {
      for (let k = 0; k < n; k++) [m[c * n + k], m[piv * n + k]] = [m[piv * n + k]!, m[c * n + k]!];
      [x[c], x[piv]] = [x[piv]!, x[c]!];
    }
    const d = m[c * n + c]!;
    for (let r = c + 1; r < n; r++) {
      const f = m[r * n + c]! / d;
      if (f === 0) continue;
      for (let k = c; k < n; k++) m[r * n + k]! -= f * m[c * n + k]!;
      x[r]! -= f * x[c]!;
    }
  }
  for (let r = n - 1; r >= 0; r--) {
    let s = x[r]!;
    for (let k = r + 1; k < n; k++) s -= m[r * n + k]! * x[k]!;
    x[r] = s / m[r * n + r]!;
  }
  return x;
}

export function fitKernel(input: FitInput, minStamps: number): KernelSolution {
  const m = 2 * input.stampHalf + 1;
  const h = input.basis.halfWidth;
  const perStamp = m * m * (input.basis.fx.length + 3);
  const designs = designBuffer(input.stamps.length * perStamp);
  const work: StampWork = { col: new Float64Array(m * m), c0: new Float64Array(m * m), rowPass: new Float64Array((m + 2 * h) * m) };
  const systems = input.stamps.map((s, i) => stampSystem(input, s, designs.subarray(i * perStamp, (i + 1) * perStamp), work));
  const nb = input.basis.images.length;
  const np = nb + 3;
  let used = systems.map(() => true);
  let solution: Float64Array = new Float64Array(np);
  let chi2 = new Float64Array(systems.length);
  for (let iter = 0; iter <= input.maxIterations; iter++) {
    const nUsed = used.filter(Boolean).length;
    if (nUsed < minStamps) throw new PipelineError('BAD_INPUT', `only ${nUsed} usable kernel stamps (need ${minStamps})`, { stamps: systems.length, used: nUsed });
    const ata = new Float64Array(np * np);
    const atb = new Float64Array(np);
    for (let si = 0; si < systems.length; si++) {
      if (!used[si]) continue;
      const st = systems[si]!;
      for (let a = 0; a < np; a++) {
        atb[a]! += st.atb[a]!;
        for (let b = a; b < np; b++) ata[a * np + b]! += st.ata[a * np + b]!;
      }
    }
    for (let a = 0; a < np; a++) for (let b = 0; b < a; b++) ata[a * np + b] = ata[b * np + a]!;
    solution = solveLinear(ata, atb, np);
    chi2 = Float64Array.from(systems, (s) => {
      let c = 0;
      let n = 0;
      for (let p = 0; p < s.target.length; p++) {
        if (s.weight[p] === 0) continue;
        let model = 0;
        const row = p * np;
        for (let a = 0; a < np; a++) model += solution[a]! * s.design[row + a]!;
        const r = s.target[p]! - model;
        c += r * r * s.weight[p]!;
        n++;
      }
      return n > 0 ? c / n : Infinity;
    });
    if (iter === input.maxIterations) break;
    const vals = Array.from(chi2).filter((_, i) => used[i]).sort((a, b) => a - b);
    const med = vals[Math.floor(vals.length / 2)]!;
    const mad = 1.4826 * [...vals.map((v) => Math.abs(v - med))].sort((a, b) => a - b)[Math.floor(vals.length / 2)]!;
    const limit = med + input.clipSigma * Math.max(mad, 0.05 * med);
    const next = systems.map((_, i) => used[i]! && chi2[i]! <= limit);
    // Clipping never takes the fit below minStamps: the last solution stands.
    if (next.every((v, i) => v === used[i]) || next.filter(Boolean).length < minStamps) break;
    used = next;
  }
  const n = 2 * h + 1;
  const kernel = new Float64Array(n * n);
  for (let k = 0; k < nb; k++) {
    const img = input.basis.images[k]!;
    const a = solution[k]!;
    for (let p = 0; p < kernel.length; p++) kernel[p]! += a * img[p]!;
  }
  let sum = 0;
  let m2 = 0;
  for (let v = 0; v < n; v++) {
    for (let u = 0; u < n; u++) {
      const k = kernel[v * n + u]!;
      sum += k;
      m2 += k * ((u - h) ** 2 + (v - h) ** 2);
    }
  }
  const usedIdx = used.map((u, i) => (u ? i : -1)).filter((i) => i >= 0);
  return {
    coefficients: solution.slice(0, nb),
    background: [solution[nb]!, solution[nb + 1]!, solution[nb + 2]!],
    kernel,
    halfWidth: h,
    kernelSum: sum,
    kernelVariancePx2: m2 / (2 * sum),
    stampsUsed: usedIdx.length,
    stampsRejected: systems.length - usedIdx.length,
    meanChi2: usedIdx.reduce((s, i) => s + chi2[i]!, 0) / usedIdx.length,
  };
}

/**
 * Direct 2-D convolution out = K ⊗ in over the pixels at least h from every edge; the h-wide
 * border is left 0 (the caller masks it NO_DATA). Float64 accumulation, fixed order: the same
 * bytes on every run.
 */
export function convolve2d(src: Float32Array, width: number, height: number, kernel: Float64Array, h: number, out: Float32Array): void {
  const n = 2 * h + 1;
  const acc = new Float64Array(width);
  out.fill(0);
  for (let y = h; y < height - h; y++) {
    acc.fill(0);
    for (let v = 0; v < n; v++) {
      // Row y - (v - h) of the source meets kernel row v.
      const srow = (y - v + h) * width;
      for (let u = 0; u < n; u++) {
        const k = kernel[v * n + u]!;
        if (k === 0) continue;
        const base = srow - u + h;
        for (let x = h; x < width - h; x++) acc[x]! += k * src[base + x]!;
      }
    }
    const row = y * width;
    for (let x = h; x < width - h; x++) out[row + x] = acc[x]!;
  }
}
