import { VeraError, type ErrorCode } from '../../errors.ts';

/**
 * An error at a position of a `where` expression: the message names the 1-based column and shows
 * the expression with a caret under the offending place, as compilers do.
 */
export function whereError(source: string, pos: number, problem: string, code: ErrorCode = 'WHERE_SYNTAX'): VeraError {
  const column = pos + 1;
  const caret = `${' '.repeat(pos)}^`;
  return new VeraError(code, `where: ${problem} at column ${column}\n  ${source}\n  ${caret}`, {
    expression: source,
    column,
    problem,
  });
}
