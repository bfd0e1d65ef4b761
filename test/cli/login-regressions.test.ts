import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createToken, createUser } from '../../server/auth/index.ts';
import { regressions } from '../../server/db/schema/index.ts';
import type { Explanation } from '../../server/metrics/explain.ts';
import { cliEnv, openCliDatabase, runCli, serveProcess, type ServeProcess, stopServe } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';

/** `vera login` (stored profiles) and `vera regressions`, against a served Vera. */
const t = useTestDatabase();
let home: string;
let server: ServeProcess;
let token: string;
let regressionId: number;

const explanation: Explanation = {
  goodRun: 'ci/main/aaaa',
  badRun: 'ci/main/bbbb',
  commits: [{ sha: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb', author: 'Alice', date: '2026-11-02T10:00:00Z', subject: 'Tighten the PSF model' }],
  software: { before: null, after: null },
  configChanges: [{ task: 'calibrate', field: 'psf.order', before: 2, after: 3 }],
  inputCollections: null,
  inputChanges: [],
  quanta: [{ task: 'calibrate', total: 4, changed: 3 }],
  dataIds: [{ dataId: { visit: 3 }, before: 10, after: 12.5, delta: 2.5 }],
};

// Per test: on PostgreSQL the test database is emptied before each one.
beforeEach(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-login-'));
  const d = await openCliDatabase(t, home);
  const admin = await createUser(d.db, 'admin', 'admin');
  ({ token } = await createToken(d.db, admin.id, 'from-the-test'));
  const [row] = await d.db
    .insert(regressions)
    .values({
      metricName: 'toy.totalValue',
      dataset: 'toy',
      branch: 'main',
      kind: 'percent',
      firstBadCommit: 'bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb',
      lastGoodCommit: 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa',
      finding: { message: 'toy.totalValue rose 25% above its baseline', baseline: 10, value: 12.5, delta: 2.5, relativeDelta: 0.25 },
      explanation: explanation as unknown as Record<string, unknown>,
    })
    .returning({ id: regressions.id });
  regressionId = row!.id;
  if (!t.url) await d.close();
  server = await serveProcess(cliEnv(home, t.url));
});

afterEach(async () => {
  await stopServe(server);
  fs.rmSync(home, { recursive: true, force: true });
});

/** A shell of a user elsewhere: another home, no VERA_URL or VERA_TOKEN, its own config directory. */
function elsewhere(config: string): NodeJS.ProcessEnv {
  const env = cliEnv(path.join(home, 'elsewhere'), t.url, { XDG_CONFIG_HOME: config });
  delete env.VERA_URL;
  delete env.VERA_TOKEN;
  delete env.VERA_PROFILE;
  return env;
}

describe('vera login', () => {
  it('writes a 0600 config file that later commands use; the environment still wins; a bad token is refused', async () => {
    const config = path.join(home, 'xdg');
    const env = elsewhere(config);
    const login = await runCli(['login', server.url], env, `${token}\n`);
    expect(login.code, login.stderr).toBe(0);
    expect(login.stderr).toContain("as 'admin'");
    const file = path.join(config, 'vera', 'config.yaml');
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    const text = fs.readFileSync(file, 'utf8');
    expect(text).toContain(server.url);
    expect(text).toContain(token);

    // A later command reaches the server with the stored token: it sees the token made above.
    const tokens = await runCli(['tokens', 'list', '--json'], env);
    expect(tokens.code, tokens.stderr).toBe(0);
    expect((JSON.parse(tokens.stdout) as { name: string }[]).map((x) => x.name)).toContain('from-the-test');

    // VERA_URL wins over the profile (and the profile's token is not sent elsewhere).
    const overridden = await runCli(['tokens', 'list'], { ...env, VERA_URL: 'http://127.0.0.1:9' });
    expect(overridden.code).not.toBe(0);
    expect(overridden.stderr).toContain('cannot reach Vera at http://127.0.0.1:9');

    // A token the server does not accept is not stored.
    const bad = await runCli(['login', server.url, '--profile', 'ci'], env, 'vera_not-a-real-token\n');
    expect(bad.code).toBe(3);
    expect(fs.readFileSync(file, 'utf8')).not.toContain('ci:');
    // A named profile that does not exist is an error naming it.
    const missing = await runCli(['--profile', 'nope', 'runs', 'list'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toContain("no profile 'nope'");
    // A second profile sits beside the first.
    const ci = await runCli(['login', server.url, '--profile', 'ci'], env, token);
    expect(ci.code, ci.stderr).toBe(0);
    const viaCi = await runCli(['runs', 'list', '--json', '--profile', 'ci'], env);
    expect(viaCi.code, viaCi.stderr).toBe(0);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
  }, 600_000);
});

describe('vera regressions', () => {
  it('lists, explains in words, and acknowledges a regression, which GraphQL then shows acknowledged', async () => {
    const env = { ...cliEnv(home, t.url), VERA_URL: server.url, VERA_TOKEN: token };
    const listed = await runCli(['regressions', 'list', '--status', 'open', '--json'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect((JSON.parse(listed.stdout) as { id: number }[]).map((r) => r.id)).toContain(regressionId);

    const shown = await runCli(['regressions', 'show', String(regressionId)], env);
    expect(shown.code, shown.stderr).toBe(0);
    expect(shown.stdout).toContain(`Regression #${regressionId}: toy.totalValue`);
    expect(shown.stdout).toContain('bbbbbbbbbb Tighten the PSF model (Alice, 2026-11-02)');
    expect(shown.stdout).toContain('calibrate.psf.order: 2 -> 3');
    expect(shown.stdout).toContain('calibrate: 3 of 4');
    expect(shown.stdout).toContain('visit=3: 10 -> 12.5 (2.5)');

    const ack = await runCli(['regressions', 'ack', String(regressionId), '--note', 'PSF change under review'], env);
    expect(ack.code, ack.stderr).toBe(0);
    const res = await fetch(new URL('/graphql', server.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ query: `{ regression(id: ${regressionId}) { status history { toStatus actor note } } }` }),
    });
    const body = (await res.json()) as { data: { regression: { status: string; history: { toStatus: string; actor: string; note: string }[] } } };
    expect(body.data.regression.status).toBe('acknowledged');
    expect(body.data.regression.history.at(-1)).toEqual({ toStatus: 'acknowledged', actor: 'admin', note: 'PSF change under review' });

    const bad = await runCli(['regressions', 'ack', 'seven'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("regression id 'seven' is not a number");
  }, 600_000);
});
