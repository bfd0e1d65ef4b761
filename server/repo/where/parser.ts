import type { CompareOp, Expr, Operand, Range } from './ast.ts';
import { whereError } from './errors.ts';
import { tokenize, type Token, type TokenKind } from './lexer.ts';

/**
 * Recursive-descent parser. Precedence, lowest first: OR, AND, NOT, then predicates
 * (`a op b`, `a [NOT] IN (...)`) and parentheses.
 */
export function parseWhere(source: string): Expr {
  return new Parser(source).parseAll();
}

class Parser {
  private readonly tokens: Token[];
  private i = 0;

  constructor(private readonly source: string) {
    this.tokens = tokenize(source);
  }

  parseAll(): Expr {
    if (this.peek().kind === 'eof') throw this.error(this.peek(), 'empty expression');
    const expr = this.parseOr();
    const next = this.peek();
    if (next.kind !== 'eof') throw this.error(next, `unexpected ${describe(next)}; expected AND, OR or the end`);
    return expr;
  }

  private parseOr(): Expr {
    let left = this.parseAnd();
    while (this.peek().kind === 'OR') {
      const op = this.next();
      left = { kind: 'or', left, right: this.parseAnd(), pos: op.pos };
    }
    return left;
  }

  private parseAnd(): Expr {
    let left = this.parseNot();
    while (this.peek().kind === 'AND') {
      const op = this.next();
      left = { kind: 'and', left, right: this.parseNot(), pos: op.pos };
    }
    return left;
  }

  private parseNot(): Expr {
    if (this.peek().kind === 'NOT') {
      const op = this.next();
      return { kind: 'not', operand: this.parseNot(), pos: op.pos };
    }
    return this.parsePredicate();
  }

  private parsePredicate(): Expr {
    if (this.peek().kind === 'lparen') {
      this.next();
      const inner = this.parseOr();
      this.expect('rparen', "')'");
      return inner;
    }
    const left = this.parseOperand();
    const t = this.peek();
    if (t.kind === 'op') {
      this.next();
      return { kind: 'compare', op: t.text as CompareOp, left, right: this.parseOperand(), pos: t.pos };
    }
    if (t.kind === 'IN' || (t.kind === 'NOT' && this.peek(1).kind === 'IN')) {
      const negated = t.kind === 'NOT';
      if (negated) this.next();
      this.next();
      this.expect('lparen', "'(' after IN");
      const items: (Operand | Range)[] = [this.parseInItem()];
      while (this.peek().kind === 'comma') {
        this.next();
        items.push(this.parseInItem());
      }
      this.expect('rparen', "')' or ',' in the IN list");
      return { kind: 'in', negated, operand: left, items, pos: t.pos };
    }
    throw this.error(t, `expected a comparison (=, !=, <, <=, >, >=) or IN after ${describeOperand(left)}, found ${describe(t)}`);
  }

  private parseInItem(): Operand | Range {
    const first = this.parseOperand();
    if (this.peek().kind !== 'range') return first;
    const dots = this.next();
    if (first.kind !== 'literal' || !Number.isInteger(first.value)) throw this.error(dots, 'a range needs integer bounds');
    const stopTok = this.expect('number', 'an integer after ..');
    let stride = 1;
    if (this.peek().kind === 'colon') {
      this.next();
      stride = this.expect('number', 'an integer stride after :').value as number;
    }
    const stop = stopTok.value as number;
    if (!Number.isInteger(stop) || !Number.isInteger(stride) || stride <= 0) {
      throw this.error(stopTok, 'a range needs integer bounds and a positive integer stride');
    }
    return { kind: 'range', start: first.value as number, stop, stride, pos: first.pos };
  }

  private parseOperand(): Operand {
    const t = this.next();
    switch (t.kind) {
      case 'ident':
        return { kind: 'identifier', name: t.text, pos: t.pos };
      case 'number':
      case 'string':
        return { kind: 'literal', value: t.value!, pos: t.pos };
      case 'bind':
        return { kind: 'bind', name: t.value as string, pos: t.pos };
      default:
        throw this.error(t, `expected a dimension name, a literal or a :bind value, found ${describe(t)}`);
    }
  }

  private expect(kind: TokenKind, what: string): Token {
    const t = this.next();
    if (t.kind !== kind) throw this.error(t, `expected ${what}, found ${describe(t)}`);
    return t;
  }

  private peek(ahead = 0): Token {
    return this.tokens[Math.min(this.i + ahead, this.tokens.length - 1)]!;
  }

  private next(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }

  private error(t: Token, problem: string) {
    return whereError(this.source, t.pos, problem);
  }
}

function describe(t: Token): string {
  return t.kind === 'eof' ? 'the end of the expression' : `'${t.text}'`;
}

function describeOperand(o: Operand): string {
  return o.kind === 'identifier' ? `'${o.name}'` : o.kind === 'bind' ? `':${o.name}'` : `'${String(o.value)}'`;
}
