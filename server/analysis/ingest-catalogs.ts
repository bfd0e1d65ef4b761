import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { PGlite, Transaction } from '@electric-sql/pglite';
// DuckDB is loaded when first used: a third of a second of CPU that most servers and tests never need.
import type { DuckDBConnection } from '@duckdb/node-api';
import type pg from 'pg';
import { from as copyFrom } from 'pg-copy-streams';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Database } from '../db/client.ts';
import { VeraError } from '../errors.ts';
import { findDatasets, getCollection, getDatasetType, type Datastore } from '../repo/index.ts';
import { createView, viewName, type SqlFile } from './sql.ts';

/** The PostgreSQL schema ingested catalogs live in: plain tables, one per ingest target. */
export const CATALOG_SCHEMA = 'catalogs';
/** Parquet files read and copied per COPY: bounds the CSV held at once (PGlite takes it as one blob). */
export const FILES_PER_BATCH = 64;

const TABLE_NAME = /^[a-z_][a-z0-9_]{0,55}$/;

export interface IngestCatalogsOptions {
  datasetType: string;
  collections: readonly string[];
  /** A data-ID expression (`visit = 1 AND detector IN (0, 1)`), as `vera datasets --where` takes. */
  where?: string | undefined;
  /** Table in the `catalogs` schema; default the dataset type's name in lower case. */
  table?: string | undefined;
  /** Add the datasets not yet in the table instead of replacing it. */
  append?: boolean | undefined;
  filesPerBatch?: number | undefined;
}

export interface IngestCatalogsResult {
  /** Schema-qualified: `catalogs.src`. */
  table: string;
  datasets: number;
  rows: number;
  /** Nothing was done: the table already holds exactly these datasets (or, with append, all of them). */
  unchanged: boolean;
}

/** What the table's comment records: which datasets it holds, so a re-run knows it has nothing to do. */
interface IngestRecord {
  datasetType: string;
  datasets: string[];
}

interface Source {
  id: string;
  file: SqlFile;
}

/**
 * Loads the Parquet catalogs of a Catalog dataset type in collections into a PostgreSQL table
 * `catalogs.<table>`, one row per catalog row with `collection` and the data-ID columns first (as
 * `vera sql` shows them). DuckDB turns each batch of files into CSV, which goes to PostgreSQL by
 * COPY (FROM STDIN on a server, FROM '/dev/blob' on PGlite). Everything happens in one
 * transaction, into a staging table renamed over the old one at the end: a failure or a killed
 * process leaves the previous table (or none) as it was, never a half-loaded one.
 */
