import { describe, expect, it } from 'vitest';
import {
  certifyDatasets,
  createCollection,
  findDataset,
  findDatasets,
  getCollection,
  listCollections,
  registerDatasetType,
  setChain,
  tagDatasets,
} from '../../server/repo/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor, NIGHT0, seedDimensions } from '../support/factories.ts';
import { registerIn } from '../support/repo-fixtures.ts';

const t = useTestDatabase();

async function setup() {
  const alice = await makeActor(t.db);
  await seedDimensions(t.db, { nVisits: 4, nDetectors: 2 });
  await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
  return alice;
}

describe('chained collections', () => {
  it('chained lookup returns the first collection’s dataset along the chain, depth first', async () => {
    const alice = await setup();
    const all = [1, 2, 3, 4].map((visit) => ({ instrument: 'TestCam', visit, detector: 0 }));
    const a = await registerIn(t.db, alice, 'u/alice/a', 'calexp', all.slice(0, 2)); // visits 1, 2
    const b = await registerIn(t.db, alice, 'u/alice/b', 'calexp', all); // visits 1..4
    const c = await registerIn(t.db, alice, 'u/alice/c', 'calexp', all.slice(3)); // visit 4
    await setChain(t.db, 'u/alice/inner', ['u/alice/c', 'u/alice/b'], alice);
    await setChain(t.db, 'u/alice/outer', ['u/alice/a', 'u/alice/inner'], alice);

    const found = await findDatasets(t.db, { datasetType: 'calexp', collections: ['u/alice/outer'] });
    const byVisit = new Map(found.map((f) => [f.dataId.visit, f]));
    expect(found).toHaveLength(4);
    expect(byVisit.get(1)!.id).toBe(a[0]!.id);
    expect(byVisit.get(2)!.id).toBe(a[1]!.id);
    expect(byVisit.get(3)!.id).toBe(b[2]!.id);
    expect(byVisit.get(4)!.id).toBe(c[0]!.id);

    // Reordering the chain changes which dataset wins.
    await setChain(t.db, 'u/alice/outer', ['u/alice/inner', 'u/alice/a'], alice);
    const again = await findDatasets(t.db, { datasetType: 'calexp', collections: ['u/alice/outer'] });
    expect(again.find((f) => f.dataId.visit === 1)!.id).toBe(b[0]!.id);
    expect((await getCollection(t.db, 'u/alice/outer')).children).toEqual(['u/alice/inner', 'u/alice/a']);
  });

  it('refuses a cycle, direct or through nested chains, and leaves the chain as it was', async () => {
    const alice = await setup();
    await createCollection(t.db, { name: 'r1', type: 'RUN' }, alice);
    await setChain(t.db, 'x', ['r1'], alice);
    await setChain(t.db, 'y', ['x'], alice);
    const direct = await setChain(t.db, 'x', ['x'], alice).catch((e) => e);
    expect(direct.code).toBe('CHAIN_CYCLE');
    const nested = await setChain(t.db, 'x', ['r1', 'y'], alice).catch((e) => e);
    expect(nested.code).toBe('CHAIN_CYCLE');
    expect(nested.message).toContain("'x'");
    expect((await getCollection(t.db, 'x')).children).toEqual(['r1']);
  });

  it('only the owner (or an admin) may redefine a chain', async () => {
    const alice = await setup();
    const bob = await makeActor(t.db, 'bob');
    const root = await makeActor(t.db, 'root', 'admin');
    await createCollection(t.db, { name: 'r1', type: 'RUN' }, alice);
    await setChain(t.db, 'u/alice/chain', ['r1'], alice);
    const err = await setChain(t.db, 'u/alice/chain', [], bob).catch((e) => e);
    expect(err.code).toBe('NOT_OWNER');
    await setChain(t.db, 'u/alice/chain', [], root);
    expect((await getCollection(t.db, 'u/alice/chain')).children).toEqual([]);
  });

  it('lists collections by glob and type, with owners and chain children', async () => {
    const alice = await setup();
    await createCollection(t.db, { name: 'SimCam/raw/all', type: 'RUN' }, alice);
    await createCollection(t.db, { name: 'SimCam/calib', type: 'CALIBRATION' }, alice);
    await setChain(t.db, 'SimCam/defaults', ['SimCam/raw/all', 'SimCam/calib'], alice);
    const listed = await listCollections(t.db, { pattern: 'SimCam/*' });
    expect(listed.map((c) => c.name)).toEqual(['SimCam/calib', 'SimCam/defaults', 'SimCam/raw/all']);
    expect(listed.every((c) => c.owner === 'alice')).toBe(true);
    expect(listed.find((c) => c.name === 'SimCam/defaults')!.children).toEqual(['SimCam/raw/all', 'SimCam/calib']);
    expect((await listCollections(t.db, { types: ['CALIBRATION'] })).map((c) => c.name)).toEqual(['SimCam/calib']);
  });

  it('refuses bad collection names', async () => {
    const alice = await setup();
    for (const name of ['', '../etc', 'a//b', 'a/./b', 'with space']) {
      const err = await createCollection(t.db, { name, type: 'RUN' }, alice).catch((e) => e);
      expect(err.code, name).toBe('BAD_INPUT');
    }
  });
});

