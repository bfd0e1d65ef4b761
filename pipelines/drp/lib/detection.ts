import { convolveSeparable, gaussianKernel1d, squared } from './convolve.ts';
import { keptPlanes, zeroedInt32, zeroedUint8 } from './scratch.ts';

/**
 * Source detection as in LSST's SourceDetectionTask (meas_algorithms detection.py): the image is
 * smoothed with a Gaussian approximating the PSF (a matched filter), and pixels whose smoothed
 * S/N exceeds thresholdSigma form footprints (8-connected components). Unlike LSST we compute
 * the S/N per pixel exactly for the truncated, masked kernel:
 *
 *   S/N(p) = Σ K·I·valid / sqrt(Σ K²·V·valid)
 *
 * (I the background-subtracted image, V its variance), so detection works up to the image edges
 * and across coverage steps of coadds without an EDGE border.
 *
 * Peaks are local maxima of the smoothed image inside footprints (lib/deblend.ts adds the peaks
 * of stars without a maximum of their own and splits footprints). A secondary peak is
 * kept only if the smoothed image dips by at least peakMinSigma (in its own noise) on the
 * straight line to every brighter kept peak of its footprint, which removes noise bumps on the
 * wings of bright stars (a cheap stand-in for a saddle-point search).
 */

export interface DetectionOptions {
  thresholdSigma: number;
  /** Footprints with fewer pixels are dropped. */
  minPixels: number;
  peakMinSigma: number;
  /** Pixels with any of these mask bits take no part (e.g. NO_DATA, BAD). */
  ignoreMask: number;
}

export interface Detections {
  /** Peak positions (integer pixels), their smoothed S/N, and their footprint index. */
  peakX: Int32Array;
  peakY: Int32Array;
  peakSnr: Float64Array;
  /** Smoothed image at the peak: a flux-like brightness for ranking and isolation tests. */
  peakValue: Float64Array;
  peakFootprint: Int32Array;
  /** Footprint areas, pixels. */
  footprintArea: Int32Array;
  /** Per pixel: footprint index + 1, or 0 outside footprints. */
  labels: Int32Array;
}

/** The matched filter's two planes: Σ K·I·valid and Σ K²·V·valid. */
export interface MatchedFilter {
  smooth: Float64Array;
  noise2: Float64Array;
}

/** The detection kernel for a PSF-like Gaussian of kernelSigmaPx. */
export function detectionKernel(kernelSigmaPx: number): Float64Array {
  // ±2.5 sigma holds 98.8% of the kernel: a matched filter loses nothing measurable, and it is cheaper.
  return gaussianKernel1d(kernelSigmaPx, Math.max(1, Math.ceil(2.5 * kernelSigmaPx)));
}

/**
 * Finds sources. `filtered`, when given, is the matched filter of exactly these planes (a caller
 * that detects on several related planes, e.g. an image and its negation, computes it once).
 * `keepLabelsAs`, when given, names a per-thread kept plane (scratch.ts) for the labels instead
 * of a new one: for a caller that reads them only until its next call with that name (1 MB at 512²).
 */
export function detectSources(
  image: Float32Array,
  variance: Float32Array,
  mask: Int32Array,
  width: number,
  height: number,
  kernelSigmaPx: number,
  opts: DetectionOptions,
  filtered?: MatchedFilter,
  keepLabelsAs?: string,
): Detections {
  const n = width * height;
  const planes = scratchPlanes(n);
  const { smooth, noise2 } = filtered ?? filterInto(planes, image, variance, mask, width, height, kernelSigmaPx, opts.ignoreMask);
  const snr = planes.snr;
  for (let i = 0; i < n; i++) snr[i] = noise2[i]! > 0 ? smooth[i]! / Math.sqrt(noise2[i]!) : 0;

  const labels = labelComponents(snr, width, height, opts.thresholdSigma, keepLabelsAs === undefined ? new Int32Array(n) : zeroedInt32(keepLabelsAs, n));
  let nLabels = 0;
  for (let i = 0; i < n; i++) if (labels[i]! > nLabels) nLabels = labels[i]!;
  const area = new Int32Array(nLabels);
  for (let i = 0; i < n; i++) if (labels[i]! > 0) area[labels[i]! - 1]!++;
  // Renumber footprints that are large enough, in raster order of their first pixel.
  const remap = new Int32Array(nLabels).fill(-1);
  let nKept = 0;
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l > 0 && remap[l - 1] === -1) remap[l - 1] = area[l - 1]! >= opts.minPixels ? nKept++ : -2;
  }
  const footprintArea = new Int32Array(nKept);
  for (let i = 0; i < n; i++) {
    const l = labels[i]!;
    if (l === 0) continue;
    const r = remap[l - 1]!;
    labels[i] = r >= 0 ? r + 1 : 0;
    if (r >= 0) footprintArea[r]!++;
  }
  const peaks = findPeaks(smooth, labels, width, height);
  const kept = prunePeaks(peaks, labels, smooth, noise2, width, opts.peakMinSigma);
  const peakX = new Int32Array(kept.length);
  const peakY = new Int32Array(kept.length);
  const peakSnr = new Float64Array(kept.length);
  const peakValue = new Float64Array(kept.length);
  const peakFootprint = new Int32Array(kept.length);
  for (let k = 0; k < kept.length; k++) {
    const p = kept[k]!;
    peakX[k] = p % width;
    peakY[k] = Math.floor(p / width);
    peakSnr[k] = snr[p]!;
    peakValue[k] = smooth[p]!;
    peakFootprint[k] = labels[p]! - 1;
  }
  return { peakX, peakY, peakSnr, peakValue, peakFootprint, footprintArea, labels };
}

