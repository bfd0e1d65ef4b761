/**
 * Child process for the kill-safety test: registers one dataset whose content arrives slowly,
 * so the parent can SIGKILL it while the file is half written.
 * argv: <databaseUrl|-> <pgliteDataDir|-> <datastoreRoot> <setup: yes|no>
 */
import { openDatabase } from '../../server/db/client.ts';
import { createCollection, Datastore, putDatasets, registerDatasetType } from '../../server/repo/index.ts';
import { makeActor, seedDimensions } from './factories.ts';

const [url, dataDir, root, setup] = process.argv.slice(2);
const database = await openDatabase({ url: url === '-' ? undefined : url, dataDir: dataDir === '-' ? undefined : dataDir });
const db = database.db;
let actor;
if (setup === 'yes') {
  actor = await makeActor(db);
  await seedDimensions(db);
  await registerDatasetType(db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, actor);
  await createCollection(db, { name: 'run', type: 'RUN' }, actor);
} else {
  actor = { id: 1, name: 'alice', role: 'developer' as const };
}

async function* slowly(): AsyncIterable<Uint8Array> {
  const chunk = new Uint8Array(64 * 1024).fill(7);
  for (let i = 0; i < 1000; i++) {
    yield chunk;
    if (i === 2) process.stdout.write('writing\n');
    await new Promise((r) => setTimeout(r, 20));
  }
}

await putDatasets(db, new Datastore(root!), { run: 'run', items: [{ datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0 }, content: slowly() }] }, actor);
process.stdout.write('done\n');
await database.close();
