/**
 * The AST of a `where` expression over dimensions, e.g.
 * `instrument = 'SimCam' AND visit IN (1..10, 12) AND NOT band = :skip`.
 * Every node keeps `pos`, its 0-based offset in the source text, for error messages.
 */
export type Literal = { kind: 'literal'; value: string | number; pos: number };
export type Identifier = { kind: 'identifier'; name: string; pos: number };
export type Bind = { kind: 'bind'; name: string; pos: number };
export type Operand = Literal | Identifier | Bind;
export type Range = { kind: 'range'; start: number; stop: number; stride: number; pos: number };

export type CompareOp = '=' | '!=' | '<' | '<=' | '>' | '>=';

export type Expr =
  | { kind: 'and' | 'or'; left: Expr; right: Expr; pos: number }
  | { kind: 'not'; operand: Expr; pos: number }
  | { kind: 'compare'; op: CompareOp; left: Operand; right: Operand; pos: number }
  | { kind: 'in'; negated: boolean; operand: Operand; items: (Operand | Range)[]; pos: number };