interface ScratchPlanes {
  masked: Float32Array;
  maskedVar: Float32Array;
  tmp: Float64Array;
  smooth: Float64Array;
  noise2: Float64Array;
  snr: Float32Array;
}

/**
 * detectSources' working planes (34 MB for three calls on a 512² image, nothing of which it
 * returns), kept for the next call on this thread instead of allocated each time: the freed
 * buffers are what made V8 run a full mark-compact per image. masked and maskedVar come back
 * zeroed; the others are overwritten whole.
 */
function scratchPlanes(n: number): ScratchPlanes {
  const planes = keptPlanes('detectSources', n, () => ({
    masked: new Float32Array(n),
    maskedVar: new Float32Array(n),
    tmp: new Float64Array(n),
    smooth: new Float64Array(n),
    noise2: new Float64Array(n),
    snr: new Float32Array(n),
  }));
  planes.masked.fill(0);
  planes.maskedVar.fill(0);
  return planes;
}

/** The matched filter of an image and its variance, pixels with ignoreMask bits or variance ≤ 0 left out. */
export function matchedFilter(image: Float32Array, variance: Float32Array, mask: Int32Array, width: number, height: number, kernelSigmaPx: number, ignoreMask: number): MatchedFilter {
  const n = width * height;
  const planes = { masked: new Float32Array(n), maskedVar: new Float32Array(n), tmp: new Float64Array(n), smooth: new Float64Array(n), noise2: new Float64Array(n) };
  return filterInto(planes, image, variance, mask, width, height, kernelSigmaPx, ignoreMask);
}

/** The matched filter into the given planes (masked and maskedVar zeroed, the others overwritten whole). */
function filterInto(
  planes: Omit<ScratchPlanes, 'snr'>,
  image: Float32Array,
  variance: Float32Array,
  mask: Int32Array,
  width: number,
  height: number,
  kernelSigmaPx: number,
  ignoreMask: number,
): MatchedFilter {
  const { masked, maskedVar, tmp, smooth, noise2 } = planes;
  const n = width * height;
  for (let i = 0; i < n; i++) {
    if ((mask[i]! & ignoreMask) !== 0 || !(variance[i]! > 0)) continue;
    masked[i] = image[i]!;
    maskedVar[i] = variance[i]!;
  }
  const k = detectionKernel(kernelSigmaPx);
  const k2 = squared(k);
  convolveSeparable(masked, width, height, k, k, smooth, tmp);
  convolveSeparable(maskedVar, width, height, k2, k2, noise2, tmp);
  return { smooth, noise2 };
}

/** 8-connected components of pixels with value > threshold (two-pass union-find), into `labels` (zeros). */
function labelComponents(values: Float32Array, width: number, height: number, threshold: number, labels: Int32Array): Int32Array {
  const parent: number[] = [0];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (!(values[i]! > threshold)) continue;
      let l = 0;
      // Already-visited neighbours: W, SW, S, SE.
      for (let k = 0; k < 4; k++) {
        let j = -1;
        if (k === 0 && x > 0) j = i - 1;
        else if (k === 1 && x > 0 && y > 0) j = i - width - 1;
        else if (k === 2 && y > 0) j = i - width;
        else if (k === 3 && y > 0 && x < width - 1) j = i - width + 1;
        if (j < 0 || labels[j] === 0) continue;
        l = l === 0 ? find(parent, labels[j]!) : union(parent, l, labels[j]!);
      }
      if (l === 0) {
        l = parent.length;
        parent.push(l);
      }
      labels[i] = l;
    }
  }
  // Resolve to roots, then to consecutive ids in order of first appearance.
  const ids = new Int32Array(parent.length);
  let next = 0;
  for (let i = 0; i < labels.length; i++) {
    if (labels[i] === 0) continue;
    const r = find(parent, labels[i]!);
    if (ids[r] === 0) ids[r] = ++next;
    labels[i] = ids[r]!;
  }
  return labels;
}

