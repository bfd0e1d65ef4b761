import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../cli/exit-codes.ts';
import { cliEnv, prepareCliHome, runCli, type CliResult } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { TOY_PIPELINE } from '../support/runs.ts';
import { VERIFY_METRICS } from '../metrics/verify/support.ts';

/**
 * Files named on the command line that cannot be read give one line naming them and the
 * documented exit code (cli/exit-codes.ts), never a stack trace.
 */
const t = useTestDatabase();
const homes: string[] = [];
const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sec-cli-elsewhere-'));
afterAll(() => {
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
  fs.rmSync(elsewhere, { recursive: true, force: true });
});
/** A fresh VERA_HOME per command: the database is emptied between tests, and with it the admin whose token a home keeps. */
async function env() {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sec-cli-'));
  homes.push(home);
  await prepareCliHome(home, t.url);
  return cliEnv(home, t.url);
}

function expectOneLineError(r: CliResult, code: number, ...needles: string[]) {
  expect(r.code, r.stderr).toBe(code);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).toHaveLength(1);
  expect(r.stderr).not.toMatch(/^\s+at /m);
  for (const n of needles) expect(r.stderr).toContain(n);
}

describe('the CLI on files it cannot use', () => {
  it('vera run with a missing pipeline file: one line, exit 4 (not found)', async () => {
    const r = await runCli(['run', 'missing.yaml', '--input', 'TestCam/raw', '--output', 'u/x/y'], await env());
    expectOneLineError(r, EXIT.notFound, 'NOT_FOUND', 'missing.yaml');
  });

  it('vera run with a missing --config-file: one line, exit 4', async () => {
    const r = await runCli(['run', TOY_PIPELINE, '--input', 'TestCam/raw', '--output', 'u/x/y', '--config-file', 'missing-overrides.yaml'], await env());
    expectOneLineError(r, EXIT.notFound, 'missing-overrides.yaml');
  });

  it('vera run with a directory as pipeline: one line, exit 2 (bad input)', async () => {
    const r = await runCli(['run', elsewhere, '--input', 'TestCam/raw', '--output', 'u/x/y'], await env());
    expectOneLineError(r, EXIT.badInput, 'not a regular file');
  });

  it('vera run with a pipeline outside the pipeline roots: told to set VERA_PIPELINE_ROOTS, exit 2', async () => {
    const file = path.join(elsewhere, 'p.yaml');
    fs.writeFileSync(file, fs.readFileSync(TOY_PIPELINE, 'utf8'));
    const r = await runCli(['run', file, '--input', 'TestCam/raw', '--output', 'u/x/y'], await env());
    expect(r.code, r.stderr).toBe(EXIT.badInput);
    expect(r.stderr).toContain('PATH_ESCAPE');
    expect(r.stderr).toContain('VERA_PIPELINE_ROOTS');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('vera metrics import reads the directory here and sends it; a missing one is one line, exit 4', async () => {
    const missing = await runCli(['metrics', 'import', path.join(elsewhere, 'no-such-package')], await env());
    expectOneLineError(missing, EXIT.notFound, 'no-such-package');
    const r = await runCli(['metrics', 'import', VERIFY_METRICS, '--json'], await env());
    expect(r.code, r.stderr).toBe(EXIT.ok);
    expect(JSON.parse(r.stdout)).toMatchObject({ problems: [] });
    expect(JSON.parse(r.stdout).metrics).toBeGreaterThan(0);
  });
});
