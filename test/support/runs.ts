import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../../server/auth/index.ts';
import type { Db } from '../../server/db/client.ts';
import { createCollection, putDatasets, registerDatasetType, type Datastore } from '../../server/repo/index.ts';
import { seedDimensions } from './factories.ts';

export const TOY_PIPELINE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/pipelines/toy.yaml');

export function toyPipelineText(): string {
  return fs.readFileSync(TOY_PIPELINE, 'utf8');
}

/** TestCam dimensions and a `raw` run of JSON numbers: value = 10 * visit + detector. */
export async function seedToyRaw(db: Db, store: Datastore, actor: Actor, opts: { nVisits?: number; nDetectors?: number } = {}) {
  const nVisits = opts.nVisits ?? 3;
  const nDetectors = opts.nDetectors ?? 2;
  await seedDimensions(db, { nVisits, nDetectors });
  await registerDatasetType(db, { name: 'raw', dimensions: ['visit', 'detector'], storageClass: 'StructuredData' }, actor);
  await createCollection(db, { name: 'TestCam/raw', type: 'RUN' }, actor);
  const items = [];
  for (let visit = 1; visit <= nVisits; visit++) {
    for (let detector = 0; detector < nDetectors; detector++) {
      items.push({ datasetType: 'raw', dataId: { instrument: 'TestCam', visit, detector }, content: new TextEncoder().encode(JSON.stringify({ value: 10 * visit + detector })) });
    }
  }
  return putDatasets(db, store, { run: 'TestCam/raw', items }, actor);
}
