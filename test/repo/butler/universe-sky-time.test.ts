import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { exportButler, insertDimensionRecords, parseUniverse } from '../../../server/repo/index.ts';
import { decodeConvexPolygon, encodeConvexPolygon, taiToUtc, utcToTai } from '../../../server/repo/butler/sky-time.ts';
import type { ConvexPolygonRegion, TaiTime } from '../../../server/repo/butler/tagged.ts';
import { BUTLER_TAGS } from '../../../server/repo/butler/tagged.ts';
import { recordFields } from '../../../server/repo/butler/universe-config.ts';
import { useTestDatabase } from '../../support/db.ts';
import { seedDimensions } from '../../support/factories.ts';

const t = useTestDatabase();
const DIMENSIONS_YAML = fs.readFileSync(path.resolve(import.meta.dirname, '../../fixtures/butler/dimensions.yaml'), 'utf8');

describe("daf_butler's dimensions.yaml", () => {
  it('gives keys, requires, implies, metadata and topology of the real universe', () => {
    const u = parseUniverse(DIMENSIONS_YAML);
    expect(u).toMatchObject({ namespace: 'daf_butler', version: 8 });
    const visit = u.elements.get('visit')!;
    expect(visit).toMatchObject({ requires: ['instrument'], implies: ['physical_filter', 'day_obs'], spatial: true, temporal: true });
    expect(visit.keys.map((k) => k.name)).toEqual(['id', 'name']);
    expect(visit.metadata.map((m) => m.name)).toContain('exposure_time');
    expect(recordFields(u.elements.get('visit_detector_region')!)).toEqual({ required: ['visit', 'detector'], optional: ['region'] });
    expect(u.elements.get('exposure')!.implies).toContain('group');
  });

  it('names what is wrong in a broken universe', () => {
    const broken = DIMENSIONS_YAML.replace('requires: [instrument]\n    implies: [physical_filter, day_obs]', 'requires: [instrument]\n    implies: [physical_filter, night]');
    expect(() => parseUniverse(broken, 'mine.yaml')).toThrow(/mine.yaml: element 'visit' refers to 'night', which is not a dimension/);
    expect(() => parseUniverse('elements: 3', 'x.yaml')).toThrow(/x.yaml: expected an 'elements' mapping/);
  });
});

describe('times and regions', () => {
  it('converts TAI to UTC across leap seconds and back', () => {
    expect(taiToUtc('2013-06-17 13:29:11.039000000', 't').toISOString()).toBe('2013-06-17T13:28:36.039Z'); // 35 s
    expect(taiToUtc('2025-12-03 08:00:33.880859613', 't').toISOString()).toBe('2025-12-03T07:59:56.880Z'); // 37 s
    expect(utcToTai(new Date('2016-12-31T12:00:00Z'))).toBe('2016-12-31 12:00:36.000000000');
    expect(() => taiToUtc('2013-06-17', 'visit 3 datetime_begin')).toThrow(/visit 3 datetime_begin: '2013-06-17' is not a TAI time/);
  });

  it('decodes sphgeom polygons and encodes them back to the same vertices', () => {
    const square: [number, number][] = [[10, -1], [11, -1], [11, 0], [10, 0]];
    const hex = encodeConvexPolygon(square);
    expect(hex.startsWith('70')).toBe(true);
    const back = decodeConvexPolygon(hex, 'r');
    back.forEach(([ra, dec], i) => {
      expect(ra).toBeCloseTo(square[i]![0], 10);
      expect(dec).toBeCloseTo(square[i]![1], 10);
    });
    expect(() => decodeConvexPolygon('71ab', 'visit 4 region')).toThrow(/visit 4 region: not an encoded sphgeom ConvexPolygon/);
  });
});

describe('exporting what Vera made itself', () => {
  it('writes Vera-native visits in Butler form: snake_case, TAI times, ConvexPolygon regions', async () => {
    await seedDimensions(t.db, { nVisits: 2, nDetectors: 1 });
    await insertDimensionRecords(t.db, 'detector', [{ instrument: 'TestCam', id: 7, fullName: 'S7', extra: { purpose: 'GUIDE' } }]);
    const doc = parse(await exportButler(t.db), { customTags: BUTLER_TAGS }) as { data: { element?: string; records?: Record<string, unknown>[] }[] };
    const visits = doc.data.find((d) => d.element === 'visit')!.records!;
    expect(visits).toHaveLength(2);
    expect(visits[0]).toMatchObject({ instrument: 'TestCam', id: 1, physical_filter: 'TestCam-g', day_obs: 20261101, exposure_time: 30 });
    expect((visits[0]!.datetime_begin as TaiTime).iso).toBe('2026-11-01 02:00:37.000000000');
    const corners = decodeConvexPolygon((visits[0]!.region as ConvexPolygonRegion).encoded, 'r');
    expect(corners[0]![0]).toBeCloseTo(149.9, 9);
    expect(doc.data.find((d) => d.element === 'detector')!.records).toContainEqual({ instrument: 'TestCam', id: 7, full_name: 'S7', purpose: 'GUIDE' });
    expect(doc.data.some((d) => d.element === 'band')).toBe(false);
  });
});
