import { whereError } from './errors.ts';

export type TokenKind =
  | 'ident'
  | 'number'
  | 'string'
  | 'bind'
  | 'op'
  | 'lparen'
  | 'rparen'
  | 'comma'
  | 'range'
  | 'colon'
  | 'AND'
  | 'OR'
  | 'NOT'
  | 'IN'
  | 'eof';

export interface Token {
  kind: TokenKind;
  text: string;
  value?: string | number;
  pos: number;
}

const KEYWORDS = new Set(['AND', 'OR', 'NOT', 'IN']);
const IDENT_START = /[A-Za-z_]/;
const IDENT_PART = /[A-Za-z0-9_.]/;
const NUMBER = /^(?:\d+(?:\.\d+)?(?:[eE][+-]?\d+)?)/;

export function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source[i]!;
    if (/\s/.test(ch)) {
      i++;
      continue;
    }
    const start = i;
    if (IDENT_START.test(ch)) {
      while (i < source.length && IDENT_PART.test(source[i]!)) i++;
      const text = source.slice(start, i);
      const upper = text.toUpperCase();
      tokens.push(KEYWORDS.has(upper) ? { kind: upper as TokenKind, text, pos: start } : { kind: 'ident', text, pos: start });
      continue;
    }
    if (/\d/.test(ch)) {
      // `1..5` is a range: do not let the number swallow the first dot.
      const m = NUMBER.exec(source.slice(i))!;
      let text = m[0];
      if (text.includes('.') && source.startsWith('..', i + text.indexOf('.'))) text = text.slice(0, text.indexOf('.'));
      i += text.length;
      tokens.push({ kind: 'number', text, value: Number(text), pos: start });
      continue;
    }
    if (ch === "'" || ch === '"') {
      let value = '';
      i++;
      for (;;) {
        if (i >= source.length) throw whereError(source, start, 'unterminated string literal');
        if (source[i] === ch) {
          if (source[i + 1] === ch) {
            value += ch;
            i += 2;
            continue;
          }
          i++;
          break;
        }
        value += source[i++];
      }
      tokens.push({ kind: 'string', text: source.slice(start, i), value, pos: start });
      continue;
    }
    if (ch === ':') {
      if (IDENT_START.test(source[i + 1] ?? '')) {
        i++;
        while (i < source.length && /[A-Za-z0-9_]/.test(source[i]!)) i++;
        tokens.push({ kind: 'bind', text: source.slice(start, i), value: source.slice(start + 1, i), pos: start });
      } else {
        i++;
        tokens.push({ kind: 'colon', text: ':', pos: start });
      }
      continue;
    }
    const two = source.slice(i, i + 2);
    if (two === '..') {
      i += 2;
      tokens.push({ kind: 'range', text: '..', pos: start });
      continue;
    }
    if (two === '<=' || two === '>=' || two === '!=' || two === '<>') {
      i += 2;
      tokens.push({ kind: 'op', text: two === '<>' ? '!=' : two, pos: start });
      continue;
    }
    if (ch === '=' || ch === '<' || ch === '>') {
      i++;
      tokens.push({ kind: 'op', text: ch, pos: start });
      continue;
    }
    if (ch === '(' || ch === ')' || ch === ',') {
      i++;
      tokens.push({ kind: ch === '(' ? 'lparen' : ch === ')' ? 'rparen' : 'comma', text: ch, pos: start });
      continue;
    }
    if (ch === '-' && /\d/.test(source[i + 1] ?? '')) {
      // Negative numbers are literals; there is no arithmetic in this language.
      i++;
      const m = NUMBER.exec(source.slice(i))!;
      i += m[0].length;
      tokens.push({ kind: 'number', text: source.slice(start, i), value: -Number(m[0]), pos: start });
      continue;
    }
    throw whereError(source, start, `unexpected character '${ch}'`);
  }
  tokens.push({ kind: 'eof', text: '', pos: source.length });
  return tokens;
}
