import { describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { ImageValue } from '../../pipelines/framework/values.ts';
import { findDataset, findDatasets, getCollection, listCollections } from '../../server/repo/index.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);

describe('vera simcam generate', () => {
  it('fills a repository: raws with truth, refcat, certified prod and experimental calibrations, skymap, chains', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    const progress: number[] = [];
    const summary = await generateSimCam(t.db, v.vera.datastore, { nVisits: 3, bands: ['g', 'r'], detectorGrid: [2, 1], detectorSizePx: 128, nStars: 200, nGalaxies: 20, onProgress: (d) => progress.push(d) }, op);
    expect(summary).toMatchObject({ visits: 3, detectors: 2, raws: 6 });
    expect(progress.at(-1)).toBe(6 + 3);

    const raws = await findDatasets(t.db, { datasetType: 'raw', collections: [SIMCAM.defaults] });
    expect(raws).toHaveLength(6);
    const truth = await findDatasets(t.db, { datasetType: 'truth_sources', collections: [SIMCAM.truth] });
    expect(truth.map((r) => r.dataId)).toEqual(raws.map((r) => r.dataId));
    expect(await findDatasets(t.db, { datasetType: 'refcat', collections: [SIMCAM.defaults] })).toHaveLength(1);
    expect((await getCollection(t.db, SIMCAM.defaults)).children).toEqual([SIMCAM.raw, SIMCAM.calibProd, SIMCAM.refcats, SIMCAM.truth]);
    expect((await listCollections(t.db, { types: ['CALIBRATION'] })).map((c) => c.name)).toEqual([SIMCAM.calibExpFlat, SIMCAM.calibProd]);

    // Each raw finds its bias and band's flat by the visit's time; the experimental chain's flat differs.
    const raw = raws[0]!;
    const prodFlat = await findDataset(t.db, { datasetType: 'flat', dataId: raw.dataId, collections: [SIMCAM.defaults] });
    const expFlat = await findDataset(t.db, { datasetType: 'flat', dataId: raw.dataId, collections: [SIMCAM.defaultsExpFlat] });
    const bias = await findDataset(t.db, { datasetType: 'bias', dataId: raw.dataId, collections: [SIMCAM.defaultsExpFlat] });
    expect(prodFlat!.run).toBe(`${SIMCAM.calibProd}/run`);
    expect(expFlat!.run).toBe(`${SIMCAM.calibExpFlat}/run`);
    expect(bias!.run).toBe(`${SIMCAM.calibProd}/run`);
    expect(prodFlat!.dataId.physical_filter).toBe(`SimCam-${raw.dims.band}`);
    expect(expFlat!.checksum).not.toBe(prodFlat!.checksum);

    // The stored raw decodes to the image with its WCS.
    const decoded = (await codecFor('Image').decode(await v.vera.datastore.read(raw.path, raw.checksum))) as ImageValue;
    expect([decoded.image.width, decoded.image.height]).toEqual([128, 128]);
    expect(decoded.wcs).toBeDefined();

    await expect(generateSimCam(t.db, v.vera.datastore, { nVisits: 1 }, op)).rejects.toMatchObject({ code: 'COLLECTION_CONFLICT' });
  });

  it('needs an operator', async () => {
    const dev = await makeActor(t.db, 'dev', 'developer');
    await expect(generateSimCam(t.db, v.vera.datastore, { nVisits: 1 }, dev)).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});
