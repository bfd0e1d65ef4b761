import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { writeCatalogParquet } from '../../pipelines/io/parquet.ts';
import { ingestCatalogs } from '../../server/analysis/ingest-catalogs.ts';
import { ANONYMOUS } from '../../server/auth/roles.ts';
import { createCollection, findDatasets, putDatasets } from '../../server/repo/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { putSkySources } from '../support/skymap-fixtures.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const A = 'u/alice/a';
const B = 'u/alice/b';

/** Rows of a plain SELECT on the test database, whichever driver it is. */
async function query<T>(text: string): Promise<T[]> {
  const client = (v.vera.database.db as unknown as { $client: { query(q: string): Promise<{ rows: T[] }> } }).$client;
  return (await client.query(text)).rows;
}

describe('vera ingest-catalogs: Parquet catalogs into a PostgreSQL table', () => {
  it('loads two runs’ src catalogs with data IDs, is idempotent, appends, leaves no table when a file is bad, refuses non-writers', async () => {
    const { actor: alice, token: aliceToken } = await v.user('alice', 'developer');
    const { token: viewerToken } = await v.user('vic', 'viewer');
    const a = await putSkySources(t.db, v.vera.datastore, alice, A, { catalogs: 3, perCatalog: 120 });
    await createCollection(t.db, { name: B, type: 'RUN' }, alice);
    const bFlux = [Float64Array.from([1.5, 2.5]), Float64Array.from([3.25])];
    await putDatasets(
      t.db,
      v.vera.datastore,
      { run: B, items: bFlux.map((f, i) => ({ datasetType: 'src', dataId: { instrument: 'TestCam', visit: i + 1, detector: 0 }, content: writeCatalogParquet({ raDeg: f, decDeg: f, psfFlux: f }) })) },
      alice,
    );

    // Through the GraphQL mutation, one file per COPY batch is the server's default of 64: one batch.
    const first = await v.gql<{ ingestCatalogs: { table: string; datasets: number; rows: number; unchanged: boolean } }>(
      'mutation { ingestCatalogs(datasetType: "src", collections: ["u/alice/a", "u/alice/b"]) { table datasets rows unchanged } }',
      undefined,
      aliceToken,
    );
    expect(first.errors).toBeUndefined();
    expect(first.data!.ingestCatalogs).toEqual({ table: 'catalogs.src', datasets: 5, rows: 363, unchanged: false });
    const counts = await query<{ collection: string; visit: number; n: number }>('SELECT collection, visit::int AS visit, count(*)::int AS n FROM catalogs.src GROUP BY 1, 2 ORDER BY 1, 2');
    expect(counts).toEqual([
      { collection: A, visit: 1, n: 120 }, { collection: A, visit: 2, n: 120 }, { collection: A, visit: 3, n: 120 },
      { collection: B, visit: 1, n: 2 }, { collection: B, visit: 2, n: 1 },
    ]);
    // Values as the files hold them, to the last bit, NaN included; types mapped from Parquet.
    const aRows = await query<{ psfFlux: number; raDeg: number }>(`SELECT "psfFlux", "raDeg" FROM catalogs.src WHERE collection = '${A}' ORDER BY visit, ctid`);
    expect(aRows.map((r) => Number(r.psfFlux))).toEqual(a.psfFlux);
    expect(aRows.map((r) => Number(r.raDeg))).toEqual(a.raDeg);
    const types = await query<{ column_name: string; data_type: string }>("SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = 'catalogs' AND table_name = 'src' ORDER BY ordinal_position");
    expect(types.find((c) => c.column_name === 'psfFlux')?.data_type).toBe('double precision');
    expect(types.find((c) => c.column_name === 'visit')?.data_type).toBe('bigint');
    expect(types[0]).toEqual({ column_name: 'collection', data_type: 'text' });

    // The same ingest again: nothing to do. Append with one more dataset: only it is loaded.
    expect(await ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [A, B] }, alice)).toMatchObject({ unchanged: true, rows: 0 });
    await putDatasets(t.db, v.vera.datastore, { run: B, items: [{ datasetType: 'src', dataId: { instrument: 'TestCam', visit: 3, detector: 0 }, content: writeCatalogParquet({ raDeg: bFlux[1]!, decDeg: bFlux[1]!, psfFlux: Float64Array.from([9]) }) }] }, alice);
    expect(await ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [B], append: true }, alice)).toMatchObject({ datasets: 1, rows: 1 });
    expect(await query('SELECT count(*)::int AS n FROM catalogs.src')).toEqual([{ n: 364 }]);
    // --where picks datasets by data ID, into another table.
    expect(await ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [B], where: 'visit = 1', table: 'b_visit1' }, alice)).toMatchObject({ table: 'catalogs.b_visit1', datasets: 1, rows: 2 });

    // A bad file in the second batch: the first batch was copied, yet no table is left behind,
    // and a replace of an existing table keeps the old one whole.
    const bad = (await findDatasets(t.db, { datasetType: 'src', collections: [B], where: 'visit = 3' }))[0]!;
    fs.writeFileSync(v.vera.datastore.resolve(bad.path), 'not parquet');
    await expect(ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [B], table: 'broken', filesPerBatch: 1 }, alice)).rejects.toThrow(/cannot read catalogs/);
    expect(await query("SELECT table_name FROM information_schema.tables WHERE table_schema = 'catalogs' ORDER BY 1")).toEqual([{ table_name: 'b_visit1' }, { table_name: 'src' }]);
    await expect(ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [B], table: 'b_visit1', filesPerBatch: 1 }, alice)).rejects.toThrow(/cannot read catalogs/);
    expect(await query('SELECT visit::int AS visit, count(*)::int AS n FROM catalogs.b_visit1 GROUP BY 1')).toEqual([{ visit: 1, n: 2 }]);

    // Viewers and anonymous readers are refused; bad input is named.
    const viewer = await v.gql('mutation { ingestCatalogs(datasetType: "src", collections: ["u/alice/a"]) { rows } }', undefined, viewerToken);
    expect(viewer.errors?.[0]?.extensions.code).toBe('FORBIDDEN');
    await expect(ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [A] }, ANONYMOUS)).rejects.toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'nope', collections: [A] }, alice)).rejects.toMatchObject({ code: 'UNKNOWN_DATASET_TYPE' });
    await expect(ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: ['u/alice/none'] }, alice)).rejects.toThrow(/u\/alice\/none/);
    await expect(ingestCatalogs(v.vera.database, v.vera.datastore, { datasetType: 'src', collections: [A], table: 'Drop Table' }, alice)).rejects.toThrow(/cannot be a table name/);
  }, 120_000);
});
