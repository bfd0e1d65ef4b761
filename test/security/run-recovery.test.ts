import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect, type VeraClient } from '../../cli/client.ts';
import { followRun } from '../../cli/follow.ts';
import { createToken, createUser } from '../../server/auth/index.ts';
import { loadConfig } from '../../server/config.ts';
import type { Database } from '../../server/db/client.ts';
import { isVeraError } from '../../server/errors.ts';
import { Datastore } from '../../server/repo/index.ts';
import { cliEnv, runCli, serveProcess, type ServeProcess } from '../support/cli.ts';
import { openPgliteDir, useTestDatabase } from '../support/db.ts';
import { seedToyRaw, TOY_PIPELINE } from '../support/runs.ts';
import { TypedDocumentString } from '../../cli/generated/graphql.ts';

/**
 * A server executing a run is SIGKILLed; what happens next must not depend on anyone noticing:
 * the next Vera on the same database (a restart on PGlite, a second server on PostgreSQL) takes
 * the run over and resumes or fails it, and a follower stops instead of polling forever.
 */

const t = useTestDatabase();
const homes: string[] = [];
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

/** The lease in seconds (the smallest allowed), so recovery on PostgreSQL does not wait a minute. */
const LEASE_SECONDS = 5;
const RUN = 'u/admin/orphan';
async function openFor(home: string): Promise<Database> {
  return t.url ? t.database : openPgliteDir(path.join(home, 'db'));
}

async function closeFor(d: Database) {
  if (!t.url) await d.close();
}

/** A VERA_HOME (and, on PostgreSQL, this file's emptied database) with raw data and an admin token. */
async function prepare(): Promise<{ home: string; env: (extra?: Record<string, string>) => NodeJS.ProcessEnv }> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-orphan-'));
  homes.push(home);
  const d = await openFor(home);
  try {
    const admin = await createUser(d.db, 'admin', 'admin');
    await seedToyRaw(d.db, new Datastore(path.join(home, 'datastore')), { id: admin.id, name: 'admin', role: 'admin' }, { nVisits: 4, nDetectors: 2 });
    const { token } = await createToken(d.db, admin.id, 'test');
    return { home, env: (extra = {}) => cliEnv(home, t.url, { VERA_TOKEN: token, VERA_THREADS: '2', VERA_RUN_LEASE_SECONDS: String(LEASE_SECONDS), ...extra }) };
  } finally {
    await closeFor(d);
  }
}

async function serve(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const started = await serveProcess(env);
  children.push(started.child);
  return started;
}

async function stop(child: ChildProcess, signal: NodeJS.Signals) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((r) => child.once('exit', r));
  child.kill(signal);
  await exited;
}

async function client(env: NodeJS.ProcessEnv): Promise<VeraClient> {
  return connect(loadConfig(env));
}

interface RunState {
  status: string;
  error: string | null;
  heartbeatAt: string | null;
  progress: { total: number; succeeded: number; running: number; pending: number };
}

async function runState(c: VeraClient): Promise<RunState> {
  const { run } = await c.request(new TypedDocumentString<{ run: RunState }, { name: string }>(`query($name: String!) { run(name: $name) { status error heartbeatAt progress { total succeeded running pending } } }`), { name: RUN });
  return run;
}

/**
 * Submits a slow run to a `vera serve` and SIGKILLs the server once some quanta are registered
 * and others are running.
 */
