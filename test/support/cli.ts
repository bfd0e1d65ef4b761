import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from '../../server/db/client.ts';
import type { TestDatabase } from './db.ts';
import { TEST_NODE_FLAGS } from './node-flags.ts';

export const VERA_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../bin/vera.js');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Environment for a CLI child: this test's database (Postgres) or a PGlite home. */
export function cliEnv(home: string, databaseUrl: string | undefined, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  // Its own config directory, so a developer's `vera login` never reaches a test.
  const env: NodeJS.ProcessEnv = { ...process.env, VERA_HOME: home, VERA_LOG_LEVEL: 'warn', VERA_PORT: '1', XDG_CONFIG_HOME: path.join(home, 'config'), ...extra };
  if (databaseUrl) env.DATABASE_URL = databaseUrl;
  else delete env.DATABASE_URL;
  return env;
}

/**
 * The database CLI children with `cliEnv(home, t.url)` use: this file's own on PostgreSQL; on
 * PGlite the data directory under `home`, opened here. Close a PGlite one before a child opens it
 * (one process holds a PGlite directory); `t.database` stays open.
 */
export async function openCliDatabase(t: TestDatabase, home: string): Promise<Database> {
  if (t.url) return t.database;
  const { openPgliteDir } = await import('./db.ts');
  return openPgliteDir(path.join(home, 'db'));
}

/**
 * Gives `home` (made if missing) the database CLI children and `vera serve` with
 * `cliEnv(home, databaseUrl)` open: on PGlite a copy of the migrated template, opened once per
 * test process (openPgliteDir) and copied as files for each home, rather than made by initdb and
 * every migration in the first child (some 6 CPU s more per home); on PostgreSQL nothing, the
 * children use that database. Either way it has no rows, so the first child still creates the
 * admin. A first start on a home with no database at all is test/cli/serve's.
 */
export async function prepareCliHome(home: string, databaseUrl: string | undefined): Promise<void> {
  fs.mkdirSync(home, { recursive: true });
  if (!databaseUrl) fs.cpSync(await emptyPgliteDir(), path.join(home, 'db'), { recursive: true });
}

let emptyPglite: Promise<string> | undefined;

/** A closed PGlite data directory with the migrated template and no rows, made once per process. */
function emptyPgliteDir(): Promise<string> {
  emptyPglite ??= (async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-cli-db-'));
    process.once('exit', () => fs.rmSync(dir, { recursive: true, force: true }));
    const { openPgliteDir } = await import('./db.ts');
    await (await openPgliteDir(path.join(dir, 'db'))).close();
    return path.join(dir, 'db');
  })();
  return emptyPglite;
}

export function runCli(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return runProcess(spawnCli(args, env), input);
}

/**
 * Node with these arguments, in a child: a test awaits it instead of blocking in spawnSync, so its
 * fork keeps answering vitest (whose worker calls time out after 60 s of a blocked event loop).
 */
export function runNode(args: string[], env: NodeJS.ProcessEnv, input?: string): Promise<CliResult> {
  return runProcess(spawn(process.execPath, [...TEST_NODE_FLAGS, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] }), input);
}

function runProcess(child: ChildProcess, input: string | undefined): Promise<CliResult> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    // 'close', not 'exit': by then the output streams have ended too.
    child.on('close', (code) => resolve({ code: code ?? -1, stdout, stderr }));
    child.stdin!.end(input);
  });
}

export function spawnCli(args: string[], env: NodeJS.ProcessEnv): ChildProcess {
  return spawn(process.execPath, [...TEST_NODE_FLAGS, VERA_BIN, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'] });
}

export interface ServeProcess {
  child: ChildProcess;
  url: string;
  stderr: () => string;
}

/** `vera serve` on a free port in a child process; resolves with its URL once it listens. */
export function serveProcess(env: NodeJS.ProcessEnv): Promise<ServeProcess> {
  const child = spawnCli(['serve', '--port', '0'], env);
  child.stdin!.end();
  let stderr = '';
  return new Promise((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString();
      const m = /Vera serving on (http:\/\/\S+)/.exec(stderr);
      if (m) resolve({ child, url: m[1]!, stderr: () => stderr });
    });
    child.on('exit', (code) => reject(new Error(`vera serve exited with ${code}: ${stderr}`)));
  });
}

/** Stops a `vera serve` child as a user would (SIGTERM) and waits for it to exit; no-op once exited. */
export async function stopServe(server: ServeProcess | undefined): Promise<void> {
  if (!server || server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise((r) => server.child.once('exit', r));
  server.child.kill('SIGTERM');
  await exited;
}
