import { VeraError } from '../errors.ts';

/**
 * How much one GraphQL request may ask for. A query is refused (QUERY_TOO_COMPLEX) before it
 * runs when it has more aliases, nesting, tokens or directives than these, or when its estimated
 * cost is over `cost`. The cost estimates the number of values a query can return: every object
 * and every list element counts 1, and a list multiplies what is selected under it by its size,
 * which is its `limit` argument (or that list's default, see LIST_LIMITS) or, for lists without
 * one, UNBOUNDED_LIST_ESTIMATE. So `runs { quanta { inputs { id } } }` costs about
 * 100 runs x 1000 quanta x 10 inputs and is refused, aliased or not.
 *
 * The web app, the CLI and the GitHub Action stay well under these (test/security checks every
 * query they send); the largest, the run page, costs about 60 000.
 */
export const QUERY_LIMITS = {
  aliases: 15,
  depth: 8,
  tokens: 1500,
  directives: 50,
  cost: 200_000,
} as const;

export type QueryLimit = keyof typeof QUERY_LIMITS;

/** Size assumed for a list field that has no limit argument (a quantum's inputs, a repo's refs). */
export const UNBOUNDED_LIST_ESTIMATE = 10;

export interface ListLimit {
  /** The argument that bounds the list. */
  argument: string;
  /** Applied when the argument is absent or null. */
  default: number;
  /** Largest value accepted; above it the request is BAD_INPUT. */
  max: number;
}

/**
 * Every list argument of the schema that bounds a result's size, by schema coordinate. Defaults
 * keep an unbounded question (`runs { quanta }`) from reading a whole table; maxima are what one
 * response may carry.
 */
export const LIST_LIMITS = {
  'Query.runs': { argument: 'limit', default: 100, max: 1000 },
  'Query.replays': { argument: 'limit', default: 50, max: 1000 },
  'Query.builds': { argument: 'limit', default: 100, max: 1000 },
  'Query.webhookDeliveries': { argument: 'limit', default: 100, max: 1000 },
  'Query.datasets': { argument: 'limit', default: 10_000, max: 100_000 },
  'Query.measuredDataIds': { argument: 'limit', default: 500, max: 10_000 },
  'Query.measurements': { argument: 'limit', default: 1000, max: 20_000 },
  'Query.metricOverview': { argument: 'points', default: 30, max: 1000 },
  'Query.sql': { argument: 'limit', default: 10_000, max: 100_000 },
  'Run.quanta': { argument: 'limit', default: 1000, max: 10_000 },
  'Query.auditLog': { argument: 'limit', default: 100, max: 1000 },
  'Query.campaigns': { argument: 'limit', default: 100, max: 1000 },
  'SkyMap.pixels': { argument: 'limit', default: 10_000, max: 100_000 },
} as const satisfies Record<string, ListLimit>;

export type ListCoordinate = keyof typeof LIST_LIMITS;

/**
 * The size a list argument asks for, checked: absent or null gives the default; anything but an
 * integer in [1, max] is BAD_INPUT naming the field and argument.
 */
export function listLimit(coordinate: ListCoordinate, value: number | null | undefined): number {
  const limit = LIST_LIMITS[coordinate];
  if (value === null || value === undefined) return limit.default;
  if (!Number.isSafeInteger(value) || value < 1 || value > limit.max) {
    throw new VeraError('BAD_INPUT', `${coordinate}(${limit.argument}: ${value}): ${limit.argument} must be between 1 and ${limit.max}`, {
      field: coordinate,
      argument: limit.argument,
      value,
      max: limit.max,
    });
  }
  return value;
}

/** The size the cost estimate assumes for a list: what its argument asks, within [1, max]. */
export function estimatedListSize(coordinate: string, args: Record<string, unknown>): number {
  const limit = (LIST_LIMITS as Record<string, ListLimit>)[coordinate];
  if (!limit) return UNBOUNDED_LIST_ESTIMATE;
  const asked = args[limit.argument];
  // Out-of-range values are refused by the resolver with BAD_INPUT, which says more than a cost.
  return typeof asked === 'number' && asked >= 1 ? Math.min(asked, limit.max) : limit.default;
}

/** The schema's description of a list-size argument, from its limits: one source for both. */
export function limitDoc(coordinate: ListCoordinate): string {
  const l = LIST_LIMITS[coordinate];
  return `"How many at most: 1 to ${l.max}; default ${l.default}."`;
}
