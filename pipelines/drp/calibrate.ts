import { z } from 'zod';
import { PipelineError } from '../framework/errors.ts';
import { defineTask, single, type TaskContext, type TaskInputs } from '../framework/task.ts';
import type { CatalogValue, ExposureValue } from '../framework/values.ts';
import type { TanWcs } from '../image/types.ts';
import { pixelScaleArcsec, pixelToSky, skyToPixel } from '../image/wcs.ts';
import { fitTanWcs } from './lib/astrometry.ts';
import { matchNearest, voteOffset } from './lib/match.ts';
import { finiteMetadata } from './lib/metadata.ts';
import { fitZeroPoint } from './lib/photoCal.ts';

/**
 * calibrate (LSST pipe_tasks CalibrateTask, reduced): astrometric and photometric calibration of
 * a characterized exposure against the reference catalog.
 *   1. project the refcat with the header WCS; find the pointing offset by voting between the
 *      brightest sources and references (lib/match.ts); match nearest neighbours;
 *   2. fit a TAN WCS (CD and CRVAL, lib/astrometry.ts) to matches with S/N >= astromMinSnr;
 *      rematch with the fitted WCS and fit again;
 *   3. fit the zero point (lib/photoCal.ts) from matched unresolved reference stars in the
 *      exposure's band.
 * Outputs the calexp (fitted WCS, zeroPointMag: mag = zp - 2.5 log10(electrons)) and the src
 * catalog: the characterization catalog plus raDeg, decDeg, psfMag, psfMagErr, refId and
 * usedAstrom / usedPhotom flags; calibration results go to both metadata.
 */

export const calibrateConfig = z
  .object({
    /** Largest pointing error searched for, arcsec. */
    matchMaxOffsetArcsec: z.number().positive().default(10),
    /** Brightest sources and references used for the offset vote. */
    voteMaxSources: z.number().int().positive().default(60),
    voteMaxReferences: z.number().int().positive().default(120),
    /** Match radius after the offset, and after the WCS fit, px. */
    matchRadiusPx: z.number().positive().default(3),
    finalMatchRadiusPx: z.number().positive().default(1.5),
    minMatches: z.number().int().positive().default(10),
    astromMinSnr: z.number().positive().default(50),
    /** At least this many matches enter the WCS fit, the brightest, even below astromMinSnr. */
    minAstromStars: z.number().int().min(3).default(8),
    /** Added in quadrature to centroid errors in the WCS fit weights, px. */
    astromErrFloorPx: z.number().nonnegative().default(0.01),
    wcsClipSigma: z.number().positive().default(3),
    wcsClipIterations: z.number().int().nonnegative().default(3),
    photoMinSnr: z.number().positive().default(30),
    photoErrFloorMag: z.number().nonnegative().default(0.01),
    photoClipSigma: z.number().positive().default(3),
    photoMaxIterations: z.number().int().positive().default(10),
  })
  .strict();
export type CalibrateConfig = z.infer<typeof calibrateConfig>;

interface Refs {
  index: number[];
  x: Float64Array;
  y: Float64Array;
}

/** Reference objects whose projection through wcs lands within margin of the image. */
function projectRefs(refcat: CatalogValue, wcs: TanWcs, width: number, height: number, marginPx: number): Refs {
  const ra = refcat.columns.raDeg as Float64Array;
  const dec = refcat.columns.decDeg as Float64Array;
  const index: number[] = [];
  const xs: number[] = [];
  const ys: number[] = [];
  for (let k = 0; k < ra.length; k++) {
    const [x, y] = skyToPixel(wcs, ra[k]!, dec[k]!);
    if (x < -marginPx || y < -marginPx || x > width - 1 + marginPx || y > height - 1 + marginPx) continue;
    index.push(k);
    xs.push(x);
    ys.push(y);
  }
  return { index, x: Float64Array.from(xs), y: Float64Array.from(ys) };
}

function brightest(order: number[], key: (k: number) => number, n: number): number[] {
  return [...order].sort((a, b) => key(a) - key(b) || a - b).slice(0, n);
}

