import { VeraError } from '../errors.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Dataset and quantum ids are UUIDs: anything else is refused here, naming the value, before it
 * reaches a `::uuid` cast that the database would reject with an error nobody can read.
 */
export function assertUuids(ids: readonly string[], what: string): void {
  const bad = ids.find((id) => !UUID.test(id));
  if (bad !== undefined) {
    const shown = bad.length > 80 ? `${bad.slice(0, 80)}…` : bad;
    throw new VeraError('BAD_INPUT', `'${shown}' is not a ${what} id (a UUID such as 0b7c3c02-8f6e-4f4e-9a55-1d2f0c6f8a10)`, { id: shown });
  }
}
