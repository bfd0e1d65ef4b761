import { describe, expect, it } from 'vitest';
import { listDatasetTypes, registerDatasetType } from '../../server/repo/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';

const t = useTestDatabase();

describe('dataset types', () => {
  it('normalizes dimensions: required dependencies and implied ones are added in universe order', async () => {
    const alice = await makeActor(t.db);
    const calexp = await registerDatasetType(t.db, { name: 'calexp', dimensions: ['detector', 'visit'], storageClass: 'Exposure' }, alice);
    expect(calexp.dimensions).toEqual(['instrument', 'band', 'physical_filter', 'day_obs', 'visit', 'detector']);
    expect(calexp.requiredDimensions).toEqual(['instrument', 'visit', 'detector']);
  });

  it('registers a type on a dimension combination never used before, without a migration', async () => {
    const alice = await makeActor(t.db);
    const before = await listDatasetTypes(t.db);
    const odd = await registerDatasetType(t.db, { name: 'detectorBandStat', dimensions: ['detector', 'band'], storageClass: 'Measurement' }, alice);
    expect(odd.requiredDimensions).toEqual(['instrument', 'band', 'detector']);
    expect((await listDatasetTypes(t.db)).length).toBe(before.length + 1);
  });

  it('re-registering the same definition returns the existing type', async () => {
    const alice = await makeActor(t.db);
    const a = await registerDatasetType(t.db, { name: 'raw', dimensions: ['instrument', 'visit', 'detector'], storageClass: 'Image' }, alice);
    const b = await registerDatasetType(t.db, { name: 'raw', dimensions: ['visit', 'detector'], storageClass: 'Image' }, alice);
    expect(b.id).toBe(a.id);
  });

  it('re-registering with a different definition is an error naming both definitions', async () => {
    const alice = await makeActor(t.db);
    await registerDatasetType(t.db, { name: 'raw', dimensions: ['visit', 'detector'], storageClass: 'Image' }, alice);
    const err = await registerDatasetType(t.db, { name: 'raw', dimensions: ['detector'], storageClass: 'Image' }, alice).catch((e) => e);
    expect(err.code).toBe('DATASET_TYPE_CONFLICT');
    expect(err.message).toContain('raw{instrument, band, physical_filter, day_obs, visit, detector} Image');
    expect(err.message).toContain('raw{instrument, detector} Image');
  });

  it('refuses unknown dimensions and storage classes, naming them', async () => {
    const alice = await makeActor(t.db);
    const e1 = await registerDatasetType(t.db, { name: 'x', dimensions: ['exposure'], storageClass: 'Image' }, alice).catch((e) => e);
    expect(e1.code).toBe('UNKNOWN_DIMENSION');
    expect(e1.message).toContain("'exposure'");
    const e2 = await registerDatasetType(t.db, { name: 'x', dimensions: ['visit'], storageClass: 'Picture' }, alice).catch((e) => e);
    expect(e2.code).toBe('UNKNOWN_STORAGE_CLASS');
    expect(e2.message).toContain("'Picture'");
    expect(await listDatasetTypes(t.db)).toEqual([]);
  });

  it('viewers cannot register types', async () => {
    const vic = await makeActor(t.db, 'vic', 'viewer');
    const err = await registerDatasetType(t.db, { name: 'raw', dimensions: ['visit'], storageClass: 'Image' }, vic).catch((e) => e);
    expect(err.code).toBe('FORBIDDEN');
  });
});
