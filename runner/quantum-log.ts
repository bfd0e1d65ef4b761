/** Separates a failed quantum's error from the log its task wrote before failing (see splitQuantumLog). */
export const QUANTUM_LOG_MARKER = '\n--- quantum log ---\n';

/**
 * A task's error with the lines it logged before failing appended to its stack: only message and
 * stack survive the trip from the worker thread, and the log is what tells why it failed.
 */
export function withQuantumLog(e: unknown, lines: string[]): unknown {
  if (lines.length === 0 || !(e instanceof Error)) return e;
  e.stack = `${e.stack ?? e.message}${QUANTUM_LOG_MARKER}${lines.join('\n')}`;
  return e;
}

/** A failed quantum's error text split into the error and the log its task wrote (null when none). */
export function splitQuantumLog(text: string): { error: string; log: string | null } {
  const at = text.indexOf(QUANTUM_LOG_MARKER);
  return at < 0 ? { error: text, log: null } : { error: text.slice(0, at), log: text.slice(at + QUANTUM_LOG_MARKER.length) };
}
