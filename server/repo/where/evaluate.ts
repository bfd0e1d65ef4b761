import { sql } from 'drizzle-orm';
import type { DimensionKeyType } from '../universe.ts';
import type { Expr, Operand } from './ast.ts';
import { compileWhere, type BindValue } from './compile.ts';

type Row = Readonly<Record<string, string | number>>;

/**
 * A `where` expression as a predicate over in-memory data IDs (the rows of a quantum graph's
 * data ID space). Names and types are checked exactly as for SQL, by compiling once; the
 * evaluation then follows SQL semantics for these comparisons.
 */
export function wherePredicate(
  expr: Expr,
  source: string,
  dimensions: ReadonlyMap<string, DimensionKeyType>,
  subject: string,
  bind: Readonly<Record<string, BindValue>>,
): (row: Row) => boolean {
  compileWhere(expr, { source, dimensions, subject, bind, dimsColumn: sql`dims` });
  const value = (o: Operand, row: Row): (string | number)[] => {
    if (o.kind === 'literal') return [o.value];
    if (o.kind === 'identifier' && dimensions.has(o.name)) return [row[o.name]!];
    const b = bind[o.name]!;
    return Array.isArray(b) ? [...b] : [b as string | number];
  };
  const compare = (op: string, a: string | number, b: string | number): boolean => {
    switch (op) {
      case '=':
        return a === b;
      case '!=':
        return a !== b;
      case '<':
        return a < b;
      case '<=':
        return a <= b;
      case '>':
        return a > b;
      default:
        return a >= b;
    }
  };
  const evaluate = (e: Expr, row: Row): boolean => {
    switch (e.kind) {
      case 'and':
        return evaluate(e.left, row) && evaluate(e.right, row);
      case 'or':
        return evaluate(e.left, row) || evaluate(e.right, row);
      case 'not':
        return !evaluate(e.operand, row);
      case 'compare':
        return compare(e.op, value(e.left, row)[0]!, value(e.right, row)[0]!);
      case 'in': {
        const v = value(e.operand, row)[0]!;
        const found = e.items.some((item) =>
          item.kind === 'range'
            ? typeof v === 'number' && v >= item.start && v <= item.stop && (v - item.start) % item.stride === 0
            : value(item, row).includes(v),
        );
        return e.negated ? !found : found;
      }
    }
  };
  return (row) => evaluate(expr, row);
}
