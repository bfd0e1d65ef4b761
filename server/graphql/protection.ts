import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import { MaxTokensParserWLexer } from '@escape.tech/graphql-armor-max-tokens';
import type { GraphQLArmorRejectCallback } from '@escape.tech/graphql-armor-types';
import {
  getNamedType,
  getNullableType,
  GraphQLError,
  isCompositeType,
  isListType,
  NoSchemaIntrospectionCustomRule,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { ANONYMOUS } from '../auth/roles.ts';
import type { VeraConfig } from '../config.ts';
import type { ErrorCode } from '../errors.ts';
import type { GraphQLContext } from './context.ts';
import { estimatedListSize, QUERY_LIMITS, type QueryLimit } from './limits.ts';

/**
 * What a GraphQL request may ask before anything runs (see limits.ts): aliases, depth, tokens and
 * directives are checked as the document is parsed and validated (graphql-armor), the estimated
 * cost once the variables are known, and introspection once the caller is. Every refusal is a
 * GraphQL error with a stable code: QUERY_TOO_COMPLEX (with `limit` and `max`) or
 * INTROSPECTION_DISABLED.
 */
const TOO_COMPLEX: ErrorCode = 'QUERY_TOO_COMPLEX';

function tooComplex(limit: QueryLimit, detail: string): GraphQLError {
  return new GraphQLError(`query refused: ${detail}`, { extensions: { code: TOO_COMPLEX, limit, max: QUERY_LIMITS[limit] } });
}

/** Armor's own errors say "Syntax Error: ..." and carry no code: throw ours in their place. */
function rejectAs(limit: QueryLimit): { n: number; onReject: GraphQLArmorRejectCallback[] } {
  return {
    n: QUERY_LIMITS[limit],
    onReject: [
      (_ctx, error) => {
        throw tooComplex(limit, error.message.replace(/^Syntax Error: /, ''));
      },
    ],
  };
}

/** Rules that depend on the document alone (so yoga may cache their verdict per document). */
const documentRules: ValidationRule[] = [
  maxAliasesRule(rejectAs('aliases')),
  // Introspection is bounded by the schema itself, and GraphiQL's query is deep.
  maxDepthRule({ ...rejectAs('depth'), ignoreIntrospection: true }),
  maxDirectivesRule(rejectAs('directives')),
];

/** graphql's parse, refusing documents of more than QUERY_LIMITS.tokens tokens as it reads them. */
export function parseWithTokenLimit(source: string): DocumentNode {
  return new MaxTokensParserWLexer(source, rejectAs('tokens')).parseDocument();
}

/**
 * Each object and each list element counts 1; a list multiplies what is under it by its expected
 * size. Scalars are free, and so is introspection.
 */
const estimator: ComplexityEstimator = ({ type, field, args, childComplexity }) => {
  if (field.name.startsWith('__')) return 0;
  const own = isCompositeType(getNamedType(field.type)) ? 1 : 0;
  if (!isListType(getNullableType(field.type))) return own + childComplexity;
  return estimatedListSize(`${type.name}.${field.name}`, args) * Math.max(1, own + childComplexity);
};

/**
 * The estimated cost of an operation with these variables. Throws a GraphQLError when the
 * variables do not fit the operation, or when its fragments expand past the estimator's budget
 * of fields (QUERY_TOO_COMPLEX).
 */
export function queryCost(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> = {}, operationName?: string | null): number {
  try {
    return getComplexity({ schema, query: document, variables, ...(operationName ? { operationName } : {}), estimators: [estimator] });
  } catch (e) {
    if (e instanceof GraphQLError && /maximum allowed number of nodes/.test(e.message)) throw tooComplex('cost', 'the query expands to too many fields');
    throw e;
  }
}

/** The refusal of an operation whose estimated cost is over the limit. */
export function costError(schema: GraphQLSchema, document: DocumentNode, variables: Record<string, unknown> | undefined, operationName?: string | null): GraphQLError | undefined {
  let cost: number;
  try {
    cost = queryCost(schema, document, variables ?? {}, operationName);
  } catch (e) {
    if (e instanceof GraphQLError && e.extensions.code === TOO_COMPLEX) return e;
    // Variables that do not fit are execution's to report, in its own words.
    return undefined;
  }
  if (cost <= QUERY_LIMITS.cost) return undefined;
  return tooComplex('cost', `its estimated cost is ${cost}, over the limit of ${QUERY_LIMITS.cost} (ask for fewer items with limit arguments, or split it)`);
}

/**
 * All the limits, on a query text: the errors the server would refuse it with (none when it
 * passes), and variables that do not fit it. For tests and tools; the server applies the same
 * checks through `queryProtection`.
 */
export function checkQueryLimits(schema: GraphQLSchema, source: string, variables: Record<string, unknown> = {}): GraphQLError[] {
  try {
    const document = parseWithTokenLimit(source);
    const errors = validate(schema, document, [...specifiedRules, ...documentRules]);
    if (errors.length > 0) return [...errors];
    queryCost(schema, document, variables);
    const refused = costError(schema, document, variables);
    return refused ? [refused] : [];
  } catch (e) {
    return [e as GraphQLError];
  }
}

function introspectionError(policy: VeraConfig['introspection']): GraphQLError {
  const why = policy === 'off' ? 'introspection is disabled on this server' : 'introspection needs an API token on this server (send Authorization: Bearer <token>)';
  return new GraphQLError(why, { extensions: { code: 'INTROSPECTION_DISABLED' satisfies ErrorCode } });
}

/** The envelop plugins that enforce the limits and the introspection policy. */
export function queryProtection(introspection: VeraConfig['introspection']): Plugin<GraphQLContext>[] {
  const guard: Plugin<GraphQLContext> = {
    onParse({ setParseFn }) {
      setParseFn((source) => parseWithTokenLimit(typeof source === 'string' ? source : source.body));
    },
    onValidate({ addValidationRule }) {
      for (const rule of documentRules) addValidationRule(rule);
    },
    onExecute({ args, setResultAndStopExecution }) {
      const actor = args.contextValue.actor;
      if (introspection === 'off' || (introspection === 'authenticated' && actor.id === ANONYMOUS.id)) {
        if (validate(args.schema, args.document, [NoSchemaIntrospectionCustomRule]).length > 0) {
          setResultAndStopExecution({ errors: [introspectionError(introspection)] });
          return;
        }
      }
      const refused = costError(args.schema, args.document, args.variableValues ?? undefined, args.operationName);
      if (refused) setResultAndStopExecution({ errors: [refused] });
    },
  };
  // Suggestions ("Did you mean ...?") would hand out the schema introspection keeps back.
  return introspection === 'everyone' ? [guard] : [guard, blockFieldSuggestionsPlugin()];
}
