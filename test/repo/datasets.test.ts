import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createCollection, findDatasets, registerDatasetType, registerDatasets } from '../../server/repo/index.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { makeActor, seedDimensions } from '../support/factories.ts';
import { registerIn } from '../support/repo-fixtures.ts';

const t = useTestDatabase();

async function setup() {
  const alice = await makeActor(t.db);
  await seedDimensions(t.db, { nVisits: 6, nDetectors: 3 });
  await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
  const dataIds = [];
  for (let visit = 1; visit <= 6; visit++) for (let detector = 0; detector < 3; detector++) dataIds.push({ instrument: 'TestCam', visit, detector });
  await registerIn(t.db, alice, 'run', 'calexp', dataIds);
  return alice;
}

async function visitsDetectors(where: string, bind?: Record<string, string | number | (string | number)[]>) {
  const found = await findDatasets(t.db, { datasetType: 'calexp', collections: ['run'], where, bind });
  return found.map((f) => `${f.dataId.visit}.${f.dataId.detector}`).sort();
}

describe('dataset queries with where expressions', () => {
  it('filters on required and implied dimensions', async () => {
    await setup();
    expect(await visitsDetectors("band = 'g' AND detector = 1")).toEqual(['1.1', '3.1', '5.1']);
    expect(await visitsDetectors('visit IN (2..6:2) AND NOT detector != 0')).toEqual(['2.0', '4.0', '6.0']);
    expect(await visitsDetectors('visit > 4 OR visit <= 1 AND detector = 2')).toEqual(['1.2', '5.0', '5.1', '5.2', '6.0', '6.1', '6.2']);
    expect(await visitsDetectors("(visit > 4 OR visit <= 1) AND detector = 2 AND physical_filter != 'TestCam-r'")).toEqual(['1.2', '5.2']);
    expect(await visitsDetectors('3 < visit AND visit < 5')).toEqual(['4.0', '4.1', '4.2']);
    expect(await visitsDetectors('day_obs = 20261101 AND visit NOT IN (1..5)')).toEqual(['6.0', '6.1', '6.2']);
    // A fully pinned data ID (answered through the unique data ID index) still applies every term.
    expect(await visitsDetectors("instrument = 'TestCam' AND visit = 2 AND detector = 1")).toEqual(['2.1']);
    expect(await visitsDetectors("instrument = 'TestCam' AND visit = 2 AND detector = 1 AND band = 'g'")).toEqual([]);
  });

  it('takes bind values, by :name and by bare name, scalars and lists', async () => {
    await setup();
    expect(await visitsDetectors('visit = :v AND detector IN (:dets)', { v: 2, dets: [0, 2] })).toEqual(['2.0', '2.2']);
    expect(await visitsDetectors('band = myband AND detector = 0', { myband: 'r' })).toEqual(['2.0', '4.0', '6.0']);
  });

  it('passes values as parameters: quotes and SQL in a string literal are just a value', async () => {
    await setup();
    const nasty = "g'; DROP TABLE datasets; --";
    expect(await visitsDetectors(`band = '${nasty.replace(/'/g, "''")}'`)).toEqual([]);
    expect(await visitsDetectors('band = :b', { b: nasty })).toEqual([]);
    expect(await countRows(t.db, 'datasets')).toBe(18);
  });

  it.each([
    ["visit = 'one'", 'WHERE_TYPE', 9, "'visit' takes an integer"],
    ['band = 1', 'WHERE_TYPE', 8, "'band' takes a string"],
    ['tract = 0', 'WHERE_UNKNOWN_NAME', 1, "dimension 'tract' is not a dimension of dataset type 'calexp'"],
    ['color = 1', 'WHERE_UNKNOWN_NAME', 1, "unknown name 'color'"],
    ['visit = :nope', 'WHERE_UNKNOWN_NAME', 9, "no bind value named ':nope'"],
    ["band IN (1..3)", 'WHERE_TYPE', 10, 'a range needs an integer dimension'],
    ['visit IN (1, 2', 'WHERE_SYNTAX', 15, "expected ')' or ','"],
  ])('%j fails with %s at column %i', async (where, code, column, text) => {
    await setup();
    const err = await findDatasets(t.db, { datasetType: 'calexp', collections: ['run'], where }).catch((e) => e);
    expect(err.code).toBe(code);
    expect(err.details.column).toBe(column);
    expect(err.message).toContain(text);
  });
});

