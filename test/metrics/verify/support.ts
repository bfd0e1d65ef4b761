import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { isVeraError, type ErrorCode, type VeraError } from '../../../server/errors.ts';

/** The real verify_metrics tree the tests load, kept in the repository (see its SOURCE.md). */
export const VERIFY_METRICS = fileURLToPath(new URL('../../fixtures/verify_metrics', import.meta.url));

export const FIXTURES = new URL('../../fixtures/verify/', import.meta.url);

export function fixtureText(name: string): string {
  const buf = readFileSync(new URL(name, FIXTURES));
  return name.endsWith('.gz') ? gunzipSync(buf).toString('utf8') : buf.toString('utf8');
}

/** Writes `{ 'specs/pkg/a.yaml': '...' }` under a fresh temporary directory and returns it. */
export function writeTree(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'vera-verify-'));
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(root, rel)), { recursive: true });
    writeFileSync(join(root, rel), text);
  }
  return root;
}

/** Runs `fn`, expects a VeraError with `code` whose message contains every `fragment`. */
export function expectVeraError(fn: () => unknown, code: ErrorCode, ...fragments: string[]): VeraError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(isVeraError(caught), `expected a VeraError, got ${String(caught)}`).toBe(true);
  const e = caught as VeraError;
  expect(e.code, e.message).toBe(code);
  for (const f of fragments) expect(e.message).toContain(f);
  return e;
}
