import { detectSources, type DetectionOptions, type Detections } from './detection.ts';
import { gaussianCentroid, gaussianMoments, type Planes } from './measure.ts';
import { median } from './stats.ts';
import { scratchFloat32, zeroedFloat32 } from './scratch.ts';
import { momentSigmaPx, PsfStamp, psfRadiusPx, type DoubleGaussianPsf } from './psf.ts';

/**
 * A simple point-source deblender (in the spirit of the SDSS/LSST meas_deblender with PSF
 * templates only):
 *   1. every peak's template is the PSF at its Gaussian-weighted centroid; the templates of a
 *      footprint's peaks are fitted to its pixels jointly (linear least squares, unweighted like
 *      PsfFlux), so each peak gets its share of overlapping light;
 *   2. the fitted templates are subtracted and the residual is searched for peaks (the same
 *      matched filter and threshold) inside existing footprints: a star on the wing of a
 *      brighter one, without a local maximum of its own, becomes a peak of that footprint;
 *   3. the image of each peak of a multi-peak footprint (its child) is the footprint's pixels
 *      minus the other peaks' fitted templates, I − Σ_{j≠k} T_j, and its centroid and fluxes
 *      are measured on that child image. (meas_deblender apportions I·T_k / Σ T_j instead; with
 *      templates placed at blended centroids that pulls a child towards its template, which
 *      the astrometric repeatability test against truth showed.)
 * Single-peak footprints are left as they are: isolated stars are measured on the image.
 */

export interface DeblendResult {
  detections: Detections;
  /** For each peak of `detections`: its child's footprint pixels, or null when measured on the image itself. */
  child: (Child | null)[];
  /** Peaks added from the residual. */
  nAdded: number;
}

/** Residual peaks this close to an existing peak are that peak's PSF mismatch, not a star, px. */
const MIN_NEW_PEAK_SEPARATION_PX = 2.5;
/**
 * PSF-model mismatch of a bright star's residual, as a fraction of the model, added to the
 * residual's variance for the peak search so a bright star's imperfect subtraction is not a star.
 */
const MODEL_MISMATCH = 0.05;
const RESOLVED = 1.3;
/**
 * Re-centroiding children and refitting: 2 iterations halve a faint child's flux bias on the
 * synthetic pairs (+25% -> +10%) but worsened SimCam's astrometric repeatability (6.79 -> 6.98
 * mas against 6.16 predicted, beyond the test's tolerance), so it is off until understood.
 */
const CHILD_ITERATIONS = 0;

/** A deblended child: the values of its footprint's pixels (indices into the image) apportioned to it. */
export interface Child {
  pixels: Int32Array;
  values: Float32Array;
}

const stamp = new PsfStamp();

/**
 * The deblender's peaks as columns of typed arrays with room for the residual peaks, and their
 * positions (centroids) beside them. deblend runs once per image but its loops are long, so V8
 * compiles it on the stack (OSR); with arrays of objects whose fields and element kinds varied
 * from image to image (integer or fractional positions, holey or packed arrays) the compiled
 * code met a new map on every image, was thrown away and compiled again (~40% of the process's
 * CPU on V8's compiler threads). Typed columns keep every site's types the same, and the long
 * loops live in small functions that stay compiled. The values and the order of every sum are
 * those of the objects version, so the outputs are byte-identical.
 */
class Peaks {
  readonly x0: Int32Array;
  readonly y0: Int32Array;
  readonly fp: Int32Array;
  readonly snr: Float64Array;
  readonly value: Float64Array;
  readonly x: Float64Array;
  readonly y: Float64Array;
  n = 0;

  constructor(capacity: number) {
    this.x0 = new Int32Array(capacity);
    this.y0 = new Int32Array(capacity);
    this.fp = new Int32Array(capacity);
    this.snr = new Float64Array(capacity);
    this.value = new Float64Array(capacity);
    this.x = new Float64Array(capacity);
    this.y = new Float64Array(capacity);
  }

  add(x0: number, y0: number, fp: number, snr: number, value: number): void {
    const k = this.n++;
    this.x0[k] = x0;
    this.y0[k] = y0;
    this.fp[k] = fp;
    this.snr[k] = snr;
    this.value[k] = value;
    this.x[k] = x0;
    this.y[k] = y0;
  }
}

