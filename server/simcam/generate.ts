import { codecFor } from '../../pipelines/framework/codecs.ts';
import { defineSimCam, type Band, type SimCamOptions } from '../../pipelines/simcam/index.ts';
import { biasValue, flatValue, rawAndTruthValues, refcatValue, transientTruthValue } from '../../pipelines/simcam/datasets.ts';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { VeraError } from '../errors.ts';
import {
  certifyDatasets,
  createCollection,
  findCollection,
  insertDimensionRecords,
  putDatasets,
  registerDatasetType,
  setChain,
  type Datastore,
  type PutItem,
} from '../repo/index.ts';

/** The collections a SimCam repository has; the DRP pipeline reads `SimCam/defaults`. */
export const SIMCAM = {
  raw: 'SimCam/raw/all',
  refcats: 'refcats',
  truth: 'SimCam/truth',
  calibProd: 'SimCam/calib/prod',
  calibExpFlat: 'SimCam/calib/exp-flat-gradient',
  defaults: 'SimCam/defaults',
  defaultsExpFlat: 'SimCam/defaults-exp-flat',
} as const;

const DATASET_TYPES = [
  { name: 'raw', dimensions: ['instrument', 'visit', 'detector'], storageClass: 'Image' },
  { name: 'bias', dimensions: ['instrument', 'detector'], storageClass: 'Image', isCalibration: true },
  { name: 'flat', dimensions: ['instrument', 'physical_filter', 'detector'], storageClass: 'Image', isCalibration: true },
  { name: 'refcat', dimensions: [], storageClass: 'Catalog' },
  { name: 'truth_sources', dimensions: ['instrument', 'visit', 'detector'], storageClass: 'Catalog' },
  { name: 'truth_transients', dimensions: [], storageClass: 'Catalog' },
];

export interface GenerateOptions extends SimCamOptions {
  onProgress?: (done: number, total: number, what: string) => void;
}

export interface GenerateSummary {
  visits: number;
  detectors: number;
  raws: number;
  collections: string[];
}

async function encode(storageClass: string, value: unknown): Promise<Uint8Array> {
  return codecFor(storageClass).encode(value);
}

/**
 * Generates a SimCam repository: dimension records (instrument, filters, nights, visits,
 * detectors, skymap, tract, patches), raw frames with their truth, the reference catalog,
 * production calibrations and an experimental flat (each certified in a CALIBRATION collection
 * over the observing period), and chains that put them together for pipelines.
 */
