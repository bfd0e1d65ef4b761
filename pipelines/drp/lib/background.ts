import { clippedMeanInPlace, medianInPlace } from './stats.ts';

/**
 * Mesh background, as LSST's SubtractBackgroundTask does it (meas_algorithms
 * subtractBackground.py): the image is cut into cells of about binSizePx; each cell's level is a
 * sigma-clipped mean of its unmasked pixels (afw MEANCLIP); the model is the interpolation of
 * the cell levels at the cell centres. We interpolate bilinearly (LSST's default is an Akima
 * spline), holding the outermost centres' values constant out to the image edges. Cells with too
 * few usable pixels take the mean of their usable neighbours.
 */

export interface BackgroundOptions {
  binSizePx: number;
  clipSigma: number;
  nIter: number;
  /** Pixels with any of these mask bits are ignored. */
  ignoreMask: number;
  /** 'clippedMean' (levels) or 'median' (robust, e.g. for variance planes). */
  statistic?: 'clippedMean' | 'median';
}

export interface BackgroundModel {
  width: number;
  height: number;
  nx: number;
  ny: number;
  /** Cell edges along x (nx + 1 values) and y (ny + 1), pixels. */
  xEdges: Int32Array;
  yEdges: Int32Array;
  /** Cell levels, row-major (ny rows of nx). */
  levels: Float64Array;
}

function edges(size: number, n: number): Int32Array {
  const e = new Int32Array(n + 1);
  for (let k = 0; k <= n; k++) e[k] = Math.round((k * size) / n);
  return e;
}

/** Fraction of a cell's pixels that must be usable for its own level to count. */
const MIN_USABLE_FRACTION = 0.1;

export function estimateBackground(data: Float32Array, mask: Int32Array | null, width: number, height: number, opts: BackgroundOptions): BackgroundModel {
  const nx = Math.max(1, Math.round(width / opts.binSizePx));
  const ny = Math.max(1, Math.round(height / opts.binSizePx));
  const xEdges = edges(width, nx);
  const yEdges = edges(height, ny);
  const levels = new Float64Array(nx * ny).fill(Number.NaN);
  const scratch = cellScratch(Math.ceil(width / nx + 1) * Math.ceil(height / ny + 1));
  // The options' fields are read once: callers pass objects of different shapes (with and
  // without `statistic`), and reading them in the pixel loop deoptimized it at every new shape.
  const ignoreMask = opts.ignoreMask;
  const useMedian = opts.statistic === 'median';
  const { clipSigma, nIter } = opts;
  for (let cy = 0; cy < ny; cy++) {
    for (let cx = 0; cx < nx; cx++) {
      const n = usablePixels(data, mask, ignoreMask, width, xEdges[cx]!, xEdges[cx + 1]!, yEdges[cy]!, yEdges[cy + 1]!, scratch);
      const area = (xEdges[cx + 1]! - xEdges[cx]!) * (yEdges[cy + 1]! - yEdges[cy]!);
      if (n < Math.max(3, MIN_USABLE_FRACTION * area)) continue;
      levels[cy * nx + cx] = useMedian ? medianInPlace(scratch, n) : clippedMeanInPlace(scratch, n, clipSigma, nIter).mean;
    }
  }
  fillMissing(levels, nx, ny);
  return { width, height, nx, ny, xEdges, yEdges, levels };
}

let cellValues = new Float64Array(0);

/** A cell's working values (only the first n written are read), grown as needed and kept per thread. */
function cellScratch(n: number): Float64Array {
  if (cellValues.length < n) cellValues = new Float64Array(n);
  return cellValues;
}

/** Copies the cell's unmasked, non-NaN pixels into scratch in raster order; returns how many. */
function usablePixels(data: Float32Array, mask: Int32Array | null, ignoreMask: number, width: number, x0: number, x1: number, y0: number, y1: number, scratch: Float64Array): number {
  let n = 0;
  for (let y = y0; y < y1; y++) {
    const row = y * width;
    for (let x = x0; x < x1; x++) {
      const i = row + x;
      if (mask !== null && (mask[i]! & ignoreMask) !== 0) continue;
      const v = data[i]!;
      if (v === v) scratch[n++] = v; // skips NaN
    }
  }
  return n;
}

/** Empty cells take the mean of their usable 8-neighbours, growing inwards until all are set. */
function fillMissing(levels: Float64Array, nx: number, ny: number): void {
  let missing = 0;
  for (let i = 0; i < levels.length; i++) if (Number.isNaN(levels[i]!)) missing++;
  if (missing === levels.length) {
    levels.fill(0);
    return;
  }
  while (missing > 0) {
    const next = Float64Array.from(levels);
    for (let cy = 0; cy < ny; cy++) {
      for (let cx = 0; cx < nx; cx++) {
        if (!Number.isNaN(levels[cy * nx + cx]!)) continue;
        let s = 0;
        let m = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const x = cx + dx;
            const y = cy + dy;
            if (x < 0 || y < 0 || x >= nx || y >= ny) continue;
            const v = levels[y * nx + x]!;
            if (!Number.isNaN(v)) {
              s += v;
              m++;
            }
          }
        }
        if (m > 0) {
          next[cy * nx + cx] = s / m;
          missing--;
        }
      }
    }
    levels.set(next);
  }
}

/** Interpolation abscissae: cell centres along one axis. */
function centres(e: Int32Array): Float64Array {
  const c = new Float64Array(e.length - 1);
  for (let k = 0; k < c.length; k++) c[k] = (e[k]! + e[k + 1]! - 1) / 2;
  return c;
}

/** For each pixel coordinate, the lower cell index and the weight of the upper one. */
function axisWeights(size: number, c: Float64Array): { lower: Int32Array; frac: Float64Array } {
  const lower = new Int32Array(size);
  const frac = new Float64Array(size);
  let k = 0;
  for (let p = 0; p < size; p++) {
    while (k + 1 < c.length - 1 && p > c[k + 1]!) k++;
    if (c.length === 1 || p <= c[0]!) {
      lower[p] = 0;
      frac[p] = 0;
    } else if (p >= c[c.length - 1]!) {
      lower[p] = c.length - 2;
      frac[p] = 1;
    } else {
      lower[p] = k;
      frac[p] = (p - c[k]!) / (c[k + 1]! - c[k]!);
    }
  }
  return { lower, frac };
}

/** The background model at every pixel (bilinear between cell centres), into out. */
export function evaluateBackground(model: BackgroundModel, out: Float32Array): Float32Array {
  const { width, height, nx, ny, levels } = model;
  const ax = axisWeights(width, centres(model.xEdges));
  const ay = axisWeights(height, centres(model.yEdges));
  const rowLevels = new Float64Array(nx);
  for (let y = 0; y < height; y++) {
    const ly = ay.lower[y]!;
    const fy = ay.frac[y]!;
    const uy = Math.min(ny - 1, ly + 1);
    for (let cx = 0; cx < nx; cx++) rowLevels[cx] = levels[ly * nx + cx]! * (1 - fy) + levels[uy * nx + cx]! * fy;
    const row = y * width;
    for (let x = 0; x < width; x++) {
      const lx = ax.lower[x]!;
      const fx = ax.frac[x]!;
      out[row + x] = rowLevels[lx]! * (1 - fx) + rowLevels[Math.min(nx - 1, lx + 1)]! * fx;
    }
  }
  return out;
}

/** Mean of the cell levels: a summary number for metadata. */
export function meanLevel(model: BackgroundModel): number {
  let s = 0;
  for (const v of model.levels) s += v;
  return s / model.levels.length;
}
