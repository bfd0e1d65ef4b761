import { describe, expect, it } from 'vitest';
import { runAstrometricRepeatability, astrometricRepeatabilityConfig } from '../../pipelines/drp/metrics/astrometricRepeatability.ts';
import { runDetectionCompleteness, detectionCompletenessConfig } from '../../pipelines/drp/metrics/detectionCompleteness.ts';
import { medianOf, photometricRepeatabilityConfig, runPhotometricRepeatability, runPhotometricRepeatabilityFamily } from '../../pipelines/drp/metrics/photometricRepeatability.ts';
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

describe('PF1 and PA1Systematic', () => {
  it('PF1 counts a cosmic-ray outlier that the chi-square test keeps out of PA1', () => {
    // 2 mmag errors: a pair difference beyond PA2 = 15 mmag is a 5.3-sigma event (~1e-7 per
    // pair), so only star 4's visit 1, made 21 mmag too bright, makes outlier pairs: 3 of them
    // (with each of the other 3 visits).
    const sigma = () => 0.002;
    const clean = forcedCatalogs(200, 4, sigma);
    const hit = clean.map((cat, v) => {
      const mags = Float64Array.from(cat.columns.psfMag as Float64Array);
      if (v === 1) mags[4] = mags[4]! - 0.021;
      return { ...cat, columns: { ...cat.columns, psfMag: mags } };
    });
    const config = photometricRepeatabilityConfig.parse({});
    const before = runPhotometricRepeatabilityFamily(clean, undefined, config);
    const after = runPhotometricRepeatabilityFamily(hit, undefined, config);
    expect(before.pf1.metric).toBe('simcam_drp.PF1');
    expect(before.pf1.extras!.nOutliers!.value).toBe(0);
    expect(after.pf1.extras!.nOutliers!.value).toBe(3);
    // 199 usable stars (7 is extended) x 6 pairs of 4 visits.
    expect(after.pf1.extras!.nPairs!.value).toBe(199 * 6);
    expect(after.pf1.value!).toBeCloseTo((100 * 3) / (199 * 6), 10);
    // The chi-square test rejects the star from PA1, so PA1 hides the hit; PF1 is what shows it.
    expect(after.pa1.extras!.nRejected!.value).toBe(before.pa1.extras!.nRejected!.value + 1);
    expect(Math.abs(after.pa1.value! - before.pa1.value!)).toBeLessThan(0.05);
  });

  it('PA1Systematic removes the photon noise in quadrature: a 3 mmag per-visit offset shows as ~3 mmag', () => {
    // Each visit's zero point off by a random 3 mmag (the same for every star of the visit), on
    // top of 5 mmag photon noise: PA1 ≈ sqrt(5² + 3²) ≈ 5.8 mmag, PA1Systematic ≈ 3 mmag. With
    // 300 stars x 3 dof the pooled noise variance is known to ~3%, but the 4 visit offsets are a
    // sample of 4: their scatter about the visits' mean is itself uncertain, so compare with the
    // realized offsets' own unbiased RMS.
    const offsets = [0.003, -0.0035, 0.001, -0.0005].map((o) => o * 1.2);
    const mean = offsets.reduce((a, b) => a + b, 0) / offsets.length;
    const realized = 1000 * Math.sqrt(offsets.reduce((a, o) => a + (o - mean) ** 2, 0) / (offsets.length - 1));
    const cats = forcedCatalogs(300, 4, () => 0.005, (_, v, m) => m + offsets[v]!);
    const { pa1, pa1Systematic } = runPhotometricRepeatabilityFamily(cats, undefined, photometricRepeatabilityConfig.parse({}));
    expect(pa1Systematic.metric).toBe('simcam_drp.PA1Systematic');
    expect(pa1.value!).toBeGreaterThan(pa1Systematic.value!);
    // sqrt(excess variance): the noise part's uncertainty, 25 mmag² · sqrt(2/897) ≈ 1.2 mmag²,
    // moves sqrt(~13 mmag²) by ~ ±0.5 mmag at 3 sigma.
    expect(Math.abs(pa1Systematic.value! - realized), `PA1Systematic ${pa1Systematic.value}, offsets ${realized}`).toBeLessThan(0.6);
    const noOffsets = runPhotometricRepeatabilityFamily(forcedCatalogs(300, 4, () => 0.005), undefined, photometricRepeatabilityConfig.parse({}));
    expect(noOffsets.pa1Systematic.value!).toBeLessThan(1.5);
  });

  it('selects stars by the true median S/N: with 2 visits, the mean of the two, not the larger', () => {
    expect(medianOf([50, 150])).toBe(100);
    expect(medianOf([90, 200])).toBe(145);
    expect(medianOf([3, 1, 2])).toBe(2);
    // Star S/N 60 and 130 in its two visits: median 95 < 100, so it is not a PA1 star.
    const cats = forcedCatalogs(10, 2, () => 0.01).map((cat, v) => {
      const err = Float64Array.from(cat.columns.psfFluxErr as Float64Array);
      const flux = cat.columns.psfFlux as Float64Array;
      for (let k = 0; k < err.length; k++) err[k] = flux[k]! / (v === 0 ? 60 : 130);
      return { ...cat, columns: { ...cat.columns, psfFluxErr: err } };
    });
    expect(runPhotometricRepeatability(cats, undefined, photometricRepeatabilityConfig.parse({})).extras!.nStars).toEqual({ value: 0, unit: '', label: 'stars used' });
  });
});
