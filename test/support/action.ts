import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { BUNDLE } from '../../gh-actions/verify/build.ts';

export interface ActionResult {
  code: number | null;
  stdout: string;
  stderr: string;
  outputs: Record<string, string>;
  summary: string;
}

/** `$GITHUB_OUTPUT` read back the way the runner does: `name<<DELIM`, value lines, `DELIM`. */
export function parseOutputFile(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^([^<]+)<<(.+)$/.exec(lines[i]!);
    if (!m) continue;
    const value: string[] = [];
    for (i++; i < lines.length && lines[i] !== m[2]; i++) value.push(lines[i]!);
    out[m[1]!] = value.join('\n');
  }
  return out;
}

/**
 * Runs the committed Action bundle as the runner would: a child process with INPUT_* and
 * GITHUB_*, its output, summary and event files in a fresh directory under `tmp`.
 */
export async function runActionBundle(tmp: string, env: Record<string, string>, payload?: unknown): Promise<ActionResult> {
  const dir = fs.mkdtempSync(path.join(tmp, 'step-'));
  const files = { GITHUB_OUTPUT: path.join(dir, 'output'), GITHUB_STEP_SUMMARY: path.join(dir, 'summary.md'), GITHUB_EVENT_PATH: path.join(dir, 'event.json') };
  fs.writeFileSync(files.GITHUB_OUTPUT, '');
  fs.writeFileSync(files.GITHUB_STEP_SUMMARY, '');
  fs.writeFileSync(files.GITHUB_EVENT_PATH, JSON.stringify(payload ?? {}));
  // Not spawnSync: the Vera answering the action runs in the test's process.
  const child = spawn(process.execPath, [BUNDLE], { env: { PATH: process.env.PATH ?? '', GITHUB_ACTIONS: 'true', ...files, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr, outputs: parseOutputFile(fs.readFileSync(files.GITHUB_OUTPUT, 'utf8')), summary: fs.readFileSync(files.GITHUB_STEP_SUMMARY, 'utf8') };
}
