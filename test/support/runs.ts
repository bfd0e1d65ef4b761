import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Actor } from '../../server/auth/index.ts';
import type { Db } from '../../server/db/client.ts';
import { createCollection, putDatasets, registerDatasetType, type Datastore } from '../../server/repo/index.ts';
import { seedDimensions } from './factories.ts';
import { getBuild } from '../../server/ci/builds.ts';

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

/**
 * A CI build once it has left `queued` and `running`. Polls the registry; the limit (about two
 * minutes of polling, more on a loaded machine) catches a hang, not a slow build.
 */
export async function buildFinished(db: Db, id: number): Promise<Awaited<ReturnType<typeof getBuild>>> {
  for (let i = 0; i < 1200; i++) {
    const b = await getBuild(db, id);
    if (b.build.status !== 'queued' && b.build.status !== 'running') return b;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`build ${id} did not finish`);
}
