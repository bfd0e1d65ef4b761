import fs from 'node:fs';
import path from 'node:path';
// DuckDB is loaded when first used: a third of a second of CPU that most servers and tests never need.
import type { DuckDBConnection, DuckDBInstance } from '@duckdb/node-api';
import { VeraError } from '../errors.ts';

/** One Parquet file of a view and the constant columns it gets: `collection` and its data ID. */
export interface SqlFile {
  path: string;
  columns: Readonly<Record<string, string | number | boolean>>;
}

/** A view: a dataset type's Parquet files across collections, one row per catalog row. */
export interface SqlView {
  name: string;
  files: readonly SqlFile[];
}

export interface SqlLimits {
  /** Rows returned at most; more make the result `truncated`. */
  maxRows: number;
  /** The query is interrupted after this long. */
  timeoutMs: number;
}

export interface SqlColumn {
  name: string;
  /** DuckDB's name of the type, e.g. `DOUBLE`, `BIGINT`, `VARCHAR`. */
  type: string;
}

export type SqlValue = string | number | boolean | null;

export interface SqlResult {
  columns: SqlColumn[];
  rows: SqlValue[][];
  truncated: boolean;
}

export const SQL_MAX_ROWS = 100_000;
export const SQL_DEFAULT_ROWS = 10_000;
export const SQL_DEFAULT_TIMEOUT_MS = 30_000;
export const SQL_MAX_QUERY_CHARS = 100_000;

const VIEW_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;
const COLUMN_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,127}$/;

const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s: string) => `'${s.replace(/'/g, "''")}'`;
function literal(v: string | number | boolean): string {
  if (typeof v === 'number') return Number.isInteger(v) ? `${v}::BIGINT` : `${v}::DOUBLE`;
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  return quoteStr(v);
}

/**
 * Runs one read-only SELECT (or WITH ... SELECT) over Parquet files presented as views, in an
 * in-memory DuckDB sandbox made for exactly these views. After the views are made, external access
 * is switched off for good (`enable_external_access=false`, `lock_configuration`): the query can
 * read the registered files and nothing else (no other file, URL, extension, ATTACH or COPY),
 * whatever it says. A sandbox is kept for the next query over the same views (a notebook asks
 * many questions of the same collections), so that query skips making the instance and views.
 */
export async function runSql(views: readonly SqlView[], query: string, limits: SqlLimits): Promise<SqlResult> {
  if (query.length > SQL_MAX_QUERY_CHARS) throw new VeraError('BAD_INPUT', `the SQL query is over ${SQL_MAX_QUERY_CHARS} characters`);
  if (!query.trim()) throw new VeraError('BAD_INPUT', 'the SQL query is empty');
  for (const v of views) checkNames(v);
  const sandbox = await acquireSandbox(views);
  try {
    const conn = await sandbox.instance.connect();
    try {
      await assertSingleSelect(conn, query);
      return await withTimeout(conn, limits.timeoutMs, () => readLimited(conn, query, limits.maxRows));
    } finally {
      conn.closeSync();
    }
  } finally {
    releaseSandbox(sandbox.entry);
  }
}

interface SandboxEntry {
  instance: Promise<DuckDBInstance>;
  /** Queries holding it now (counted before its instance exists): it is closed only when none is. */
  busy: number;
  lastUsed: number;
}

/** Sandboxes kept, most recently used last; idle ones beyond the count or the age are closed. */
const SANDBOXES_KEPT = 4;
const SANDBOX_IDLE_MS = 60_000;
const sandboxes = new Map<string, SandboxEntry>();
let sweepTimer: NodeJS.Timeout | undefined;

async function acquireSandbox(views: readonly SqlView[]): Promise<{ entry: SandboxEntry; instance: DuckDBInstance }> {
  // The registry's file list and data IDs are the key: a new or pruned dataset makes a new sandbox.
  const key = JSON.stringify(views.map((v) => [v.name, v.files.map((f) => [path.resolve(f.path), f.columns])]));
  let entry = sandboxes.get(key);
  if (entry) sandboxes.delete(key);
  else entry = { instance: openSandbox(views), busy: 0, lastUsed: Date.now() };
  sandboxes.set(key, entry);
  entry.busy++;
  try {
    return { entry, instance: await entry.instance };
  } catch (e) {
    entry.busy--;
    if (sandboxes.get(key) === entry) sandboxes.delete(key);
    throw e;
  }
}

function releaseSandbox(entry: SandboxEntry): void {
  entry.busy--;
  entry.lastUsed = Date.now();
  sweepSandboxes();
}

