import fs from 'node:fs';
import path from 'node:path';

/**
 * Where a fresh home keeps its first admin's token (bootstrap.ts writes it). Apart from
 * bootstrap.ts so a CLI talking HTTP reads it without importing the database layer.
 */
export const ADMIN_TOKEN_FILE = 'admin-token';

export function readAdminToken(home: string): string | undefined {
  try {
    return fs.readFileSync(path.join(home, ADMIN_TOKEN_FILE), 'utf8').trim() || undefined;
  } catch {
    return undefined;
  }
}
