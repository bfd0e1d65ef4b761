import { sql, type SQL } from 'drizzle-orm';
import { DIMENSIONS, type DimensionKeyType } from '../universe.ts';
import type { CompareOp, Expr, Operand, Range } from './ast.ts';
import { whereError } from './errors.ts';

export type BindValue = string | number | readonly (string | number)[];

export interface CompileContext {
  source: string;
  /** The dimensions a predicate may name, with their key types. */
  dimensions: ReadonlyMap<string, DimensionKeyType>;
  /** How to name the searched thing in errors, e.g. "dataset type 'calexp' {instrument, visit, detector}". */
  subject: string;
  bind: Readonly<Record<string, BindValue>>;
  /** The jsonb column holding dimension values (`datasets.dims`). */
  dimsColumn: SQL;
}

type Resolved =
  | { kind: 'dimension'; name: string; keyType: DimensionKeyType; pos: number }
  | { kind: 'values'; values: (string | number)[]; pos: number; text: string };

/**
 * Compiles a parsed `where` expression to SQL. Every value reaches the database as a bound
 * parameter, never as SQL text; dimension names are checked against the universe and also bound.
 */
export function compileWhere(expr: Expr, ctx: CompileContext): SQL {
  switch (expr.kind) {
    case 'and':
      return sql`(${compileWhere(expr.left, ctx)} AND ${compileWhere(expr.right, ctx)})`;
    case 'or':
      return sql`(${compileWhere(expr.left, ctx)} OR ${compileWhere(expr.right, ctx)})`;
    case 'not':
      return sql`(NOT ${compileWhere(expr.operand, ctx)})`;
    case 'compare':
      return compileCompare(expr.op, resolve(expr.left, ctx), resolve(expr.right, ctx), ctx);
    case 'in':
      return compileIn(expr.negated, resolve(expr.operand, ctx), expr.items, ctx);
  }
}

function resolve(o: Operand, ctx: CompileContext): Resolved {
  if (o.kind === 'literal') return { kind: 'values', values: [o.value], pos: o.pos, text: JSON.stringify(o.value) };
  if (o.kind === 'bind') {
    if (!(o.name in ctx.bind)) throw whereError(ctx.source, o.pos, `no bind value named ':${o.name}'`, 'WHERE_UNKNOWN_NAME');
    return bindValues(o.name, o.pos, ctx);
  }
  const keyType = ctx.dimensions.get(o.name);
  if (keyType) return { kind: 'dimension', name: o.name, keyType, pos: o.pos };
  // Butler habit: a bare name that is not a dimension may name a bind value.
  if (o.name in ctx.bind) return bindValues(o.name, o.pos, ctx);
  const problem = DIMENSIONS.has(o.name)
    ? `dimension '${o.name}' is not a dimension of ${ctx.subject}`
    : `unknown name '${o.name}' (not a dimension of ${ctx.subject}, nor a bind value)`;
  throw whereError(ctx.source, o.pos, problem, 'WHERE_UNKNOWN_NAME');
}

function bindValues(name: string, pos: number, ctx: CompileContext): Resolved {
  const v = ctx.bind[name]!;
  const values = Array.isArray(v) ? [...v] : [v as string | number];
  for (const x of values) {
    if (typeof x !== 'string' && !(typeof x === 'number' && Number.isFinite(x))) {
      throw whereError(ctx.source, pos, `bind value ':${name}' must be a string, a number or a list of them`, 'WHERE_TYPE');
    }
  }
  return { kind: 'values', values, pos, text: `:${name}` };
}

function dimExpr(name: string, keyType: DimensionKeyType, ctx: CompileContext): SQL {
  return keyType === 'int' ? sql`((${ctx.dimsColumn} ->> ${name})::bigint)` : sql`(${ctx.dimsColumn} ->> ${name})`;
}

function checkType(dim: { name: string; keyType: DimensionKeyType }, values: Resolved & { kind: 'values' }, ctx: CompileContext) {
  for (const v of values.values) {
    const ok = dim.keyType === 'int' ? typeof v === 'number' && Number.isSafeInteger(v) : typeof v === 'string';
    if (!ok) {
      const want = dim.keyType === 'int' ? 'an integer' : 'a string (quote it)';
      throw whereError(ctx.source, values.pos, `'${dim.name}' takes ${want}, not ${JSON.stringify(v)}`, 'WHERE_TYPE');
    }
  }
}

