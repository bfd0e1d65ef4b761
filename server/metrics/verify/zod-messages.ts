import type { z } from 'zod';

/** Dotted path with list indices in brackets: `measurements[3].unit`. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** A zod issue as a field path and a sentence a user can act on. */
export function describeIssue(issue: z.core.$ZodIssue): { path: string; segments: PropertyKey[]; message: string } {
  if (issue.code === 'unrecognized_keys') {
    const segments = [...issue.path, issue.keys[0] ?? ''];
    const others = issue.keys.length > 1 ? ` (nor '${issue.keys.slice(1).join("', '")}')` : '';
    return { path: formatPath(segments), segments, message: `not a known field${others}` };
  }
  const segments = [...issue.path];
  if (issue.code === 'invalid_type' && issue.message.endsWith('received undefined')) {
    return { path: formatPath(segments), segments, message: `missing required field (expected ${issue.expected})` };
  }
  return { path: formatPath(segments), segments, message: issue.message };
}
