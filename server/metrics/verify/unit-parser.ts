import { VeraError } from '../../errors.ts';

/**
 * Parser for astropy's "generic" unit strings (the format `str(unit)` writes and `u.Unit(str)`
 * reads, used for every unit in lsst.verify YAML and Job JSON). It follows astropy's grammar
 * (itself the FITS standard's): `ct / s`, `m s-2`, `m**2`, `m^2`, `deg2`, `Hz(1/2)`,
 * `erg / (s cm2)`, `km/s/Mpc` (= km / (s Mpc)), `10**-3 m`, `1e-3 m`, `sqrt(Hz)`, and `''` for
 * dimensionless. After a `/`, the whole following product is the denominator, as in astropy.
 * It accepts a little more than astropy (a power after a parenthesised group, float powers
 * without parentheses); it never gives a different meaning to a string astropy accepts.
 *
 * The result lists named units with powers; resolving names is the registry's job.
 */
export interface ParsedUnit {
  multiplier: number;
  terms: Array<{ name: string; power: number }>;
}

type Token =
  | { kind: 'num'; value: number; isInt: boolean; pos: number }
  | { kind: 'sign'; value: 1 | -1; pos: number }
  | { kind: 'name'; value: string; pos: number }
  | { kind: 'func'; value: string; pos: number }
  | { kind: 'pow' | 'mul' | 'div' | 'lparen' | 'rparen'; pos: number };

const NUMBER_RE = /^(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?/;
// Unit names are runs of word characters that are not digits (astropy: ((?!\d)\w)+), or `%`.
const NAME_RE = /^(?:%|[\p{L}\p{M}_]+)/u;
const FUNC_RE = /^(sqrt|ln|exp|log|mag|dB|dex)(?=\s*\()/;

export function unitSyntaxError(text: string, pos: number, problem: string): VeraError {
  return new VeraError('UNIT_UNKNOWN', `unit '${text}': ${problem} at column ${pos + 1}`, { unit: text, column: pos + 1 });
}

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const rest = text.slice(i);
    const c = text[i] ?? '';
    if (c === ' ' || c === '\t') {
      i++;
    } else if (rest.startsWith('**')) {
      tokens.push({ kind: 'pow', pos: i });
      i += 2;
    } else if (c === '^') {
      tokens.push({ kind: 'pow', pos: i });
      i++;
    } else if (c === '*') {
      tokens.push({ kind: 'mul', pos: i });
      i++;
    } else if (c === '/') {
      tokens.push({ kind: 'div', pos: i });
      i++;
    } else if (c === '(') {
      tokens.push({ kind: 'lparen', pos: i });
      i++;
    } else if (c === ')') {
      tokens.push({ kind: 'rparen', pos: i });
      i++;
    } else if ((c === '+' || c === '-' || c === '−') && /\d/.test(text[i + 1] ?? '')) {
      tokens.push({ kind: 'sign', value: c === '+' ? 1 : -1, pos: i });
      i++;
    } else if (NUMBER_RE.test(rest)) {
      const m = NUMBER_RE.exec(rest)?.[0] ?? '';
      tokens.push({ kind: 'num', value: Number(m), isInt: /^\d+\.?$/.test(m), pos: i });
      i += m.length;
    } else if (c === '.') {
      tokens.push({ kind: 'mul', pos: i });
      i++;
    } else if (FUNC_RE.test(rest)) {
      const m = FUNC_RE.exec(rest)?.[1] ?? '';
      tokens.push({ kind: 'func', value: m, pos: i });
      i += m.length;
    } else if (NAME_RE.test(rest)) {
      const m = NAME_RE.exec(rest)?.[0] ?? '';
      tokens.push({ kind: 'name', value: m, pos: i });
      i += m.length;
    } else {
      throw unitSyntaxError(text, i, `unexpected character '${c}'`);
    }
  }
  return tokens;
}

class Parser {
  private i = 0;
  constructor(
    private readonly text: string,
    private readonly tokens: Token[],
  ) {}

  parse(): ParsedUnit {
    const start = this.i;
    const out: ParsedUnit = { multiplier: this.parseFactor(), terms: [] };
    if (this.peek()?.kind === 'mul' && this.i > start) this.i++;
    if (this.peek() !== undefined) this.parseChain(out, 1);
    const extra = this.peek();
    if (extra !== undefined) throw unitSyntaxError(this.text, extra.pos, 'unexpected token');
    return out;
  }

  private peek(offset = 0): Token | undefined {
    return this.tokens[this.i + offset];
  }

  private fail(problem: string): never {
    const t = this.peek();
    throw unitSyntaxError(this.text, t?.pos ?? this.text.length, problem);
  }