function scalar(values: Resolved & { kind: 'values' }, ctx: CompileContext): string | number {
  if (values.values.length !== 1) {
    throw whereError(ctx.source, values.pos, `${values.text} is a list; use IN to compare with a list`, 'WHERE_TYPE');
  }
  return values.values[0]!;
}

function compileCompare(op: CompareOp, left: Resolved, right: Resolved, ctx: CompileContext): SQL {
  // Normalize to `dimension op value` where possible, flipping the operator.
  if (left.kind === 'values' && right.kind === 'dimension') {
    const flipped: Partial<Record<CompareOp, CompareOp>> = { '<': '>', '<=': '>=', '>': '<', '>=': '<=' };
    return compileCompare(flipped[op] ?? op, right, left, ctx);
  }
  const sqlOp = SQL_OPS[op as CompareOp];
  if (left.kind === 'dimension' && right.kind === 'dimension') {
    if (left.keyType !== right.keyType) {
      throw whereError(ctx.source, right.pos, `cannot compare '${left.name}' (${left.keyType}) with '${right.name}' (${right.keyType})`, 'WHERE_TYPE');
    }
    return sql`(${dimExpr(left.name, left.keyType, ctx)} ${sqlOp} ${dimExpr(right.name, right.keyType, ctx)})`;
  }
  if (left.kind === 'dimension' && right.kind === 'values') {
    checkType(left, right, ctx);
    const value = scalar(right, ctx);
    // Equality as jsonb containment lets Postgres use the GIN index on dims.
    if (op === '=') return sql`(${ctx.dimsColumn} @> ${JSON.stringify({ [left.name]: value })}::jsonb)`;
    if (op === '!=') return sql`(NOT ${ctx.dimsColumn} @> ${JSON.stringify({ [left.name]: value })}::jsonb)`;
    return sql`(${dimExpr(left.name, left.keyType, ctx)} ${sqlOp} ${value})`;
  }
  const a = scalar(left as Resolved & { kind: 'values' }, ctx);
  const b = scalar(right as Resolved & { kind: 'values' }, ctx);
  if (typeof a !== typeof b) throw whereError(ctx.source, right.pos, `cannot compare ${JSON.stringify(a)} with ${JSON.stringify(b)}`, 'WHERE_TYPE');
  return typeof a === 'number' ? sql`(${a}::float8 ${sqlOp} ${b}::float8)` : sql`(${a}::text ${sqlOp} ${b}::text)`;
}

/** Operators as static SQL fragments, so no user text can ever become SQL. */
const SQL_OPS: Record<CompareOp, SQL> = {
  '=': sql`=`,
  '!=': sql`<>`,
  '<': sql`<`,
  '<=': sql`<=`,
  '>': sql`>`,
  '>=': sql`>=`,
};

const MAX_RANGE_VALUES = 100_000;

function compileIn(negated: boolean, operand: Resolved, items: (Operand | Range)[], ctx: CompileContext): SQL {
  if (operand.kind !== 'dimension') throw whereError(ctx.source, operand.pos, 'the left side of IN must be a dimension', 'WHERE_TYPE');
  const values: (string | number)[] = [];
  for (const item of items) {
    if (item.kind === 'range') {
      if (operand.keyType !== 'int') throw whereError(ctx.source, item.pos, `a range needs an integer dimension; '${operand.name}' is a string`, 'WHERE_TYPE');
      const count = Math.floor((item.stop - item.start) / item.stride) + 1;
      if (count > MAX_RANGE_VALUES) throw whereError(ctx.source, item.pos, `range of ${count} values is too long (max ${MAX_RANGE_VALUES})`, 'WHERE_TYPE');
      for (let v = item.start; v <= item.stop; v += item.stride) values.push(v);
      continue;
    }
    const r = resolve(item, ctx);
    if (r.kind === 'dimension') throw whereError(ctx.source, r.pos, 'IN lists hold values, not dimensions', 'WHERE_TYPE');
    checkType(operand, r, ctx);
    values.push(...r.values);
  }
  if (values.length === 0) return negated ? sql`TRUE` : sql`FALSE`;
  const list = sql.join(
    values.map((v) => sql`${v}`),
    sql`, `,
  );
  const body = sql`${dimExpr(operand.name, operand.keyType, ctx)} IN (${list})`;
  return negated ? sql`(NOT ${body})` : sql`(${body})`;
}
