import fs from 'node:fs';
import path from 'node:path';
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
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { checkQueryLimits } from '../../server/graphql/protection.ts';
import { veraSchema } from '../../server/graphql/yoga.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';

/**
 * The query limits must not refuse Vera's own clients: every GraphQL document the web app, the
 * CLI and the GitHub Action send (found in their sources, with constants and conditional parts
 * filled in at their largest) stays under them, with the defaults their variables leave.
 */
const CLIENT_DIRS = ['dashboard/src', 'cli', 'gh-actions/verify/src'];

function sourceFiles(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return /\.ts$/.test(e.name) && !e.name.endsWith('.d.ts') ? [p] : [];
  });
}

interface Found {
  file: string;
  line: number;
  text: string | undefined;
}

/** String and template literals of every client file, templates resolved where they can be. */
function literals(): Found[] {
  const files = CLIENT_DIRS.flatMap((d) => sourceFiles(path.join(PROJECT_ROOT, d))).map((f) => ts.createSourceFile(f, fs.readFileSync(f, 'utf8'), ts.ScriptTarget.Latest, true));
  // Constants: a file's own first, then those exported anywhere (TASK_GRAPH_FIELDS).
  const local = new Map<ts.SourceFile, Map<string, ts.Expression>>();
  const exported = new Map<string, ts.Expression>();
  for (const f of files) {
    const consts = new Map<string, ts.Expression>();
    const visit = (n: ts.Node) => {
      if (ts.isVariableDeclaration(n) && ts.isIdentifier(n.name) && n.initializer && (n.parent.flags & ts.NodeFlags.Const) !== 0) {
        consts.set(n.name.text, n.initializer);
        const statement = n.parent.parent;
        if (ts.isVariableStatement(statement) && statement.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) exported.set(n.name.text, n.initializer);
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
    local.set(f, consts);
  }
  const resolve = (e: ts.Expression, f: ts.SourceFile, depth = 0): string | undefined => {
    if (depth > 10) return undefined;
    if (ts.isStringLiteral(e) || ts.isNoSubstitutionTemplateLiteral(e)) return e.text;
    if (ts.isParenthesizedExpression(e)) return resolve(e.expression, f, depth + 1);
    if (ts.isIdentifier(e)) {
      const init = local.get(f)!.get(e.text) ?? exported.get(e.text);
      return init ? resolve(init, f, depth + 1) : undefined;
    }
    if (ts.isConditionalExpression(e)) {
      // The larger branch: the limits must hold for the biggest variant.
      const parts = [resolve(e.whenTrue, f, depth + 1), resolve(e.whenFalse, f, depth + 1)];
      return parts.includes(undefined) ? undefined : parts.sort((a, b) => b!.length - a!.length)[0];
    }
    if (ts.isTemplateExpression(e)) {
      let out = e.head.text;
      for (const span of e.templateSpans) {
        const part = resolve(span.expression, f, depth + 1);
        if (part === undefined) return undefined;
        out += part + span.literal.text;
      }
      return out;
    }
    return undefined;
  };
  const found: Found[] = [];
  for (const f of files) {
    const visit = (n: ts.Node) => {
      if (ts.isStringLiteral(n) || ts.isNoSubstitutionTemplateLiteral(n) || ts.isTemplateExpression(n)) {
        found.push({ file: path.relative(PROJECT_ROOT, f.fileName), line: f.getLineAndCharacterOfPosition(n.getStart()).line + 1, text: resolve(n, f) });
        return;
      }
      ts.forEachChild(n, visit);
    };
    visit(f);
  }
  return found;
}

const schema = veraSchema();
/** Starts like a GraphQL operation: `query(`, `mutation {`, `{ field`. */
const LOOKS_LIKE_OPERATION = /^\s*(?:(?:query|mutation)\s*[({A-Za-z_]|\{\s*[A-Za-z_]\w*\s*[({:])/;

function clientOperations() {
  const ops: { where: string; text: string }[] = [];
  const unresolved: string[] = [];
  for (const l of literals()) {
    const where = `${l.file}:${l.line}`;
    if (l.text === undefined) continue;
    if (!LOOKS_LIKE_OPERATION.test(l.text)) continue;
    let doc;
    try {
      doc = parse(l.text);
    } catch {
      continue; // a JSON text or a message that happens to start with "{ x:"
    }
    const errors = validate(schema, doc, specifiedRules);
    if (errors.length > 0) unresolved.push(`${where}: ${errors[0]!.message}`);
    else ops.push({ where, text: l.text });
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
    for (const dir of CLIENT_DIRS) expect(ops.some((o) => o.where.startsWith(dir)), dir).toBe(true);
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