export function deblend(p: Planes, d: Detections, psf: DoubleGaussianPsf, kernelSigmaPx: number, det: DetectionOptions): DeblendResult {
  const sm = momentSigmaPx(psf);
  const r = Math.ceil(psfRadiusPx(psf));
  const nOriginal = d.peakX.length;
  const peaks = new Peaks(nOriginal);
  for (let k = 0; k < nOriginal; k++) peaks.add(d.peakX[k]!, d.peakY[k]!, d.peakFootprint[k]!, d.peakSnr[k]!, d.peakValue[k]!);
  centroidAll(p, peaks, sm, det.ignoreMask);
  let amp = fitAmplitudes(p, psf, r, peaks, det.ignoreMask);

  // Residual peak search: new peaks inside footprints, away from existing ones.
  const model = renderModel(p, psf, r, peaks, amp);
  const residual = scratchFloat32('deblend.residual', p.data.length);
  const resVar = scratchFloat32('deblend.residualVariance', p.data.length);
  residualPlanes(p, d.labels, model, residual, resVar);
  const res = detectSources(residual, resVar, p.mask, p.width, p.height, kernelSigmaPx, det, undefined, 'deblend.residualLabels');
  // A galaxy is not a PSF: its residual is structure, not a hidden star. Residual peaks next to a
  // resolved peak (Gaussian-weighted size beyond RESOLVED times the stars' median) are not added.
  const size = sizes(p, peaks, sm, det.ignoreMask);
  const starSizes = starSizesOf(size, peaks.snr);
  const starSize = starSizes.length > 0 ? median(starSizes) : sm * sm;
  const all = new Peaks(nOriginal + res.peakX.length);
  copyPeaks(peaks, all, identity(nOriginal));
  const nAdded = addResidualPeaks(p, d.labels, res, all, nOriginal, size, starSize);
  // Keep the detection order (raster order of peaks), so catalogs stay deterministic and sorted.
  const order = rasterOrder(all, p.width);
  const sorted = new Peaks(all.n);
  copyPeaks(all, sorted, order);
  if (nAdded > 0) {
    centroidAll(p, sorted, sm, det.ignoreMask);
    amp = fitAmplitudes(p, psf, r, sorted, det.ignoreMask);
  } else {
    amp = permuted(amp, order);
  }

  const perFootprint = new Map<number, number[]>();
  for (let k = 0; k < sorted.n; k++) {
    const members = perFootprint.get(sorted.fp[k]!);
    if (members) members.push(k);
    else perFootprint.set(sorted.fp[k]!, [k]);
  }
  const pixelsOf = new Map<number, number[]>();
  for (const [f, members] of perFootprint) if (members.length > 1) pixelsOf.set(f, []);
  footprintPixels(d.labels, pixelsOf);
  let child: (Child | null)[] = [];
  // Centroids measured on the blended image are pulled towards the neighbours: re-centroid each
  // child, refit the amplitudes, and split again (CHILD_ITERATIONS times; see there why 0).
  for (let iter = 0; iter <= CHILD_ITERATIONS; iter++) {
    if (iter > 0) {
      const scratch: Planes = { ...p, data: Float32Array.from(p.data) };
      for (let k = 0; k < sorted.n; k++) {
        const c = child[k];
        if (!c) continue;
        c.pixels.forEach((i, j) => (scratch.data[i] = c.values[j]!));
        const m = gaussianCentroid(scratch, sorted.x0[k]!, sorted.y0[k]!, sm, det.ignoreMask);
        c.pixels.forEach((i) => (scratch.data[i] = p.data[i]!));
        if (m.ok) {
          sorted.x[k] = m.x;
          sorted.y[k] = m.y;
        }
      }
      amp = fitAmplitudes(p, psf, r, sorted, det.ignoreMask);
    }
    child = Array.from({ length: sorted.n }, (): Child | null => null);
    for (const [f, members] of perFootprint) {
      if (members.length < 2) continue;
      const pixels = Int32Array.from(pixelsOf.get(f)!);
      // Templates of the footprint's peaks on its pixels.
      const templates: Float64Array[] = [];
      for (const k of members) {
        boxes.fill(0, psf, r, sorted.x[k]!, sorted.y[k]!);
        templates.push(templateOn(pixels, p.width, boxes, 0, Math.max(0, amp[k]!)));
      }
      const total = new Float64Array(pixels.length);
      for (const t of templates) for (let j = 0; j < pixels.length; j++) total[j]! += t[j]!;
      for (let m = 0; m < members.length; m++) {
        // The image minus the neighbours' fitted templates: for point sources this leaves the
        // child's own light and all the noise, so its centroid is not pulled to its template.
        child[members[m]!] = { pixels, values: childValues(p.data, pixels, total, templates[m]!) };
      }
    }
  }
  return {
    detections: {
      peakX: sorted.x0,
      peakY: sorted.y0,
      peakSnr: sorted.snr,
      peakValue: sorted.value,
      peakFootprint: sorted.fp,
      footprintArea: d.footprintArea,
      labels: d.labels,
    },
    child,
    nAdded,
  };
}

