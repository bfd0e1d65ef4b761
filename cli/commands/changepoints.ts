import fs from 'node:fs/promises';
import { InvalidArgumentError, type Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { OTAVA_DEFAULTS, detectChangePoints, parseSeriesText, type ChangePoint } from '../../server/metrics/changepoints/index.ts';
import { printJson, printTable } from '../output.ts';

/**
 * `vera changepoints [FILE|-]`: E-divisive change points of any series, without storing it,
 * as Otava users run it on a CSV (DESIGN §5). Defaults are Otava's.
 */
export function register(program: Command): void {
  program
    .command('changepoints')
    .description('find change points in a series (E-divisive means, as Apache Otava does), without storing it')
    .argument('[file]', 'CSV with a header row, or a JSON array of numbers; "-" or none reads standard input')
    .option('--column <name>', 'CSV column holding the series (default: the last numeric column)')
    .option('--window <points>', 'points analysed at once; windows advance by half of it', parseWindow, OTAVA_DEFAULTS.window)
    .option('--max-pvalue <p>', 'largest accepted p-value of a change point', parsePValue, OTAVA_DEFAULTS.maxPValue)
    .option('--min-magnitude <m>', 'smallest accepted relative change, max(|after/before - 1|, |before/after - 1|)', parseMagnitude, OTAVA_DEFAULTS.minMagnitude)
    .option('--json', 'print {"changePoints": [...]} instead of a table')
    .action(async (file: string | undefined, opts: ChangepointsOptions) => {
      const source = file === undefined || file === '-' ? '<stdin>' : file;
      const text = source === '<stdin>' ? await readStdin() : await readFile(source);
      const series = parseSeriesText(text, { source, column: opts.column });
      const changePoints = detectChangePoints(series.values, {
        window: opts.window,
        maxPValue: opts.maxPvalue,
        minMagnitude: opts.minMagnitude,
      });
      if (opts.json) {
        printJson({ changePoints: changePoints.map(({ index, pValue, meanBefore, meanAfter, magnitude }) => ({ index, pValue, meanBefore, meanAfter, magnitude })) });
        return;
      }
      printReadable(changePoints, {
        what: series.column === undefined ? source : `${source}, column "${series.column}"`,
        points: series.values.length,
        settings: `window ${opts.window}, max p-value ${opts.maxPvalue}, min magnitude ${opts.minMagnitude}`,
      });
    });
}

interface ChangepointsOptions {
  column?: string;
  window: number;
  maxPvalue: number;
  minMagnitude: number;
  json?: boolean;
}

function parseWindow(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || n < 2) throw new InvalidArgumentError('expected an integer >= 2');
  return n;
}

function parsePValue(value: string): number {
  const p = Number(value);
  if (value.trim() === '' || !(p >= 0 && p <= 1)) throw new InvalidArgumentError('expected a number in [0, 1]');
  return p;
}

function parseMagnitude(value: string): number {
  const m = Number(value);
  if (value.trim() === '' || !Number.isFinite(m)) throw new InvalidArgumentError('expected a number');
  return m;
}

async function readFile(path: string): Promise<string> {
  try {
    return await fs.readFile(path, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') throw new VeraError('NOT_FOUND', `${path}: no such file`, { path });
    if (code === 'EISDIR') throw new VeraError('BAD_INPUT', `${path}: is a directory`, { path });
    throw e;
  }
}

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new VeraError('BAD_INPUT', 'no FILE given and standard input is a terminal: pass a file, or pipe the series in');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function printReadable(changePoints: ChangePoint[], about: { what: string; points: number; settings: string }): void {
  const count = changePoints.length === 0 ? 'No change points' : `${changePoints.length} change point${changePoints.length === 1 ? '' : 's'}`;
  process.stdout.write(`${count} in ${about.what} (${about.points} points; ${about.settings})\n`);
  if (changePoints.length === 0) return;
  const round = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(6)) : v);
  printTable(
    ['INDEX', 'P-VALUE', 'MEAN BEFORE', 'MEAN AFTER', 'CHANGE %', 'MAGNITUDE'],
    changePoints.map((c) => [
      c.index,
      Number.isNaN(c.pValue) ? 'nan' : Number(c.pValue.toPrecision(3)),
      round(c.meanBefore),
      round(c.meanAfter),
      Number(c.forwardChangePercent.toFixed(1)),
      round(c.magnitude),
    ]),
  );
}
