import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Db } from '../../server/db/client.ts';
import { createCollection, Datastore, findDatasets, putDatasets, registerDatasetType } from '../../server/repo/index.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { makeActor, seedDimensions } from '../support/factories.ts';
import { TEST_NODE_FLAGS } from '../support/node-flags.ts';

const t = useTestDatabase();
const here = path.dirname(fileURLToPath(import.meta.url));
const tmpDirs: string[] = [];
afterEach(() => {
  for (const d of tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-ds-'));
  tmpDirs.push(d);
  return d;
}

function listFiles(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

async function setup(db: Db, run = 'u/alice/run') {
  const alice = await makeActor(db);
  await seedDimensions(db);
  await registerDatasetType(db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
  await createCollection(db, { name: run, type: 'RUN' }, alice);
  return alice;
}

describe('datastore', () => {
  it('lays files out by run, type and data ID, with size and checksum', async () => {
    const alice = await setup(t.db);
    const store = new Datastore(tmpDir());
    const bytes = new TextEncoder().encode('SIMPLE  =                    T');
    const [ref] = await putDatasets(t.db, store, { run: 'u/alice/run', items: [{ datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 3, detector: 1 }, content: bytes }] }, alice);
    expect(ref!.path).toBe('u/alice/run/calexp/instrument=TestCam/visit=3/detector=1.fits');
    expect(ref!.sizeBytes).toBe(bytes.byteLength);
    expect(ref!.checksum).toBe('sha256:' + (await import('node:crypto')).createHash('sha256').update(bytes).digest('hex'));
    expect(await store.read(ref!.path, ref!.checksum)).toEqual(Buffer.from(bytes));
    expect(listFiles(store.root)).toEqual([ref!.path]);
  });

  it('removes many files a few at once, a missing one included, and refuses a path outside the root before removing any', async () => {
    const root = tmpDir();
    const store = new Datastore(root);
    const paths = Array.from({ length: 20 }, (_, i) => `run/calexp/visit=${i}/detector=0.fits`);
    for (const p of paths) {
      fs.mkdirSync(path.dirname(path.join(root, p)), { recursive: true });
      fs.writeFileSync(path.join(root, p), `file ${p}`);
    }
    fs.writeFileSync(path.join(root, 'keep.fits'), 'kept');
    await store.removeMany([...paths, 'run/calexp/visit=99/detector=0.fits']);
    expect(listFiles(root)).toEqual(['keep.fits']);
    await expect(store.removeMany(['keep.fits', '../outside.fits'])).rejects.toMatchObject({ code: 'PATH_ESCAPE' });
    expect(listFiles(root)).toEqual(['keep.fits']);
  });

  it('refuses paths that would escape the root', () => {
    const store = new Datastore(tmpDir());
    for (const p of ['../x', 'a/../../x', '/etc/passwd', 'a//b', 'a/./b']) {
      expect(() => store.resolve(p), p).toThrowError(expect.objectContaining({ code: 'PATH_ESCAPE' }));
    }
  });

  it('detects a file changed behind its back', async () => {
    const alice = await setup(t.db);
    const store = new Datastore(tmpDir());
    const [ref] = await putDatasets(t.db, store, { run: 'u/alice/run', items: [{ datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0 }, content: new Uint8Array([1, 2, 3]) }] }, alice);
    fs.writeFileSync(path.join(store.root, ref!.path), new Uint8Array([1, 2, 4]));
    await expect(store.read(ref!.path, ref!.checksum)).rejects.toMatchObject({ code: 'CHECKSUM_MISMATCH' });
  });

  it('a failed registration leaves neither a file nor a row', async () => {
    const alice = await setup(t.db);
    const store = new Datastore(tmpDir());
    const items = [
      { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0 }, content: new Uint8Array([1]) },
      { datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 99, detector: 0 }, content: new Uint8Array([2]) },
    ];
    await expect(putDatasets(t.db, store, { run: 'u/alice/run', items }, alice)).rejects.toMatchObject({ code: 'DIMENSION_RECORD_MISSING' });
    expect(listFiles(store.root)).toEqual([]);
    expect(await findDatasets(t.db, { datasetType: 'calexp', collections: ['u/alice/run'] })).toEqual([]);
  });

  it('replaces an orphan file left at the final name by a crash between rename and commit', async () => {
    const alice = await setup(t.db);
    const store = new Datastore(tmpDir());
    const orphan = path.join(store.root, 'u/alice/run/calexp/instrument=TestCam/visit=1/detector=0.fits');
    fs.mkdirSync(path.dirname(orphan), { recursive: true });
    fs.writeFileSync(orphan, 'stale bytes');
    const [ref] = await putDatasets(t.db, store, { run: 'u/alice/run', items: [{ datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0 }, content: new Uint8Array([9, 9]) }] }, alice);
    expect(await store.read(ref!.path, ref!.checksum)).toEqual(Buffer.from([9, 9]));
  });
});

describe('kill safety', () => {
  it('a process killed while writing a file leaves no registered dataset and no half file under its final name', async () => {
    const root = tmpDir();
    const pgliteDir = t.url ? '-' : path.join(tmpDir(), 'db');
    if (t.url) await setup(t.db, 'run');
    const child = spawn(process.execPath, [...TEST_NODE_FLAGS, '--import', 'tsx', path.join(here, '../support/put-slowly.ts'), t.url ?? '-', pgliteDir, root, t.url ? 'no' : 'yes'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => d.toString().includes('writing') && resolve());
      child.on('exit', (code) => reject(new Error(`child exited early with ${code}`)));
    });
    const staged = listFiles(root);
    expect(staged).toHaveLength(1);
    expect(staged[0]).toMatch(/detector=0\.fits\.tmp-\d+-[0-9a-f]+$/);
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));

    const finalPath = 'run/calexp/instrument=TestCam/visit=1/detector=0.fits';
    expect(fs.existsSync(path.join(root, finalPath))).toBe(false);
    const database = t.url ? t.database : await openDatabase({ dataDir: pgliteDir });
    try {
      expect(await countRows(database.db, 'datasets')).toBe(0);
      // The killed writer's temp file is swept, and the same dataset can then be written.
      expect(await new Datastore(root).sweepStaleTemps()).toBe(1);
      expect(listFiles(root)).toEqual([]);
      const alice = { id: 1, name: 'alice', role: 'developer' as const };
      const [ref] = await putDatasets(database.db, new Datastore(root), { run: 'run', items: [{ datasetType: 'calexp', dataId: { instrument: 'TestCam', visit: 1, detector: 0 }, content: new Uint8Array([1]) }] }, alice);
      expect(ref!.path).toBe(finalPath);
    } finally {
      if (!t.url) await database.close();
    }
  });
});
