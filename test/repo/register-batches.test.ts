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
});