export async function ingestCatalogs(database: Database, datastore: Datastore, opts: IngestCatalogsOptions, actor: Actor): Promise<IngestCatalogsResult> {
  requireRole(actor, 'developer', 'ingesting catalogs into PostgreSQL');
  const db = database.db;
  const type = await getDatasetType(db, opts.datasetType);
  if (type.storageClass !== 'Catalog') {
    throw new VeraError('BAD_INPUT', `dataset type '${type.name}' has storage class ${type.storageClass}; only Catalog (Parquet) dataset types can be ingested`, { datasetType: type.name });
  }
  const table = opts.table ?? viewName(type.name).toLowerCase();
  if (!TABLE_NAME.test(table)) throw new VeraError('BAD_INPUT', `'${table}' cannot be a table name (lower-case letters, digits, _; at most 56)`, { table });
  const names = [...new Set(opts.collections.map((n) => n.trim()).filter(Boolean))];
  if (names.length === 0) throw new VeraError('BAD_INPUT', 'name at least one collection to ingest from');
  const collections = await Promise.all(names.map((n) => getCollection(db, n)));
  const sources: Source[] = [];
  for (const c of collections) {
    const found = await findDatasets(db, { datasetType: type.name, collections: [c.name], where: opts.where, findFirst: c.type !== 'CALIBRATION' });
    for (const d of found) sources.push({ id: d.id, file: { path: datastore.resolve(d.path), columns: { collection: c.name, ...d.dims } } });
  }
  if (sources.length === 0) throw new VeraError('NOT_FOUND', `no '${type.name}' datasets in ${names.join(', ')}${opts.where ? ` where ${opts.where}` : ''}`, { datasetType: type.name });

  const qualified = `${CATALOG_SCHEMA}.${table}`;
  const before = await readRecord(database, table);
  if (before && before.datasetType !== type.name) {
    throw new VeraError('BAD_INPUT', `${qualified} holds '${before.datasetType}' catalogs, not '${type.name}'; choose another --table`, { table: qualified });
  }
  const held = new Set(before?.datasets ?? []);
  const todo = opts.append ? sources.filter((s) => !held.has(s.id)) : sources;
  const unchanged = opts.append ? todo.length === 0 : held.size === sources.length && sources.every((s) => held.has(s.id));
  if (unchanged) return { table: qualified, datasets: 0, rows: 0, unchanged: true };
  if (opts.append && !before) throw new VeraError('NOT_FOUND', `${qualified} does not exist yet: ingest without --append first`, { table: qualified });

  const record: IngestRecord = { datasetType: type.name, datasets: [...(opts.append ? held : []), ...todo.map((s) => s.id)] };
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-ingest-'));
  const duck = await (await import('@duckdb/node-api')).DuckDBInstance.create(':memory:', { threads: '2', memory_limit: '1GB', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  try {
    const conn = await duck.connect();
    try {
      // The first file's columns: a dataset type's catalogs share them, and the other files' footers
      // are read batch by batch, inside the transaction (a bad one rolls it back).
      const columns = await columnsOf(conn, [todo[0]!.file]);
      const batches: Batch[] = [];
      const per = opts.filesPerBatch ?? FILES_PER_BATCH;
      for (let i = 0; i < todo.length; i += per) batches.push(csvBatch(conn, todo.slice(i, i + per).map((s) => s.file), columns, path.join(tmp, `batch-${i}.csv`)));
      const load: Loader = {
        columns,
        batches,
        target: table,
        append: Boolean(opts.append),
        comment: JSON.stringify(record),
      };
      const rows = database.driver === 'pg' ? await loadPg(clientOf<pg.Pool>(database), load) : await loadPglite(clientOf<PGlite>(database), load);
      return { table: qualified, datasets: todo.length, rows, unchanged: false };
    } finally {
      conn.closeSync();
    }
  } finally {
    duck.closeSync();
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}

interface Column {
  name: string;
  /** DuckDB's type, and the PostgreSQL type the column gets. */
  duck: string;
  pg: string;
}

/** A batch's CSV, written by DuckDB when asked (so the next is written while one is copied). */
type Batch = () => Promise<string>;

interface Loader {
  columns: Column[];
  batches: Batch[];
  target: string;
  append: boolean;
  comment: string;
}

const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

async function columnsOf(conn: DuckDBConnection, files: SqlFile[]): Promise<Column[]> {
  const described = await readingCatalogs(files, async () => {
    await createView(conn, { name: 'catalog', files });
    return conn.runAndReadAll('DESCRIBE catalog');
  });
  return described.getRows().map((r) => {
    const duck = String(r[1]);
    return { name: String(r[0]), duck, pg: pgTypeOf(duck) };
  });
}

/** PostgreSQL's type for a DuckDB column type; nested and other types go as text (their JSON-like rendering). */
export function pgTypeOf(duck: string): string {
  const decimal = /^DECIMAL\((\d+),(\d+)\)$/.exec(duck);
  if (decimal) return `numeric(${decimal[1]},${decimal[2]})`;
  const map: Record<string, string> = {
    BOOLEAN: 'boolean',
    TINYINT: 'smallint',
    UTINYINT: 'smallint',
    SMALLINT: 'smallint',
    USMALLINT: 'integer',
    INTEGER: 'integer',
    UINTEGER: 'bigint',
    BIGINT: 'bigint',
    UBIGINT: 'numeric(20,0)',
    HUGEINT: 'numeric(39,0)',
    FLOAT: 'real',
    DOUBLE: 'double precision',
    VARCHAR: 'text',
    DATE: 'date',
    TIMESTAMP: 'timestamp',
    'TIMESTAMP WITH TIME ZONE': 'timestamptz',
  };
  return map[duck] ?? 'text';
}

function csvBatch(conn: DuckDBConnection, files: SqlFile[], columns: Column[], out: string): Batch {
  return async () => {
    const select = columns.map((c) => (c.pg === 'text' && c.duck !== 'VARCHAR' ? `CAST(${quoteId(c.name)} AS VARCHAR)` : quoteId(c.name))).join(', ');
    await readingCatalogs(files, async () => {
      await conn.run('DROP VIEW IF EXISTS batch');
      await createView(conn, { name: 'batch', files });
      await conn.run(`COPY (SELECT ${select} FROM batch) TO ${quoteStr(out)} (FORMAT csv, HEADER false)`);
    });
    return out;
  };
}

/** DuckDB's failure to read a file (not Parquet, a column missing) as an error naming the files. */
async function readingCatalogs<T>(files: SqlFile[], f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    const names = files.map((x) => x.path).join(', ');
    throw new VeraError('BAD_INPUT', `cannot read catalogs ${names}: ${(e instanceof Error ? e.message : String(e)).split('\n')[0]}`);
  }
}

function stagingName(target: string): string {
  return `${target}__loading`;
}

/** Statements before the COPYs: the schema, and the staging table (or, to append, nothing). */
function prepareSql(l: Loader): string[] {
  if (l.append) return [];
  const cols = l.columns.map((c) => `${quoteId(c.name)} ${c.pg}`).join(', ');
  const staging = `${CATALOG_SCHEMA}.${quoteId(stagingName(l.target))}`;
  return [`CREATE SCHEMA IF NOT EXISTS ${CATALOG_SCHEMA}`, `DROP TABLE IF EXISTS ${staging}`, `CREATE TABLE ${staging} (${cols})`];
}

function copySql(l: Loader, source: string): string {
  const into = `${CATALOG_SCHEMA}.${quoteId(l.append ? l.target : stagingName(l.target))}`;
  return `COPY ${into} (${l.columns.map((c) => quoteId(c.name)).join(', ')}) FROM ${source} WITH (FORMAT csv)`;
}

/** Statements after the COPYs: the staging table replaces the old one, and the record is kept. */
function finishSql(l: Loader): string[] {
  const target = `${CATALOG_SCHEMA}.${quoteId(l.target)}`;
  const out = l.append ? [] : [`DROP TABLE IF EXISTS ${target}`, `ALTER TABLE ${CATALOG_SCHEMA}.${quoteId(stagingName(l.target))} RENAME TO ${quoteId(l.target)}`];
  return [...out, `COMMENT ON TABLE ${target} IS ${quoteStr(l.comment)}`];
}

/** A column missing from the table an append goes into is a clear error, not COPY's. */
function appendMismatch(l: Loader, existing: Set<string>): void {
  const missing = l.columns.filter((c) => !existing.has(c.name)).map((c) => c.name);
  if (missing.length) throw new VeraError('BAD_INPUT', `${CATALOG_SCHEMA}.${l.target} has no column ${missing.join(', ')}: ingest without --append to replace it`);
}

const COLUMNS_SQL = `SELECT column_name FROM information_schema.columns WHERE table_schema = '${CATALOG_SCHEMA}' AND table_name = $1`;

async function loadPg(pool: pg.Pool, l: Loader): Promise<number> {
  const client = await pool.connect();
  let rows = 0;
  try {
    await client.query('BEGIN');
    if (l.append) appendMismatch(l, new Set((await client.query<{ column_name: string }>(COLUMNS_SQL, [l.target])).rows.map((r) => r.column_name)));
    for (const s of prepareSql(l)) await client.query(s);
    let next = l.batches[0]?.();
    for (let i = 0; i < l.batches.length; i++) {
      const file = await next!;
      next = l.batches[i + 1]?.();
      // A batch written ahead must not reject unobserved while this one is copied.
      next?.catch(() => undefined);
      const stream = client.query(copyFrom(copySql(l, 'STDIN')));
      await pipeline(fs.createReadStream(file), stream);
      rows += Number(stream.rowCount);
      fs.rmSync(file, { force: true });
    }
    for (const s of finishSql(l)) await client.query(s);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw e;
  } finally {
    client.release();
  }
  return rows;
}

async function loadPglite(client: PGlite, l: Loader): Promise<number> {
  return client.transaction(async (tx: Transaction) => {
    if (l.append) appendMismatch(l, new Set((await tx.query<{ column_name: string }>(COLUMNS_SQL, [l.target])).rows.map((r) => r.column_name)));
    for (const s of prepareSql(l)) await tx.exec(s);
    let rows = 0;
    // PGlite runs in this process: writing the next batch while one is copied gains nothing.
    for (const batch of l.batches) {
      const file = await batch();
      const r = await tx.query(copySql(l, "'/dev/blob'"), [], { blob: new Blob([fs.readFileSync(file)]) });
      rows += r.affectedRows ?? 0;
      fs.rmSync(file, { force: true });
    }
    for (const s of finishSql(l)) await tx.exec(s);
    return rows;
  });
}

/** The driver's own client under drizzle: COPY needs it (drizzle has no COPY). */
function clientOf<T>(database: Database): T {
  return (database.db as unknown as { $client: T }).$client;
}

async function readRecord(database: Database, table: string): Promise<IngestRecord | undefined> {
  const sql = `SELECT obj_description(c.oid, 'pg_class') AS comment FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = '${CATALOG_SCHEMA}' AND c.relname = $1 AND c.relkind = 'r'`;
  const rows =
    database.driver === 'pg'
      ? (await (clientOf<pg.Pool>(database)).query<{ comment: string | null }>(sql, [table])).rows
      : (await (clientOf<PGlite>(database)).query<{ comment: string | null }>(sql, [table])).rows;
  if (rows.length === 0) return undefined;
  try {
    const parsed = JSON.parse(rows[0]!.comment ?? '') as IngestRecord;
    if (typeof parsed.datasetType === 'string' && Array.isArray(parsed.datasets)) return parsed;
  } catch {
    // fall through: a table Vera did not make
  }
  throw new VeraError('BAD_INPUT', `${CATALOG_SCHEMA}.${table} was not made by vera ingest-catalogs; choose another --table`, { table });
}
