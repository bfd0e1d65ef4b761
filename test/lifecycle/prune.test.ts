import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import type { Actor } from '../../server/auth/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const log = createLogger({ logLevel: 'silent' });
let executor: Executor;
beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});
afterAll(async () => {
  await executor.close();
});

const PRUNE = `mutation($yes: Boolean, $runs: [String!]) { prune(yes: $yes, runs: $runs) {
  dryRun bytesFreed resumed runs { run owner datasets files bytes } kept { run owner reason detail } } }`;
interface Report {
  dryRun: boolean;
  bytesFreed: number;
  runs: { run: string; owner: string; datasets: number; files: number; bytes: number }[];
  kept: { run: string; owner: string; reason: string; detail: string }[];
}

async function finishedRun(actor: Actor, output: string, opts: { yaml?: string; inputs?: string[]; save?: boolean } = {}) {
  await createRun(
    t.db,
    { pipelineFile: TOY_PIPELINE, pipelineYaml: opts.yaml ?? toyPipelineText(), inputs: opts.inputs ?? ['TestCam/raw'], output, where: 'visit = 1', executor: 'local', saveIntermediates: opts.save ?? false },
    actor,
  );
  expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, output)).toBe('succeeded');
}

const expire = (run: string) => t.db.execute(sql`UPDATE runs SET expires_at = now() - interval '1 hour' FROM collections c WHERE c.id = runs.collection_id AND c.name = ${run}`);

async function filesOf(run: string) {
  return queryRows<{ path: string; size_bytes: string; stored: boolean }>(t.db, sql`SELECT d.path, d.size_bytes, d.stored FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name = ${run}`);
}