/** Gaussian-weighted centroid of every peak, or its peak pixel where that fails. */
function centroidAll(p: Planes, peaks: Peaks, sm: number, ignoreMask: number): void {
  for (let k = 0; k < peaks.n; k++) {
    const c = gaussianCentroid(p, peaks.x0[k]!, peaks.y0[k]!, sm, ignoreMask);
    peaks.x[k] = c.ok ? c.x : peaks.x0[k]!;
    peaks.y[k] = c.ok ? c.y : peaks.y0[k]!;
  }
}

/** The image minus the model inside footprints, and its variance plus the model's mismatch. */
function residualPlanes(p: Planes, labels: Int32Array, model: Float32Array, residual: Float32Array, resVar: Float32Array): void {
  for (let i = 0; i < residual.length; i++) {
    residual[i] = labels[i]! > 0 ? p.data[i]! - model[i]! : 0;
    resVar[i] = p.variance[i]! + (MODEL_MISMATCH * model[i]!) ** 2;
  }
}

/** Gaussian-weighted size (Ixx + Iyy) of every peak at its centroid, px². */
function sizes(p: Planes, peaks: Peaks, sm: number, ignoreMask: number): Float64Array {
  const out = new Float64Array(peaks.n);
  for (let k = 0; k < peaks.n; k++) {
    const m = gaussianMoments(p, peaks.x[k]!, peaks.y[k]!, sm, ignoreMask);
    out[k] = m.ixx + m.iyy;
  }
  return out;
}

/** Sizes of the bright peaks (S/N ≥ 20) that have one, in peak order. */
function starSizesOf(size: Float64Array, snr: Float64Array): Float64Array {
  const out = new Float64Array(size.length);
  let n = 0;
  for (let k = 0; k < size.length; k++) if (snr[k]! >= 20 && Number.isFinite(size[k]!)) out[n++] = size[k]!;
  return out.subarray(0, n);
}

function identity(n: number): Int32Array {
  const out = new Int32Array(n);
  for (let k = 0; k < n; k++) out[k] = k;
  return out;
}

/** Appends `from`'s peaks (with their positions) in `order` to `to`. */
function copyPeaks(from: Peaks, to: Peaks, order: Int32Array): void {
  for (let m = 0; m < order.length; m++) {
    const k = order[m]!;
    to.add(from.x0[k]!, from.y0[k]!, from.fp[k]!, from.snr[k]!, from.value[k]!);
    to.x[to.n - 1] = from.x[k]!;
    to.y[to.n - 1] = from.y[k]!;
  }
}

/**
 * Adds the residual's peaks that lie in a footprint, away from every peak so far and not next to
 * a resolved original peak; returns how many.
 */
function addResidualPeaks(p: Planes, labels: Int32Array, res: Detections, peaks: Peaks, nOriginal: number, size: Float64Array, starSize: number): number {
  let nAdded = 0;
  for (let k = 0; k < res.peakX.length; k++) {
    const x = res.peakX[k]!;
    const y = res.peakY[k]!;
    const fp = labels[y * p.width + x]! - 1;
    if (fp < 0) continue;
    if (nearAny(peaks, x, y)) continue;
    let nearest = -1;
    for (let j = 0; j < nOriginal; j++) {
      if (peaks.fp[j]! === fp && (nearest < 0 || Math.hypot(peaks.x[j]! - x, peaks.y[j]! - y) < Math.hypot(peaks.x[nearest]! - x, peaks.y[nearest]! - y))) nearest = j;
    }
    if (nearest >= 0 && !(size[nearest]! <= RESOLVED * starSize)) continue;
    peaks.add(x, y, fp, res.peakSnr[k]!, res.peakValue[k]!);
    nAdded++;
  }
  return nAdded;
}

function nearAny(peaks: Peaks, x: number, y: number): boolean {
  for (let j = 0; j < peaks.n; j++) if (Math.hypot(peaks.x[j]! - x, peaks.y[j]! - y) < MIN_NEW_PEAK_SEPARATION_PX) return true;
  return false;
}

