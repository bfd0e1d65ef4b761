import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import type { TestProject } from 'vitest/node';
import { openDatabase } from '../../server/db/client.ts';

/**
 * Prepares one migrated database that every test file clones, so files never share rows and no
 * file pays for migrations: on PostgreSQL a template database (`CREATE DATABASE ... TEMPLATE`),
 * on PGlite a dumped data directory that each file loads into memory.
 */
export default async function setup(project: TestProject) {
  // Browser tests share one build of the web app per run (test/browser/support.ts sharedApp).
  const browserAppRoot = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-test-app-'));
  project.provide('browserAppRoot', browserAppRoot);
  const removeApp = () => fs.rmSync(browserAppRoot, { recursive: true, force: true });
  const url = process.env.DATABASE_URL;
  if (url) {
    const template = `vera_tmpl_${process.pid}_${Date.now().toString(36)}`;
    await withAdmin(url, (c) => c.query(`CREATE DATABASE "${template}"`));
    const database = await openDatabase({ url: withDatabase(url, template) });
    await database.close();
    project.provide('pgTemplate', template);
    return async () => {
      removeApp();
      await withAdmin(url, (c) => c.query(`DROP DATABASE IF EXISTS "${template}" WITH (FORCE)`));
    };
  }
  const database = await openDatabase({});
  const client = (database.db as unknown as { $client: { dumpDataDir(c: 'none'): Promise<Blob> } }).$client;
  const dump = await client.dumpDataDir('none');
  await database.close();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-test-'));
  const file = path.join(dir, 'pglite-migrated.tar');
  fs.writeFileSync(file, Buffer.from(await dump.arrayBuffer()));
  project.provide('pgliteDump', file);
  return () => {
    removeApp();
    fs.rmSync(dir, { recursive: true, force: true });
  };
}

export function withDatabase(url: string, name: string): string {
  const u = new URL(url);
  u.pathname = `/${name}`;
  return u.toString();
}

export async function withAdmin<T>(url: string, fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

declare module 'vitest' {
  export interface ProvidedContext {
    pgTemplate: string;
    pgliteDump: string;
  }
}
