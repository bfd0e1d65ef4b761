export type { Expr, Operand, Range, CompareOp } from './ast.ts';
export { parseWhere } from './parser.ts';
export { compileWhere, type CompileContext, type BindValue } from './compile.ts';
export { pinnedDataId } from './pinned.ts';
export { wherePredicate } from './evaluate.ts';
