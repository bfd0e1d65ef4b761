import { describe, expect, it } from 'vitest';
import { runAstrometricRepeatability, astrometricRepeatabilityConfig } from '../../pipelines/drp/metrics/astrometricRepeatability.ts';
import { runDetectionCompleteness, detectionCompletenessConfig } from '../../pipelines/drp/metrics/detectionCompleteness.ts';
import { photometricRepeatabilityConfig, runPhotometricRepeatability } from '../../pipelines/drp/metrics/photometricRepeatability.ts';
import { runPsfFwhm, runZeroPointScatter } from '../../pipelines/drp/metrics/visitQuality.ts';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { CatalogValue } from '../../pipelines/framework/values.ts';
import { Rng } from '../../pipelines/simcam/index.ts';

/** The metric tasks on synthetic catalogs whose answers are known in advance. */

const rng = new Rng(11, 'metrics-test');
const DEC0 = 2.2;
const RA0 = 150.1;

/** forced_src catalogs of `visits` visits: stars with magnitude errors sigma(k), plus extras. */
function forcedCatalogs(nStars: number, visits: number, sigma: (k: number) => number, tweak: (k: number, v: number, mag: number) => number = (_, __, m) => m): CatalogValue[] {
  return Array.from({ length: visits }, (_, v) => {
    const mags = Float64Array.from({ length: nStars }, (_, k) => tweak(k, v, 20 + sigma(k) * rng.gaussian()));
    const flux = Float64Array.from(mags, (m) => 10 ** (-0.4 * (m - 31.4)));
    const err = Float64Array.from({ length: nStars }, (_, k) => (flux[k]! * sigma(k)) / 1.0857);
    return {
      columns: {
        objectId: Int32Array.from({ length: nStars }, (_, k) => k),
        tract: new Int32Array(nStars),
        raDeg: Float64Array.from({ length: nStars }, (_, k) => RA0 + (k % 20) * 0.001),
        decDeg: Float64Array.from({ length: nStars }, (_, k) => DEC0 + Math.floor(k / 20) * 0.001),
        psfFlux: flux,
        psfFluxErr: err,
        psfMag: mags,
        psfMagErr: Float64Array.from({ length: nStars }, (_, k) => sigma(k)),
        coaddExtendedness: Float64Array.from({ length: nStars }, (_, k) => (k === 7 ? 1 : 0)),
        flagEdge: new Array<boolean>(nStars).fill(false),
        flagMasked: new Array<boolean>(nStars).fill(false),
      },
      metadata: {},
    };
  });
}

describe('PA1', () => {
  it('is the pooled RMS about each star\u2019s mean: 10 mmag for 10 mmag errors', () => {
    const m = runPhotometricRepeatability(forcedCatalogs(300, 4, () => 0.01), undefined, photometricRepeatabilityConfig.parse({}));
    expect(m.metric).toBe('simcam_drp.PA1');
    expect(m.unit).toBe('mmag');
    expect(m.value!).toBeGreaterThan(9.4);
    expect(m.value!).toBeLessThan(10.6);
    expect(m.extras!.predictedFromErrors!.value).toBeCloseTo(10, 6);
    expect(m.extras!.nStars!.value).toBeGreaterThanOrEqual(295);
  });

  it('leaves out known variables, extended objects, faint stars and stars at odds with their errors', () => {
    // Star 3 varies by 0.3 mag; star 5 is a blend 10x noisier than its errors say; 7 is extended; 9 is faint.
    const sigma = (k: number) => (k === 9 ? 0.05 : 0.008);
    const catalogs = forcedCatalogs(200, 4, sigma, (k, v, m) => (k === 3 ? m + 0.3 * Math.sin(v) : k === 5 ? m + 0.15 * rng.gaussian() : m));
    const transients: CatalogValue = { columns: { raDeg: Float64Array.from([RA0 + 3 * 0.001]), decDeg: Float64Array.from([DEC0]) }, metadata: {} };
    const m = runPhotometricRepeatability(catalogs, transients, photometricRepeatabilityConfig.parse({}));
    expect(m.value!).toBeLessThan(9);
    // 200 minus the variable, the extended and the faint one; the blend is rejected (and, at
    // p = 0.001 per star, rarely a genuine one).
    expect(m.extras!.nStars!.value + m.extras!.nRejected!.value).toBe(197);
    expect(m.extras!.nRejected!.value).toBeGreaterThanOrEqual(1);
    expect(m.extras!.nRejected!.value).toBeLessThanOrEqual(3);
    const unclipped = runPhotometricRepeatability(catalogs, transients, photometricRepeatabilityConfig.parse({ doChiSquareClip: false }));
    expect(unclipped.value!).toBeGreaterThan(m.value! + 2);
  });
});

