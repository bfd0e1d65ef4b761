import {
  getIntrospectionQuery,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isListType,
  Kind,
  parse,
  specifiedRules,
  typeFromAST,
  validate,
  type GraphQLType,
} from 'graphql';
import { describe, expect, it } from 'vitest';
import * as cliDocuments from '../../cli/generated/graphql.ts';
import * as dashboardDocuments from '../../dashboard/src/generated/graphql.ts';
import * as actionDocuments from '../../gh-actions/verify/src/generated/graphql.ts';
import { checkQueryLimits } from '../../server/graphql/protection.ts';
import { veraSchema } from '../../server/graphql/yoga.ts';

/**
 * The query limits must not refuse Vera's own clients: every GraphQL operation the web app, the
 * CLI and the GitHub Action send (the typed documents `npm run codegen` generates from their
 * `graphql(...)` calls, fragments included) stays under them, with the defaults their variables leave.
 */
const CLIENTS = { 'dashboard/src': dashboardDocuments, cli: cliDocuments, 'gh-actions/verify/src': actionDocuments };

const schema = veraSchema();

function clientOperations() {
  const ops: { where: string; text: string }[] = [];
  const unresolved: string[] = [];
  for (const [dir, module] of Object.entries(CLIENTS)) {
    for (const [name, value] of Object.entries(module)) {
      // Fragments are generated as documents too; they are checked inside the operations that spread them.
      if (!(value instanceof module.TypedDocumentString) || !name.endsWith('Document') || name.endsWith('FragmentDoc')) continue;
      const text = value.toString();
      const where = `${dir}: ${name}`;
      const errors = validate(schema, parse(text), specifiedRules);
      if (errors.length > 0) unresolved.push(`${where}: ${errors[0]!.message}`);
      else ops.push({ where, text });
    }
  }
  return { ops, unresolved };
}

/** A value of a GraphQL input type, as a client would send (enums: the first value). */
function placeholder(type: GraphQLType): unknown {
  const t = getNullableType(type);
  if (isListType(t)) return [placeholder(t.ofType)];
  if (isEnumType(t)) return t.getValues()[0]!.value;
  if (isInputObjectType(t)) return Object.fromEntries(Object.values(t.getFields()).map((f) => [f.name, placeholder(f.type)]));
  const byName: Record<string, unknown> = { Int: 1, Float: 1.5, Boolean: true, String: 'x', ID: 'x', JSON: {}, DateTime: '2026-11-01T02:00:00Z' };
  if (!(t.name in byName)) throw new Error(`no placeholder for ${t.name}`);
  return byName[t.name];
}

/**
 * Variables for an operation: required ones get a placeholder, optional ones are left out (so
 * list arguments take their defaults, as when a client sends null).
 */
function requiredVariables(source: string): Record<string, unknown> {
  const vars: Record<string, unknown> = {};
  for (const def of parse(source).definitions) {
    if (def.kind !== Kind.OPERATION_DEFINITION) continue;
    for (const v of def.variableDefinitions ?? []) {
      if (v.type.kind !== Kind.NON_NULL_TYPE || v.defaultValue) continue;
      vars[v.variable.name.value] = placeholder(typeFromAST(schema, v.type)!);
    }
  }
  return vars;
}

describe("the clients' own queries", () => {
  const { ops, unresolved } = clientOperations();

  it('are all found and valid against the schema', () => {
    expect(unresolved).toEqual([]);
    // The web app, the CLI and the Action send dozens of documents; finding few means the
    // extraction broke, not that the clients stopped talking.
    expect(ops.length).toBeGreaterThan(40);
    for (const dir of Object.keys(CLIENTS)) expect(ops.some((o) => o.where.startsWith(dir)), dir).toBe(true);
    // The biggest ones are among them.
    expect(ops.some((o) => o.text.includes('quanta(limit: 5000)') && o.text.includes('taskGraph'))).toBe(true);
    expect(ops.some((o) => o.text.includes('limit: 20000'))).toBe(true);
  });

  it('stay under every query limit', () => {
    const refused = ops.flatMap((o) => checkQueryLimits(schema, o.text, requiredVariables(o.text)).map((e) => `${o.where}: ${e.message}`));
    expect(refused).toEqual([]);
  });

  it('so does GraphiQL’s introspection query', () => {
    expect(checkQueryLimits(schema, getIntrospectionQuery(), {}).map((e) => e.message)).toEqual([]);
  });

  it('while the probe’s query does not', () => {
    const attack = `{ ${Array.from({ length: 100 }, (_, i) => `a${i}: runs { quanta { inputs { id } } }`).join(' ')} }`;
    expect(checkQueryLimits(schema, attack, {}).map((e) => e.extensions.code)).toEqual(['QUERY_TOO_COMPLEX']);
  });
});
