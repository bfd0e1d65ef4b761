import fs from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { sql, type Logger, type SQL } from 'drizzle-orm';
import { drizzle as drizzlePg } from 'drizzle-orm/node-postgres';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { PgDatabase, PgQueryResultHKT } from 'drizzle-orm/pg-core';
import pg from 'pg';
import * as schema from './schema/index.ts';
import { acquireDirLock, type DirLock } from './lock.ts';
import { applyMigrations } from './migrate.ts';

export type Schema = typeof schema;
/** A database or a transaction on it: domain functions accept either. */
export type Db = PgDatabase<PgQueryResultHKT, Schema>;

export interface Database {
  db: Db;
  driver: 'pg' | 'pglite';
  /** Human-readable location: the server URL without password, or the PGlite directory. */
  location: string;
  close(): Promise<void>;
}

export interface OpenOptions {
  /** Postgres URL; when absent, PGlite at `dataDir` (or in memory when that is absent too). */
  url?: string | undefined;
  dataDir?: string | undefined;
  /** Preloaded PGlite data (a dumped, already-migrated database), used by tests for speed. */
  pgliteLoadDataDir?: Blob | undefined;
  migrate?: boolean;
  /** Sees every SQL statement sent (tests count them to check that resolvers batch). */
  logger?: Logger | undefined;
}

export async function openDatabase(opts: OpenOptions): Promise<Database> {
  const database = opts.url ? await openPg(opts.url, opts.logger) : await openPglite(opts);
  if (opts.migrate !== false) {
    try {
      await applyMigrations(database);
    } catch (e) {
      await database.close();
      throw e;
    }
  }
  return database;
}

async function openPg(url: string, logger: Logger | undefined): Promise<Database> {
  const pool = new pg.Pool({ connectionString: url, max: 10 });
  // An idle connection dropped by the server (restart, admin kill) must not crash Vera: the pool
  // replaces it on next use, and queries in flight fail with their own error.
  pool.on('error', () => {});
  // Surface connection problems at open time, with the URL (minus password) in the message.
  const client = await pool.connect().catch(async (e: Error) => {
    await pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redactUrl(url)}: ${e.message}`, { cause: e });
  });
  client.release();
  const db = drizzlePg({ client: pool, schema, ...(logger ? { logger } : {}) }) as unknown as Db;
  return { db, driver: 'pg', location: redactUrl(url), close: () => pool.end() };
}

async function openPglite(opts: OpenOptions): Promise<Database> {
  let lock: DirLock | undefined;
  if (opts.dataDir) {
    fs.mkdirSync(path.dirname(opts.dataDir), { recursive: true });
    // PGlite is single-process: two processes on one data directory would corrupt it.
    lock = acquireDirLock(`${opts.dataDir}.lock`, 'embedded database');
  }
  try {
    const client = await PGlite.create({
      ...(opts.dataDir ? { dataDir: opts.dataDir } : {}),
      ...(opts.pgliteLoadDataDir ? { loadDataDir: opts.pgliteLoadDataDir } : {}),
    });
    const db = drizzlePglite({ client, schema, ...(opts.logger ? { logger: opts.logger } : {}) }) as unknown as Db;
    return {
      db,
      driver: 'pglite',
      location: opts.dataDir ?? 'memory://',
      close: async () => {
        await client.close();
        lock?.release();
      },
    };
  } catch (e) {
    lock?.release();
    throw e;
  }
}

export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable url>';
  }
}

/** Rows of a raw `execute`, which returns a driver-specific result on each driver. */
export async function queryRows<T>(db: Db, query: SQL): Promise<T[]> {
  const result = (await db.execute(query)) as unknown as { rows: T[] };
  return result.rows;
}

export { sql };
