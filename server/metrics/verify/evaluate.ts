import { VeraError } from '../../errors.ts';
import type { Operator, Quantity, Threshold } from './types.ts';
import { conversionFactor } from './units.ts';

/** `measured OP threshold`, the orientation lsst.verify uses (measurement on the left). */
export function compare(op: Operator, measured: number, threshold: number): boolean {
  switch (op) {
    case '<':
      return measured < threshold;
    case '<=':
      return measured <= threshold;
    case '>':
      return measured > threshold;
    case '>=':
      return measured >= threshold;
    case '==':
      return measured === threshold;
    case '!=':
      return measured !== threshold;
  }
}

/**
 * Checks a quantity against a threshold. As astropy does for `measured <= threshold`, the
 * threshold is converted into the measurement's unit, then the numbers compared. A NaN
 * measurement fails every operator but `!=` (IEEE, as numpy). Throws `UNIT_INCOMPATIBLE`.
 */
export function checkThreshold(threshold: Threshold, measured: Quantity, specName?: string): boolean {
  let factor: number;
  try {
    factor = conversionFactor(threshold.unit, measured.unit);
  } catch (e) {
    if (e instanceof VeraError && e.code === 'UNIT_INCOMPATIBLE' && specName !== undefined) {
      throw new VeraError(
        'UNIT_INCOMPATIBLE',
        `specification ${specName}: measurement in '${measured.unit.text}' cannot be compared with threshold in '${threshold.unit.text}': ${e.message}`,
        { ...e.details, spec: specName },
        { cause: e },
      );
    }
    throw e;
  }
  return compare(threshold.operator, measured.value, threshold.value * factor);
}

/**
 * Python's `==` on JSON-like values, which is what `MetadataQuery` uses: numbers compare by
 * value (`1 == 1.0`, and `True == 1` since bool is an int), lists by position, mappings by keys.
 */
export function pyEquals(a: unknown, b: unknown): boolean {
  const na = asPyNumber(a);
  const nb = asPyNumber(b);
  if (na !== undefined || nb !== undefined) return na !== undefined && nb !== undefined && na === nb;
  if (typeof a === 'string' || typeof b === 'string') return a === b;
  if (a === null || b === null || a === undefined || b === undefined) return (a ?? null) === (b ?? null);
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => pyEquals(x, b[i]));
  }
  if (typeof a === 'object' && typeof b === 'object') {
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    const rb = b as Record<string, unknown>;
    return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && pyEquals((a as Record<string, unknown>)[k], rb[k]));
  }
  return false;
}

function asPyNumber(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

export interface MetadataQueryOptions {
  /**
   * false (default): the metadata must have every query term, with an equal value; extra
   * metadata keys are fine. This decides whether a specification applies to a job.
   * true: reversed: the query must have every metadata term, with an equal value (used to
   * discover specifications matching some required terms).
   */
  argDriven?: boolean;
}

/** lsst.verify's `MetadataQuery.__call__`. An empty query matches everything. */
export function matchesMetadataQuery(
  query: Readonly<Record<string, unknown>>,
  metadata: Readonly<Record<string, unknown>>,
  opts: MetadataQueryOptions = {},
): boolean {
  const [required, available] = opts.argDriven ? [metadata, query] : [query, metadata];
  for (const [key, value] of Object.entries(required)) {
    if (!Object.hasOwn(available, key)) return false;
    if (!pyEquals(value, available[key])) return false;
  }
  return true;
}
