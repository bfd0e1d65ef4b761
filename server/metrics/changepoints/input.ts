import { VeraError } from '../../errors.ts';

/**
 * Reads a series from text the way `vera changepoints` accepts it (DESIGN §5): a JSON array of
 * numbers, or a CSV with a header row whose chosen column (by name, else the last column whose
 * first value is numeric) holds the series. Errors name the source, the line and column, and the
 * offending value, since users feed these files by hand.
 */
export interface ParsedSeries {
  values: number[];
  /** The CSV column used; undefined for JSON. */
  column?: string;
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(cell: string): number | undefined {
  const t = cell.trim();
  if (!NUMBER.test(t)) return undefined;
  const v = Number(t);
  return Number.isFinite(v) ? v : undefined;
}

function bad(message: string, details: Record<string, unknown>): VeraError {
  return new VeraError('BAD_INPUT', message, details);
}

export function parseSeriesText(text: string, opts: { source: string; column?: string }): ParsedSeries {
  const body = text.startsWith('\uFEFF') ? text.slice(1) : text;
  const first = body.trimStart()[0];
  if (first === '[' || first === '{' || opts.source.toLowerCase().endsWith('.json')) {
    if (opts.column !== undefined) throw bad(`${opts.source}: --column applies to CSV input, not JSON`, { source: opts.source });
    return { values: parseJsonSeries(body, opts.source) };
  }
  return parseCsvSeries(body, opts.source, opts.column);
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      lineStart = i + 1;
    }
  }
  return { line, column: offset - lineStart + 1 };
}

const JSON_NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const WHITESPACE = /[ \t\r\n]*/y;

/**
 * A JSON array of numbers, scanned directly rather than with JSON.parse so that every error
 * can name the line, column and offending text (Node 20's JSON.parse reports no position).
 */
function parseJsonSeries(text: string, source: string): number[] {
  let pos = 0;
  const skipSpace = () => {
    WHITESPACE.lastIndex = pos;
    WHITESPACE.exec(text);
    pos = WHITESPACE.lastIndex;
  };
  const fail = (expected: string): never => {
    const where = lineCol(text, pos);
    const token = pos >= text.length ? 'end of input' : /^[^\s,\]]{1,40}|^./s.exec(text.slice(pos))![0];
    throw bad(`${source}: line ${where.line}, column ${where.column}: expected ${expected}, got ${token}`, {
      source,
      ...where,
      value: token,
    });
  };
  const values: number[] = [];
  skipSpace();
  if (text[pos] !== '[') fail('a JSON array of numbers');
  pos++;
  skipSpace();
  if (text[pos] === ']') pos++;
  else {
    for (;;) {
      skipSpace();
      JSON_NUMBER.lastIndex = pos;
      const m = JSON_NUMBER.exec(text);
      const v = m ? Number(m[0]) : Number.NaN;
      if (!m || !Number.isFinite(v)) fail('a finite number');
      values.push(v);
      pos = JSON_NUMBER.lastIndex;
      skipSpace();
      if (text[pos] === ',') pos++;
      else if (text[pos] === ']') {
        pos++;
        break;
      } else fail('"," or "]"');
    }
  }
  skipSpace();
  if (pos < text.length) fail('nothing after the array');
  return values;
}

/** A run of characters that end no unquoted cell, and one that ends no quoted cell. */
const PLAIN_RUN = /[^",\r\n]+/y;
const QUOTED_RUN = /[^"\n]+/y;

/**
 * Calls `row` with the cells and line number of each RFC 4180 row (quoted fields may hold commas,
 * doubled quotes and newlines); blank lines are skipped. `cells` is the same array at every call:
 * copy what you keep. `vera changepoints` parses files of 10,000 lines and more at every start,
 * so runs of ordinary characters are sliced out whole and rows are not kept: the little garbage
 * left dies young, cheap for the GC.
 */
function forEachCsvRow(text: string, row: (cells: string[], line: number) => void): void {
  const cells: string[] = [];
  let cell = '';
  let line = 1;
  let rowLine = 1;
  let quoted = false;
  let sawQuote = false;
  const endRow = () => {
    if (sawQuote || cells.length > 0 || cell !== '') {
      cells.push(cell);
      row(cells, rowLine);
      cells.length = 0;
    }
    cell = '';
    sawQuote = false;
  };
  let i = 0;
  while (i < text.length) {
    const run = quoted ? QUOTED_RUN : PLAIN_RUN;
    run.lastIndex = i;
    if (run.test(text)) {
      cell += text.slice(i, run.lastIndex);
      i = run.lastIndex;
      continue;
    }
    const ch = text[i]!;
    i++;
    if (quoted) {
      if (ch === '\n') {
        line++;
        cell += ch;
      } else if (text[i] === '"') {
        // A doubled quote inside quotes is one quote.
        cell += '"';
        i++;
      } else quoted = false;
    } else if (ch === '"') {
      quoted = true;
      sawQuote = true;
    } else if (ch === ',') {
      cells.push(cell);
      cell = '';
    } else {
      // A line ends at \n, \r\n or a lone \r.
      if (ch === '\r' && text[i] === '\n') i++;
      endRow();
      line++;
      rowLine = line;
    }
  }
  endRow();
}

function parseCsvSeries(text: string, source: string, column: string | undefined): ParsedSeries {
  let names: string[] | undefined;
  let col = -1;
  const values: number[] = [];
  forEachCsvRow(text, (cells, line) => {
    if (names === undefined) {
      names = cells.map((c) => c.trim());
      return;
    }
    if (col < 0) col = seriesColumn(names, cells, line, source, column);
    const cell = cells[col];
    const v = cell === undefined ? undefined : parseNumber(cell);
    if (v === undefined) {
      const shown = cell === undefined ? `missing (the row has ${cells.length} cells)` : JSON.stringify(cell);
      throw bad(`${source}: line ${line}, column ${col + 1} ("${names[col]}"): ${shown} is not a number`, {
        source,
        line,
        column: col + 1,
        value: cell,
      });
    }
    values.push(v);
  });
  if (names === undefined) throw bad(`${source}: empty input, expected a CSV header or a JSON array`, { source });
  if (values.length === 0) throw bad(`${source}: CSV has a header but no data rows`, { source });
  return { values, column: names[col]! };
}

/** The column holding the series: the one named, else the last whose value on the first data row is numeric. */
function seriesColumn(names: string[], firstCells: string[], line: number, source: string, column: string | undefined): number {
  if (column !== undefined) {
    const col = names.indexOf(column);
    if (col < 0) throw bad(`${source}: no column "${column}" in the header (columns: ${names.join(', ')})`, { source, column });
    return col;
  }
  for (let c = names.length - 1; c >= 0; c--) {
    if (parseNumber(firstCells[c] ?? '') !== undefined) return c;
  }
  throw bad(`${source}: no numeric column (line ${line} has no number in any column)`, { source });
}
