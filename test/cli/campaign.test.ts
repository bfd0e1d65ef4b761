import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../server/auth/index.ts';
import { Datastore } from '../../server/repo/index.ts';
import { cliEnv, openCliDatabase, runCli, serveProcess, type ServeProcess, stopServe } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedToyRaw, TOY_PIPELINE } from '../support/runs.ts';

/** `vera campaign request|approve|list|show` against a serving Vera, as two users. */
const t = useTestDatabase();
let home: string;
let server: ServeProcess;
let asAlice: NodeJS.ProcessEnv;
let asOlga: NodeJS.ProcessEnv;

// Per test: on PostgreSQL the test database is emptied before each one.
beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-campaign-'));
  const d = await openCliDatabase(t, home);
  const alice = await createUser(d.db, 'alice', 'developer');
  const olga = await createUser(d.db, 'olga', 'operator');
  await seedToyRaw(d.db, new Datastore(path.join(home, 'datastore')), { id: olga.id, name: 'olga', role: 'operator' }, { nVisits: 2, nDetectors: 2 });
  const aliceToken = (await createToken(d.db, alice.id, 'test')).token;
  const olgaToken = (await createToken(d.db, olga.id, 'test')).token;
  if (!t.url) await d.close();
  server = await serveProcess(cliEnv(home, t.url, { VERA_TOKEN: olgaToken, VERA_THREADS: '2' }));
  asAlice = cliEnv(home, t.url, { VERA_TOKEN: aliceToken, VERA_URL: server.url });
  asOlga = cliEnv(home, t.url, { VERA_TOKEN: olgaToken, VERA_URL: server.url });
});

afterEach(async () => {
  await stopServe(server);
  fs.rmSync(home, { recursive: true, force: true });
});

describe('vera campaign', () => {
  it('requests with an estimate, is refused approval by a developer, approved by an operator, and shows its runs to the end', async () => {
    const req = await runCli(['campaign', 'request', 'toy-cli', TOY_PIPELINE, '-i', 'TestCam/raw', '--chunk', 'visit = 1', '--chunk', 'visit = 2'], asAlice);
    expect(req.code, req.stderr).toBe(0);
    expect(req.stderr).toContain("campaign 'toy-cli' requested: 6 quanta, 0.100 core-hours");
    expect(req.stdout).toContain('sumVisit: 2 quanta x 60 core-s assumed');

    const byAlice = await runCli(['campaign', 'approve', 'toy-cli'], asAlice);
    expect(byAlice.code).not.toBe(0);
    expect(byAlice.stderr).toContain('approving campaigns needs role operator');

    const approve = await runCli(['campaign', 'approve', 'toy-cli', '--note', 'go'], asOlga);
    expect(approve.code, approve.stderr).toBe(0);
    expect(approve.stdout.trim().split('\n')).toEqual(['u/alice/campaigns/toy-cli/0', 'u/alice/campaigns/toy-cli/1']);

    let shown: { state: string; progress: { succeeded: number; coreHours: number }; runs: { status: string }[] } | undefined;
    for (let i = 0; i < 300 && shown?.state !== 'SUCCEEDED'; i++) {
      if (i > 0) await new Promise((r) => setTimeout(r, 1000));
      const r = await runCli(['campaign', 'show', 'toy-cli', '--json'], asAlice);
      expect(r.code, r.stderr).toBe(0);
      shown = JSON.parse(r.stdout);
      expect(shown!.state).not.toBe('FAILED');
    }
    expect(shown!.progress.succeeded).toBe(6);
    expect(shown!.runs.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);

    const text = await runCli(['campaign', 'show', 'toy-cli'], asAlice);
    expect(text.stdout).toContain('campaign toy-cli: succeeded, 6/6 quanta succeeded');
    expect(text.stdout).toContain('approved by olga');
    const list = await runCli(['campaign', 'list'], asOlga);
    expect(list.stdout).toMatch(/toy-cli\s+alice\s+succeeded\s+6\/6\s+0/);
  });
});