  /** Leading numeric scale: `1e-3`, `1000`, `10**-3`, `10-3`, `2.5 10**-3`. 1 when absent. */
  private parseFactor(): number {
    let factor = 1;
    for (;;) {
      const t = this.peek();
      let sign = 1;
      let offset = 0;
      if (t?.kind === 'sign' && this.peek(1)?.kind === 'num' && factor === 1) {
        sign = t.value;
        offset = 1;
      }
      const n = this.peek(offset);
      if (n?.kind !== 'num') return factor;
      this.i += offset + 1;
      let value = sign * n.value;
      const next = this.peek();
      if (next?.kind === 'pow') {
        this.i++;
        value = value ** this.parsePowerValue();
      } else if (next?.kind === 'sign' && n.isInt) {
        value = value ** this.parseSignedNumber();
      }
      factor *= value;
    }
  }

  /** product ( '/' product )*, or '/' term (an inverse, `/ s`). */
  private parseChain(out: ParsedUnit, sign: number): void {
    if (this.peek()?.kind === 'div') {
      this.i++;
      this.parseTerm(out, -sign);
      return;
    }
    this.parseProduct(out, sign);
    while (this.peek()?.kind === 'div') {
      this.i++;
      this.parseProduct(out, -sign);
    }
  }

  private parseProduct(out: ParsedUnit, sign: number): void {
    this.parseTerm(out, sign);
    for (;;) {
      const t = this.peek();
      if (t?.kind === 'mul') {
        this.i++;
        this.parseTerm(out, sign);
      } else if (t?.kind === 'name' || t?.kind === 'func' || t?.kind === 'lparen') {
        this.parseTerm(out, sign);
      } else {
        return;
      }
    }
  }

  private parseTerm(out: ParsedUnit, sign: number): void {
    const t = this.peek();
    if (t?.kind === 'name') {
      this.i++;
      out.terms.push({ name: t.value, power: sign * this.parseOptionalPower() });
    } else if (t?.kind === 'func') {
      this.i += 2; // name and '('
      if (t.value !== 'sqrt') {
        throw new VeraError('UNIT_UNKNOWN', `unit '${this.text}': logarithmic unit '${t.value}(...)' is not supported`, {
          unit: this.text,
        });
      }
      this.parseGroupInto(out, sign * 0.5);
    } else if (t?.kind === 'lparen') {
      this.i++;
      this.parseGroupInto(out, sign);
    } else {
      this.fail('expected a unit name');
    }
  }

  /** The inside of `(...)` up to its `)`, then an optional power applying to the whole group. */
  private parseGroupInto(out: ParsedUnit, sign: number): void {
    const inner: ParsedUnit = { multiplier: 1, terms: [] };
    this.parseChain(inner, 1);
    if (this.peek()?.kind !== 'rparen') this.fail("expected ')'");
    this.i++;
    const power = sign * this.parseOptionalPower();
    out.multiplier *= inner.multiplier ** power;
    for (const term of inner.terms) out.terms.push({ name: term.name, power: term.power * power });
  }

  /** `**2`, `^-2`, `2`, `-2`, `(1/2)`, `(-1.5)` after a unit; 1 when absent. */
  private parseOptionalPower(): number {
    const t = this.peek();
    if (t?.kind === 'pow') {
      this.i++;
      return this.parsePowerValue();
    }
    if (t?.kind === 'num' || (t?.kind === 'sign' && this.peek(1)?.kind === 'num')) return this.parseSignedNumber();
    if (t?.kind === 'lparen' && this.isParenthesisedNumber()) return this.parsePowerValue();
    return 1;
  }

  private isParenthesisedNumber(): boolean {
    let j = 1;
    if (this.peek(j)?.kind === 'sign') j++;
    return this.peek(j)?.kind === 'num' && (this.peek(j + 1)?.kind === 'rparen' || this.peek(j + 1)?.kind === 'div');
  }

  private parsePowerValue(): number {
    if (this.peek()?.kind !== 'lparen') return this.parseSignedNumber();
    this.i++;
    let value = this.parseSignedNumber();
    if (this.peek()?.kind === 'div') {
      this.i++;
      value /= this.parseSignedNumber();
    }
    if (this.peek()?.kind !== 'rparen') this.fail("expected ')'");
    this.i++;
    return value;
  }

  private parseSignedNumber(): number {
    let sign = 1;
    const t = this.peek();
    if (t?.kind === 'sign') {
      sign = t.value;
      this.i++;
    }
    const n = this.peek();
    if (n?.kind !== 'num') this.fail('expected a number');
    this.i++;
    return sign * n.value;
  }
}

/** Parses a unit string into a numeric multiplier and named terms; names are not checked here. */
export function parseUnitExpression(text: string): ParsedUnit {
  const trimmed = text.trim();
  if (trimmed === '') return { multiplier: 1, terms: [] };
  const tokens = tokenize(trimmed);
  return new Parser(trimmed, tokens).parse();
}