describe('vera prune', () => {
  it('removes an expired run\'s files and rows for its owner or a grantee, refuses anyone else, and reports the bytes freed', async () => {
    const admin = await v.user('root', 'admin');
    const alice = await v.user('alice', 'developer');
    const bob = await v.user('bob', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, admin.actor);
    await finishedRun(alice.actor, 'u/alice/old');
    await finishedRun(alice.actor, 'u/alice/fresh');
    await expire('u/alice/old');
    const before = await filesOf('u/alice/old');
    const stored = before.filter((d) => d.stored);
    expect(before.length).toBe(3); // 2 scaled (rows only: not persisted) + 1 total
    const bytes = stored.reduce((s, d) => s + Number(d.size_bytes), 0);
    expect(bytes).toBeGreaterThan(0);

    const refused = await v.gql(PRUNE, { yes: true, runs: ['u/alice/old'] }, bob.token);
    expect(refused.errors?.[0]?.extensions.code).toBe('NOT_OWNER');
    expect(refused.errors?.[0]?.message).toContain("run 'u/alice/old' belongs to 'alice'; user 'bob' may not prune it");
    const bobs = await v.gql<{ prune: Report }>(PRUNE, { yes: true }, bob.token);
    expect(bobs.data!.prune.runs).toEqual([]);
    expect(await filesOf('u/alice/old')).toHaveLength(3);

    const dry = await v.gql<{ prune: Report }>(PRUNE, {}, alice.token);
    expect(dry.data!.prune).toMatchObject({ dryRun: true, bytesFreed: bytes, runs: [{ run: 'u/alice/old', owner: 'alice', datasets: 3, files: 1, bytes }] });
    for (const d of stored) expect(v.vera.datastore.exists(d.path)).toBe(true);

    expect((await v.gql(`mutation { grant(user: "bob") { owner grantee } }`, {}, alice.token)).errors).toBeUndefined();
    const done = await v.gql<{ prune: Report }>(PRUNE, { yes: true }, bob.token);
    expect(done.data!.prune).toMatchObject({ dryRun: false, bytesFreed: bytes, runs: [{ run: 'u/alice/old', datasets: 3, files: 1, bytes }] });
    expect(await filesOf('u/alice/old')).toEqual([]);
    for (const d of stored) expect(v.vera.datastore.exists(d.path)).toBe(false);
    expect((await filesOf('u/alice/fresh')).length).toBe(3); // not expired: untouched
    const run = await v.gql<{ run: { status: string } }>(`{ run(name: "u/alice/old") { status } }`);
    expect(run.data!.run.status).toBe('succeeded'); // the run stays as history

    const audit = await v.gql<{ auditLog: { actor: string; action: string; subject: string; bytes: number }[] }>(`{ auditLog { actor action subject bytes } }`, {}, admin.token);
    expect(audit.data!.auditLog).toEqual([
      { actor: 'bob', action: 'PRUNE_RUN', subject: 'u/alice/old', bytes },
      { actor: 'alice', action: 'GRANT', subject: 'alice -> bob', bytes: 0 },
    ]);
    expect((await v.gql(`{ auditLog { subject } }`, {}, alice.token)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');

    // Revoked: bob may no longer.
    await expire('u/alice/fresh');
    await v.gql(`mutation { revokeGrant(user: "bob") }`, {}, alice.token);
    expect((await v.gql(PRUNE, { yes: true, runs: ['u/alice/fresh'] }, bob.token)).errors?.[0]?.extensions.code).toBe('NOT_OWNER');
  });

  it('keeps a run another user\'s run reads, or another user\'s TAGGED collection holds, and says why, until that use ends', async () => {
    const admin = await v.user('root', 'admin');
    const alice = await v.user('alice', 'developer');
    const bob = await v.user('bob', 'developer');
    const carol = await v.user('carol', 'developer');
    await seedToyRaw(t.db, v.vera.datastore, admin.actor);
    await finishedRun(alice.actor, 'u/alice/base', { save: true });
    const sumOnly = toyPipelineText().replace(/ {2}scale:[\s\S]*?(?= {2}sumVisit:)/, '');
    await finishedRun(bob.actor, 'u/bob/sums', { yaml: sumOnly, inputs: ['u/alice/base'] });
    await expire('u/alice/base');

    const first = await v.gql<{ prune: Report }>(PRUNE, { yes: true }, alice.token);
    expect(first.data!.prune.runs).toEqual([]);
    expect(first.data!.prune.kept).toEqual([{ run: 'u/alice/base', owner: 'alice', reason: 'READ_BY_RUN', detail: expect.stringContaining("read by bob's run 'u/bob/sums'") }]);
    expect((await filesOf('u/alice/base')).length).toBe(3);

    // Carol tags one of alice's datasets into her own collection.
    const [total] = await queryRows<{ id: string }>(t.db, sql`SELECT d.id FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id JOIN collections c ON c.id = d.run_id WHERE c.name = 'u/alice/base' AND t.name = 'visitTotal'`);
    expect((await v.gql(`mutation { createCollection(name: "u/carol/picked", type: TAGGED) { name } }`, {}, carol.token)).errors).toBeUndefined();
    expect((await v.gql(`mutation($ids: [ID!]!) { tagDatasets(collection: "u/carol/picked", datasetIds: $ids) { name } }`, { ids: [total!.id] }, carol.token)).errors).toBeUndefined();

    // Bob's run ends (expired, pruned): alice's is still held by carol's collection.
    await expire('u/bob/sums');
    const bobs = await v.gql<{ prune: Report }>(PRUNE, { yes: true }, bob.token);
    expect(bobs.data!.prune.runs.map((r) => r.run)).toEqual(['u/bob/sums']);
    const second = await v.gql<{ prune: Report }>(PRUNE, { yes: true }, alice.token);
    expect(second.data!.prune.kept).toEqual([{ run: 'u/alice/base', owner: 'alice', reason: 'IN_COLLECTION', detail: "its datasets are in TAGGED collection 'u/carol/picked' owned by 'carol'" }]);

    expect((await v.gql(`mutation($ids: [ID!]!) { untagDatasets(collection: "u/carol/picked", datasetIds: $ids) { name } }`, { ids: [total!.id] }, carol.token)).errors).toBeUndefined();
    const third = await v.gql<{ prune: Report }>(PRUNE, { yes: true }, alice.token);
    expect(third.data!.prune.runs.map((r) => r.run)).toEqual(['u/alice/base']);
    expect(await filesOf('u/alice/base')).toEqual([]);
    const trash = path.join(v.vera.datastore.root, '.trash');
    expect(fs.existsSync(trash) ? fs.readdirSync(trash) : []).toEqual([]);
  });
});
