import { GraphQLError } from 'graphql';
import { isDataException } from '../db/pg-errors.ts';
import { httpStatusOf, isVeraError } from '../errors.ts';
import type { Logger } from '../log.ts';

/**
 * Maps domain errors to GraphQL errors in one place: a VeraError keeps its message and gains
 * `extensions.code` and its details; GraphQL's own request errors keep theirs (syntax and
 * validation) or become BAD_INPUT (a variable of the wrong type); a value the database refused
 * is BAD_INPUT too; anything else is logged and shown as INTERNAL, without internals leaking.
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
        extensions: { code: original.code, ...original.details, ...(original.code === 'UNAUTHENTICATED' ? { http: { status: httpStatusOf(original.code) } } : {}) },
      });
    }
    if (original instanceof GraphQLError) {
      if (original.extensions.code) return original;
      return new GraphQLError(original.message, { nodes: original.nodes, path: original.path, extensions: { ...original.extensions, code: 'BAD_INPUT' } });
    }
    if (isDataException(original)) {
      // Validation should have caught it first: worth a warning, not a stack trace for the caller.
      log.warn({ err: original }, 'the database refused a value that validation let through');
      return new GraphQLError('a value was malformed or out of range for the database', {
        ...(error instanceof GraphQLError ? { nodes: error.nodes, path: error.path } : {}),
        extensions: { code: 'BAD_INPUT' },
      });
    }
    log.error({ err: original }, 'unexpected error in GraphQL');
    return new GraphQLError(message, { extensions: { code: 'INTERNAL' } });
  };
}
