import { FACE_OF_KIND, errorKindOf, isVeraError } from '../server/errors.ts';

/** CLI exit codes, documented in the README; each error code's comes from the one error table. */
export const EXIT = { ok: 0, failure: 1, badInput: 2, auth: 3, notFound: 4, conflict: 5 } as const;

export function exitCodeOf(e: unknown): number {
  if (!isVeraError(e)) return EXIT.failure;
  // A code from a newer server than this CLI knows is still an error: a plain failure.
  const kind = errorKindOf(e.code) as ReturnType<typeof errorKindOf> | undefined;
  return kind ? FACE_OF_KIND[kind].exit : EXIT.failure;
}