// Union-find over labels: module functions, not closures made on every call (V8 compiles a
// closure's hot code again for each new closure).
function find(parent: number[], a: number): number {
  while (parent[a]! !== a) {
    parent[a] = parent[parent[a]!]!;
    a = parent[a]!;
  }
  return a;
}

function union(parent: number[], a: number, b: number): number {
  const ra = find(parent, a);
  const rb = find(parent, b);
  if (ra === rb) return ra;
  const lo = Math.min(ra, rb);
  parent[Math.max(ra, rb)] = lo;
  return lo;
}

/** Local maxima of the smoothed image inside footprints (ties go to the first in raster order). */
function findPeaks(smooth: Float64Array, labels: Int32Array, width: number, height: number): number[] {
  const out: number[] = [];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (labels[i] === 0) continue;
      const v = smooth[i]!;
      let isPeak = true;
      for (let dy = -1; dy <= 1 && isPeak; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if ((dx === 0 && dy === 0) || xx < 0 || xx >= width) continue;
          const j = yy * width + xx;
          const u = smooth[j]!;
          if (u > v || (u === v && j < i)) {
            isPeak = false;
            break;
          }
        }
      }
      if (isPeak) out.push(i);
    }
  }
  return out;
}

/** Drops secondary peaks without a significant dip towards a brighter peak of their footprint. */
function prunePeaks(peaks: number[], labels: Int32Array, smooth: Float64Array, noise2: Float64Array, width: number, peakMinSigma: number): number[] {
  const byFootprint = new Map<number, number[]>();
  for (const p of peaks) {
    const list = byFootprint.get(labels[p]!);
    if (list) list.push(p);
    else byFootprint.set(labels[p]!, [p]);
  }
  const kept: number[] = [];
  for (const list of byFootprint.values()) {
    list.sort((a, b) => smooth[b]! - smooth[a]! || a - b);
    const mine: number[] = [];
    for (const p of list) {
      const need = smooth[p]! - peakMinSigma * Math.sqrt(noise2[p]!);
      if (mine.every((q) => segmentMin(smooth, width, p, q) <= need)) mine.push(p);
    }
    kept.push(...mine);
  }
  return kept.sort(ascending);
}

function ascending(a: number, b: number): number {
  return a - b;
}

function segmentMin(smooth: Float64Array, width: number, p: number, q: number): number {
  const x0 = p % width;
  const y0 = Math.floor(p / width);
  const x1 = q % width;
  const y1 = Math.floor(q / width);
  const steps = Math.max(1, Math.ceil(2 * Math.hypot(x1 - x0, y1 - y0)));
  let m = Infinity;
  for (let s = 0; s <= steps; s++) {
    const x = Math.round(x0 + ((x1 - x0) * s) / steps);
    const y = Math.round(y0 + ((y1 - y0) * s) / steps);
    const v = smooth[y * width + x]!;
    if (v < m) m = v;
  }
  return m;
}

/** 1 where a pixel belongs to a footprint (its label is positive), into out (overwritten whole). */
export function footprintPixels(labels: Int32Array, out: Uint8Array = new Uint8Array(labels.length)): Uint8Array {
  for (let i = 0; i < out.length; i++) out[i] = labels[i]! > 0 ? 1 : 0;
  return out;
}

/** Square dilation of a 0/1 mask by r pixels (two running-max passes), into out (zeros). */
export function dilate(binary: Uint8Array, width: number, height: number, r: number, out: Uint8Array = new Uint8Array(width * height)): Uint8Array {
  const tmp = zeroedUint8('dilate.rows', width * height);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    // Forward and backward sweeps mark pixels within r of a set pixel on the row.
    let prev = -Infinity;
    for (let x = 0; x < width; x++) {
      if (binary[row + x]) prev = x;
      if (x - prev <= r) tmp[row + x] = 1;
    }
    let nextSet = Infinity;
    for (let x = width - 1; x >= 0; x--) {
      if (binary[row + x]) nextSet = x;
      if (nextSet - x <= r) tmp[row + x] = 1;
    }
  }
  // The same sweeps down and up every column, run a row at a time (one running position per
  // column) so that memory is read in order rather than a row's length apart.
  const prev = new Float64Array(width).fill(-Infinity);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (tmp[row + x]) prev[x] = y;
      if (y - prev[x]! <= r) out[row + x] = 1;
    }
  }
  const nextSet = prev.fill(Infinity);
  for (let y = height - 1; y >= 0; y--) {
    const row = y * width;
    for (let x = 0; x < width; x++) {
      if (tmp[row + x]) nextSet[x] = y;
      if (nextSet[x]! - y <= r) out[row + x] = 1;
    }
  }
  return out;
}
