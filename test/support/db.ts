import fs from 'node:fs';
import type { Logger } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, inject } from 'vitest';
import { openDatabase, queryRows, sql, type Database, type Db } from '../../server/db/client.ts';
import { withAdmin, withDatabase } from './global-setup.ts';

export interface TestDatabase {
  readonly database: Database;
  readonly db: Db;
  /** Postgres URL of this file's database, or undefined on PGlite. */
  readonly url: string | undefined;
}

/**
 * Gives the calling test file its own database (a clone of the migrated template), emptied
 * before each test. Runs on PostgreSQL when DATABASE_URL is set, else on in-memory PGlite.
 * A `logger` sees every statement sent (to count them).
 */
export function useTestDatabase(opts: { logger?: Logger } = {}): TestDatabase {
  let database: Database | undefined;
  let url: string | undefined;
  let dropName: string | undefined;

  beforeAll(async () => {
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl) {
      dropName = `vera_t_${process.pid}_${Math.random().toString(36).slice(2, 10)}`;
      const template = inject('pgTemplate');
      await withAdmin(serverUrl, (c) => c.query(`CREATE DATABASE "${dropName}" TEMPLATE "${template}"`));
      url = withDatabase(serverUrl, dropName);
      database = await openDatabase({ url, migrate: false, logger: opts.logger });
    } else {
      database = await openDatabase({ pgliteLoadDataDir: migratedDump(), migrate: false, logger: opts.logger });
    }
  });

  beforeEach(async () => {
    await truncateAll(database!.db);
  });

  afterAll(async () => {
    await database?.close();
    const serverUrl = process.env.DATABASE_URL;
    if (serverUrl && dropName) {
      await withAdmin(serverUrl, (c) => c.query(`DROP DATABASE IF EXISTS "${dropName}" WITH (FORCE)`));
    }
  });

  return {
    get database() {
      if (!database) throw new Error('test database used outside a test');
      return database;
    },
    get db() {
      return this.database.db;
    },
    get url() {
      return url;
    },
  };
}

/**
 * A PGlite database in the directory `dataDir`, for CLI children and `vera serve` processes to open
 * after the test: when the directory is new, the migrated template is loaded into it (as each
 * file's in-memory database is) rather than made by initdb and every migration, which costs some
 * 6 CPU seconds more each time. An existing directory opens as it is, migrated as Vera does.
 */
export async function openPgliteDir(dataDir: string): Promise<Database> {
  // A run on PostgreSQL has no PGlite template (test/support/global-setup.ts): migrated afresh.
  if (fs.existsSync(dataDir) || !inject('pgliteDump')) return openDatabase({ dataDir });
  return openDatabase({ dataDir, pgliteLoadDataDir: migratedDump(), migrate: false });
}

/**
 * The migrated template's tarball as the Blob PGlite loads. PGlite reads it whole with
 * `arrayBuffer()`, which on Node 20 copies a 40 MB Blob in small chunks and concatenates them:
 * 0.4-0.7 of the 2-3 CPU seconds each database took to open. This Blob hands over the bytes
 * already read from the file instead; PGlite untars the same bytes.
 */
class FileBytesBlob extends Blob {
  constructor(private readonly contents: Buffer) {
    super([]);
  }
  override get size(): number {
    return this.contents.byteLength;
  }
  override arrayBuffer(): Promise<ArrayBuffer> {
    const { buffer, byteOffset, byteLength } = this.contents;
    return Promise.resolve(byteOffset === 0 && byteLength === buffer.byteLength ? (buffer as ArrayBuffer) : (buffer.slice(byteOffset, byteOffset + byteLength) as ArrayBuffer));
  }
}

function migratedDump(): Blob {
  return new FileBytesBlob(fs.readFileSync(inject('pgliteDump')));
}

export async function truncateAll(db: Db): Promise<void> {
  const tables = await queryRows<{ tablename: string }>(db, sql`SELECT tablename FROM pg_tables WHERE schemaname = 'public'`);
  if (tables.length === 0) return;
  const list = sql.join(
    tables.map((t) => sql.identifier(t.tablename)),
    sql`, `,
  );
  await db.execute(sql`TRUNCATE ${list} RESTART IDENTITY CASCADE`);
}

export async function countRows(db: Db, table: string): Promise<number> {
  const [row] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${sql.identifier(table)}`);
  return row!.n;
}