describe('tagged collections', () => {
  it('hold hand-picked datasets, one per data ID', async () => {
    const alice = await setup();
    const ids = [1, 2].map((visit) => ({ instrument: 'TestCam', visit, detector: 1 }));
    const r1 = await registerIn(t.db, alice, 'run1', 'calexp', ids);
    const r2 = await registerIn(t.db, alice, 'run2', 'calexp', ids);
    await createCollection(t.db, { name: 'release/v1', type: 'TAGGED' }, alice);
    await tagDatasets(t.db, 'release/v1', [r1[0]!.id, r2[1]!.id], alice);
    const found = await findDatasets(t.db, { datasetType: 'calexp', collections: ['release/v1'] });
    expect(found.map((f) => f.id).sort()).toEqual([r1[0]!.id, r2[1]!.id].sort());
    const err = await tagDatasets(t.db, 'release/v1', [r2[0]!.id], alice).catch((e) => e);
    expect(err.code).toBe('DATASET_CONFLICT');
  });
});

describe('calibration collections', () => {
  async function calibSetup() {
    const alice = await setup();
    await registerDatasetType(t.db, { name: 'flat', dimensions: ['physical_filter', 'detector'], storageClass: 'Image', isCalibration: true }, alice);
    const flatId = { instrument: 'TestCam', physical_filter: 'TestCam-g', detector: 0 };
    const [early] = await registerIn(t.db, alice, 'calib/run-early', 'flat', [flatId]);
    const [late] = await registerIn(t.db, alice, 'calib/run-late', 'flat', [flatId]);
    await createCollection(t.db, { name: 'calib/prod', type: 'CALIBRATION' }, alice);
    // Visits are an hour apart from NIGHT0; the switch happens between visit 1 and visit 3.
    const switchAt = new Date(NIGHT0 + 90 * 60_000);
    await certifyDatasets(t.db, 'calib/prod', [early!.id], { validTo: switchAt }, alice);
    await certifyDatasets(t.db, 'calib/prod', [late!.id], { validFrom: switchAt }, alice);
    return { alice, early: early!, late: late!, switchAt };
  }

  it('finds the calibration valid at a visit’s time', async () => {
    const { early, late } = await calibSetup();
    const v1 = await findDataset(t.db, { datasetType: 'flat', dataId: { instrument: 'TestCam', visit: 1, detector: 0 }, collections: ['calib/prod'] });
    const v3 = await findDataset(t.db, { datasetType: 'flat', dataId: { instrument: 'TestCam', visit: 3, detector: 0 }, collections: ['calib/prod'] });
    expect(v1!.id).toBe(early.id);
    expect(v3!.id).toBe(late.id);
    expect(v3!.validFrom).not.toBeNull();
    // Visit 2 is an r-band visit: there is no r flat.
    const v2 = await findDataset(t.db, { datasetType: 'flat', dataId: { instrument: 'TestCam', visit: 2, detector: 0 }, collections: ['calib/prod'] });
    expect(v2).toBeUndefined();
  });

  it('finds by an explicit time, and needs one without a visit', async () => {
    const { early, late, switchAt } = await calibSetup();
    const dataId = { instrument: 'TestCam', physical_filter: 'TestCam-g', detector: 0 };
    const before = await findDataset(t.db, { datasetType: 'flat', dataId, collections: ['calib/prod'], time: new Date(switchAt.getTime() - 1) });
    const at = await findDataset(t.db, { datasetType: 'flat', dataId, collections: ['calib/prod'], time: switchAt });
    expect(before!.id).toBe(early.id);
    expect(at!.id).toBe(late.id); // validity ranges are half-open [from, to)
    const err = await findDataset(t.db, { datasetType: 'flat', dataId, collections: ['calib/prod'] }).catch((e) => e);
    expect(err.code).toBe('CALIBRATION_TIME_REQUIRED');
  });

  it('refuses overlapping validity for the same calibration data ID, naming both datasets', async () => {
    const { alice, early, switchAt } = await calibSetup();
    const [other] = await registerIn(t.db, alice, 'calib/run-other', 'flat', [{ instrument: 'TestCam', physical_filter: 'TestCam-g', detector: 0 }]);
    const err = await certifyDatasets(t.db, 'calib/prod', [other!.id], { validFrom: new Date(switchAt.getTime() - 60_000), validTo: switchAt }, alice).catch(
      (e) => e,
    );
    expect(err.code).toBe('CALIBRATION_CONFLICT');
    expect(err.message).toContain(other!.id);
    expect(err.message).toContain(early.id);
  });

  it('refuses to certify datasets of non-calibration types', async () => {
    const { alice } = await calibSetup();
    const [calexp] = await registerIn(t.db, alice, 'run-x', 'calexp', [{ instrument: 'TestCam', visit: 1, detector: 0 }]);
    const err = await certifyDatasets(t.db, 'calib/prod', [calexp!.id], {}, alice).catch((e) => e);
    expect(err.code).toBe('COLLECTION_TYPE');
  });
});