describe('dataset registration', () => {
  it('expands data IDs with implied values from the dimension records', async () => {
    const alice = await makeActor(t.db);
    await seedDimensions(t.db);
    await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
    const [ref] = await registerIn(t.db, alice, 'run', 'calexp', [{ instrument: 'TestCam', visit: 2, detector: 1 }]);
    expect(ref!.dataId).toEqual({ instrument: 'TestCam', visit: 2, detector: 1 });
    expect(ref!.dims).toMatchObject({ band: 'r', physical_filter: 'TestCam-r', day_obs: 20261101 });
  });

  it.each([
    ['unknown dataset type', { datasetType: 'nope', dataId: { instrument: 'TestCam', visit: 1, detector: 0 } }, 'UNKNOWN_DATASET_TYPE', "'nope'"],
    ['unknown dimension', { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0, exposure: 3 } }, 'UNKNOWN_DIMENSION', "'exposure'"],
    ['dimension of another type', { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0, tract: 0 } }, 'DIMENSION_NOT_IN_TYPE', "'tract'"],
    ['wrong value type', { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: '1', detector: 0 } }, 'DATA_ID_INVALID', 'visit must be an integer'],
    ['missing value', { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1 } }, 'DATA_ID_INVALID', 'missing value for detector'],
    ['no such record', { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 99, detector: 0 } }, 'DIMENSION_RECORD_MISSING', 'visit=99'],
    ['contradicting implied value', { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0, band: 'r' } }, 'DATA_ID_INVALID', "band=\"r\" was given"],
  ])('%s is refused with a clear error and nothing is written', async (_name, bad, code, text) => {
    const alice = await makeActor(t.db);
    await seedDimensions(t.db);
    await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
    await createCollection(t.db, { name: 'run', type: 'RUN' }, alice);
    const good = { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 2, detector: 0 }, path: 'run/good', sizeBytes: 1, checksum: 'sha256:0' };
    const err = await registerDatasets(
      t.db,
      { run: 'run', datasets: [good, { ...(bad as typeof good), path: 'run/bad', sizeBytes: 1, checksum: 'sha256:1' }] },
      alice,
    ).catch((e) => e);
    expect(err.code).toBe(code);
    expect(err.message).toContain(text);
    expect(await countRows(t.db, 'datasets')).toBe(0);
  });

  it('refuses registering the same data ID twice in a run', async () => {
    const alice = await setup();
    const err = await registerIn(t.db, alice, 'run', 'calexp', [{ instrument: 'TestCam', visit: 1, detector: 0 }]).catch((e) => e);
    expect(err.code).toBe('DATASET_CONFLICT');
  });

  it('only the run owner writes into a run', async () => {
    await setup();
    const bob = await makeActor(t.db, 'bob');
    const err = await registerIn(t.db, bob, 'run', 'calexp', [{ instrument: 'TestCam', visit: 1, detector: 0 }]).catch((e) => e);
    expect(err.code).toBe('NOT_OWNER');
  });
});

describe('no SQL built from strings', () => {
  it('server/repo never turns text into SQL (no sql.raw, no string-built queries)', () => {
    const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../server');
    const offenders: string[] = [];
    const walk = (dir: string) => {
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (p.endsWith('.ts')) {
          const text = fs.readFileSync(p, 'utf8');
          if (/sql\.raw\(|\.unsafe\(|execute\(\s*['"`]/.test(text)) offenders.push(path.relative(root, p));
        }
      }
    };
    walk(root);
    expect(offenders).toEqual([]);
  });
});
