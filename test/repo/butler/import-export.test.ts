import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { sql, queryRows } from '../../../server/db/client.ts';
import { Datastore, exportButler, getDataset, importButlerExport, queryDimensionRecords } from '../../../server/repo/index.ts';
import { BUTLER_TAGS } from '../../../server/repo/butler/tagged.ts';
import { toJsonValue } from '../../../server/repo/butler/tagged.ts';
import { countRows, useTestDatabase } from '../../support/db.ts';
import { makeActor } from '../../support/factories.ts';

const t = useTestDatabase();
const FIXTURES = path.resolve(import.meta.dirname, '../../fixtures/butler');
const read = (name: string) => fs.readFileSync(path.join(FIXTURES, name), 'utf8');
const UNIVERSE = { text: read('dimensions.yaml'), file: 'dimensions.yaml' };

const temps: string[] = [];
function tempDir(prefix: string): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  temps.push(d);
  return d;
}
afterEach(() => {
  for (const d of temps.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

async function setup() {
  const operator = await makeActor(t.db, 'ops', 'operator');
  return { operator, store: new Datastore(tempDir('vera-store-')) };
}

/** The parts of an export that must survive a round trip, as plain JSON (tags made explicit), order-insensitive per block. */
function content(text: string) {
  const doc = toJsonValue(parse(text, { customTags: BUTLER_TAGS })) as { data: Record<string, unknown>[] };
  const sortByJson = (xs: unknown[]) => xs.map((x) => JSON.stringify(x, Object.keys(x as object).sort())).sort();
  const records = new Map<string, string[]>();
  const datasets: string[] = [];
  const other: string[] = [];
  for (const e of doc.data) {
    if (e.type === 'dimension') records.set(e.element as string, sortByJson(e.records as unknown[]).map((r) => JSON.stringify(JSON.parse(r))));
    else if (e.type === 'dataset') {
      for (const r of e.records as Record<string, unknown>[]) {
        const id = r.dataset_id as unknown[];
        const dataIds = (r.data_id as Record<string, unknown>[]).map((d) => Object.fromEntries(Object.entries(d).sort(([x], [y]) => x.localeCompare(y))));
        datasets.push(JSON.stringify({ type: e.dataset_type, run: e.run, id, dataIds, path: r.path }));
      }
    } else other.push(JSON.stringify(e));
  }
  return { records, datasets: datasets.sort(), other: other.sort() };
}

describe('butler export import', () => {
  it('imports the real ci_hsc export with its dimensions.yaml: snake_case visits and detectors, kept fields, TAI times', async () => {
    const { operator, store } = await setup();
    const summary = await importButlerExport(t.db, store, { text: read('ci_hsc-subset.yaml'), file: 'ci_hsc-subset.yaml', universe: UNIVERSE, allowedRoots: [] }, operator);
    expect(summary.datasets).toBe(33);
    expect(summary.records.find((r) => r.element === 'visit_detector_region')).toMatchObject({ veraTable: false });
    expect(summary.records.find((r) => r.element === 'visit')).toMatchObject({ veraTable: true, count: 11 });

    const [hsc] = await queryDimensionRecords(t.db, 'instrument', { instrument: 'HSC' });
    expect(hsc!.className).toBe('lsst.obs.subaru.HyperSuprimeCam');
    const [visit] = await queryDimensionRecords(t.db, 'visit', { instrument: 'HSC', visit: 903334 });
    // TAI 2013-06-17 13:29:11.039 is UTC 13:28:36.039 (TAI - UTC = 35 s from 2012-07-01 to 2015-07-01).
    expect((visit!.beginTime as Date).toISOString()).toBe('2013-06-17T13:28:36.039Z');
    expect(visit!.physicalFilter).toBe('HSC-R');
    expect(visit!.exposureTimeS).toBe(30);
    expect(visit!.extra).toMatchObject({ name: 'HSCA90333400', seq_num: 903334, target_name: 'STRIPE82L', science_program: 'o13015' });
    // Stripe 82 at RA ~ 320 deg, Dec ~ 0.
    expect(visit!.raDeg as number).toBeGreaterThan(319);
    expect(visit!.raDeg as number).toBeLessThan(322);
    expect(Math.abs(visit!.decDeg as number)).toBeLessThan(2);
    const [detector] = await queryDimensionRecords(t.db, 'detector', { instrument: 'HSC', detector: 100 });
    expect(detector).toMatchObject({ fullName: '0_31', extra: { name_in_raft: '31', raft: '0', purpose: 'SCIENCE' } });

    const calexp = await getDataset(t.db, '1b3a4c19-dffa-4942-af1d-b123a1497a00');
    expect(calexp).toMatchObject({ datasetType: 'calexp', run: 'HSC/runs/ci_hsc/20240806T180642Z', dataId: { instrument: 'HSC', detector: 23, visit: 903334 } });
    expect(calexp.dims).toMatchObject({ band: 'r', physical_filter: 'HSC-R', day_obs: 20130617 });
    const [row] = await queryRows<{ stored: boolean }>(t.db, sql`SELECT stored FROM datasets WHERE id = '1b3a4c19-dffa-4942-af1d-b123a1497a00'`);
    expect(row!.stored).toBe(false);
  });

  it('vera import then vera export round-trips the records and datasets of ci_hsc', async () => {
    const { operator, store } = await setup();
    const original = read('ci_hsc-subset.yaml');
    await importButlerExport(t.db, store, { text: original, file: 'ci_hsc-subset.yaml', universe: UNIVERSE, allowedRoots: [] }, operator);
    const exported = await exportButler(t.db);
    const a = content(original);
    const b = content(exported);
    expect([...b.records.keys()]).toEqual([...a.records.keys()]);
    for (const [element, records] of a.records) expect(b.records.get(element), element).toEqual(records);
    expect(b.datasets).toHaveLength(33);
    expect(b.datasets).toEqual(a.datasets);
    expect(b.other).toEqual(a.other); // the RUN collection (host, timespan) and the calexp dataset type
    expect(exported).toContain("!butler_time/tai/iso 2013-06-17 13:29:11.039000000");
    expect(exported).toContain('!<lsst.sphgeom.ConvexPolygon>');
    expect(exported).toContain('!uuid 1b3a4c19-dffa-4942-af1d-b123a1497a00');

    // The export reads back: into a fresh repository it gives the same export again.
    await t.database.db.execute(sql`TRUNCATE butler_kept, dataset_tags, dataset_calibs, datasets, dataset_types, collection_chain, collections, dim_visit, dim_detector, dim_day_obs, dim_physical_filter, dim_band, dim_instrument CASCADE`);
    await importButlerExport(t.db, store, { text: exported, file: 'exported.yaml', universe: UNIVERSE, allowedRoots: [] }, operator);
    expect(content(await exportButler(t.db))).toEqual(b);
  });

  it('keeps elements Vera has no table for (exposure, group, visit_definition) from the real LSSTCam export', async () => {
    const { operator, store } = await setup();
    const original = read('lsstcam-subset.yaml');
    const summary = await importButlerExport(t.db, store, { text: original, file: 'lsstcam-subset.yaml', universe: UNIVERSE, allowedRoots: [] }, operator);
    expect(summary.records.filter((r) => !r.veraTable).map((r) => r.element).sort()).toEqual(['exposure', 'group', 'visit_definition', 'visit_detector_region', 'visit_system', 'visit_system_membership']);
    const [visit] = await queryDimensionRecords(t.db, 'visit', { instrument: 'LSSTCam', visit: 2025120200439 });
    expect(visit).toBeDefined();
    const a = content(original);
    const b = content(await exportButler(t.db));
    for (const [element, records] of a.records) expect(b.records.get(element), element).toEqual(records);
  });

  it('without a dimensions.yaml, names the unsupported elements and registers nothing', async () => {
    const { operator, store } = await setup();
    const err = await importButlerExport(t.db, store, { text: read('ci_hsc-subset.yaml'), file: 'ci_hsc-subset.yaml', allowedRoots: [] }, operator).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'BUTLER_EXPORT_INVALID' });
    expect((err as Error).message).toMatch(/unsupported element 'visit_detector_region'.*--universe/);
    expect(await countRows(t.db, 'dim_instrument')).toBe(0);
    expect(await countRows(t.db, 'datasets')).toBe(0);
  });

  it('lists every problem of a file at once: shared placeholder paths in daf_butler datasets.yaml', async () => {
    const { operator, store } = await setup();
    await importButlerExport(t.db, store, { text: read('base.yaml'), file: 'base.yaml', universe: UNIVERSE, allowedRoots: [] }, operator);
    expect((await queryDimensionRecords(t.db, 'detector', { instrument: 'Cam1' })).map((d) => (d.extra as { purpose: string }).purpose)).toEqual(['SCIENCE', 'SCIENCE', 'SCIENCE', 'WAVEFRONT']);
    const err = (await importButlerExport(t.db, store, { text: read('datasets.yaml'), file: 'datasets.yaml', universe: UNIVERSE, allowedRoots: [] }, operator).catch((e: unknown) => e)) as Error & { details: { problems: string[] } };
    expect(err).toMatchObject({ code: 'BUTLER_EXPORT_INVALID' });
    // 13 datasets share the path 'placeholder': 12 repeats, each named.
    expect(err.details.problems.filter((p) => p.includes("path placeholder is used twice"))).toHaveLength(12);
    expect(err.message).toContain('13 problems'.replace('13', String(err.details.problems.length)));
    expect(await countRows(t.db, 'collections')).toBe(0);
  });

  it('refuses bad records and unsupported dataset types, naming each, before writing anything', async () => {
    const { operator, store } = await setup();
    const broken = read('ci_hsc-subset.yaml')
      .replace('storage_class: ExposureF', 'storage_class: MysteryF')
      .replace("datetime_begin: !butler_time/tai/iso '2013-06-17 13:29:11.039000000'", "datetime_begin: !butler_time/tai/iso 'yesterday'");
    const err = (await importButlerExport(t.db, store, { text: broken, file: 'broken.yaml', universe: UNIVERSE, allowedRoots: [] }, operator).catch((e: unknown) => e)) as Error;
    expect(err.message).toMatch(/unsupported storage class 'MysteryF'/);
    expect(err.message).toMatch(/visit record 0 datetime_begin: 'yesterday' is not a TAI time/);
    expect(await countRows(t.db, 'dim_visit')).toBe(0);
  });

  it('copies files from a datastore root inside the import roots, with checksums; refuses one outside', async () => {
    const { operator, store } = await setup();
    const importRoot = tempDir('vera-import-');
    const butlerRoot = path.join(importRoot, 'butler');
    const text = read('ci_hsc-subset.yaml');
    const paths = [...text.matchAll(/^ {4}path: (.+)$/gm)].map((m) => m[1]!);
    for (const [i, p] of paths.entries()) {
      fs.mkdirSync(path.dirname(path.join(butlerRoot, p)), { recursive: true });
      fs.writeFileSync(path.join(butlerRoot, p), `SIMPLE  = T / calexp ${i}`.padEnd(2880, ' '));
    }
    const outside = await importButlerExport(t.db, store, { text, file: 'x.yaml', universe: UNIVERSE, datastoreRoot: butlerRoot, allowedRoots: [tempDir('vera-other-')] }, operator).catch((e: unknown) => e);
    expect(outside).toMatchObject({ code: 'PATH_ESCAPE' });

    fs.rmSync(path.join(butlerRoot, paths[5]!));
    const missing = (await importButlerExport(t.db, store, { text, file: 'x.yaml', universe: UNIVERSE, datastoreRoot: butlerRoot, allowedRoots: [importRoot] }, operator).catch((e: unknown) => e)) as Error;
    expect(missing.message).toContain(`file ${paths[5]} is not in the datastore root`);
    expect(await countRows(t.db, 'datasets')).toBe(0);

    fs.writeFileSync(path.join(butlerRoot, paths[5]!), 'restored');
    const summary = await importButlerExport(t.db, store, { text, file: 'x.yaml', universe: UNIVERSE, datastoreRoot: butlerRoot, allowedRoots: [importRoot] }, operator);
    expect(summary.filesCopied).toBe(33);
    const ref = await getDataset(t.db, '1b3a4c19-dffa-4942-af1d-b123a1497a00');
    expect(fs.readFileSync(store.resolve(ref.path), 'utf8')).toBe(fs.readFileSync(path.join(butlerRoot, ref.path), 'utf8'));
    expect(ref.checksum).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});
