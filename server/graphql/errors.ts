import { GraphQLError } from 'graphql';
import { isVeraError } from '../errors.ts';
import type { Logger } from '../log.ts';

/**
 * Maps domain errors to GraphQL errors in one place: a VeraError keeps its message and gains
 * `extensions.code` and its details; anything else is logged and shown as INTERNAL, without
 * internals leaking to clients.
 */
export function maskError(log: Logger) {
  return (error: unknown, message: string): Error => {
    // Executors may wrap a resolver's error more than once: unwrap to the innermost.
    let original: unknown = error;
    while (original instanceof GraphQLError && original.originalError) original = original.originalError;
    if (isVeraError(original)) {
      return new GraphQLError(original.message, {
        ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
        // Field errors travel in a 200 response, as GraphQL over HTTP expects; only a missing or
        // bad token changes the status, so HTTP clients and proxies see the 401.
        extensions: { code: original.code, ...original.details, ...(original.code === 'UNAUTHENTICATED' ? { http: { status: 401 } } : {}) },
      });
    }
    if (original instanceof GraphQLError) return original; // validation, syntax and variable errors
    log.error({ err: original }, 'unexpected error in GraphQL');
    return new GraphQLError(message, { extensions: { code: 'INTERNAL' } });
  };
}
