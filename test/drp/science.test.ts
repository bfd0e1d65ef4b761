import { beforeAll, describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { CatalogValue, ExposureValue, MeasurementValue } from '../../pipelines/framework/values.ts';
import { detectionCompleteness } from '../../pipelines/drp/metrics/detectionCompleteness.ts';
import { photometricRepeatability } from '../../pipelines/drp/metrics/photometricRepeatability.ts';
import { astrometricRepeatability } from '../../pipelines/drp/metrics/astrometricRepeatability.ts';
import { coaddDepth } from '../../pipelines/drp/metrics/coaddDepth.ts';
import { psfFwhm, zeroPointScatter } from '../../pipelines/drp/metrics/visitQuality.ts';
import { angularSeparationDeg, pixelToSky, skyToPixel } from '../../pipelines/image/wcs.ts';
import { rawAndTruthValues, transientTruthValue } from '../../pipelines/simcam/datasets.ts';
import { defineSimCam, psfNoiseEquivalentAreaPx, psfWeightedSnr, SKYMAP_NAME, visitDetectorWcs } from '../../pipelines/simcam/index.ts';
import { coaddPatch, detectPatch, forcedFrame, processFrame, refcatValue, runTask, visitDataId, type Frame } from './support.ts';
import { centroidSigmaPx, fractionBeyond, nearestTruth, robustSigma, robustSigmaTolerance, srcPulls } from './truth-expectations.ts';

/**
 * The DRP slice on SimCam, scored against truth: the four r-band visits of the default demo on
 * all four detectors, processed with the production flat and again with the experimental
 * gradient flat, coadded over the whole tract, forced-photometered, and measured by the metric
 * tasks. Tasks run through their run() with connection names as in pipelines/drp.yaml.
 */

const sim = defineSimCam();
const refcat = refcatValue(sim);
const BAND = 'r';
const visits = sim.visits.filter((v) => v.extra.band === BAND);
const DETECTORS = [0, 1, 2, 3];
const PATCHES = Array.from({ length: sim.options.patchesPerSide ** 2 }, (_, k) => k);

const prod: Frame[] = [];
const gradient: Frame[] = [];
const coadds = new Map<number, ExposureValue>();
const catalogs = new Map<number, CatalogValue>();
const forcedProd: { frame: Frame; forced: CatalogValue }[] = [];
const forcedGradient: { frame: Frame; forced: CatalogValue }[] = [];

function visitTruth(visitId: number) {
  return sim.truth.visits[sim.visits.findIndex((v) => v.id === visitId)]!;
}

async function metric(task: typeof psfFwhm | typeof zeroPointScatter | typeof astrometricRepeatability, sources: readonly Frame[], dataId: Record<string, string | number>): Promise<MeasurementValue> {
  const out = await runTask(task as typeof psfFwhm, { sources: sources.map((f) => ({ dataId: visitDataId(sim, f.visit, f.detector), value: f.src })) }, dataId);
  return out.measurement as MeasurementValue;
}

async function pa1Of(forced: readonly { frame: Frame; forced: CatalogValue }[]): Promise<MeasurementValue> {
  const out = await runTask(
    photometricRepeatability,
    {
      forced: forced.map(({ frame, forced: value }) => ({ dataId: visitDataId(sim, frame.visit, frame.detector), value })),
      transients: { dataId: {}, value: transientTruthValue(sim) },
    },
    { skymap: SKYMAP_NAME, tract: 0, band: BAND },
  );
  return out.pa1 as MeasurementValue;
}

// Processing is synchronous CPU work; yielding between frames lets the test worker answer the
// runner's RPC (on a loaded machine a long silent stretch times out "onTaskUpdate").
const yieldToRunner = () => new Promise<void>((resolve) => setImmediate(resolve));

beforeAll(async () => {
  for (const v of visits) {
    for (const d of DETECTORS) {
      await yieldToRunner();
      const rendered = rawAndTruthValues(sim, v.id, d);
      prod.push(await processFrame(sim, v.id, d, refcat, 'prod', rendered));
      gradient.push(await processFrame(sim, v.id, d, refcat, 'exp-flat-gradient', rendered));
    }
  }
  for (const patch of PATCHES) {
    await yieldToRunner();
    const coadd = await coaddPatch(sim, prod, patch, BAND);
    coadds.set(patch, coadd);
    catalogs.set(patch, await detectPatch(coadd, patch, BAND));
  }
  for (const f of prod) {
    await yieldToRunner();
    forcedProd.push({ frame: f, forced: await forcedFrame(sim, f, catalogs) });
  }
  for (const f of gradient) {
    await yieldToRunner();
    forcedGradient.push({ frame: f, forced: await forcedFrame(sim, f, catalogs) });
  }
}, 600_000);

describe('single-frame processing against SimCam truth', () => {
  it('detects at least 95% of the truth stars with S/N >= 10 on every calexp, and few spurious sources', async () => {
    let found = 0;
    let total = 0;
    for (const f of prod) {
      const dataId = visitDataId(sim, f.visit, f.detector);
      const out = await runTask(detectionCompleteness, { sources: { dataId, value: f.src }, truth: { dataId, value: f.truth } }, dataId);
      const completeness = out.completeness as MeasurementValue;
      const purity = out.purity as MeasurementValue;
      // Per detector: 50-100 such stars, so a few blended pairs move it by several percent.
      expect(completeness.value!, `visit ${f.visit} detector ${f.detector}`).toBeGreaterThanOrEqual(90);
      expect(purity.value!, `visit ${f.visit} detector ${f.detector}`).toBeGreaterThanOrEqual(90);
      found += completeness.extras!.nFound!.value;
      total += completeness.extras!.nTruth!.value;
    }
    expect(total).toBeGreaterThan(1000);
    expect(found / total).toBeGreaterThanOrEqual(0.95);
  });

  it('recovers every visit\u2019s zero point within 0.01 mag of the truth', () => {
    for (const v of visits) {
      const zps = prod.filter((f) => f.visit === v.id).map((f) => f.calexp.zeroPointMag!);
      const mean = zps.reduce((a, b) => a + b, 0) / zps.length;
      expect(Math.abs(mean - visitTruth(v.id).zeroPointMag), `visit ${v.id}`).toBeLessThan(0.01);
      // Single detectors are limited by their few bright stars' aperture corrections.
      for (const zp of zps) expect(Math.abs(zp - visitTruth(v.id).zeroPointMag)).toBeLessThan(0.03);
    }
  });

  it('fits each WCS with residuals below 0.1 px RMS and within 0.1 px of the true WCS everywhere', () => {
    for (const f of prod) {
      expect(f.calexp.metadata.ASTRRMS as number).toBeLessThan(0.1);
      expect(f.calexp.metadata.ASTRNFIT as number).toBeGreaterThanOrEqual(10);
      const truthWcs = visitDetectorWcs(sim, f.visit, f.detector, 'true');
      for (const [x, y] of [[0, 0], [511, 0], [0, 511], [511, 511], [256, 256]] as const) {
        const [ra, dec] = pixelToSky(f.calexp.wcs!, x, y);
        const [tx, ty] = skyToPixel(truthWcs, ra, dec);
        expect(Math.hypot(tx - x, ty - y)).toBeLessThan(0.1);
      }
      // The header WCS was off by the pointing error: ~5 px, far more than the fit's residual.
      const [ra0, dec0] = pixelToSky(visitDetectorWcs(sim, f.visit, f.detector, 'header'), 256, 256);
      expect(skyToPixel(truthWcs, ra0, dec0).some((c) => Math.abs(c - 256) > 0.5)).toBe(true);
    }
  });

  it('measures the PSF FWHM within 3% of the truth, and reports it per visit in arcsec', async () => {
    for (const f of prod) expect(Math.abs(f.calexp.psf!.fwhmPx / visitTruth(f.visit).psf.fwhmPx - 1)).toBeLessThan(0.03);
    for (const v of visits) {
      const m = await metric(psfFwhm, prod.filter((f) => f.visit === v.id), visitDataId(sim, v.id));
      expect(m.metric).toBe('simcam_drp.PsfFwhm');
      expect(m.unit).toBe('arcsec');
      expect(Math.abs(m.value! / (visitTruth(v.id).psf.fwhmPx * sim.options.pixelScaleArcsec) - 1)).toBeLessThan(0.03);
    }
  });
});

describe('coadds, forced photometry and repeatability', () => {
  it('calibrates coadd photometry in nJy: bright unresolved stars match the refcat within 0.01 mag', () => {
    const mags = refcat.columns[`${BAND}Mag`] as Float64Array;
    const diffs: number[] = [];
    for (const cat of catalogs.values()) {
      const c = cat.columns;
      for (let k = 0; k < c.objectId!.length; k++) {
        if (!(c.isPrimary as boolean[])[k] || (c.snr as Float64Array)[k]! < 200 || (c.flagEdge as boolean[])[k]) continue;
        const j = nearestRef((c.raDeg as Float64Array)[k]!, (c.decDeg as Float64Array)[k]!, 0.3);
        if (j >= 0 && !(refcat.columns.isResolved as boolean[])[j]) diffs.push((c.psfMag as Float64Array)[k]! - mags[j]!);
      }
    }
    diffs.sort((a, b) => a - b);
    expect(diffs.length).toBeGreaterThan(30);
    expect(Math.abs(diffs[diffs.length >> 1]!)).toBeLessThan(0.01);
  });

  it('measures the coadd depth of a fully covered patch as the noise model predicts for 4 visits', async () => {
    const patch = 4;
    const dataId = { skymap: SKYMAP_NAME, tract: 0, patch, band: BAND };
    const out = await runTask(coaddDepth, { coadd: { dataId, value: coadds.get(patch)! }, catalog: { dataId, value: catalogs.get(patch)! } }, dataId);
    const m = out.measurement as MeasurementValue;
    expect(m.metric).toBe('simcam_drp.CoaddDepth');
    expect(m.extras!.nPositions!.value).toBeGreaterThan(1000);
    // Each visit's background-limited PSF-flux noise in nJy, from the noise model; the coadd's
    // weights are per visit, so its noise is about 1 / sqrt(Σ 1/σ²).
    const readNoise = sim.truth.detectors.reduce((a, d) => a + d.readNoiseE, 0) / sim.truth.detectors.length;
    let invVar = 0;
    let deepestVisit = 0;
    for (const v of visits) {
      const t = visitTruth(v.id);
      const sigmaNjy = Math.sqrt(psfNoiseEquivalentAreaPx(t.psf) * (t.skyEPerPx + readNoise ** 2)) * 10 ** (0.4 * (31.4 - t.zeroPointMag));
      invVar += 1 / sigmaNjy ** 2;
      deepestVisit = Math.max(deepestVisit, 31.4 - 2.5 * Math.log10(5 * sigmaNjy));
    }
    const predicted = 31.4 - 2.5 * Math.log10(5 / Math.sqrt(invVar));
    // The ideal assumes per-visit optimal photometry everywhere; the coadd loses a little to
    // detector gaps (3 visits in places), one PSF for a mixture of seeings, and faint
    // undetected sources under the "empty" positions.
    expect(m.value! - predicted, `depth ${m.value}, predicted ${predicted}`).toBeLessThan(0.05);
    expect(m.value! - predicted, `depth ${m.value}, predicted ${predicted}`).toBeGreaterThan(-0.25);
    expect(m.value! - deepestVisit).toBeGreaterThan(0.4);
  });

  it('measures PA1 within the statistical tolerance of the noise-limited prediction from the noise model', async () => {
    const pa1 = await pa1Of(forcedProd);
    expect(pa1.metric).toBe('simcam_drp.PA1');
    expect(pa1.unit).toBe('mmag');
    expect(pa1.extras!.nStars!.value).toBeGreaterThan(30);
    const predicted = predictedPa1(forcedProd);
    // A pooled RMS over dof degrees of freedom has relative standard deviation 1/sqrt(2·dof)
    // (its square is χ²/dof-distributed); 3 of those is the tolerance.
    const tolerance = 3 / Math.sqrt(2 * pa1.extras!.nDof!.value);
    console.log(`PA1 ${pa1.value!.toFixed(3)} mmag, predicted ${predicted.toFixed(3)} mmag (${(100 * (pa1.value! / predicted - 1)).toFixed(1)}%, tolerance ${(100 * tolerance).toFixed(1)}%), dof ${pa1.extras!.nDof!.value}`);
    expect(Math.abs(pa1.value! / predicted - 1), `PA1 ${pa1.value} mmag, predicted ${predicted} mmag`).toBeLessThan(tolerance);
  });

  it('measures astrometric repeatability within the statistical tolerance of the noise model\u2019s centroid errors', async () => {
    const m = await metric(astrometricRepeatability, prod, { skymap: SKYMAP_NAME, tract: 0, band: BAND });
    expect(m.metric).toBe('simcam_drp.AstrometricRepeatability');
    expect(m.extras!.nStars!.value).toBeGreaterThan(30);
    const { rmsMas, dof } = predictedAstrometricRms(prod);
    // 2-D pooled RMS over 2·Σ(n − 1) degrees of freedom: relative standard deviation 1/sqrt(2·dof).
    const tolerance = 3 / Math.sqrt(2 * dof);
    console.log(`astrometric RMS ${m.value!.toFixed(3)} mas, predicted ${rmsMas.toFixed(3)} mas (${(100 * (m.value! / rmsMas - 1)).toFixed(1)}%, tolerance ${(100 * tolerance).toFixed(1)}%), from errors ${m.extras!.predictedFromErrors!.value.toFixed(3)}`);
    expect(Math.abs(m.value! / rmsMas - 1), `measured ${m.value} mas, predicted ${rmsMas} mas`).toBeLessThan(tolerance);
    // The pipeline's own centroid errors predict the same scatter.
    expect(Math.abs(m.value! / m.extras!.predictedFromErrors!.value - 1)).toBeLessThan(tolerance);
  });

  it('has flux and centroid errors that match their scatter against truth: pulls have unit spread', () => {
    const pulls = srcPulls(prod);
    for (const [name, xs] of Object.entries(pulls)) {
      const sigma = robustSigma(xs);
      const tolerance = robustSigmaTolerance(xs.length);
      console.log(`${name} pulls: robust sigma ${sigma.toFixed(3)} of ${xs.length} (tolerance ${tolerance.toFixed(3)}), beyond 5: ${(100 * fractionBeyond(xs, 5)).toFixed(1)}%`);
      expect(xs.length).toBeGreaterThan(300);
      expect(Math.abs(sigma - 1), `${name} pulls: robust sigma ${sigma} over ${xs.length} stars`).toBeLessThan(tolerance);
      // The tails stay tails: blends and sub-threshold cosmic rays, not the bulk.
      expect(fractionBeyond(xs, 5)).toBeLessThan(0.02);
    }
  });

  it('shows the experimental gradient flat: zero-point scatter and PA1 both get measurably worse', async () => {
    const filter = { instrument: 'SimCam', physical_filter: `SimCam-${BAND}`, band: BAND };
    const zpProd = await metric(zeroPointScatter, prod, filter);
    const zpGradient = await metric(zeroPointScatter, gradient, filter);
    expect(zpProd.metric).toBe('simcam_drp.ZeroPointScatter');
    expect(zpGradient.value!).toBeGreaterThan(10);
    expect(zpGradient.value!).toBeGreaterThan(3 * zpProd.value!);
    const pa1Prod = await pa1Of(forcedProd);
    const pa1Gradient = await pa1Of(forcedGradient);
    expect(pa1Gradient.value!).toBeGreaterThan(1.3 * pa1Prod.value!);
  });

  it('is deterministic: rerunning a frame and a coadd gives byte-identical datasets', async () => {
    const f = prod[5]!;
    const again = await processFrame(sim, f.visit, f.detector, refcat);
    expect(Buffer.from(await codecFor('Exposure').encode(again.calexp)).equals(Buffer.from(await codecFor('Exposure').encode(f.calexp)))).toBe(true);
    expect(Buffer.from(await codecFor('Catalog').encode(again.src)).equals(Buffer.from(await codecFor('Catalog').encode(f.src)))).toBe(true);
    const coadd = await coaddPatch(sim, prod, 4, BAND);
    expect(Buffer.from(await codecFor('Exposure').encode(coadd)).equals(Buffer.from(await codecFor('Exposure').encode(coadds.get(4)!)))).toBe(true);
  });
});

function nearestRef(raDeg: number, decDeg: number, radiusArcsec: number): number {
  const ra = refcat.columns.raDeg as Float64Array;
  const dec = refcat.columns.decDeg as Float64Array;
  let best = -1;
  let bestD = radiusArcsec / 3600;
  for (let j = 0; j < ra.length; j++) {
    if (Math.abs(dec[j]! - decDeg) > bestD) continue;
    const d = angularSeparationDeg(raDeg, decDeg, ra[j]!, dec[j]!);
    if (d < bestD) {
      bestD = d;
      best = j;
    }
  }
  return best;
}

/**
 * The noise-limited PA1 for the metric's own star selection: each measurement's error from the
 * noise model (psfWeightedSnr: forced photometry's fixed PSF weights, with the true flux, sky,
 * PSF and read noise), pooled as the metric
 * pools residuals: E[Σ (m - m̄)²] = (n - 1)/n · Σ σ².
 */
function predictedPa1(forced: readonly { frame: Frame; forced: CatalogValue }[]): number {
  const series = new Map<number, { sigma: number[]; snr: number[]; star: boolean; ext: number }>();
  for (const { frame, forced: cat } of forced) {
    const c = cat.columns;
    const t = frame.truth.columns;
    const vt = visitTruth(frame.visit);
    const readNoise = Number(frame.truth.metadata.readNoiseE);
    for (let k = 0; k < c.objectId!.length; k++) {
      if ((c.flagEdge as boolean[])[k] || (c.flagMasked as boolean[])[k]) continue;
      const x = (c.xPx as Float64Array)[k]!;
      const y = (c.yPx as Float64Array)[k]!;
      let best = -1;
      let bestD = 1;
      for (let j = 0; j < (t.xPx as Float64Array).length; j++) {
        const d = Math.hypot((t.xPx as Float64Array)[j]! - x, (t.yPx as Float64Array)[j]! - y);
        if (d < bestD) {
          bestD = d;
          best = j;
        }
      }
      const id = (c.objectId as Int32Array)[k]!;
      const s = series.get(id) ?? { sigma: [], snr: [], star: true, ext: (c.coaddExtendedness as Float64Array)[k]! };
      s.star &&= best >= 0 && (t.kind as string[])[best] === 'star';
      if (best >= 0) s.sigma.push(1.0857 / psfWeightedSnr((t.fluxE as Float64Array)[best]!, vt.skyEPerPx, readNoise, vt.psf));
      s.snr.push((c.psfFlux as Float64Array)[k]! / (c.psfFluxErr as Float64Array)[k]!);
      series.set(id, s);
    }
  }
  let num = 0;
  let den = 0;
  for (const s of series.values()) {
    const n = s.snr.length;
    if (n < 2 || !s.star || s.ext !== 0 || s.sigma.length !== n) continue;
    if ([...s.snr].sort((a, b) => a - b)[n >> 1]! < 100) continue;
    num += ((n - 1) / n) * s.sigma.reduce((a, e) => a + e * e, 0);
    den += n - 1;
  }
  return 1000 * Math.sqrt(num / den);
}

/**
 * The astrometric metric's noise-limited expectation: each selected src star (as the metric
 * selects them) matched to its truth star, its per-axis centroid error from the noise model
 * (centroidSigmaPx with the true flux, sky, read noise and PSF), pooled per truth star as the
 * metric pools residuals: E[Σ |p − p̄|²] = (n − 1)/n · Σ 2σ².
 */
function predictedAstrometricRms(frames: readonly Frame[]): { rmsMas: number; dof: number } {
  const byStar = new Map<number, number[]>();
  for (const f of frames) {
    const s = f.src.columns;
    const t = f.truth.columns;
    const vt = visitTruth(f.visit);
    const readNoise = Number(f.truth.metadata.readNoiseE);
    for (let k = 0; k < (s.xPx as Float64Array).length; k++) {
      if ((s.extendedness as Float64Array)[k] !== 0 || (s.snr as Float64Array)[k]! < 50) continue;
      if ((s.flagEdge as boolean[])[k] || (s.flagSaturated as boolean[])[k] || (s.flagCentroid as boolean[])[k] || (s.flagCr as boolean[])[k]) continue;
      const j = nearestTruth(f.truth, (s.xPx as Float64Array)[k]!, (s.yPx as Float64Array)[k]!, 1);
      if (j < 0 || (t.kind as string[])[j] !== 'star') continue;
      const sigmaMas = centroidSigmaPx((t.fluxE as Float64Array)[j]!, vt.skyEPerPx, readNoise, vt.psf) * sim.options.pixelScaleArcsec * 1000;
      const id = (t.id as Int32Array)[j]!;
      byStar.set(id, [...(byStar.get(id) ?? []), sigmaMas]);
    }
  }
  let num = 0;
  let dof = 0;
  for (const sig of byStar.values()) {
    const n = sig.length;
    if (n < 2) continue;
    num += ((n - 1) / n) * sig.reduce((a, e) => a + 2 * e * e, 0);
    dof += n - 1;
  }
  return { rmsMas: Math.sqrt(num / dof), dof: 2 * dof };
}