export function runCalibrate(exposure: ExposureValue, sources: CatalogValue, refcat: CatalogValue, band: string, c: CalibrateConfig): { calexp: ExposureValue; src: CatalogValue } {
  const headerWcs = exposure.wcs;
  if (!headerWcs) throw new PipelineError('BAD_INPUT', 'the exposure has no WCS to start the astrometric fit from');
  const magCol = refcat.columns[`${band}Mag`] as Float64Array | undefined;
  if (!magCol) throw new PipelineError('BAD_INPUT', `the reference catalog has no ${band}Mag column`, { band, columns: Object.keys(refcat.columns) });
  const resolved = refcat.columns.isResolved as boolean[];
  const { width, height } = exposure.image;
  const scale = pixelScaleArcsec(headerWcs);
  const maxOffsetPx = c.matchMaxOffsetArcsec / scale;
  const s = sources.columns;
  const sx = s.xPx as Float64Array;
  const sy = s.yPx as Float64Array;
  const flux = s.psfFlux as Float64Array;
  const snr = s.snr as Float64Array;
  const xErr = s.xErrPx as Float64Array;
  const clean = (k: number) => !(s.flagEdge as boolean[])[k] && !(s.flagSaturated as boolean[])[k] && !(s.flagCentroid as boolean[])[k] && snr[k]! > 0;
  const good = Array.from({ length: sx.length }, (_, k) => k).filter(clean);

  // 1. Offset vote between the brightest sources and references, then nearest-neighbour matches.
  const refs = projectRefs(refcat, headerWcs, width, height, maxOffsetPx);
  const voteSrc = brightest(good, (k) => -flux[k]!, c.voteMaxSources);
  const voteRef = brightest(
    refs.index.map((_, j) => j),
    (j) => magCol[refs.index[j]!]!,
    c.voteMaxReferences,
  );
  const offset = voteOffset(
    voteSrc.map((k) => sx[k]!),
    voteSrc.map((k) => sy[k]!),
    voteRef.map((j) => refs.x[j]!),
    voteRef.map((j) => refs.y[j]!),
    maxOffsetPx,
  );
  let wcs = headerWcs;
  let fit: ReturnType<typeof fitTanWcs> | undefined;
  let matches = matchGood(good, sx, sy, refs, offset.dx, offset.dy, c.matchRadiusPx);
  let astromUsed: number[] = [];
  for (let pass = 0; pass < 2; pass++) {
    if (matches.src.length < c.minMatches) {
      throw new PipelineError('ASTROMETRY_FAILED', `only ${matches.src.length} reference matches (need ${c.minMatches}); offset vote found ${offset.votes} pairs at (${offset.dx.toFixed(1)}, ${offset.dy.toFixed(1)}) px`, {
        matches: matches.src.length,
        offset,
      });
    }
    // 2. WCS fit on the well-measured matches.
    // The well-measured matches; on a sparse frame, the brightest minAstromStars whatever their S/N.
    const byBrightness = matches.src.map((k, m) => ({ k, j: matches.ref[m]! })).sort((a, b) => snr[b.k]! - snr[a.k]! || a.k - b.k);
    const bright = byBrightness.filter(({ k }) => snr[k]! >= c.astromMinSnr);
    const use = bright.length >= c.minAstromStars ? bright : byBrightness.slice(0, c.minAstromStars);
    const ra = refcat.columns.raDeg as Float64Array;
    const dec = refcat.columns.decDeg as Float64Array;
    fit = fitTanWcs(
      wcs,
      use.map(({ k }) => sx[k]!),
      use.map(({ k }) => sy[k]!),
      use.map(({ j }) => ra[j]!),
      use.map(({ j }) => dec[j]!),
      use.map(({ k }) => 1 / (xErr[k]! ** 2 + c.astromErrFloorPx ** 2)),
      c.wcsClipSigma,
      c.wcsClipIterations,
    );
    wcs = fit.wcs;
    astromUsed = fit.used.map((i) => use[i]!.k);
    const refit = projectRefs(refcat, wcs, width, height, 5);
    matches = matchGood(good, sx, sy, refit, 0, 0, c.finalMatchRadiusPx);
  }

  // 3. Zero point from unresolved matched references with enough S/N.
  const photo = matches.src.map((k, m) => ({ k, j: matches.ref[m]! })).filter(({ k, j }) => !resolved[j] && snr[k]! >= c.photoMinSnr && !(s.flagCr as boolean[])[k]);
  const zp = fitZeroPoint(
    photo.map(({ j }) => magCol[j]!),
    photo.map(({ k }) => flux[k]!),
    photo.map(({ k }) => snr[k]!),
    c.photoErrFloorMag,
    c.photoClipSigma,
    c.photoMaxIterations,
  );
  if (!zp) throw new PipelineError('PHOTOCAL_FAILED', `no usable photometric reference stars (${photo.length} candidates)`, { candidates: photo.length });
  return assemble(exposure, sources, refcat, wcs, fit!, astromUsed, matches, photo, zp, offset, scale, band);
}

