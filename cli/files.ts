import fs from 'node:fs';
import { VeraError } from '../server/errors.ts';

/**
 * Reads a file the user named on the command line, with a one-line error naming it when it
 * cannot: missing (NOT_FOUND, exit 4), or a directory, FIFO or unreadable file (BAD_INPUT, exit 2).
 */
export function readLocalFile(file: string, what: string): string {
  let stat: fs.Stats;
  try {
    stat = fs.statSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') throw new VeraError('NOT_FOUND', `${what} ${file} does not exist`, { file });
    throw new VeraError('BAD_INPUT', `cannot read ${what} ${file}: ${code ?? (e as Error).message}`, { file });
  }
  if (!stat.isFile()) throw new VeraError('BAD_INPUT', `${what} ${file} is not a regular file`, { file });
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new VeraError('BAD_INPUT', `cannot read ${what} ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`, { file });
  }
}
