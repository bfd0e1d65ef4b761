import { describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { CatalogValue } from '../../pipelines/framework/values.ts';
import {
  biasValue,
  flatValue,
  lightCurveFromRow,
  rawAndTruthValues,
  rawValue,
  refcatValue,
  transientTruthValue,
  truthValue,
} from '../../pipelines/simcam/datasets.ts';
import { defineSimCam, lightCurveMag, pointSourceSnr, renderBias, renderFlat, renderRaw, visitDetectorWcs } from '../../pipelines/simcam/index.ts';

/** SimCam as repository datasets: the values the lead ingests as raw, bias, flat, refcat and truth. */

const sim = defineSimCam({ detectorSizePx: 128, nVisits: 3, nStars: 800, nGalaxies: 150 });
const visit = sim.visits[1]!;

describe('SimCam dataset values', () => {
  it('makes a raw Image: the rendered ADU, the header keywords and the commanded (header) WCS', () => {
    const rendered = renderRaw(sim, visit.id, 2);
    const raw = rawValue(sim, visit.id, 2);
    expect(Array.from(raw.image.data)).toEqual(Array.from(rendered.image.data));
    expect(raw.metadata).toMatchObject({ BAND: 'r', FILTER: 'SimCam-r', EXPTIME: 30, BUNIT: 'adu', EXPID: visit.id, DETECTOR: 2 });
    expect(typeof raw.metadata.GAIN).toBe('number');
    expect(Object.keys(raw.metadata).some((k) => /^(CRVAL|CRPIX|CD\d|CTYPE|NAXIS|BITPIX)/.test(k))).toBe(false);
    const header = visitDetectorWcs(sim, visit.id, 2, 'header');
    expect(raw.wcs!.crvalDeg[0]).toBeCloseTo(header.crvalDeg[0], 10);
    expect(raw.wcs!.crpixPx[1]).toBeCloseTo(header.crpixPx[1], 9);
    expect(raw.wcs!.crvalDeg[0]).not.toBeCloseTo(visitDetectorWcs(sim, visit.id, 2, 'true').crvalDeg[0], 6);
  });

  it('makes bias and flat Images from the calibration renders, with their variant recorded', () => {
    expect(Array.from(biasValue(sim, 1).image.data)).toEqual(Array.from(renderBias(sim, 1).image.data));
    const prod = flatValue(sim, 1, 'g');
    const gradient = flatValue(sim, 1, 'g', 'exp-flat-gradient');
    expect(Array.from(prod.image.data)).toEqual(Array.from(renderFlat(sim, 1, 'g', 'prod').image.data));
    expect(prod.metadata).toMatchObject({ FILTER: 'SimCam-g', CALIBSET: 'prod', OBSTYPE: 'flat' });
    expect(gradient.metadata.CALIBSET).toBe('exp-flat-gradient');
    const ratio = Array.from(gradient.image.data, (v, i) => v / prod.image.data[i]!);
    expect(Math.max(...ratio) - Math.min(...ratio)).toBeGreaterThan(0.01);
  });

  it('makes the refcat Catalog with positions, per-band magnitudes and the resolved flag', async () => {
    const ref = refcatValue(sim);
    expect(Object.keys(ref.columns)).toEqual(['id', 'raDeg', 'decDeg', 'gMag', 'rMag', 'iMag', 'isResolved']);
    expect(ref.columns.id!.length).toBe(950);
    expect((ref.columns.isResolved as boolean[]).filter(Boolean)).toHaveLength(150);
    const decoded = (await codecFor('Catalog').decode(await codecFor('Catalog').encode(ref))) as CatalogValue;
    expect(Array.from(decoded.columns.rMag as Float64Array)).toEqual(Array.from(sim.refcat.rMag as Float64Array));
  });

  it('makes truth_sources per raw with the noise-model S/N, and shares one render with the raw', () => {
    const truth = truthValue(sim, visit.id, 0);
    const both = rawAndTruthValues(sim, visit.id, 0);
    const rendered = renderRaw(sim, visit.id, 0);
    expect(Array.from(truth.columns.id as Int32Array)).toEqual(Array.from(rendered.truth.sources.id as Int32Array));
    expect(Array.from(both.truth.columns.id as Int32Array)).toEqual(Array.from(truth.columns.id as Int32Array));
    expect(Array.from(both.raw.image.data)).toEqual(Array.from(rendered.image.data));
    const vt = rendered.truth.visit;
    const k = 3;
    expect((truth.columns.snr as Float64Array)[k]).toBeCloseTo(pointSourceSnr((truth.columns.fluxE as Float64Array)[k]!, vt.skyEPerPx, rendered.truth.detector.readNoiseE, vt.psf), 12);
    expect(Number(truth.metadata.zeroPointMag)).toBe(vt.zeroPointMag);
  });

  it('makes truth_transients whose rows give back every light curve', () => {
    const t = transientTruthValue(sim);
    expect(t.columns.id!.length).toBe(sim.transients.length);
    sim.transients.forEach((tr, k) => {
      const curve = lightCurveFromRow(t.columns, k, sim.options.bands);
      for (const v of sim.visits) {
        for (const band of sim.options.bands) expect(lightCurveMag(curve, v.extra.midMjd, band)).toBe(lightCurveMag(tr.lightCurve, v.extra.midMjd, band));
      }
    });
    expect(new Set(t.columns.kind as string[])).toEqual(new Set(['transient', 'variable']));
  });
});