/**
 * Peak indices in raster order of their peak pixels (ties in index order): one numeric sort of
 * pixel·n + index (exact in a double), without a comparator closure per call.
 */
function rasterOrder(peaks: Peaks, width: number): Int32Array {
  const n = peaks.n;
  const key = new Float64Array(n);
  for (let k = 0; k < n; k++) key[k] = (peaks.y0[k]! * width + peaks.x0[k]!) * n + k;
  key.sort();
  const out = new Int32Array(n);
  for (let m = 0; m < n; m++) out[m] = key[m]! % n;
  return out;
}

function permuted(values: Float64Array, order: Int32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let m = 0; m < order.length; m++) out[m] = values[order[m]!]!;
  return out;
}

/** Appends each pixel's index to its footprint's list, for the footprints in `pixelsOf`. */
function footprintPixels(labels: Int32Array, pixelsOf: Map<number, number[]>): void {
  for (let i = 0; i < labels.length; i++) pixelsOf.get(labels[i]! - 1)?.push(i);
}

/** a·template (stamp `slot` of `boxes`) on the given pixels (0 off the template's stamp). */
function templateOn(pixels: Int32Array, width: number, boxes: StampBoxes, slot: number, a: number): Float64Array {
  const out = new Float64Array(pixels.length);
  for (let j = 0; j < pixels.length; j++) out[j] = a * boxes.at(slot, pixels[j]! % width, Math.floor(pixels[j]! / width));
  return out;
}

/** The image on the pixels minus the other peaks' templates (total − own). */
function childValues(data: Float32Array, pixels: Int32Array, total: Float64Array, own: Float64Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let j = 0; j < pixels.length; j++) out[j] = data[pixels[j]!]! - (total[j]! - own[j]!);
  return out;
}

/** flux·PSF stamps of radius r summed into an image. */
function renderModel(p: Planes, psf: DoubleGaussianPsf, r: number, peaks: Peaks, amp: Float64Array): Float32Array {
  const out = zeroedFloat32('deblend.model', p.data.length);
  const n = 2 * r + 1;
  for (let k = 0; k < peaks.n; k++) {
    const a = amp[k]!;
    if (!(a > 0)) continue;
    const x = peaks.x[k]!;
    const y = peaks.y[k]!;
    const x0 = Math.round(x) - r;
    const y0 = Math.round(y) - r;
    stamp.fill(psf, x, y, x0, y0, n, n);
    addStamp(out, p.width, p.height, x0, y0, n, a);
  }
  return out;
}

/** out += a·stamp on the stamp's box (x0, y0, n × n) within the image. */
function addStamp(out: Float32Array, width: number, height: number, x0: number, y0: number, n: number, a: number): void {
  for (let j = 0; j < n; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= height) continue;
    for (let i = 0; i < n; i++) {
      const xx = x0 + i;
      if (xx >= 0 && xx < width) out[yy * width + xx]! += a * stamp.value(i, j);
    }
  }
}

/**
 * Joint unweighted least-squares amplitudes of PSF templates per footprint: (PᵀP) a = Pᵀ I over
 * the union of the templates' stamps. Peaks alone in their footprint reduce to PsfFlux.
 */
function fitAmplitudes(p: Planes, psf: DoubleGaussianPsf, r: number, peaks: Peaks, ignoreMask: number): Float64Array {
  const amp = new Float64Array(peaks.n);
  const groups = new Map<number, number[]>();
  for (let k = 0; k < peaks.n; k++) {
    const members = groups.get(peaks.fp[k]!);
    if (members) members.push(k);
    else groups.set(peaks.fp[k]!, [k]);
  }
  for (const members of groups.values()) {
    const m = members.length;
    // Each member's stamp, on its box of pixels.
    boxes.reserve(m, 2 * r + 1);
    for (let a = 0; a < m; a++) boxes.fill(a, psf, r, peaks.x[members[a]!]!, peaks.y[members[a]!]!);
    const A: Float64Array[] = [];
    for (let a = 0; a < m; a++) A.push(new Float64Array(m));
    const b = new Float64Array(m);
    for (let a = 0; a < m; a++) {
      b[a] = normalRow(p, boxes, a, m, ignoreMask, A[a]!);
      for (let c = 0; c < a; c++) A[a]![c] = A[c]![a]!;
    }
    const sol = solve(A, b);
    for (let a = 0; a < m; a++) amp[members[a]!] = sol[a]!;
  }
  return amp;
}

