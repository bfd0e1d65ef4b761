import { buildASTSchema, concatAST, parse, printSchema } from 'graphql';
import { typeDefs } from './schema/index.ts';

/**
 * The one schema as SDL, without resolvers: the source `npm run codegen` generates the resolver
 * types and every client's types from. Printed, so its text is the same for the same schema.
 */
export function schemaSdl(): string {
  return printSchema(buildASTSchema(concatAST(typeDefs.map((defs) => parse(defs)))));
}
