import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { Datastore, newLookupCache, putQuantaOutputs, registerDatasetType, type LookupCache } from '../../server/repo/index.ts';
import type { Actor } from '../../server/auth/index.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { makeActor, seedDimensions } from '../support/factories.ts';
import { registerIn } from '../support/repo-fixtures.ts';

/**
 * Registering a run's outputs batch after batch (what a run's execution does for every finished
 * quantum): the statements each batch sends, and the refusal of an input that does not exist.
 */
const statements: string[] = [];
const t = useTestDatabase({ logger: { logQuery: (query) => statements.push(query) } });

async function setup(): Promise<{ alice: Actor; store: Datastore; inputIds: string[] }> {
  const alice = await makeActor(t.db);
  await seedDimensions(t.db, { nVisits: 3, nDetectors: 1 });
  await registerDatasetType(t.db, { name: 'raw', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
  await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, alice);
  const raws = await registerIn(t.db, alice, 'raws', 'raw', [1, 2, 3].map((visit) => ({ instrument: 'TestCam', visit, detector: 0 })));
  await registerIn(t.db, alice, 'run', 'calexp', []);
  return { alice, store: new Datastore(fs.mkdtempSync(path.join(os.tmpdir(), 'vera-register-'))), inputIds: raws.map((r) => r.id) };
}

/** The outputs of one quantum making the calexp of `visit` from the input dataset `inputId`. */
function quantumGroup(visit: number, inputId: string) {
  const dataId = { instrument: 'TestCam', visit, detector: 0 };
  return {
    items: [{ datasetType: 'calexp', dataId, content: new Uint8Array([visit, 1, 2, 3]) }],
    quantum: { id: crypto.randomUUID(), taskLabel: 'calibrate', dataId, inputs: [{ datasetId: inputId, connection: 'raw' }] },
  };
}

async function putBatch(alice: Actor, store: Datastore, cache: LookupCache, visit: number, inputId: string) {
  return putQuantaOutputs(t.db, store, { run: 'run', groups: [quantumGroup(visit, inputId)], cache }, alice);
}

describe('registering outputs batch after batch', () => {
  it('looks the run up once per cache and checks inputs by their foreign key, not by a query per batch', async () => {
    const { alice, store, inputIds } = await setup();
    const cache = newLookupCache();
    await putBatch(alice, store, cache, 1, inputIds[0]!);
    statements.length = 0;
    const [answer] = await putBatch(alice, store, cache, 2, inputIds[1]!);
    expect(answer!.refs.map((r) => r.dataId.visit)).toEqual([2]);
    // The second batch reads no collection and no dataset (only its new visit's dimension records)
    // and writes the quantum, its input links and its dataset.
    expect(statements.filter((s) => /\bcollections\b/.test(s))).toEqual([]);
    expect(statements.filter((s) => /^select/i.test(s) && !/ from "dim_\w+" /.test(s))).toEqual([]);
    // (The PostgreSQL driver logs its transaction's begin and commit too; PGlite's does not.)
    const writes = statements.filter((s) => !/^(select|begin|commit)\b/i.test(s));
    expect(writes.map((s) => s.match(/^insert into "(\w+)"/)?.[1] ?? s.slice(0, 40))).toEqual(['quanta', 'quantum_inputs', 'datasets']);
    expect(await countRows(t.db, 'quantum_inputs')).toBe(2);
  });

  it('without a cache, every call checks the run (owner and type) again', async () => {
    const { alice, store, inputIds } = await setup();
    await putQuantaOutputs(t.db, store, { run: 'run', groups: [quantumGroup(1, inputIds[0]!)] }, alice);
    statements.length = 0;
    await putQuantaOutputs(t.db, store, { run: 'run', groups: [quantumGroup(2, inputIds[1]!)] }, alice);
    expect(statements.filter((s) => /\bcollections\b/.test(s))).toHaveLength(1);
  });

  it('a cached run still refuses another actor', async () => {
    const { alice, store, inputIds } = await setup();
    const cache = newLookupCache();
    await putBatch(alice, store, cache, 1, inputIds[0]!);
    const bob = await makeActor(t.db, 'bob', 'developer');
    const err = await putBatch(bob, store, cache, 2, inputIds[1]!).catch((e) => e);
    expect(err.code).toBe('NOT_OWNER');
  });

  it('an input that is not a dataset is refused, named, and nothing of the batch is registered or published', async () => {
    const { alice, store, inputIds } = await setup();
    const cache = newLookupCache();
    await putBatch(alice, store, cache, 1, inputIds[0]!);
    const unknown = crypto.randomUUID();
    const err = await putQuantaOutputs(t.db, store, { run: 'run', groups: [quantumGroup(2, inputIds[1]!), quantumGroup(3, unknown)], cache }, alice).catch((e) => e);
    expect(err.code).toBe('UNKNOWN_DATASET');
    expect(err.message).toContain(unknown);
    expect(err.message).toContain('calibrate');
    expect(await countRows(t.db, 'datasets')).toBe(3 + 1);
    expect(await countRows(t.db, 'quanta')).toBe(1);
    expect(await countRows(t.db, 'quantum_inputs')).toBe(1);
    expect(await store.listTree('run')).toHaveLength(1);
  });

  describe('outputs a worker already wrote under their temporary names', () => {
    /** As the local executor's worker does: the bytes written to the temporary name the server chose. */
    function stagedGroup(store: Datastore, visit: number, inputId: string, dataId: Record<string, string | number> = { instrument: 'TestCam', visit, detector: 0 }) {
      const group = quantumGroup(visit, inputId);
      const bytes = new Uint8Array([visit, 9, 9]);
      const rel = store.pathFor('run', 'calexp', dataId, 'fits');
      const tempAbsPath = store.tempPathFor(rel);
      fs.mkdirSync(path.dirname(tempAbsPath), { recursive: true });
      fs.writeFileSync(tempAbsPath, bytes);
      const checksum = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
      const item = { datasetType: 'calexp', dataId: group.items[0]!.dataId, staged: { path: rel, tempAbsPath, sizeBytes: bytes.byteLength, checksum } };
      return { ...group, items: [item], bytes };
    }
    const temps = (store: Datastore) => store.listTree('run').then((files) => files.filter((f) => f.includes('.tmp-')));

    it('publishes them without writing them again, and records their size and checksum', async () => {
      const { alice, store, inputIds } = await setup();
      const g = stagedGroup(store, 1, inputIds[0]!);
      const [answer] = await putQuantaOutputs(t.db, store, { run: 'run', groups: [g] }, alice);
      expect(answer!.refs[0]).toMatchObject({ path: g.items[0]!.staged.path, sizeBytes: 3, checksum: g.items[0]!.staged.checksum });
      expect(new Uint8Array(await store.read(g.items[0]!.staged.path, g.items[0]!.staged.checksum))).toEqual(g.bytes);
      expect(fs.existsSync(g.items[0]!.staged.tempAbsPath)).toBe(false);
      expect(await temps(store)).toEqual([]);
    });

    it('a failed batch keeps them staged when asked (keepStaged), for a retry one by one that discards only what fails', async () => {
      const { alice, store, inputIds } = await setup();
      const good = stagedGroup(store, 2, inputIds[1]!);
      const bad = stagedGroup(store, 3, crypto.randomUUID());
      const err = await putQuantaOutputs(t.db, store, { run: 'run', groups: [good, bad], keepStaged: true }, alice).catch((e) => e);
      expect(err.code).toBe('UNKNOWN_DATASET');
      expect(fs.existsSync(good.items[0]!.staged.tempAbsPath)).toBe(true);
      expect(fs.existsSync(bad.items[0]!.staged.tempAbsPath)).toBe(true);
      expect(await countRows(t.db, 'quanta')).toBe(0);
      await putQuantaOutputs(t.db, store, { run: 'run', groups: [good] }, alice);
      expect((await putQuantaOutputs(t.db, store, { run: 'run', groups: [bad] }, alice).catch((e) => e)).code).toBe('UNKNOWN_DATASET');
      expect(await temps(store)).toEqual([]);
      expect(await store.listTree('run')).toEqual([good.items[0]!.staged.path.slice('run/'.length)]);
    });

    it('a file named for another path than the registry gives is moved next to the right one; a path not of the datastore is refused and left alone', async () => {
      const { alice, store, inputIds } = await setup();
      // The same data ID, its keys in another order: another file name than the registry's.
      const g = stagedGroup(store, 1, inputIds[0]!, { detector: 0, visit: 1, instrument: 'TestCam' });
      const [answer] = await putQuantaOutputs(t.db, store, { run: 'run', groups: [g] }, alice);
      expect(answer!.refs[0]!.path).toBe(store.pathFor('run', 'calexp', { instrument: 'TestCam', visit: 1, detector: 0 }, 'fits'));
      expect(new Uint8Array(await store.read(answer!.refs[0]!.path))).toEqual(g.bytes);
      expect(await temps(store)).toEqual([]);

      const outside = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'vera-outside-')), 'precious');
      fs.writeFileSync(outside, 'keep');
      const h = stagedGroup(store, 2, inputIds[1]!);
      const forged = { ...h, items: [{ ...h.items[0]!, staged: { ...h.items[0]!.staged, tempAbsPath: outside } }] };
      expect((await putQuantaOutputs(t.db, store, { run: 'run', groups: [forged] }, alice).catch((e) => e)).code).toBe('PATH_ESCAPE');
      expect(fs.readFileSync(outside, 'utf8')).toBe('keep');
    });
  });
});