function matchGood(good: number[], sx: Float64Array, sy: Float64Array, refs: Refs, dx: number, dy: number, radiusPx: number): { src: number[]; ref: number[] } {
  const m = matchNearest(
    good.map((k) => sx[k]!),
    good.map((k) => sy[k]!),
    Array.from(refs.x, (x) => x + dx),
    Array.from(refs.y, (y) => y + dy),
    radiusPx,
  );
  return { src: Array.from(m.source, (i) => good[i]!), ref: Array.from(m.reference, (j) => refs.index[j]!) };
}

function assemble(
  exposure: ExposureValue,
  sources: CatalogValue,
  refcat: CatalogValue,
  wcs: TanWcs,
  fit: ReturnType<typeof fitTanWcs>,
  astromUsed: number[],
  matches: { src: number[]; ref: number[] },
  photo: { k: number; j: number }[],
  zp: NonNullable<ReturnType<typeof fitZeroPoint>>,
  offset: { dx: number; dy: number },
  scale: number,
  band: string,
): { calexp: ExposureValue; src: CatalogValue } {
  const s = sources.columns;
  const n = (s.xPx as Float64Array).length;
  const raDeg = new Float64Array(n);
  const decDeg = new Float64Array(n);
  const psfMag = new Float64Array(n);
  const psfMagErr = new Float64Array(n);
  const refId = new Int32Array(n).fill(-1);
  const usedAstrom = new Array<boolean>(n).fill(false);
  const usedPhotom = new Array<boolean>(n).fill(false);
  const refIds = refcat.columns.id as Int32Array;
  for (let k = 0; k < n; k++) {
    [raDeg[k], decDeg[k]] = pixelToSky(wcs, (s.xPx as Float64Array)[k]!, (s.yPx as Float64Array)[k]!);
    const f = (s.psfFlux as Float64Array)[k]!;
    psfMag[k] = f > 0 ? zp.zeroPointMag - 2.5 * Math.log10(f) : Number.NaN;
    psfMagErr[k] = f > 0 ? 1.0857 / (s.snr as Float64Array)[k]! : Number.NaN;
  }
  matches.src.forEach((k, m) => (refId[k] = refIds[matches.ref[m]!]!));
  for (const i of zp.used) usedPhotom[photo[i]!.k] = true;
  for (const k of astromUsed) usedAstrom[k] = true;
  const meta = {
    ZPERR: zp.zeroPointErrMag,
    ZPRMS: zp.rmsMag,
    ZPNSTAR: zp.used.length,
    ASTRRMS: fit.rmsPx,
    ASTRNFIT: fit.used.length,
    NREFMAT: matches.src.length,
    PNTOFFX: offset.dx,
    PNTOFFY: offset.dy,
  };
  return {
    calexp: { ...exposure, wcs, zeroPointMag: zp.zeroPointMag, metadata: finiteMetadata({ ...exposure.metadata, ...meta }) },
    src: {
      columns: { ...s, raDeg, decDeg, psfMag, psfMagErr, refId, usedAstrom, usedPhotom },
      metadata: {
        ...sources.metadata,
        band,
        zeroPointMag: String(zp.zeroPointMag),
        zeroPointErrMag: String(zp.zeroPointErrMag),
        nPhotomStars: String(zp.used.length),
        astromRmsPx: String(fit.rmsPx),
        astromRmsArcsec: String(fit.rmsPx * scale),
        nAstromMatches: String(fit.used.length),
        pixelScaleArcsec: String(scale),
        psfFwhmArcsec: String(Number(sources.metadata.psfFwhmPx) * scale),
      },
    },
  };
}

export const calibrate = defineTask({
  description: 'Astrometric (TAN WCS) and photometric (zero point) calibration against the reference catalog',
  config: calibrateConfig,
  connections: {
    exposure: { kind: 'input', storageClass: 'Exposure' },
    sources: { kind: 'input', storageClass: 'Catalog' },
    refcat: { kind: 'prerequisite', storageClass: 'Catalog' },
    calexp: { kind: 'output', storageClass: 'Exposure' },
    src: { kind: 'output', storageClass: 'Catalog' },
  },
  run(inputs: TaskInputs, config: CalibrateConfig, ctx: TaskContext) {
    const exposure = single<ExposureValue>(inputs, 'exposure').value;
    const band = String(exposure.metadata.BAND ?? ctx.dataId.band ?? '');
    const { calexp, src } = runCalibrate(exposure, single<CatalogValue>(inputs, 'sources').value, single<CatalogValue>(inputs, 'refcat').value, band, config);
    return { calexp, src };
  },
});
