import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { pixelToSky, skyToPixel } from '../../pipelines/image/wcs.ts';
import { headerValue, imageHdu, readFits, wcsFromHeader, writeFits } from '../../pipelines/io/fits.ts';
import { writeCatalogParquet } from '../../pipelines/io/parquet.ts';
import type { LightCurve } from '../../pipelines/simcam/index.ts';
import { defineSimCam, lightCurveMag, renderBias, renderFlat, renderRaw, visitDetectorRegion, visitDetectorWcs } from '../../pipelines/simcam/index.ts';
import { DIMENSION_STORAGE } from '../../server/repo/dimension-records.ts';
import { ensureDebianBinary } from '../support/debian.ts';

/** Small frames keep these tests fast; the physics tests use full-size detectors. */
const SMALL = { detectorSizePx: 128, nVisits: 3, nStars: 600, nGalaxies: 100 };

function rawBytes(seed: number, visitIndex: number, detectorId: number): Buffer {
  const sim = defineSimCam({ ...SMALL, seed });
  const raw = renderRaw(sim, sim.visits[visitIndex]!.id, detectorId);
  return Buffer.from(writeFits([{ header: raw.header, data: Uint16Array.from(raw.image.data), shape: [raw.image.width, raw.image.height] }]));
}

/** Shoelace area in (east, north) degrees; positive for counter-clockwise as seen from inside. */
function signedArea(region: [number, number][]): number {
  const cosDec = Math.cos((region[0]![1] * Math.PI) / 180);
  let area = 0;
  for (let k = 0; k < region.length; k++) {
    const [ra1, d1] = region[k]!;
    const [ra2, d2] = region[(k + 1) % region.length]!;
    area += -ra1 * cosDec * d2 + ra2 * cosDec * d1;
  }
  return area / 2;
}

