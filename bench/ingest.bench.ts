import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PGlite } from '@electric-sql/pglite';
import { DuckDBInstance } from '@duckdb/node-api';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { writeCatalogParquet } from '../pipelines/io/parquet.ts';
import { ingestCatalogs } from '../server/analysis/ingest-catalogs.ts';
import { createView } from '../server/analysis/sql.ts';
import { createUser } from '../server/auth/index.ts';
import { openDatabase, type Database } from '../server/db/client.ts';
import { createCollection, findDatasets, putDatasets, registerDatasetType, Datastore } from '../server/repo/index.ts';
import { insertBenchCam, withBenchDatabase } from './fixtures.ts';
import { percentile, report } from './lib.ts';

/**
 * `vera ingest-catalogs` (Parquet read by DuckDB into CSV batches, COPY into a staging table,
 * rename, one transaction) against a plain COPY of the same rows from a CSV made once beforehand,
 * into the same database: 48 catalogs (12 visits x 4 detectors) of 5000 sources. Goal: Vera's
 * rate at least 50% of plain COPY's. Medians of 3 after a warm-up, wall time (on a server the
 * COPY's work is the server's, not this process's CPU), on PGlite and on PostgreSQL.
 */
const VISITS = 12;
const DETECTORS = 4;
const ROWS = 5000;
const REPEATS = 3;
const RUN = 'bench/ingest';

async function bench(label: string, database: Database, dir: string): Promise<void> {
  const db = database.db;
  const user = await createUser(db, 'bench', 'admin');
  const actor = { id: user.id, name: user.name, role: user.role };
  await insertBenchCam(db, VISITS, DETECTORS);
  await registerDatasetType(db, { name: 'src', dimensions: ['visit', 'detector'], storageClass: 'Catalog' }, actor);
  await createCollection(db, { name: RUN, type: 'RUN' }, actor);
  const datastore = new Datastore(path.join(dir, 'datastore'));
  let seed = 7;
  const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const items = [];
  for (let visit = 1; visit <= VISITS; visit++) {
    for (let detector = 0; detector < DETECTORS; detector++) {
      const col = () => Float64Array.from({ length: ROWS }, () => 1000 * uniform());
      items.push({ datasetType: 'src', dataId: { instrument: 'BenchCam', visit, detector }, content: writeCatalogParquet({ refId: Int32Array.from({ length: ROWS }, (_, i) => i), psfFlux: col(), raDeg: col(), decDeg: col() }) });
    }
  }
  await putDatasets(db, datastore, { run: RUN, items }, actor);
  const total = VISITS * DETECTORS * ROWS;

  // The plain COPY's input: the same rows and columns as Vera loads, as one CSV, made once.
  const csv = path.join(dir, 'plain.csv');
  const found = await findDatasets(db, { datasetType: 'src', collections: [RUN] });
  const duck = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await duck.connect();
  await createView(conn, { name: 'src', files: found.map((d) => ({ path: datastore.resolve(d.path), columns: { collection: RUN, ...d.dims } })) });
  await conn.run(`COPY (SELECT * FROM src) TO '${csv}' (FORMAT csv, HEADER false)`);
  conn.closeSync();
  duck.closeSync();

  let n = 0;
  const vera = async () => {
    const r = await ingestCatalogs(database, datastore, { datasetType: 'src', collections: [RUN], table: `src_${n++}` }, actor);
    if (r.rows !== total) throw new Error(`ingested ${r.rows} rows, expected ${total}`);
  };
  const plain = async () => {
    const table = `catalogs.plain_${n++}`;
    const create = `CREATE TABLE ${table} (LIKE catalogs.src_0)`;
    if (database.driver === 'pg') {
      const client = await (db as unknown as { $client: pg.Pool }).$client.connect();
      try {
        await client.query(create);
        const stream = client.query(copyFrom(`COPY ${table} FROM STDIN WITH (FORMAT csv)`));
        await pipeline(fs.createReadStream(csv), stream);
        if (Number(stream.rowCount) !== total) throw new Error('plain COPY row count');
      } finally {
        client.release();
      }
    } else {
      const client = (db as unknown as { $client: PGlite }).$client;
      await client.exec(create);
      const r = await client.query(`COPY ${table} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob: new Blob([fs.readFileSync(csv)]) });
      if (r.affectedRows !== total) throw new Error('plain COPY row count');
    }
  };
  const median = async (fn: () => Promise<void>) => {
    await fn();
    const ms: number[] = [];
    for (let i = 0; i < REPEATS; i++) {
      const t = performance.now();
      await fn();
      ms.push(performance.now() - t);
    }
    return percentile(ms.sort((a, b) => a - b), 50);
  };
  const veraMs = await median(vera);
  const plainMs = await median(plain);
  const rate = (ms: number) => total / (ms / 1000);
  report('ingest', `${label}: plain COPY of a CSV (${total} rows)`, plainMs, 'ms', `${rate(plainMs).toFixed(0)} rows/s`);
  report('ingest', `${label}: vera ingest-catalogs (48 Parquet files)`, veraMs, 'ms', `${rate(veraMs).toFixed(0)} rows/s = ${((100 * plainMs) / veraMs).toFixed(0)}% of plain COPY (goal >= 50%)`);
}

console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
for (const kind of ['pglite', 'pg'] as const) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-ingest-bench-'));
  try {
    if (kind === 'pglite') {
      const database = await openDatabase({});
      try {
        await bench('PGlite', database, dir);
      } finally {
        await database.close();
      }
    } else {
      await withBenchDatabase('ingest', async (url) => {
        const database = await openDatabase({ url });
        try {
          await bench('PostgreSQL', database, dir);
        } finally {
          await database.close();
        }
      });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