async function openSandbox(views: readonly SqlView[]): Promise<DuckDBInstance> {
  const allowed = views.flatMap((v) => v.files.map((f) => path.resolve(f.path)));
  const instance = await (await import('@duckdb/node-api')).DuckDBInstance.create(':memory:', {
    threads: '2',
    memory_limit: '1GB',
    autoinstall_known_extensions: 'false',
    autoload_known_extensions: 'false',
  });
  try {
    const conn = await instance.connect();
    try {
      // Datastore files never change once written: the footers read to make the views serve every query.
      await conn.run('SET parquet_metadata_cache = true');
      for (const v of views) await createView(conn, v);
      await conn.run(`SET allowed_paths = [${allowed.map(quoteStr).join(', ')}]`);
      await conn.run('SET enable_external_access = false');
      await conn.run('SET lock_configuration = true');
    } finally {
      conn.closeSync();
    }
  } catch (e) {
    instance.closeSync();
    throw e;
  }
  return instance;
}

/** Closes idle sandboxes that are too many or too old, and looks again later while any is kept. */
function sweepSandboxes(all = false): void {
  const now = Date.now();
  let excess = sandboxes.size - SANDBOXES_KEPT;
  for (const [key, entry] of [...sandboxes]) {
    if (entry.busy > 0) continue;
    if (all || excess > 0 || now - entry.lastUsed > SANDBOX_IDLE_MS) {
      sandboxes.delete(key);
      excess--;
      // Idle means every query on it has finished, so its instance is settled.
      entry.instance.then((i) => i.closeSync(), () => undefined);
    }
  }
  if (sweepTimer) clearTimeout(sweepTimer);
  sweepTimer = sandboxes.size > 0 ? setTimeout(() => sweepSandboxes(), SANDBOX_IDLE_MS).unref() : undefined;
}

/** Closes every idle sandbox now (benchmarks that measure a first query over new views). */
export function closeSqlSandboxes(): void {
  sweepSandboxes(true);
}

/** Exactly one statement, and a SELECT: anything else is refused before it runs. */
async function assertSingleSelect(conn: DuckDBConnection, query: string): Promise<void> {
  let extracted;
  try {
    extracted = await conn.extractStatements(query);
  } catch (e) {
    throw new VeraError('BAD_INPUT', `the SQL does not parse: ${firstLine(e)}`);
  }
  if (extracted.count !== 1) throw new VeraError('SQL_REFUSED', `give exactly one SQL statement (a SELECT); this has ${extracted.count}`);
  const type = await statementTypeOf(conn, query);
  if (type !== 'SELECT') throw new VeraError('SQL_REFUSED', `only a SELECT (or WITH ... SELECT) statement may run; this is ${type}`, { statement: type });
}

/** DuckDB's own parser says what kind of statement it is, via json_serialize_sql (SELECT only). */
async function statementTypeOf(conn: DuckDBConnection, query: string): Promise<string> {
  const r = await conn.runAndReadAll('SELECT json_serialize_sql($1::VARCHAR) AS j', [query]);
  const parsed = JSON.parse(String(r.getRows()[0]![0])) as { error?: boolean; error_message?: string; statements?: unknown[] };
  if (!parsed.error && parsed.statements?.length === 1) return 'SELECT';
  // json_serialize_sql serializes SELECT statements only; anything else is reported as an error.
  const m = /Only SELECT statements can be serialized|only select/i.exec(parsed.error_message ?? '');
  if (m) return leadingKeyword(query);
  throw new VeraError('BAD_INPUT', `the SQL does not parse: ${parsed.error_message ?? 'unknown error'}`);
}

