/**
 * Separable convolution with zero padding outside the image, in two passes (rows, then
 * columns), accumulating in float64 for reproducible sums. The column pass runs over whole rows
 * at a time so the inner loop is a contiguous multiply-add.
 */

/** A normalised 1-D Gaussian sampled at integer offsets -radius..radius. */
export function gaussianKernel1d(sigmaPx: number, radius = Math.max(1, Math.ceil(3 * sigmaPx))): Float64Array {
  const k = new Float64Array(2 * radius + 1);
  let s = 0;
  for (let i = -radius; i <= radius; i++) {
    const v = Math.exp((-0.5 * i * i) / (sigmaPx * sigmaPx));
    k[i + radius] = v;
    s += v;
  }
  for (let i = 0; i < k.length; i++) k[i]! /= s;
  return k;
}

/** out = (kx ⊗ ky) * src; kx, ky of odd length, centred. tmp must hold width·height values. */
export function convolveSeparable(
  src: Float32Array | Float64Array,
  width: number,
  height: number,
  kx: Float64Array,
  ky: Float64Array,
  out: Float32Array | Float64Array,
  tmp: Float64Array,
): void {
  const rx = (kx.length - 1) >> 1;
  const ry = (ky.length - 1) >> 1;
  const nk = kx.length;
  for (let y = 0; y < height; y++) {
    const row = y * width;
    // Interior pixels need no bounds checks; only the rx pixels at each end do.
    const xa = Math.min(rx, width);
    const xb = Math.max(xa, width - rx);
    for (let x = 0; x < xa; x++) tmp[row + x] = edgeSum(src, row, x, width, kx, rx);
    for (let x = xa; x < xb; x++) {
      const base = row + x - rx;
      let s = 0;
      for (let i = 0; i < nk; i++) s += kx[i]! * src[base + i]!;
      tmp[row + x] = s;
    }
    for (let x = xb; x < width; x++) tmp[row + x] = edgeSum(src, row, x, width, kx, rx);
  }
  const acc = new Float64Array(width);
  for (let y = 0; y < height; y++) {
    acc.fill(0);
    const j0 = Math.max(-ry, -y);
    const j1 = Math.min(ry, height - 1 - y);
    for (let j = j0; j <= j1; j++) {
      const w = ky[j + ry]!;
      const row = (y + j) * width;
      for (let x = 0; x < width; x++) acc[x]! += w * tmp[row + x]!;
    }
    const row = y * width;
    for (let x = 0; x < width; x++) out[row + x] = acc[x]!;
  }
}

function edgeSum(src: Float32Array | Float64Array, row: number, x: number, width: number, kx: Float64Array, rx: number): number {
  const i0 = Math.max(-rx, -x);
  const i1 = Math.min(rx, width - 1 - x);
  let s = 0;
  for (let i = i0; i <= i1; i++) s += kx[i + rx]! * src[row + x + i]!;
  return s;
}

export function squared(k: Float64Array): Float64Array {
  return Float64Array.from(k, (v) => v * v);
}
