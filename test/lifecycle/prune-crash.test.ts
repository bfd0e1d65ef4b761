import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../runner/executors/local.ts';
import { createUser } from '../../server/auth/index.ts';
import { queryRows, sql, type Database } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { Datastore } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { pruneRuns } from '../../server/runs/lifecycle/index.ts';
import { truncateAll, useTestDatabase } from '../support/db.ts';
import { openCliDatabase } from '../support/cli.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';
import { TEST_NODE_FLAGS } from '../support/node-flags.ts';

const t = useTestDatabase();
const here = path.dirname(fileURLToPath(import.meta.url));
const homes: string[] = [];
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));
const log = createLogger({ logLevel: 'silent' });
const RUN = 'u/admin/doomed';

/** This test's database: the per-file Postgres database, or a PGlite directory in `home` the child can open too. */async function closeFor(d: Database) {
  if (!t.url) await d.close();
}

/** A home with an admin, raw data and an expired, succeeded run of 18 files. */
async function setup(): Promise<{ home: string; store: Datastore; bytes: number; rawFiles: string[] }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-prune-'));
  homes.push(home);
  const store = new Datastore(path.join(home, 'datastore'));
  const d = await openCliDatabase(t, home);
  if (t.url) await truncateAll(d.db);
  const u = await createUser(d.db, 'admin', 'admin');
  const admin = { id: u.id, name: 'admin', role: 'admin' as const };
  await seedToyRaw(d.db, store, admin, { nVisits: 6, nDetectors: 2 });
  await createRun(d.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output: RUN, executor: 'local', saveIntermediates: true }, admin);
  const executor = createLocalExecutor({ threads: 2 });
  try {
    expect(await executeRun({ db: d.db, datastore: store, executor, log }, RUN)).toBe('succeeded');
  } finally {
    await executor.close();
  }
  await d.db.execute(sql`UPDATE runs SET expires_at = now() - interval '1 day'`);
  const [row] = await queryRows<{ n: number; bytes: string }>(d.db, sql`SELECT count(*)::int AS n, sum(size_bytes) AS bytes FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name = ${RUN}`);
  expect(row!.n).toBe(18); // 12 scaled (saved) + 6 totals
  const rawFiles = (await queryRows<{ path: string }>(d.db, sql`SELECT d.path FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name = 'TestCam/raw'`)).map((r) => r.path);
  await closeFor(d);
  return { home, store, bytes: Number(row!.bytes), rawFiles };
}

/** Runs the child until it pauses at `phase`, then SIGKILLs it. */
async function killDuringPrune(home: string, phase: 'moved' | 'committed', after = 5) {
  const child = spawn(process.execPath, [...TEST_NODE_FLAGS, '--import', 'tsx', path.join(here, '../support/prune-child.ts'), t.url ?? '-', t.url ? '-' : path.join(home, 'db'), path.join(home, 'datastore'), phase, String(after)], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  let err = '';
  child.stderr.on('data', (b: Buffer) => (err += b.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (b: Buffer) => {
      out += b.toString();
      if (out.includes('paused')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`prune child ended (${code}) before it paused: ${out} ${err}`)));
  });
  child.removeAllListeners('exit');
  const exited = new Promise((r) => child.once('exit', r));
  child.kill('SIGKILL');
  await exited;
}

/** Files anywhere under the datastore, relative to it. */
function filesUnder(root: string): string[] {
  if (!fs.existsSync(root)) return [];
  return fs.readdirSync(root, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(root, path.join(e.parentPath, e.name)));
}

async function state(home: string) {
  const d = await openCliDatabase(t, home);
  try {
    const [counts] = await queryRows<{ rows: number; deletions: number; audits: number; audit_bytes: string | null; pruned_bytes: string | null; pruned: boolean }>(
      d.db,
      sql`SELECT (SELECT count(*)::int FROM datasets d JOIN collections c ON c.id = d.run_id WHERE c.name = ${RUN}) AS rows,
                 (SELECT count(*)::int FROM prune_deletions) AS deletions,
                 (SELECT count(*)::int FROM audit_log WHERE action = 'prune-run') AS audits,
                 (SELECT sum(bytes) FROM audit_log WHERE action = 'prune-run') AS audit_bytes,
                 (SELECT pruned_bytes FROM runs) AS pruned_bytes,
                 (SELECT pruned_at IS NOT NULL FROM runs) AS pruned`,
    );
    const paths = (await queryRows<{ path: string }>(d.db, sql`SELECT path FROM datasets`)).map((r) => r.path);
    return { ...counts!, paths };
  } finally {
    await closeFor(d);
  }
}

async function recover(home: string, store: Datastore) {
  const d = await openCliDatabase(t, home);
  try {
    const [u] = await queryRows<{ id: number }>(d.db, sql`SELECT id FROM users WHERE name = 'admin'`);
    return await pruneRuns(d.db, store, { id: u!.id, name: 'admin', role: 'admin' }, { act: true });
  } finally {
    await closeFor(d);
  }
}

/** No registered path without its file, no file without its row (the trash empty). */
function expectConsistent(store: Datastore, paths: string[]) {
  const files = filesUnder(store.root).sort();
  expect(files).toEqual([...paths].sort());
}

describe('prune killed with SIGKILL', () => {
  it('mid-move: the files half in the trash, the rows still there; the next prune finishes it, leaving neither orphan files nor dangling rows', async () => {
    const { home, store, bytes, rawFiles } = await setup();
    await killDuringPrune(home, 'moved', 5);
    const mid = await state(home);
    expect(mid.rows).toBe(18);
    expect(mid.deletions).toBe(1);
    expect(mid.pruned).toBe(false);
    const trashed = filesUnder(path.join(store.root, '.trash'));
    expect(trashed.length).toBeGreaterThanOrEqual(5);
    expect(trashed.length).toBeLessThan(18);

    const report = await recover(home, store);
    expect(report.resumed).toBe(1);
    const after = await state(home);
    expect(after).toMatchObject({ rows: 0, deletions: 0, audits: 1, pruned: true });
    expect(Number(after.audit_bytes)).toBe(bytes);
    expect(Number(after.pruned_bytes)).toBe(bytes);
    expectConsistent(store, after.paths);
    expect(after.paths.sort()).toEqual(rawFiles.sort());
    expect(fs.existsSync(path.join(store.root, 'u', 'admin', 'doomed'))).toBe(false);
  });

  it('after the rows are deleted, before the trash is emptied: the next prune removes the trash', async () => {
    const { home, store, bytes, rawFiles } = await setup();
    await killDuringPrune(home, 'committed');
    const mid = await state(home);
    expect(mid).toMatchObject({ rows: 0, deletions: 1, audits: 1, pruned: true });
    expect(filesUnder(path.join(store.root, '.trash'))).toHaveLength(18);

    const report = await recover(home, store);
    expect(report.resumed).toBe(1);
    expect(report.runs).toEqual([]); // already pruned: nothing more to do
    const after = await state(home);
    expect(after).toMatchObject({ rows: 0, deletions: 0, audits: 1 });
    expect(Number(after.audit_bytes)).toBe(bytes);
    expectConsistent(store, after.paths);
    expect(after.paths.sort()).toEqual(rawFiles.sort());
  });
});
