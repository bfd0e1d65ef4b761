import { VeraError, type ErrorCode } from '../../errors.ts';

// Python's json module writes NaN and ±Infinity as bare tokens; JSON.parse rejects them.
const NON_FINITE = /NaN|-?Infinity/;
const SENTINEL = '\u0000vera-nonfinite\u0000';

/**
 * Parses JSON as Python writes it: bare `NaN`, `Infinity` and `-Infinity` become numbers.
 * Syntax errors name the file, line and column.
 */
export function parsePythonJson(text: string, file: string, code: ErrorCode): unknown {
  try {
    if (!NON_FINITE.test(text)) return JSON.parse(text);
    return JSON.parse(quoteNonFinite(text), (_key, value: unknown) => {
      if (typeof value === 'string' && value.startsWith(SENTINEL)) return Number(value.slice(SENTINEL.length));
      return value;
    });
  } catch (e) {
    if (!(e instanceof SyntaxError)) throw e;
    const pos = /position (\d+)/.exec(e.message);
    const where = pos ? lineColumn(text, Number(pos[1])) : '';
    throw new VeraError(code, `${file}${where}: invalid JSON: ${e.message.replace(/ in JSON at position \d+.*$/s, '')}`, { file });
  }
}

// A JSON string literal, or a bare non-finite token (which can only occur outside strings).
const STRING_OR_NON_FINITE = /"(?:[^"\\]|\\.)*"|NaN|-?Infinity/g;

/** Rewrites bare non-finite tokens as sentinel strings that the reviver turns back into numbers. */
function quoteNonFinite(text: string): string {
  return text.replace(STRING_OR_NON_FINITE, (m) => (m.startsWith('"') ? m : JSON.stringify(SENTINEL + m)));
}

function lineColumn(text: string, pos: number): string {
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `:${line}:${column}`;
}