function leadingKeyword(query: string): string {
  const stripped = query.replace(/--[^\n]*|\/\*[\s\S]*?\*\//g, ' ').trim();
  return (/^[A-Za-z]+/.exec(stripped)?.[0] ?? 'not a SELECT').toUpperCase();
}

function checkNames(view: SqlView): void {
  if (!VIEW_NAME.test(view.name)) throw new VeraError('BAD_INPUT', `'${view.name}' cannot be a view name (letters, digits, _)`);
  for (const f of view.files) for (const c of Object.keys(f.columns)) if (!COLUMN_NAME.test(c)) throw new VeraError('BAD_INPUT', `'${c}' cannot be a column name`);
}

/**
 * One view: per collection, a single read_parquet over its files whose data-ID columns are looked
 * up by the scan's file_index in constant lists (no join against a table of files), and the
 * collections' scans put together with UNION ALL BY NAME. A filter on `collection` so folds to
 * false for the other collections' branches, which are then never read.
 */
export async function createView(conn: DuckDBConnection, view: SqlView): Promise<void> {
  if (view.files.length === 0) return;
  const constNames = [...new Set(view.files.flatMap((f) => Object.keys(f.columns)))];
  const types = new Map(constNames.map((c) => [c, sqlTypeOf(view.files, c)]));
  const groups = new Map<string, SqlFile[]>();
  for (const f of view.files) {
    const k = JSON.stringify(f.columns.collection ?? null);
    groups.set(k, [...(groups.get(k) ?? []), f]);
  }
  const branches: string[] = [];
  for (const files of groups.values()) {
    const fileList = `[${files.map((f) => quoteStr(path.resolve(f.path))).join(', ')}]`;
    // The data ID and collection win: a catalog column of the same name is left out. COLUMNS()
    // picks the rest when the view is bound, which reads the footers once (no DESCRIBE first).
    const consts = constNames.map((c) => `${constantOf(files, c, types.get(c)!)} AS ${quoteId(c)}`);
    const rest = `COLUMNS(c -> c NOT IN (${constNames.map(quoteStr).join(', ')}))`;
    branches.push(`SELECT ${[...consts, rest].join(', ')} FROM read_parquet(${fileList}, union_by_name = true)`);
  }
  await conn.run(`CREATE VIEW ${quoteId(view.name)} AS ${branches.join(' UNION ALL BY NAME ')}`);
}

/** A constant column of a scan: one literal when its files agree, else a lookup by file_index. */
function constantOf(files: readonly SqlFile[], column: string, type: string): string {
  const values = files.map((f) => (f.columns[column] === undefined ? 'NULL' : literal(f.columns[column]!)));
  if (values.every((v) => v === values[0])) return `CAST(${values[0]} AS ${type})`;
  return `(CAST([${values.join(', ')}] AS ${type}[]))[file_index::BIGINT + 1]`;
}

function sqlTypeOf(files: readonly SqlFile[], column: string): string {
  const values = files.map((f) => f.columns[column]).filter((v) => v !== undefined);
  if (values.every((v) => typeof v === 'number' && Number.isInteger(v))) return 'BIGINT';
  if (values.every((v) => typeof v === 'number')) return 'DOUBLE';
  if (values.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  return 'VARCHAR';
}

async function readLimited(conn: DuckDBConnection, query: string, maxRows: number): Promise<SqlResult> {
  let reader;
  try {
    reader = await conn.streamAndReadUntil(query, maxRows + 1);
  } catch (e) {
    const msg = firstLine(e);
    if (/INTERRUPT/i.test(msg)) throw e;
    if (/Permission Error|disabled by configuration|external access/i.test(msg)) throw new VeraError('SQL_REFUSED', `the query may read only the catalogs it was given: ${msg}`);
    throw new VeraError('BAD_INPUT', `the SQL failed: ${msg}`);
  }
  const names = reader.columnNames();
  const types = reader.columnTypes().map((t) => t.toString());
  const all = reader.getRowsJS();
  const truncated = all.length > maxRows;
  return { columns: names.map((name, i) => ({ name, type: types[i]! })), rows: all.slice(0, maxRows).map((r) => r.map(toValue)), truncated };
}

async function withTimeout<T>(conn: DuckDBConnection, ms: number, f: () => Promise<T>): Promise<T> {
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    conn.interrupt();
  }, ms);
  try {
    return await f();
  } catch (e) {
    if (timedOut) throw new VeraError('SQL_TIMEOUT', `the SQL query ran over its time limit of ${ms} ms`, { timeoutMs: ms });
    throw e;
  } finally {
    clearTimeout(timer);
  }
}

/** A JSON-safe value: integers beyond 2^53 and decimals as strings, dates as ISO text. */
function toValue(v: unknown): SqlValue {
  if (v === null || v === undefined) return null;
  if (typeof v === 'bigint') return Number.isSafeInteger(Number(v)) ? Number(v) : v.toString();
  if (typeof v === 'number') return Number.isFinite(v) ? v : String(v);
  if (typeof v === 'string' || typeof v === 'boolean') return v;
  if (v instanceof Date) return v.toISOString();
  if (Array.isArray(v) || (typeof v === 'object' && v.constructor === Object)) return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? x.toString() : x));
  return String(v);
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]!;
}

/**
 * Views over a local directory of Parquet: each `<name>.parquet` file, or each directory of
 * Parquet files (read as one view), becomes a view named after it, with a `collection` column
 * holding the directory's name. For `vera sql --dir`; the server never reads local paths.
 */
export function viewsOfDirectory(dir: string): SqlView[] {
  const root = path.resolve(dir);
  if (!fs.existsSync(root) || !fs.statSync(root).isDirectory()) throw new VeraError('BAD_INPUT', `'${dir}' is not a directory`, { dir });
  const label = path.basename(root);
  const out: SqlView[] = [];
  for (const e of fs.readdirSync(root, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const abs = path.join(root, e.name);
    if (e.isFile() && e.name.endsWith('.parquet')) {
      out.push({ name: viewName(e.name.slice(0, -'.parquet'.length)), files: [{ path: abs, columns: { collection: label } }] });
    } else if (e.isDirectory()) {
      const files = listParquet(abs);
      if (files.length) out.push({ name: viewName(e.name), files: files.map((p) => ({ path: p, columns: { collection: label } })) });
    }
  }
  if (out.length === 0) throw new VeraError('BAD_INPUT', `'${dir}' holds no Parquet files`, { dir });
  return out;
}

function listParquet(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.parquet'))
    .map((e) => path.join(e.parentPath, e.name))
    .sort();
}

/** A view name from a file or dataset type name: other characters become `_`. */
export function viewName(s: string): string {
  const n = s.replace(/[^A-Za-z0-9_]/g, '_');
  return /^[A-Za-z_]/.test(n) ? n : `_${n}`;
}
