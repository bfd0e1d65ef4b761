import { describe, expect, it } from 'vitest';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { apdbExists, associateVisit, associatedVisits, createApdb, diaObjects, diaSources, dropApdb } from '../../server/apdb/index.ts';
import { useTestDatabase } from '../support/db.ts';

const t = useTestDatabase();
const ARCSEC = 1 / 3600;

function source(id: number, visit: number, mjd: number, ra: number, dec: number): DiaSource {
  return {
    diaSourceId: BigInt(id),
    diaObjectId: null,
    visit,
    detector: 0,
    band: 'r',
    midpointMjdTai: mjd,
    ra,
    dec,
    raErr: 1e-5,
    decErr: 1e-5,
    x: 10,
    y: 20,
    psfFlux: 1000 + id,
    psfFluxErr: 50,
    scienceFlux: 2000,
    scienceFluxErr: 60,
    snr: 20,
    isDipole: false,
    pixelFlags_edge: false,
    pixelFlags_cr: false,
    pixelFlags_saturated: false,
  };
}

async function withApdb(replayId: number, body: () => Promise<void>): Promise<void> {
  await t.db.transaction((tx) => createApdb(tx, replayId));
  try {
    await body();
  } finally {
    await dropApdb(t.db, replayId);
  }
}

const associate = (replayId: number, visit: number, mjd: number, sources: DiaSource[], radiusArcsec = 1) =>
  t.db.transaction((tx) => associateVisit(tx, replayId, { visit, midpointMjdTai: mjd, diaSources: sources }, { radiusArcsec }));

describe('APDB association', () => {
  it('matches DiaSources to the nearest DiaObject within the radius and creates new ones for the rest', async () => {
    await withApdb(101, async () => {
      const first = await associate(101, 1, 60000, [source(11, 1, 60000, 150, 2), source(12, 1, 60000, 150.01, 2), source(13, 1, 60000, 150.02, 2.01)]);
      expect(first!.newDiaObjects).toBe(3);
      // Each new DiaObject takes its first DiaSource's id.
      expect(first!.diaSources.map((s) => s.diaObjectId)).toEqual([11n, 12n, 13n]);

      // Visit 2: 0.5" from object 11, 0.8" from object 12, and one 10" from everything.
      const second = await associate(2, 2, 60001, [
        source(21, 2, 60001, 150, 2 + 0.5 * ARCSEC),
        source(22, 2, 60001, 150.01 + 0.8 * ARCSEC, 2),
        source(23, 2, 60001, 150.03, 2 + 10 * ARCSEC),
      ]).catch((e: Error) => e);
      // Replay 2 has no APDB: association against a missing schema fails loudly.
      expect(second).toBeInstanceOf(Error);

      const r2 = await associate(101, 2, 60001, [
        source(21, 2, 60001, 150, 2 + 0.5 * ARCSEC),
        source(22, 2, 60001, 150.01 + 0.8 * ARCSEC, 2),
        source(23, 2, 60001, 150.03, 2 + 10 * ARCSEC),
      ]);
      expect(r2!.newDiaObjects).toBe(1);
      expect(r2!.diaSources.map((s) => s.diaObjectId)).toEqual([11n, 12n, 23n]);
      const objects = new Map((await diaObjects(t.db, 101)).map((o) => [o.diaObjectId, o]));
      expect(objects.size).toBe(4);
      expect(objects.get(11n)).toMatchObject({ nDiaSources: 2, firstDiaSourceMjdTai: 60000, lastDiaSourceMjdTai: 60001 });
      expect(objects.get(13n)).toMatchObject({ nDiaSources: 1, lastDiaSourceMjdTai: 60000 });
      // Mean position of its two sources.
      expect(objects.get(11n)!.dec).toBeCloseTo(2 + 0.25 * ARCSEC, 10);
      expect((await diaSources(t.db, 101, { visit: 2 })).map((s) => s.diaObjectId)).toEqual([11n, 12n, 23n]);
    });
  });

  it('is one-to-one within a visit: of two DiaSources near one DiaObject, the nearer gets it', async () => {
    await withApdb(102, async () => {
      await associate(102, 1, 60000, [source(11, 1, 60000, 150, 2)]);
      const r = await associate(102, 2, 60001, [source(21, 2, 60001, 150, 2 + 0.9 * ARCSEC), source(22, 2, 60001, 150, 2 - 0.3 * ARCSEC)]);
      expect(r!.diaSources.map((s) => s.diaObjectId)).toEqual([21n, 11n]);
      expect(r!.newDiaObjects).toBe(1);
    });
  });

  it('a wider radius associates what a narrower one leaves apart', async () => {
    await withApdb(103, async () => {
      await associate(103, 1, 60000, [source(11, 1, 60000, 150, 2)]);
      const r = await associate(103, 2, 60001, [source(21, 2, 60001, 150, 2 + 3 * ARCSEC)], 5);
      expect(r!.diaSources[0]!.diaObjectId).toBe(11n);
    });
    await withApdb(103, async () => {
      await associate(103, 1, 60000, [source(11, 1, 60000, 150, 2)]);
      const r = await associate(103, 2, 60001, [source(21, 2, 60001, 150, 2 + 3 * ARCSEC)], 1);
      expect(r!.diaSources[0]!.diaObjectId).toBe(21n);
    });
  });

  it('re-associating a visit already done changes nothing, and visits must come in time order', async () => {
    await withApdb(104, async () => {
      await associate(104, 1, 60000, [source(11, 1, 60000, 150, 2)]);
      await associate(104, 2, 60001, [source(21, 2, 60001, 150, 2)]);
      expect(await associate(104, 2, 60001, [source(21, 2, 60001, 150, 2)])).toBeNull();
      expect(await associate(104, 1, 60000, [source(11, 1, 60000, 150, 2)])).toBeNull();
      const [object] = await diaObjects(t.db, 104);
      expect(object!.nDiaSources).toBe(2);
      expect(await associatedVisits(t.db, 104)).toEqual([
        { visit: 1, nDiaSources: 1, nNewDiaObjects: 1 },
        { visit: 2, nDiaSources: 1, nNewDiaObjects: 0 },
      ]);
      await expect(associate(104, 3, 59999, [source(31, 3, 59999, 150, 2)])).rejects.toThrow(/earlier than visit 2.*time order/);
      // The refused visit left nothing behind.
      expect((await diaSources(t.db, 104)).length).toBe(2);
    });
  });

  it('names the bad DiaSource in its error', async () => {
    await withApdb(105, async () => {
      await expect(associate(105, 1, 60000, [source(11, 2, 60000, 150, 2)])).rejects.toThrow(/visit 1, DiaSource 0 \(diaSourceId 11\) belongs to visit 2/);
      await expect(associate(105, 1, 60000, [source(11, 1, 60000, 150, 95)])).rejects.toThrow(/no valid position/);
    });
  });

  it('each replay has its own schema, created and dropped', async () => {
    await t.db.transaction((tx) => createApdb(tx, 106));
    expect(await apdbExists(t.db, 106)).toBe(true);
    await dropApdb(t.db, 106);
    expect(await apdbExists(t.db, 106)).toBe(false);
  });
});
