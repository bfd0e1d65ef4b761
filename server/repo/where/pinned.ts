import type { Expr, Operand } from './ast.ts';
import type { BindValue } from './compile.ts';

/**
 * The data ID an expression pins down, when its top-level AND terms give every required
 * dimension one value with `=` (e.g. `visit = 12 AND detector = 3 AND instrument = 'X'`).
 * The caller can then add `data_id = {...}`, an implied predicate the unique (type, run,
 * data ID) index answers directly, instead of intersecting large GIN posting lists.
 */
export function pinnedDataId(
  expr: Expr,
  required: readonly string[],
  bind: Readonly<Record<string, BindValue>>,
): Record<string, string | number> | undefined {
  const pinned: Record<string, string | number> = {};
  const terms: Expr[] = [];
  const collect = (e: Expr): void => {
    if (e.kind !== 'and') terms.push(e);
    else {
      collect(e.left);
      collect(e.right);
    }
  };
  collect(expr);
  const valueOf = (o: Operand): string | number | undefined => {
    if (o.kind === 'literal') return o.value;
    const v = o.kind === 'bind' || !required.includes(o.name) ? bind[o.name] : undefined;
    return typeof v === 'string' || typeof v === 'number' ? v : undefined;
  };
  for (const term of terms) {
    if (term.kind !== 'compare' || term.op !== '=') continue;
    const [dim, value] =
      term.left.kind === 'identifier' && required.includes(term.left.name)
        ? [term.left.name, valueOf(term.right)]
        : term.right.kind === 'identifier' && required.includes(term.right.name)
          ? [term.right.name, valueOf(term.left)]
          : [undefined, undefined];
    if (dim === undefined || value === undefined) continue;
    if (pinned[dim] !== undefined && pinned[dim] !== value) return undefined;
    pinned[dim] = value;
  }
  return required.every((k) => pinned[k] !== undefined) ? Object.fromEntries(required.map((k) => [k, pinned[k]!])) : undefined;
}
