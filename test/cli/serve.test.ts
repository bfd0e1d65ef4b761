import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { serveProcess, type ServeProcess } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { TEST_NODE_FLAGS } from '../support/node-flags.ts';

const t = useTestDatabase();
const bin = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vera.js');
const children: ChildProcess[] = [];
const homes: string[] = [];
afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

function envFor(home: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, VERA_HOME: home, VERA_LOG_LEVEL: 'warn' };
  if (t.url) env.DATABASE_URL = t.url;
  else delete env.DATABASE_URL;
  return env;
}

/** Starts `vera serve` on a free port and resolves with its URL once it listens. */
async function serve(home: string): Promise<ServeProcess> {
  const started = await serveProcess(envFor(home));
  children.push(started.child);
  return started;
}

function run(home: string, args: string[], extraEnv: Record<string, string> = {}): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...TEST_NODE_FLAGS, bin, ...args], { env: { ...envFor(home), ...extraEnv }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code: code ?? -1, stdout, stderr }));
  });
}

async function gql(url: string, query: string, token?: string) {
  const res = await fetch(`${url}/graphql`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query }),
  });
  return { status: res.status, body: (await res.json()) as { data?: Record<string, unknown>; errors?: { extensions: { code: string } }[] } };
}

describe('vera serve', () => {
  it('serves health, metrics and GraphQL; creates an admin token once; the CLI talks to it; stops cleanly and restarts on the same data', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-serve-'));
    homes.push(home);
    const first = await serve(home);
    const tokenFile = path.join(home, 'admin-token');
    expect(first.stderr()).toContain(tokenFile);
    expect(fs.statSync(tokenFile).mode & 0o777).toBe(0o600);
    const token = fs.readFileSync(tokenFile, 'utf8').trim();

    const health = await fetch(`${first.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toMatchObject({ status: 'ok', database: t.url ? 'postgres' : 'embedded' });

    expect((await gql(first.url, '{ me { name role } }', token)).body.data).toEqual({ me: { name: 'admin', role: 'admin' } });
    const unauth = await gql(first.url, '{ me { name } }', 'vera_wrong');
    expect(unauth.status).toBe(401);
    expect(unauth.body.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    expect((await gql(first.url, 'mutation { createCollection(name: "SimCam/raw/all", type: RUN) { name } }', token)).body.errors).toBeUndefined();

    // The CLI finds the running server for this VERA_HOME (no second open of the database).
    const listed = await run(home, ['collections', '--json'], { VERA_URL: first.url });
    expect(listed.code).toBe(0);
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'SimCam/raw/all', type: 'RUN', owner: 'admin' })]);
    const bad = await run(home, ['datasets', 'calexp', '--collections', 'SimCam/raw/all'], { VERA_URL: first.url });
    expect(bad.code).toBe(4);
    expect(bad.stderr).toContain("unknown dataset type 'calexp'");

    const metrics = await (await fetch(`${first.url}/metrics`)).text();
    expect(metrics).toMatch(/vera_http_requests_total\{route="graphql",method="POST",status="200"\} \d+/);

    first.child.kill('SIGTERM');
    expect(await new Promise((r) => first.child.once('exit', r))).toBe(0);

    // Restart: same data, no second admin.
    const second = await serve(home);
    expect(second.stderr()).not.toContain('created user');
    expect((await gql(second.url, '{ collections { name } }')).body.data).toEqual({ collections: [{ name: 'SimCam/raw/all' }] });
    second.child.kill('SIGTERM');
    await new Promise((r) => second.child.once('exit', r));
  });

  it('without a server, CLI commands open the database in-process; --help works everywhere', async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-cli-'));
    homes.push(home);
    const out = await run(home, ['dataset-types', '--json'], { VERA_PORT: '1' });
    // A fresh home gets its admin and token on first use, in-process as under `vera serve`.
    expect(out.stderr).toContain(`created user 'admin'; its API token is in ${path.join(home, 'admin-token')}`);
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual([]);
    for (const cmd of ['serve', 'dataset-types', 'collections', 'datasets']) {
      const help = await run(home, [cmd, '--help']);
      expect(help.code, cmd).toBe(0);
      expect(help.stdout).toContain(`Usage: vera ${cmd}`);
    }
    const syntax = await run(home, ['datasets', 'x', '--collections', 'a', '--where', 'visit ='], { VERA_PORT: '1' });
    expect(syntax.code).not.toBe(0);
  });
});
