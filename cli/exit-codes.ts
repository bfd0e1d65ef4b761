import { isVeraError, type ErrorCode } from '../server/errors.ts';

/** CLI exit codes, documented in the README. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, auth: 3, notFound: 4, conflict: 5 } as const;

export function exitCodeOf(e: unknown): number {
  if (!isVeraError(e)) return EXIT.failure;
  const code: ErrorCode = e.code;
  if (code === 'UNAUTHENTICATED' || code === 'FORBIDDEN' || code === 'NOT_OWNER' || code === 'NAMESPACE_RESERVED') return EXIT.auth;
  if (code === 'NOT_FOUND' || code.startsWith('UNKNOWN_')) return EXIT.notFound;
  if (code.endsWith('_CONFLICT') || code === 'DB_LOCKED' || code === 'CHAIN_CYCLE') return EXIT.conflict;
  if (code === 'INTERNAL' || code === 'RUN_FAILED' || code === 'RUN_ORPHANED') return EXIT.failure;
  return EXIT.badInput;
}
