/**
 * The SQLSTATE of a database error, looking through drizzle's wrapper (`cause`) on both drivers.
 * 23505 unique_violation, 23503 foreign_key_violation, 23514 check_violation.
 */
export function pgErrorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let depth = 0; cur && depth < 4; depth++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/**
 * SQLSTATE class 22, data exception: a value the database could not take (malformed text for a
 * type, a number out of range, a bad date). Domain code validates input before it gets this far;
 * when something slips through, it is still the caller's bad input, not a server fault.
 */
export function isDataException(e: unknown): boolean {
  return pgErrorCode(e)?.startsWith('22') ?? false;
}
