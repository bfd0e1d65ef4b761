import { describe, expect, it } from 'vitest';
import { countRows, useTestDatabase } from '../support/db.ts';
import { seedDimensions } from '../support/factories.ts';
import { registerIn } from '../support/repo-fixtures.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);

describe('GraphQL: data repository', () => {
  it('registers dataset types and creates chains, then reads them back', async () => {
    const { token } = await v.user('alice', 'developer');
    const reg = await v.gql(
      `mutation { registerDatasetType(name: "deepCoadd", dimensions: ["tract", "patch", "band"], storageClass: "Exposure") { name dimensions storageClass } }`,
      {},
      token,
    );
    expect(reg.errors).toBeUndefined();
    expect(reg.data).toEqual({ registerDatasetType: { name: 'deepCoadd', dimensions: ['band', 'skymap', 'tract', 'patch'], storageClass: 'Exposure' } });

    await v.gql(`mutation { a: createCollection(name: "u/alice/a", type: RUN) { name } b: createCollection(name: "u/alice/b", type: TAGGED) { name } }`, {}, token);
    const chain = await v.gql(`mutation { setChain(name: "u/alice/chain", children: ["u/alice/b", "u/alice/a"]) { name type owner children } }`, {}, token);
    expect(chain.data).toEqual({ setChain: { name: 'u/alice/chain', type: 'CHAINED', owner: 'alice', children: ['u/alice/b', 'u/alice/a'] } });

    const listed = await v.gql<{ collections: { name: string; type: string; owner: string; children: string[] }[] }>(
      `{ collections { name type owner children } datasetTypes { name } }`,
    );
    expect(listed.data!.collections.map((c) => `${c.name}:${c.type}:${c.owner}`)).toEqual(['u/alice/a:RUN:alice', 'u/alice/b:TAGGED:alice', 'u/alice/chain:CHAINED:alice']);
  });

  it('finds datasets with a where expression and bind values, and one by id', async () => {
    const { actor } = await v.user('alice', 'developer');
    await seedDimensions(t.db);
    await v.vera.database.db.transaction(async () => {});
    const { registerDatasetType } = await import('../../server/repo/index.ts');
    await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, actor);
    const refs = await registerIn(t.db, actor, 'run', 'calexp', [1, 2, 3, 4].map((visit) => ({ instrument: 'TestCam', visit, detector: 1 })));
    const res = await v.gql<{ datasets: { id: string; dataId: Record<string, unknown>; run: string; path: string }[] }>(
      `query($w: String, $b: JSON) { datasets(datasetType: "calexp", collections: ["run"], where: $w, bind: $b) { id dataId run path } }`,
      { w: "band = 'r' AND visit > :v", b: { v: 2 } },
    );
    expect(res.errors).toBeUndefined();
    expect(res.data!.datasets).toEqual([{ id: refs[3]!.id, dataId: { instrument: 'TestCam', visit: 4, detector: 1 }, run: 'run', path: refs[3]!.path }]);
    const one = await v.gql<{ dataset: { id: string; datasetType: string; dims: Record<string, unknown> } }>(`query($id: ID!) { dataset(id: $id) { id datasetType dims } }`, {
      id: refs[0]!.id,
    });
    expect(one.data!.dataset).toMatchObject({ id: refs[0]!.id, datasetType: 'calexp', dims: { band: 'g' } });
  });

  it.each([
    ['unknown dataset type', `{ datasets(datasetType: "nope", collections: ["run"]) { id } }`, 'UNKNOWN_DATASET_TYPE', "'nope'"],
    ['malformed where', `{ datasets(datasetType: "calexp", collections: ["run"], where: "visit = = 3") { id } }`, 'WHERE_SYNTAX', 'column 9'],
    ['wrong value type', `{ datasets(datasetType: "calexp", collections: ["run"], where: "visit = 'x'") { id } }`, 'WHERE_TYPE', "'visit' takes an integer"],
    ['unknown dimension', `{ datasets(datasetType: "calexp", collections: ["run"], where: "exposure = 1") { id } }`, 'WHERE_UNKNOWN_NAME', "'exposure'"],
    ['unknown collection', `{ datasets(datasetType: "calexp", collections: ["nope"]) { id } }`, 'UNKNOWN_COLLECTION', "'nope'"],
  ])('bad input (%s) is a GraphQL error with a stable code', async (_name, query, code, text) => {
    const { actor } = await v.user('alice', 'developer');
    await seedDimensions(t.db);
    const { registerDatasetType, createCollection } = await import('../../server/repo/index.ts');
    await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, actor);
    await createCollection(t.db, { name: 'run', type: 'RUN' }, actor);
    const res = await v.gql(query);
    expect(res.errors?.[0]?.extensions.code).toBe(code);
    expect(res.errors?.[0]?.message).toContain(text);
  });

  it.each([
    ['unknown dimension', `mutation { registerDatasetType(name: "x", dimensions: ["exposure"], storageClass: "Image") { name } }`, 'UNKNOWN_DIMENSION', "'exposure'"],
    ['unknown storage class', `mutation { registerDatasetType(name: "x", dimensions: ["visit"], storageClass: "Nope") { name } }`, 'UNKNOWN_STORAGE_CLASS', "'Nope'"],
    ['bad collection name', `mutation { createCollection(name: "../x", type: RUN) { name } }`, 'BAD_INPUT', "'../x'"],
    ['unknown chain child', `mutation { setChain(name: "c", children: ["ghost"]) { name } }`, 'UNKNOWN_COLLECTION', "'ghost'"],
    ['bad dimension record', `mutation { insertDimensionRecords(dimension: "visit", records: [{instrument: "X", id: "seven"}]) }`, 'BAD_INPUT', 'visit record 0: id'],
  ])('bad mutation input (%s) is refused with a stable code and writes nothing', async (_name, query, code, text) => {
    const { token } = await v.user('root', 'admin');
    const before = { types: await countRows(t.db, 'dataset_types'), collections: await countRows(t.db, 'collections') };
    const res = await v.gql(query, {}, token);
    expect(res.errors?.[0]?.extensions.code).toBe(code);
    expect(res.errors?.[0]?.message).toContain(text);
    expect({ types: await countRows(t.db, 'dataset_types'), collections: await countRows(t.db, 'collections') }).toEqual(before);
  });
});