/**
 * Row `a` of the normal equations: row[c] += Σ T_a·T_c for c ≥ a over stamp a's usable pixels
 * (in the image, not masked), in raster order; returns Σ T_a·I. A pixel of stamp a is in stamp c
 * when it lies in c's box (both are in the image and unmasked or not alike).
 */
function normalRow(p: Planes, boxes: StampBoxes, a: number, m: number, ignoreMask: number, row: Float64Array): number {
  let b = 0;
  const n = boxes.n;
  const x0 = boxes.x0[a]!;
  const y0 = boxes.y0[a]!;
  for (let j = 0; j < n; j++) {
    const yy = y0 + j;
    if (yy < 0 || yy >= p.height) continue;
    for (let i = 0; i < n; i++) {
      const xx = x0 + i;
      if (xx < 0 || xx >= p.width) continue;
      const idx = yy * p.width + xx;
      if ((p.mask[idx]! & ignoreMask) !== 0) continue;
      const v = boxes.values[a * boxes.size + j * n + i]!;
      b += v * p.data[idx]!;
      for (let c = a; c < m; c++) {
        const ci = xx - boxes.x0[c]!;
        const cj = yy - boxes.y0[c]!;
        if (ci >= 0 && ci < n && cj >= 0 && cj < n) row[c]! += v * boxes.values[c * boxes.size + cj * n + ci]!;
      }
    }
  }
  return b;
}

/**
 * PSF stamps of radius r on their boxes of (2r + 1)² pixels, in slots reused from footprint to
 * footprint and image to image: the stamps of one footprint's peaks, without a map per stamp
 * (which made most of the science's garbage). A box may reach off the image; callers only read
 * it at pixels of the image.
 */
class StampBoxes {
  values = new Float64Array(0);
  x0 = new Int32Array(0);
  y0 = new Int32Array(0);
  n = 0;
  size = 0;

  /** Room for `slots` stamps of n × n pixels. */
  reserve(slots: number, n: number): void {
    this.n = n;
    this.size = n * n;
    if (this.values.length < slots * this.size) this.values = new Float64Array(Math.max(slots, 8) * this.size);
    if (this.x0.length < slots) {
      this.x0 = new Int32Array(Math.max(slots, 8));
      this.y0 = new Int32Array(Math.max(slots, 8));
    }
  }

  /** The unit-flux PSF at (x, y) on its box, into `slot` (reserve first). */
  fill(slot: number, psf: DoubleGaussianPsf, r: number, x: number, y: number): void {
    const n = 2 * r + 1;
    if (slot === 0) this.reserve(1, n);
    const x0 = Math.round(x) - r;
    const y0 = Math.round(y) - r;
    this.x0[slot] = x0;
    this.y0[slot] = y0;
    stamp.fill(psf, x, y, x0, y0, n, n);
    const base = slot * this.size;
    for (let j = 0; j < n; j++) for (let i = 0; i < n; i++) this.values[base + j * n + i] = stamp.value(i, j);
  }

  /** The stamp in `slot` at image pixel (xx, yy), 0 off its box. */
  at(slot: number, xx: number, yy: number): number {
    const i = xx - this.x0[slot]!;
    const j = yy - this.y0[slot]!;
    return i >= 0 && i < this.n && j >= 0 && j < this.n ? this.values[slot * this.size + j * this.n + i]! : 0;
  }
}

const boxes = new StampBoxes();

/** Gaussian elimination with partial pivoting; singular directions get 0. */
function solve(A: Float64Array[], b: Float64Array): Float64Array {
  const m = b.length;
  const M: Float64Array[] = [];
  for (let i = 0; i < m; i++) {
    const row = new Float64Array(m + 1);
    row.set(A[i]!);
    row[m] = b[i]!;
    M.push(row);
  }
  for (let c = 0; c < m; c++) {
    let piv = c;
    for (let i = c + 1; i < m; i++) if (Math.abs(M[i]![c]!) > Math.abs(M[piv]![c]!)) piv = i;
    const t = M[c]!;
    M[c] = M[piv]!;
    M[piv] = t;
    const d = M[c]![c]!;
    if (!(Math.abs(d) > 1e-12)) continue;
    for (let i = 0; i < m; i++) {
      if (i === c) continue;
      const f = M[i]![c]! / d;
      if (f !== 0) for (let j = c; j <= m; j++) M[i]![j]! -= f * M[c]![j]!;
    }
  }
  const out = new Float64Array(m);
  for (let i = 0; i < m; i++) out[i] = Math.abs(M[i]![i]!) > 1e-12 ? M[i]![m]! / M[i]![i]! : 0;
  return out;
}
