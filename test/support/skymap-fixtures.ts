import type { Actor } from '../../server/auth/index.ts';
import type { Db } from '../../server/db/client.ts';
import { createCollection, putDatasets, registerDatasetType, type Datastore } from '../../server/repo/index.ts';
import { writeCatalogParquet } from '../../pipelines/io/parquet.ts';
import { seedDimensions } from './factories.ts';

/** The sources written into a sky-map test run, flattened over its catalogs. */
export interface SkySources {
  raDeg: number[];
  decDeg: number[];
  psfFlux: number[];
}

/** A deterministic generator (mulberry32): the same sources on every run of the test. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A RUN collection with `src` catalogs (Catalog, Parquet) of synthetic sources: most in a
 * 0.1° field around (150.1°, 2.2°) as SimCam's, a few far away (other base pixels, near a pole),
 * and one without a flux, which no pixel counts. Small: a few hundred rows over `catalogs` files.
 */
export async function putSkySources(db: Db, datastore: Datastore, actor: Actor, run: string, opts: { catalogs?: number; perCatalog?: number; seed?: number } = {}): Promise<SkySources> {
  const catalogs = opts.catalogs ?? 3;
  const perCatalog = opts.perCatalog ?? 120;
  const rnd = random(opts.seed ?? 7);
  await seedDimensions(db, { nVisits: catalogs, nDetectors: 1 });
  await registerDatasetType(db, { name: 'src', dimensions: ['visit', 'detector'], storageClass: 'Catalog' }, actor);
  await createCollection(db, { name: run, type: 'RUN' }, actor);
  const all: SkySources = { raDeg: [], decDeg: [], psfFlux: [] };
  const items = [];
  for (let c = 0; c < catalogs; c++) {
    const ra = new Float64Array(perCatalog);
    const dec = new Float64Array(perCatalog);
    const flux = new Float64Array(perCatalog);
    for (let k = 0; k < perCatalog; k++) {
      const far = k % 40 === 39;
      ra[k] = far ? (k * 37) % 360 : 150.05 + 0.1 * rnd();
      dec[k] = far ? (k % 80 === 79 ? 89.5 : -30) : 2.15 + 0.1 * rnd();
      flux[k] = k === 5 && c === 0 ? NaN : 1000 * (1 + 20 * rnd());
    }
    all.raDeg.push(...ra);
    all.decDeg.push(...dec);
    all.psfFlux.push(...flux);
    items.push({ datasetType: 'src', dataId: { instrument: 'TestCam', visit: c + 1, detector: 0 }, content: writeCatalogParquet({ raDeg: ra, decDeg: dec, psfFlux: flux }) });
  }
  await putDatasets(db, datastore, { run, items }, actor);
  return all;
}
