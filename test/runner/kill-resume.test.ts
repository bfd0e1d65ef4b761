import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createUser } from '../../server/auth/index.ts';
import { queryRows, sql, type Database } from '../../server/db/client.ts';
import { Datastore } from '../../server/repo/index.ts';
import { openPgliteDir, useTestDatabase } from '../support/db.ts';
import { cliEnv, runCli, spawnCli } from '../support/cli.ts';
import { seedToyRaw, TOY_PIPELINE } from '../support/runs.ts';

const t = useTestDatabase();
const homes: string[] = [];
afterAll(() => homes.forEach((h) => fs.rmSync(h, { recursive: true, force: true })));

/** Opens this test's database: the per-file Postgres database, or the PGlite directory of `home`. */
async function openFor(home: string): Promise<Database> {
  return t.url ? t.database : openPgliteDir(path.join(home, 'db'));
}

async function closeFor(d: Database) {
  if (!t.url) await d.close();
}

async function outputs(home: string, run: string) {
  const d = await openFor(home);
  try {
    return await queryRows<{ type: string; data_id: Record<string, number>; checksum: string; path: string; stored: boolean }>(
      d.db,
      sql`SELECT t.name AS type, d.data_id, d.checksum, d.path, d.stored FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id
          JOIN collections c ON c.id = d.run_id WHERE c.name = ${run} ORDER BY t.name, d.data_id`,
    );
  } finally {
    await closeFor(d);
  }
}

describe('kill and resume', () => {
  it('a run whose process is SIGKILLed mid-way resumes to the same outputs as an uninterrupted run, with no duplicate or partial dataset', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-kill-'));
    homes.push(home);
    const setup = await openFor(home);
    const admin = await createUser(setup.db, 'admin', 'admin');
    await seedToyRaw(setup.db, new Datastore(path.join(home, 'datastore')), { id: admin.id, name: 'admin', role: 'admin' }, { nVisits: 4, nDetectors: 2 });
    await closeFor(setup);
    const { createToken } = await import('../../server/auth/index.ts');
    const tokenDb = await openFor(home);
    const { token } = await createToken(tokenDb.db, admin.id, 'test');
    await closeFor(tokenDb);
    const env = cliEnv(home, t.url, { VERA_TOKEN: token, VERA_THREADS: '2', VERA_RUN_LEASE_SECONDS: '5' });
    const args = (output: string) => ['run', TOY_PIPELINE, '--input', 'TestCam/raw', '--output', output, '-c', 'scale:sleepMs=300', '--save-intermediates'];

    // Interrupted: killed once some quanta are registered and others are running.
    const child = spawnCli(args('u/admin/killed'), env);
    let stderr = '';
    await new Promise<void>((resolve, reject) => {
      child.stderr!.on('data', (d: Buffer) => {
        stderr += d.toString();
        const m = [...stderr.matchAll(/\((\d+) succeeded/g)].pop();
        if (m && Number(m[1]) >= 3) resolve();
      });
      child.on('exit', (code) => reject(new Error(`run ended before it could be killed (${code}): ${stderr}`)));
    });
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
    const partial = await outputs(home, 'u/admin/killed');
    expect(partial.length).toBeGreaterThan(0);
    expect(partial.length).toBeLessThan(12); // 8 scaled + 4 totals when complete

    // On PostgreSQL another server might be executing the run: resuming it is refused until the
    // killed process's lease (5 s here) has run out. On PGlite this is the only process: at once.
    let resumed = await runCli(['run', '--resume', 'u/admin/killed'], env);
    for (let i = 0; i < 30 && t.url && resumed.stderr.includes('[RUN_ACTIVE]'); i++) {
      await new Promise((r) => setTimeout(r, 1000));
      resumed = await runCli(['run', '--resume', 'u/admin/killed'], env);
    }
    expect(resumed.stderr).toContain("run 'u/admin/killed' succeeded");
    expect(resumed.code).toBe(0);

    const clean = await runCli(args('u/admin/clean'), env);
    expect(clean.code).toBe(0);

    const a = await outputs(home, 'u/admin/killed');
    const b = await outputs(home, 'u/admin/clean');
    expect(a).toHaveLength(12);
    // Same datasets, same bytes; each registered once with its complete file.
    expect(a.map((r) => [r.type, r.data_id, r.checksum])).toEqual(b.map((r) => [r.type, r.data_id, r.checksum]));
    const store = new Datastore(path.join(home, 'datastore'));
    for (const r of a) await expect(store.read(r.path, r.checksum)).resolves.toBeInstanceOf(Buffer);
    // The killed process's half-written temp files (if any) are swept, and nothing else is left.
    await store.sweepStaleTemps();
    const files = fs.readdirSync(path.join(home, 'datastore', 'u', 'admin', 'killed'), { recursive: true, withFileTypes: true }).filter((e) => e.isFile());
    expect(files.length).toBe(12);
  });
});