describe('SimCam definition', () => {
  const sim = defineSimCam();

  it('defines the default demo: 12 visits in g, r, i over 4 nights, 4 detectors, 3x3 patches', () => {
    expect(sim.instrument.name).toBe('SimCam');
    expect(sim.visits).toHaveLength(12);
    expect(sim.detectors.map((d) => d.fullName)).toEqual(['S00', 'S01', 'S10', 'S11']);
    expect(sim.physicalFilters.map((f) => [f.name, f.band])).toEqual([
      ['SimCam-g', 'g'],
      ['SimCam-r', 'r'],
      ['SimCam-i', 'i'],
    ]);
    expect(sim.dayObs.map((d) => d.id)).toEqual([20250301, 20250303, 20250305, 20250307]);
    expect(new Set(sim.visits.map((v) => v.id)).size).toBe(12);
    expect(sim.patches).toHaveLength(9);
    expect(sim.refcat.id).toHaveLength(3100);
  });

  it('gives records that the data repository accepts as dimension records', () => {
    const parse = (dimension: string, record: unknown) => DIMENSION_STORAGE[dimension]!.record.parse(record);
    parse('instrument', sim.instrument);
    for (const b of sim.bands) parse('band', b);
    for (const f of sim.physicalFilters) parse('physical_filter', f);
    for (const d of sim.dayObs) parse('day_obs', d);
    for (const d of sim.detectors) parse('detector', d);
    for (const v of sim.visits) parse('visit', v);
    parse('skymap', sim.skymap);
    for (const t of sim.tracts) parse('tract', t);
    for (const p of sim.patches) parse('patch', p);
  });

  it('puts each visit inside its day_obs, with begin + exposure time = end', () => {
    for (const v of sim.visits) {
      const day = sim.dayObs.find((d) => d.id === v.dayObs)!;
      expect(Date.parse(v.beginTime)).toBeGreaterThan(Date.parse(day.beginTime));
      expect(Date.parse(v.endTime)).toBeLessThan(Date.parse(day.endTime));
      expect(Date.parse(v.endTime) - Date.parse(v.beginTime)).toBe(v.exposureTimeS * 1000);
      expect(v.extra.airmass).toBeGreaterThan(1);
      expect(v.extra.airmass).toBeLessThan(2);
    }
  });

  it('gives counter-clockwise regions that contain the pointing and lie inside the tract', () => {
    const tractWcs = sim.truth.tracts[0]!.wcs;
    const tractSize = sim.truth.tracts[0]!.bbox.width;
    for (const v of sim.visits) {
      expect(signedArea(v.region)).toBeGreaterThan(0);
      for (const [ra, dec] of v.region) {
        const [x, y] = skyToPixel(tractWcs, ra, dec);
        expect(x).toBeGreaterThan(0);
        expect(y).toBeGreaterThan(0);
        expect(x).toBeLessThan(tractSize);
        expect(y).toBeLessThan(tractSize);
      }
    }
    expect(signedArea(sim.tracts[0]!.region)).toBeGreaterThan(0);
    for (const p of sim.patches) expect(signedArea(p.region)).toBeGreaterThan(0);
  });

  it('tiles the tract with patch inner boxes and overlaps neighbours by the border', () => {
    const tract = sim.truth.tracts[0]!;
    const covered = tract.patches.reduce((a, p) => a + p.innerBBox.width * p.innerBBox.height, 0);
    expect(covered).toBe(tract.bbox.width * tract.bbox.height);
    const centre = tract.patches[4]!;
    expect(centre.outerBBox).toEqual({ x0: centre.innerBBox.x0 - 50, y0: centre.innerBBox.y0 - 50, width: centre.innerBBox.width + 100, height: centre.innerBBox.height + 100 });
    // The patch grid is the tract grid shifted: the same sky at the same tract pixel.
    expect(pixelToSky(centre.wcs, 10, 20)).toEqual(pixelToSky(tract.wcs, centre.outerBBox.x0 + 10, centre.outerBBox.y0 + 20));
  });

  it('puts the header WCS within a few arcsec of the true one (pointing error) and detector regions on the sky', () => {
    const v = sim.visits[0]!;
    const header = visitDetectorWcs(sim, v.id, 3, 'header');
    const truth = visitDetectorWcs(sim, v.id, 3, 'true');
    const [x, y] = skyToPixel(header, ...pixelToSky(truth, 255.5, 255.5));
    expect(Math.hypot(x - 255.5, y - 255.5)).toBeGreaterThan(0);
    expect(Math.hypot(x - 255.5, y - 255.5)).toBeLessThan(30);
    expect(signedArea(visitDetectorRegion(sim, v.id, 3))).toBeGreaterThan(0);
  });

  it('evaluates light curves: dark before explosion, peak at peakMjd, linear decline; periodic around the mean', () => {
    const explosive: LightCurve = { type: 'explosive', peakMjd: 100, riseDays: 4, declineMagPerDay: 0.05, peakMag: { g: 20, r: 20.5, i: 21 } };
    expect(lightCurveMag(explosive, 95, 'g')).toBe(Number.POSITIVE_INFINITY);
    expect(lightCurveMag(explosive, 98, 'g')).toBeCloseTo(20 + 5 * Math.log10(2), 12);
    expect(lightCurveMag(explosive, 100, 'r')).toBe(20.5);
    expect(lightCurveMag(explosive, 110, 'i')).toBeCloseTo(21.5, 12);
    const periodic: LightCurve = { type: 'periodic', epochMjd: 0, periodDays: 2, amplitudeMag: 0.3, meanMag: { g: 18, r: 17.5, i: 17 } };
    expect(lightCurveMag(periodic, 0.5, 'g')).toBeCloseTo(18.3, 12);
    expect(lightCurveMag(periodic, 1.5, 'g')).toBeCloseTo(17.7, 12);
    expect(sim.transients.filter((t) => t.kind === 'transient')).toHaveLength(20);
    expect(sim.transients.filter((t) => t.kind === 'variable')).toHaveLength(10);
  });

  it('records transients in the truth of the frames where they shine, with the light-curve magnitude', () => {
    let seen = 0;
    for (const v of sim.visits) {
      const vt = sim.truth.visits.find((t) => t.visitId === v.id)!;
      for (const d of sim.detectors) {
        const wcs = visitDetectorWcs(sim, v.id, d.id, 'true');
        const shining = sim.transients.filter((t) => {
          const [x, y] = skyToPixel(wcs, t.raDeg, t.decDeg);
          return Number.isFinite(lightCurveMag(t.lightCurve, vt.midMjd, vt.band)) && x > 0 && y > 0 && x < 511 && y < 511;
        });
        if (shining.length === 0) continue;
        const truth = renderRaw(sim, v.id, d.id).truth.sources;
        for (const t of shining) {
          const row = Array.from(truth.id as Int32Array).findIndex((id, k) => id === t.id && (truth.kind as string[])[k] === t.kind);
          expect(row).toBeGreaterThanOrEqual(0);
          expect((truth.mag as Float64Array)[row]).toBe(lightCurveMag(t.lightCurve, vt.midMjd, vt.band));
          seen++;
        }
        if (seen >= 5) return;
      }
    }
    expect(seen).toBeGreaterThan(0);
  });
});