export async function generateSimCam(db: Db, store: Datastore, opts: GenerateOptions, actor: Actor): Promise<GenerateSummary> {
  requireRole(actor, 'operator', 'generating a SimCam repository');
  if (await findCollection(db, SIMCAM.raw)) {
    throw new VeraError('COLLECTION_CONFLICT', `this repository already has SimCam data ('${SIMCAM.raw}' exists)`, { collection: SIMCAM.raw });
  }
  const sim = defineSimCam(opts);
  const report = opts.onProgress ?? (() => {});
  const totalSteps = sim.visits.length * sim.detectors.length + 3;
  let done = 0;

  await insertDimensionRecords(db, 'instrument', [sim.instrument], { skipExisting: true });
  await insertDimensionRecords(db, 'physical_filter', sim.physicalFilters, { skipExisting: true });
  await insertDimensionRecords(db, 'day_obs', sim.dayObs, { skipExisting: true });
  await insertDimensionRecords(db, 'visit', sim.visits, { skipExisting: true });
  await insertDimensionRecords(db, 'detector', sim.detectors, { skipExisting: true });
  await insertDimensionRecords(db, 'skymap', [sim.skymap], { skipExisting: true });
  await insertDimensionRecords(db, 'tract', sim.tracts, { skipExisting: true });
  await insertDimensionRecords(db, 'patch', sim.patches, { skipExisting: true });
  for (const t of DATASET_TYPES) await registerDatasetType(db, t, actor);
  for (const run of [SIMCAM.raw, SIMCAM.refcats, SIMCAM.truth, `${SIMCAM.calibProd}/run`, `${SIMCAM.calibExpFlat}/run`]) {
    await createCollection(db, { name: run, type: 'RUN', doc: 'SimCam synthetic data' }, actor);
  }

  await putDatasets(
    db,
    store,
    {
      run: SIMCAM.refcats,
      items: [{ datasetType: 'refcat', dataId: {}, content: await encode('Catalog', refcatValue(sim)) }],
    },
    actor,
  );
  await putDatasets(db, store, { run: SIMCAM.truth, items: [{ datasetType: 'truth_transients', dataId: {}, content: await encode('Catalog', transientTruthValue(sim)) }] }, actor);
  report(++done, totalSteps, 'reference catalog');

  for (const visit of sim.visits) {
    const raws: PutItem[] = [];
    const truths: PutItem[] = [];
    for (const det of sim.detectors) {
      const dataId = { instrument: sim.instrument.name, visit: visit.id, detector: det.id };
      const { raw, truth } = rawAndTruthValues(sim, visit.id, det.id);
      raws.push({ datasetType: 'raw', dataId, content: await encode('Image', raw) });
      truths.push({ datasetType: 'truth_sources', dataId, content: await encode('Catalog', truth) });
      report(++done, totalSteps, `raw visit ${visit.id} detector ${det.id}`);
    }
    await putDatasets(db, store, { run: SIMCAM.raw, items: raws }, actor);
    await putDatasets(db, store, { run: SIMCAM.truth, items: truths }, actor);
  }

  const bands = sim.physicalFilters.map((f) => f.band as Band);
  const calibItems = async (variant: 'prod' | 'exp-flat-gradient') => {
    const items: PutItem[] = [];
    for (const det of sim.detectors) {
      if (variant === 'prod') items.push({ datasetType: 'bias', dataId: { instrument: sim.instrument.name, detector: det.id }, content: await encode('Image', biasValue(sim, det.id)) });
      for (const band of bands) {
        items.push({
          datasetType: 'flat',
          dataId: { instrument: sim.instrument.name, physical_filter: `${sim.instrument.name}-${band}`, detector: det.id },
          content: await encode('Image', flatValue(sim, det.id, band, variant)),
        });
      }
    }
    return items;
  };
  // Valid from a day before the first visit to a year after the last: the whole survey.
  const begin = Math.min(...sim.visits.map((v) => Date.parse(v.beginTime)));
  const end = Math.max(...sim.visits.map((v) => Date.parse(v.endTime)));
  const validity = { validFrom: new Date(begin - 86_400_000), validTo: new Date(end + 365 * 86_400_000) };
  for (const [variant, name] of [
    ['prod', SIMCAM.calibProd],
    ['exp-flat-gradient', SIMCAM.calibExpFlat],
  ] as const) {
    const refs = await putDatasets(db, store, { run: `${name}/run`, items: await calibItems(variant) }, actor);
    await createCollection(db, { name, type: 'CALIBRATION', doc: `SimCam ${variant} calibrations` }, actor);
    await certifyDatasets(db, name, refs.map((r) => r.id), validity, actor);
    report(++done, totalSteps, `${variant} calibrations`);
  }
  // Truth rides along: metric tasks score completeness and purity against it.
  await setChain(db, SIMCAM.defaults, [SIMCAM.raw, SIMCAM.calibProd, SIMCAM.refcats, SIMCAM.truth], actor, 'SimCam raw data, production calibrations, reference catalog, truth');
  await setChain(db, SIMCAM.defaultsExpFlat, [SIMCAM.raw, SIMCAM.calibExpFlat, SIMCAM.calibProd, SIMCAM.refcats, SIMCAM.truth], actor, 'SimCam with the experimental gradient flat');
  return {
    visits: sim.visits.length,
    detectors: sim.detectors.length,
    raws: sim.visits.length * sim.detectors.length,
    collections: Object.values(SIMCAM),
  };
}
