import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../server/auth/index.ts';
import { Datastore } from '../../server/repo/index.ts';
import { cliEnv, openCliDatabase, runCli, serveProcess, type ServeProcess, stopServe } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedToyRaw, TOY_PIPELINE } from '../support/runs.ts';

/**
 * `vera runs`: a run cancelled from another process than the one executing it, resumed to the
 * outputs of an uncancelled run; a failed run explained by `runs show`.
 */
const t = useTestDatabase();
let home: string;
let server: ServeProcess;
/** Talks to the server executing the runs. */
let viaServer: NodeJS.ProcessEnv;
/**
 * Another process: on PostgreSQL an in-process server of its own on the same database (the
 * cancellation then reaches the executing server through the database); on PGlite, whose
 * database one process holds, a client of the serving process.
 */
let other: NodeJS.ProcessEnv;

// Per test: on PostgreSQL the test database is emptied before each one.
beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-runs-'));
  const d = await openCliDatabase(t, home);
  const admin = await createUser(d.db, 'admin', 'admin');
  await seedToyRaw(d.db, new Datastore(path.join(home, 'datastore')), { id: admin.id, name: 'admin', role: 'admin' }, { nVisits: 6, nDetectors: 2 });
  const { token } = await createToken(d.db, admin.id, 'test');
  if (!t.url) await d.close();
  const base = cliEnv(home, t.url, { VERA_TOKEN: token, VERA_THREADS: '2' });
  server = await serveProcess(base);
  viaServer = { ...base, VERA_URL: server.url };
  other = t.url ? base : viaServer;
});

afterEach(async () => {
  await stopServe(server);
  fs.rmSync(home, { recursive: true, force: true });
});

interface Shown {
  status: string;
  error: string | null;
  progress: { total: number; pending: number; running: number; succeeded: number; failed: number; blocked: number };
  tasks: { task: string; total: number; succeeded: number; pending: number }[];
}

async function show(name: string, env = viaServer): Promise<Shown> {
  const r = await runCli(['runs', 'show', name, '--json'], env);
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout) as Shown;
}

async function outputs(run: string) {
  const rows: { type: string; dataId: unknown; checksum: string }[] = [];
  for (const type of ['scaled', 'visitTotal']) {
    const r = await runCli(['datasets', type, '--collections', run, '--json'], viaServer);
    expect(r.code, r.stderr).toBe(0);
    for (const d of JSON.parse(r.stdout) as { dataId: unknown; checksum: string }[]) rows.push({ type, dataId: d.dataId, checksum: d.checksum });
  }
  return rows.sort((a, b) => JSON.stringify([a.type, a.dataId]).localeCompare(JSON.stringify([b.type, b.dataId])));
}

const runArgs = (output: string, ...extra: string[]) => ['run', TOY_PIPELINE, '--input', 'TestCam/raw', '--output', output, '--save-intermediates', ...extra];

describe('vera runs', () => {
  it('a run cancelled from another process stops: running quanta stopped, the rest never start; resume finishes it with the outputs of an uncancelled run', async () => {
    const name = 'u/admin/cancelled';
    // Visit 1 finishes at once; later visits' quanta run until the gate file exists, which the test
    // creates only after the cancel: no race with the machine's speed.
    const gate = path.join(home, 'gate');
    const config = ['-c', 'scale:waitFromVisit=2', '-c', `scale:waitForFile=${gate}`];
    const submitted = await runCli([...runArgs(name, ...config), '--no-wait'], viaServer);
    expect(submitted.code, submitted.stderr).toBe(0);
    // Cancelled once some quanta finished and others are running.
    let state = await show(name);
    while (state.progress.succeeded < 1 || state.progress.running < 1) {
      expect(state.status, 'the run ended before it could be cancelled').toBe('running');
      await new Promise((r) => setTimeout(r, 200));
      state = await show(name);
    }
    const cancelled = await runCli(['runs', 'cancel', name, '--json'], other);
    expect(cancelled.code, cancelled.stderr).toBe(0);
    expect((JSON.parse(cancelled.stdout) as { status: string }).status).toBe('cancelled');

    const after = await show(name);
    expect(after.status).toBe('cancelled');
    expect(after.progress.running).toBe(0);
    expect(after.progress.failed).toBe(0);
    expect(after.progress.succeeded).toBeGreaterThanOrEqual(1);
    expect(after.progress.pending).toBeGreaterThan(0);
    expect(after.progress.succeeded + after.progress.pending).toBe(after.progress.total);
    // Nothing starts afterwards: the counts stay put.
    await new Promise((r) => setTimeout(r, 3000));
    expect((await show(name)).progress).toEqual(after.progress);
    // A second cancel is harmless.
    expect((await runCli(['runs', 'cancel', name], other)).code).toBe(0);

    const listed = await runCli(['runs', 'list', '--status', 'cancelled', '--json'], viaServer);
    expect((JSON.parse(listed.stdout) as { name: string }[]).map((r) => r.name)).toContain(name);

    fs.writeFileSync(gate, '');
    const resumed = await runCli(['runs', 'resume', name], other);
    expect(resumed.stderr).toContain(`run '${name}' succeeded`);
    expect(resumed.code).toBe(0);

    const clean = await runCli(runArgs('u/admin/uncancelled', ...config), viaServer);
    expect(clean.code, clean.stderr).toBe(0);
    const a = await outputs(name);
    expect(a).toHaveLength(18); // 12 scaled + 6 visit totals
    expect(a).toEqual(await outputs('u/admin/uncancelled'));
  }, 900_000);

  it("a failed run's `runs show` names the failed quantum and prints the end of its log", async () => {
    const name = 'u/admin/failing';
    const r = await runCli(runArgs(name, '-c', 'scale:failOnVisit=2'), viaServer);
    expect(r.code).not.toBe(0);
    const shown = await runCli(['runs', 'show', name], viaServer);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`run ${name}: failed`);
    // Two detectors of visit 2 fail; the visit's sum is blocked.
    expect(shown.stdout).toMatch(/failed quantum \S+: scale .*visit=2 .*detector=0\b/);
    expect(shown.stdout).toMatch(/failed quantum \S+: scale .*visit=2 .*detector=1\b/);
    expect(shown.stdout).toContain('| visit 2 detector 0: raw value 20');
    expect(shown.stdout).toContain('| Error: refusing visit 2 as configured');
    expect(shown.stdout).toMatch(/sumVisit\s+6\s+5\s+0\s+0\s+0\s+1/);

    const id = /failed quantum (\S+): scale .*visit=2 .*detector=1\b/.exec(shown.stdout)![1]!;
    const logs = await runCli(['runs', 'logs', name, '--quantum', id], viaServer);
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain('visit 2 detector 1: raw value 21');
    const wrong = await runCli(['runs', 'logs', 'u/admin/cancelled', '--quantum', id], viaServer);
    expect(wrong.code).toBe(4);
    expect(wrong.stderr).toContain("run 'u/admin/cancelled' has no quantum");

    // A run that ended cannot be cancelled: exit 5 (conflict), the reason on stderr.
    const late = await runCli(['runs', 'cancel', name], viaServer);
    expect(late.code).toBe(5);
    expect(late.stderr).toContain(`run '${name}' has already failed`);
  }, 600_000);
});