describe('SimCam determinism', () => {
  it('renders identical bytes for the same seed, whatever was rendered before', () => {
    const first = rawBytes(11, 1, 2);
    const sim = defineSimCam({ ...SMALL, seed: 11 });
    renderRaw(sim, sim.visits[0]!.id, 0);
    renderRaw(sim, sim.visits[2]!.id, 3);
    expect(rawBytes(11, 1, 2).equals(first)).toBe(true);
    const a = defineSimCam({ ...SMALL, seed: 11 });
    const b = defineSimCam({ ...SMALL, seed: 11 });
    expect(Buffer.from(writeCatalogParquet(a.refcat)).equals(Buffer.from(writeCatalogParquet(b.refcat)))).toBe(true);
    expect(JSON.stringify(a)).toBe(JSON.stringify(b));
  });

  it('renders different skies and pixels for a different seed', () => {
    expect(rawBytes(12, 1, 2).equals(rawBytes(11, 1, 2))).toBe(false);
    const a = defineSimCam({ ...SMALL, seed: 11 });
    const b = defineSimCam({ ...SMALL, seed: 12 });
    expect(a.refcat.raDeg).not.toEqual(b.refcat.raDeg);
    expect(a.visits.map((v) => v.raDeg)).not.toEqual(b.visits.map((v) => v.raDeg));
  });

  it('rejects bad options and unknown visits', () => {
    expect(() => defineSimCam({ nVisits: 0 })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => defineSimCam({ bands: ['g', 'g'] })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    const sim = defineSimCam(SMALL);
    expect(() => renderRaw(sim, 42, 0)).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
  });
});

describe('SimCam raw files', () => {
  it('writes a raw (16-bit unsigned) and calibrations that fitsverify accepts with 0 warnings; the raw carries the header WCS', { timeout: 600_000 }, () => {
    const fitsverify = ensureDebianBinary('fitsverify', 'fitsverify');
    const sim = defineSimCam(SMALL);
    const visit = sim.visits[0]!;
    const raw = renderRaw(sim, visit.id, 1);
    for (const v of raw.image.data) expect(Number.isInteger(v) && v >= 0 && v <= 65535).toBe(true);
    const bytes = writeFits([{ header: raw.header, data: Uint16Array.from(raw.image.data), shape: [128, 128] }]);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-simcam-'));
    try {
      const bias = renderBias(sim, 1);
      const flat = renderFlat(sim, 1, 'g', 'exp-flat-gradient');
      const files = {
        'raw.fits': bytes,
        'bias.fits': writeFits([{ header: bias.header, data: bias.image.data, shape: [128, 128] }]),
        'flat.fits': writeFits([{}, imageHdu(flat.image, { name: 'IMAGE', header: flat.header })]),
      };
      for (const [name, content] of Object.entries(files)) {
        const file = path.join(dir, name);
        fs.writeFileSync(file, content);
        const out = spawnSync(fitsverify, [file], { encoding: 'utf8' }).stdout;
        expect(out, out).toMatch(/found 0 warning\(s\) and 0 error\(s\)/);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
    const [hdu] = readFits(bytes);
    expect(headerValue(hdu!.header, 'EXPID')).toBe(visit.id);
    expect(headerValue(hdu!.header, 'FILTER')).toBe('SimCam-g');
    expect(headerValue(hdu!.header, 'DATE-OBS')).toBe(visit.beginTime.replace('Z', ''));
    expect(wcsFromHeader(hdu!.header)).toEqual(visitDetectorWcs(sim, visit.id, 1, 'header'));
    expect(Float32Array.from(hdu!.data as Uint16Array)).toEqual(raw.image.data);
  });
});