async function killMidRun(env: NodeJS.ProcessEnv): Promise<{ state: RunState; finished: Map<string, string> }> {
  const server = await serve(env);
  const c = await client({ ...env, VERA_URL: server.url });
  await c.request(
    new TypedDocumentString<unknown, { file: string; config: unknown }>(`mutation($file: String!, $config: JSON) { submitRun(pipelineFile: $file, inputs: ["TestCam/raw"], output: "${RUN}", config: $config) { run { name } } }`),
    { file: TOY_PIPELINE, config: { scale: { sleepMs: 400 } } },
  );
  let state: RunState | undefined;
  for (let i = 0; i < 1200; i++) {
    state = await runState(c);
    if (state.status !== 'pending' && state.status !== 'running') throw new Error(`the run ended before it could be killed: ${JSON.stringify(state)}`);
    if (state.progress.succeeded >= 2 && state.heartbeatAt) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  const finished = await succeededQuanta(c);
  await stop(server.child, 'SIGKILL');
  expect(state!.status).toBe('running');
  expect(finished.size).toBeLessThan(state!.progress.total);
  return { state: state!, finished };
}

/** Start times of the run's succeeded quanta, by id. */
async function succeededQuanta(c: VeraClient): Promise<Map<string, string>> {
  const { run } = await c.request(
    new TypedDocumentString<{ run: { quanta: { id: string; startedAt: string }[] } }, { name: string }>(`query($name: String!) { run(name: $name) { quanta(status: succeeded) { id startedAt } } }`),
    { name: RUN },
  );
  return new Map(run.quanta.map((q) => [q.id, q.startedAt]));
}

async function followError(c: VeraClient): Promise<unknown> {
  return followRun(c, RUN, { quiet: true, leaseMs: LEASE_SECONDS * 1000 }).then(
    (r) => new Error(`the follower returned ${JSON.stringify(r)} instead of stopping with an error`),
    (e: unknown) => e,
  );
}

describe('runs whose server was SIGKILLed', () => {
  it('are resumed by the next server (policy resume): finished quanta kept, the run succeeds, and its follower sees it through', async () => {
    const { env } = await prepare();
    const { state: before, finished } = await killMidRun(env());

    const next = await serve(env());
    const c = await client({ ...env(), VERA_URL: next.url });
    const final = await followRun(c, RUN, { quiet: true, leaseMs: LEASE_SECONDS * 1000 });
    expect(final.status).toBe('succeeded');
    expect(final.progress).toMatchObject({ total: before.progress.total, succeeded: before.progress.total, running: 0, pending: 0, failed: 0 });
    // Quanta registered before the kill were kept, not computed again.
    const after = await succeededQuanta(c);
    expect(finished.size).toBeGreaterThanOrEqual(2);
    for (const [id, startedAt] of finished) expect(after.get(id)).toBe(startedAt);
    expect(next.stderr()).not.toContain('"level":50');
    await stop(next.child, 'SIGTERM');
  });

  it('are failed with the reason by the next server (policy fail), and the follower stops with that error', async () => {
    const { env } = await prepare();
    await killMidRun(env());

    const next = await serve(env({ VERA_ORPHANED_RUNS: 'fail' }));
    const c = await client({ ...env(), VERA_URL: next.url });
    const error = await followError(c);
    expect(isVeraError(error) && error.code).toBe('RUN_ORPHANED');
    expect((error as Error).message).toMatch(/the server executing it stopped \(last heartbeat .*\d{4}-\d\d-\d\dT/);
    expect((error as Error).message).toContain(`vera run --resume ${RUN}`);
    const state = await runState(c);
    expect(state.status).toBe('failed');
    expect(state.error).toMatch(/^the server executing it stopped/);
    // Nothing is left looking as if it ran.
    expect(state.progress.running).toBe(0);
    await stop(next.child, 'SIGTERM');

    // The user resumes it: finished quanta are kept and it succeeds.
    const resumed = await runCli(['run', '--resume', RUN], env());
    expect(resumed.stderr).toContain(`run '${RUN}' succeeded`);
    expect(resumed.code).toBe(0);
  });

  it('with no server to recover them, stop a follower once the heartbeat is older than the lease', async () => {
    const { env } = await prepare();
    await killMidRun(env());

    // An in-process client on the same database: it executes nothing and recovers nothing.
    const c = await client(env());
    let error: unknown;
    try {
      error = await followError(c);
    } finally {
      await c.close();
    }
    expect(isVeraError(error) && error.code).toBe('RUN_ORPHANED');
    expect((error as Error).message).toMatch(/heartbeat/);
    expect((error as Error).message).toContain(`vera run --resume ${RUN}`);

    // Resuming it by hand works once its lease has run out.
    const resumed = await runCli(['run', '--resume', RUN], env());
    expect(resumed.stderr).toContain(`run '${RUN}' succeeded`);
    expect(resumed.code).toBe(0);
  });
});