describe('astrometric repeatability', () => {
  it('measures the pooled 2-D scatter of positions across visits, associating sources by position', () => {
    const sigmaArcsec = 0.01;
    const sources = Array.from({ length: 3 }, (_, v) => {
      const n = 150;
      const scale = 0.2;
      return {
        visit: 100 + v,
        catalog: {
          columns: {
            raDeg: Float64Array.from({ length: n }, (_, k) => RA0 + ((k % 15) * 10 + sigmaArcsec * rng.gaussian()) / 3600 / Math.cos((DEC0 * Math.PI) / 180)),
            decDeg: Float64Array.from({ length: n }, (_, k) => DEC0 + (Math.floor(k / 15) * 10 + sigmaArcsec * rng.gaussian()) / 3600),
            extendedness: new Float64Array(n),
            snr: new Float64Array(n).fill(200),
            xErrPx: new Float64Array(n).fill(sigmaArcsec / scale),
            flagEdge: new Array<boolean>(n).fill(false),
            flagSaturated: new Array<boolean>(n).fill(false),
            flagCentroid: new Array<boolean>(n).fill(false),
            flagCr: new Array<boolean>(n).fill(false),
          },
          metadata: { pixelScaleArcsec: String(scale) },
        } as CatalogValue,
      };
    });
    const m = runAstrometricRepeatability(sources, astrometricRepeatabilityConfig.parse({}));
    expect(m.metric).toBe('simcam_drp.AstrometricRepeatability');
    expect(m.extras!.nStars!.value).toBe(150);
    // 2-D RMS of isotropic 10 mas errors: sqrt(2) x 10 mas.
    expect(m.value! / (Math.SQRT2 * 10)).toBeGreaterThan(0.9);
    expect(m.value! / (Math.SQRT2 * 10)).toBeLessThan(1.1);
    expect(m.extras!.predictedFromErrors!.value).toBeCloseTo(Math.SQRT2 * 10, 4);
  });
});

describe('visit-level metrics from calibration metadata', () => {
  const src = (zp: number, fwhm: number): CatalogValue => ({ columns: { id: new Int32Array(0) }, metadata: { zeroPointMag: String(zp), psfFwhmArcsec: String(fwhm) } });

  it('PSF FWHM is the median over detectors, in arcsec', () => {
    const m = runPsfFwhm([src(31, 0.8), src(31, 0.9), src(31, 0.82)]);
    expect(m).toMatchObject({ metric: 'simcam_drp.PsfFwhm', value: 0.82, unit: 'arcsec' });
  });

  it('zero-point scatter is the RMS about each visit\u2019s mean, ignoring the visits\u2019 own offsets', async () => {
    const m = runZeroPointScatter(
      [
        { visit: 1, catalog: src(31.0, 1) },
        { visit: 1, catalog: src(31.02, 1) },
        { visit: 2, catalog: src(30.5, 1) },
        { visit: 2, catalog: src(30.52, 1) },
      ],
      2,
    );
    // Each visit: residuals ±10 mmag, one degree of freedom each: sqrt(4 · 100 / 2) mmag.
    expect(m.value!).toBeCloseTo(Math.sqrt(200), 6);
    expect(m.extras!.nVisits!.value).toBe(2);
    const bytes = await codecFor('Measurement').encode(m);
    expect(codecFor('Measurement').decode(bytes)).toEqual(m);
  });
});

describe('completeness and purity', () => {
  it('counts truth stars with S/N >= 10 that have a detection nearby, and detections near any truth source', () => {
    const truth: CatalogValue = {
      columns: {
        xPx: Float64Array.from([10, 50, 90, 130, 170, 210]),
        yPx: Float64Array.from([10, 10, 10, 10, 10, 10]),
        kind: ['star', 'star', 'star', 'galaxy', 'star', 'star'],
        snr: Float64Array.from([50, 12, 9, 40, 30, 2]),
        onDetector: [true, true, true, true, false, true],
        saturated: [false, false, false, false, false, false],
      },
      metadata: {},
    };
    const src: CatalogValue = { columns: { xPx: Float64Array.from([10.5, 91, 130, 300]), yPx: Float64Array.from([9.5, 10, 11, 300]) }, metadata: {} };
    const { completeness, purity } = runDetectionCompleteness(src, truth, detectionCompletenessConfig.parse({}));
    // Selected: stars at 10 (found) and 50 (missed); 90 is below S/N 10, 170 off the detector.
    expect(completeness.value).toBe(50);
    expect(completeness.extras!.nTruth!.value).toBe(2);
    // Detections at 10, 91 (the S/N 9 star) and 130 (the galaxy) are real; 300 is spurious.
    expect(purity.value).toBe(75);
  });
});