describe('GraphQL: users and tokens', () => {
  it('acts as the token’s user; anonymous requests may read but not write', async () => {
    const { token } = await v.user('alice', 'developer');
    expect((await v.gql(`{ me { name role } }`, {}, token)).data).toEqual({ me: { name: 'alice', role: 'developer' } });
    expect((await v.gql(`{ me { name role } }`)).data).toEqual({ me: { name: 'anonymous', role: 'viewer' } });
    const anon = await v.gql(`mutation { createCollection(name: "x", type: RUN) { name } }`);
    expect(anon.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const bad = await v.gql(`{ me { name } }`, {}, 'vera_not-a-token');
    expect(bad.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
  });

  it('viewers cannot write; only admins create users and tokens for others', async () => {
    const viewer = await v.user('vic', 'viewer');
    const dev = await v.user('dev', 'developer');
    const root = await v.user('root', 'admin');
    expect((await v.gql(`mutation { createCollection(name: "x", type: RUN) { name } }`, {}, viewer.token)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await v.gql(`mutation { createUser(name: "eve", role: admin) { name } }`, {}, dev.token)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    expect((await v.gql(`mutation { createToken(name: "t", user: "vic") { token } }`, {}, dev.token)).errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    const made = await v.gql<{ createUser: { name: string; role: string }; createToken: { token: string; user: string } }>(
      `mutation { createUser(name: "eve", role: operator) { name role } createToken(name: "ci", user: "eve") { token user } }`,
      {},
      root.token,
    );
    expect(made.data!.createUser).toEqual({ name: 'eve', role: 'operator' });
    expect((await v.gql(`{ me { name role } }`, {}, made.data!.createToken.token)).data).toEqual({ me: { name: 'eve', role: 'operator' } });
  });

  it('stores only a hash of each token', async () => {
    const { token } = await v.user('alice', 'developer');
    const { queryRows, sql } = await import('../../server/db/client.ts');
    const rows = await queryRows<{ token_hash: string; prefix: string }>(t.db, sql`SELECT token_hash, prefix FROM api_tokens`);
    expect(rows).toHaveLength(1);
    expect(rows[0]!.token_hash).not.toContain(token.slice(8));
    expect(token.startsWith(rows[0]!.prefix)).toBe(true);
  });
});
