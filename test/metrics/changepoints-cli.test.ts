import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Command, CommanderError } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { register } from '../../cli/commands/changepoints.ts';
import { isVeraError, type VeraError } from '../../server/errors.ts';

/** `vera changepoints` (DESIGN §5), driven through commander as cli/main.ts will drive it. */
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
let dir: string;

// The series of Otava's tests/csv_e2e_test.py (test_analyze_csv): metric2 drops at index 6.
const METRIC1 = [154023, 138455, 143112, 149190, 132098, 151344, 155145, 148889, 149466, 148209];
const METRIC2 = [10.43, 10.23, 10.29, 10.91, 10.34, 10.69, 9.23, 9.11, 9.13, 9.03];
const csvLines = ['time,commit,metric1,metric2', ...METRIC1.map((m, i) => `2024-01-0${i}T00:00,"aaa${i}",${m},${METRIC2[i]}`)];

function write(name: string, text: string): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return file;
}

async function run(...args: string[]): Promise<string> {
  const program = new Command('vera').exitOverride().configureOutput({ writeErr: () => {}, writeOut: () => {} });
  register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    out += String(chunk);
    return true;
  });
  try {
    await program.parseAsync(['changepoints', ...args], { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

async function failure(...args: string[]): Promise<VeraError | CommanderError> {
  try {
    await run(...args);
  } catch (e) {
    if (isVeraError(e) || e instanceof CommanderError) return e;
    throw e;
  }
  throw new Error(`expected changepoints ${args.join(' ')} to fail`);
}

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-changepoints-cli-'));
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('vera changepoints', () => {
  it('reads a CSV, uses its last numeric column and prints the contract JSON', async () => {
    const out = JSON.parse(await run(write('sample.csv', `${csvLines.join('\n')}\n`), '--json'));
    expect(out.changePoints).toHaveLength(1);
    const [cp] = out.changePoints;
    expect(Object.keys(cp).sort()).toEqual(['index', 'magnitude', 'meanAfter', 'meanBefore', 'pValue']);
    expect(cp.index).toBe(6);
    expect(cp.meanBefore).toBeCloseTo(10.481667, 5);
    expect(cp.meanAfter).toBeCloseTo(9.125, 10);
    expect(cp.pValue).toBeLessThan(0.001);
  });

  it('analyses the column named by --column', async () => {
    const file = write('sample2.csv', csvLines.join('\r\n'));
    expect(JSON.parse(await run(file, '--column', 'metric1', '--json'))).toEqual({ changePoints: [] });
    expect(await run(file, '--column', 'metric1')).toMatch(/^No change points in .*sample2\.csv, column "metric1" \(10 points; window 50/);
  });

  it('prints a readable table with the forward change in percent', async () => {
    const out = await run(write('sample3.csv', csvLines.join('\n')));
    const lines = out.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^1 change point in .*sample3\.csv, column "metric2" \(10 points; window 50, max p-value 0\.001, min magnitude 0\)$/);
    expect(lines[1]).toMatch(/^INDEX\s+P-VALUE\s+MEAN BEFORE\s+MEAN AFTER\s+CHANGE %\s+MAGNITUDE$/);
    expect(lines[3]!.trim().split(/\s+/)).toEqual(['6', expect.stringMatching(/e-6$|^0\.00000/), '10.4817', '9.125', '-12.9', '0.148676']);
  });

  it('reads a JSON array and applies --window, --max-pvalue and --min-magnitude', async () => {
    // Otava's tests/analysis_test.py test_single_series: window 10, p 0.0001 → index 10.
    const series = [1.02, 0.95, 0.99, 1.0, 1.12, 1.0, 1.01, 0.98, 1.01, 0.96, 0.5, 0.51, 0.48, 0.48, 0.55, 0.5, 0.49, 0.51, 0.5, 0.49];
    const file = write('single.json', JSON.stringify(series));
    const found = JSON.parse(await run(file, '--window', '10', '--max-pvalue', '0.0001', '--json'));
    expect(found.changePoints.map((c: { index: number }) => c.index)).toEqual([10]);
    // The drop is ~50 %, magnitude max(|0.5 − 1|, |2 − 1|) ≈ 1: a threshold above it removes it.
    const none = JSON.parse(await run(file, '--window', '10', '--min-magnitude', '1.1', '--json'));
    expect(none.changePoints).toEqual([]);
  });

  it('reads standard input when FILE is "-" or missing', () => {
    const script =
      "import { Command } from 'commander'; import { register } from './cli/commands/changepoints.ts';" +
      "const p = new Command('vera').exitOverride(); register(p); await p.parseAsync(process.argv.slice(1), { from: 'user' });";
    for (const args of [['changepoints', '-', '--json'], ['changepoints', '--json']]) {
      const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, ...args], {
        cwd: repoRoot,
        input: '[1, 1, 1, 1, 1, 5, 5, 5, 5, 5]',
        encoding: 'utf8',
      });
      expect(r.status, r.stderr).toBe(0);
      expect(JSON.parse(r.stdout)).toEqual({ changePoints: [{ index: 5, pValue: 0, meanBefore: 1, meanAfter: 5, magnitude: 4 }] });
    }
  });
});

describe('vera changepoints on bad input', () => {
  it('names the file, line, column and value of a non-numeric cell', async () => {
    const file = write('bad-cell.csv', 'a,b\n1,2\n3,4\n5,oops\n');
    const e = await failure(file);
    expect(isVeraError(e) && e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(`${file}: line 4, column 2 ("b"): "oops" is not a number`);
  });

  it('rejects an unknown column, listing the columns', async () => {
    const file = write('cols.csv', 'a,b\n1,2\n');
    const e = await failure(file, '--column', 'latency');
    expect(isVeraError(e) && e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(`${file}: no column "latency" in the header (columns: a, b)`);
  });

  it('rejects a CSV without a numeric column', async () => {
    const file = write('words.csv', 'name,commit\nx,abc\n');
    const e = await failure(file);
    expect(isVeraError(e) && e.code).toBe('BAD_INPUT');
    expect(e.message).toContain(`${file}: no numeric column`);
  });

  it('locates bad JSON and non-numbers in a JSON array', async () => {
    const truncated = write('truncated.json', '[1,\n 2,\n');
    expect((await failure(truncated)).message).toBe(`${truncated}: line 3, column 1: expected a finite number, got end of input`);
    const text = write('text.json', '[1.5,\n  2, "x"]');
    const e = await failure(text);
    expect(isVeraError(e) && e.code).toBe('BAD_INPUT');
    expect(e.message).toBe(`${text}: line 2, column 6: expected a finite number, got "x"`);
  });

  it('reports a missing file as NOT_FOUND and bad options as commander errors', async () => {
    const missing = path.join(dir, 'nope.csv');
    const e = await failure(missing);
    expect(isVeraError(e) && e.code).toBe('NOT_FOUND');
    expect(e.message).toContain(missing);
    const badWindow = await failure(write('ok.json', '[1, 2]'), '--window', '1');
    expect(badWindow).toBeInstanceOf(CommanderError);
    expect((badWindow as CommanderError).code).toBe('commander.invalidArgument');
  });
});
