import { PipelineError } from '../framework/errors.ts';

/**
 * FITS header cards: formatting and parsing of 80-character keyword records, following the FITS
 * Standard 4.0 (Pence et al. 2010 for 3.0; IAU FITS WG 2016 for 4.0), section 4.
 *
 * - Values are written in fixed format (strings open in column 11; numbers and logicals end in
 *   column 30), which the standard requires for mandatory keywords and recommends for all.
 * - Strings longer than 68 characters use the CONTINUE long-string convention (standard 4.0,
 *   section 4.2.1.2): each piece but the last ends in '&'.
 * - Commentary cards (COMMENT, HISTORY, blank keyword) carry text only, in columns 9-80.
 */

/** A header value. Integers beyond 2^53 (e.g. BZERO = 2^63) are bigint; `null` is an undefined value. */
export type FitsValue = string | number | bigint | boolean | null;

/**
 * One header card. Value cards have `value` (possibly `null` for an undefined value); commentary
 * cards (COMMENT, HISTORY, '') have no `value` and carry their text in `comment`.
 */
export interface FitsCard {
  key: string;
  value?: FitsValue;
  comment?: string;
}

export type FitsHeader = FitsCard[];

export const CARD_LENGTH = 80;
const COMMENTARY_KEYS = new Set(['COMMENT', 'HISTORY', '']);
const KEY_PATTERN = /^[A-Z0-9_-]{0,8}$/;
/** Longest string (between quotes, quotes not doubled) that fits on one card: 80 - 10 - 2. */
const MAX_STRING_ON_CARD = 68;

export function isCommentaryKey(key: string): boolean {
  return COMMENTARY_KEYS.has(key);
}

function assertAscii(text: string, what: string): void {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x20 || c > 0x7e) {
      throw new PipelineError('BAD_INPUT', `FITS ${what} may hold only printable ASCII`, { text, position: i });
    }
  }
}

/** Shortest decimal that reads back to the same double, in FITS syntax (always a '.' or 'E'). */
export function formatFitsNumber(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (!Number.isFinite(value)) {
    throw new PipelineError('BAD_INPUT', 'FITS header numbers must be finite', { value: String(value) });
  }
  if (Number.isSafeInteger(value)) return String(value);
  const s = String(value);
  const e = s.indexOf('e');
  if (e < 0) return s.includes('.') ? s : `${s}.0`;
  const mantissa = s.slice(0, e);
  return `${mantissa.includes('.') ? mantissa : `${mantissa}.0`}E${s.slice(e + 1)}`;
}

function quote(text: string): string {
  const inner = text.replace(/'/g, "''");
  // Fixed format: the closing quote is at or after column 20, i.e. at least 8 characters inside.
  return `'${inner.padEnd(8, ' ')}'`;
}

function withComment(prefix: string, comment: string | undefined): string {
  if (comment === undefined || comment === '') return prefix.padEnd(CARD_LENGTH, ' ');
  const room = CARD_LENGTH - prefix.length - 3;
  if (room <= 0) return prefix.padEnd(CARD_LENGTH, ' ');
  return `${prefix} / ${comment.slice(0, room)}`.padEnd(CARD_LENGTH, ' ');
}

/** Splits a long string into CONTINUE pieces of at most 67 characters plus '&', never inside a doubled quote. */
function splitLongString(text: string): string[] {
  const pieces: string[] = [];
  let rest = text;
  while (rest.length > 0) {
    let n = 0;
    let quoted = 0;
    // 67 characters of quoted room per piece, leaving one for the '&'.
    while (n < rest.length && quoted + (rest[n] === "'" ? 2 : 1) <= MAX_STRING_ON_CARD - 1) {
      quoted += rest[n] === "'" ? 2 : 1;
      n++;
    }
    pieces.push(rest.slice(0, n));
    rest = rest.slice(n);
  }
  return pieces;
}

/** Formats one card as one or more 80-character records (more only for long strings and comments). */
export function formatCard(card: FitsCard): string[] {
  const key = card.key;
  if (!KEY_PATTERN.test(key)) {
    throw new PipelineError('BAD_INPUT', 'FITS keywords are 0-8 characters of A-Z, 0-9, _ and -', { key });
  }
  if (card.comment !== undefined) assertAscii(card.comment, 'comments');
  const name = key.padEnd(8, ' ');
  if (card.value === undefined) {
    if (!isCommentaryKey(key)) {
      throw new PipelineError('BAD_INPUT', `FITS keyword ${key} needs a value (use null for an undefined value)`, { key });
    }
    const text = card.comment ?? '';
    const records: string[] = [];
    for (let i = 0; i === 0 || i < text.length; i += 72) records.push(`${name}${text.slice(i, i + 72)}`.padEnd(CARD_LENGTH, ' '));
    return records;
  }
  if (isCommentaryKey(key)) {
    throw new PipelineError('BAD_INPUT', `FITS commentary keyword ${key || '(blank)'} cannot carry a value`, { key });
  }
  const value = card.value;
  if (typeof value === 'string') {
    assertAscii(value, 'string values');
    if (value.replace(/'/g, "''").length <= MAX_STRING_ON_CARD) return [withComment(`${name}= ${quote(value)}`, card.comment)];
    const pieces = splitLongString(value);
    return pieces.map((piece, i) => {
      const last = i === pieces.length - 1;
      const body = `'${piece.replace(/'/g, "''")}${last ? '' : '&'}'`;
      const head = i === 0 ? `${name}= ` : 'CONTINUE  ';
      return last ? withComment(head + body, card.comment) : (head + body).padEnd(CARD_LENGTH, ' ');
    });
  }
  let field: string;
  if (value === null) field = '';
  else if (typeof value === 'boolean') field = (value ? 'T' : 'F').padStart(20, ' ');
  else field = formatFitsNumber(value).padStart(20, ' ');
  return [withComment(`${name}= ${field}`, card.comment)];
}

function parseNumberOrNull(token: string, line: string): FitsValue {
  if (token === '') return null;
  if (token === 'T') return true;
  if (token === 'F') return false;
  if (/^[+-]?\d+$/.test(token)) {
    const n = Number(token);
    return Number.isSafeInteger(n) ? n : BigInt(token);
  }
  if (/^[+-]?(\d+\.?\d*|\.\d+)([EeDd][+-]?\d+)?$/.test(token)) return Number(token.replace(/[Dd]/, 'E'));
  // Complex values "(re, im)" and other rarities are kept as their literal text.
  if (/^\(.*\)$/.test(token)) return token;
  throw new PipelineError('FITS_INVALID', 'unparseable FITS header value', { card: line.trimEnd() });
}

interface ParsedValue {
  value: FitsValue;
  comment: string | undefined;
}

/** Parses the value field (columns 11-80) of a value card. */
function parseValueField(field: string, line: string): ParsedValue {
  let i = 0;
  while (i < field.length && field[i] === ' ') i++;
  let value: FitsValue;
  let rest: string;
  if (field[i] === "'") {
    let text = '';
    let j = i + 1;
    for (;;) {
      if (j >= field.length) throw new PipelineError('FITS_INVALID', 'unterminated FITS string value', { card: line.trimEnd() });
      if (field[j] === "'") {
        if (field[j + 1] === "'") {
          text += "'";
          j += 2;
          continue;
        }
        break;
      }
      text += field[j];
      j++;
    }
    // Trailing blanks in FITS strings are not significant (standard 4.0, 4.2.1.1); leading ones are.
    value = text.replace(/ +$/, '');
    rest = field.slice(j + 1);
  } else {
    const slash = field.indexOf('/', i);
    const token = (slash < 0 ? field.slice(i) : field.slice(i, slash)).trim();
    value = parseNumberOrNull(token, line);
    rest = slash < 0 ? '' : field.slice(slash);
  }
  const slash = rest.indexOf('/');
  if (slash < 0) return { value, comment: undefined };
  const raw = rest.slice(slash + 1);
  return { value, comment: (raw.startsWith(' ') ? raw.slice(1) : raw).trimEnd() };
}

/**
 * Parses the cards of one header (the 80-character records before END, END excluded), joining
 * CONTINUE long strings. Cards are kept in order; commentary cards keep their text.
 */
export function parseCards(records: string[]): FitsHeader {
  const cards: FitsHeader = [];
  for (let r = 0; r < records.length; r++) {
    const line = records[r]!;
    const key = line.slice(0, 8).trimEnd();
    const indicator = line.slice(8, 10);
    if (key === 'CONTINUE' && indicator !== '= ') {
      const prev = cards[cards.length - 1];
      const parsed = parseValueField(line.slice(10), line);
      if (prev && typeof prev.value === 'string' && prev.value.endsWith('&') && typeof parsed.value === 'string') {
        prev.value = prev.value.slice(0, -1) + parsed.value;
        if (parsed.comment !== undefined) prev.comment = parsed.comment;
        continue;
      }
      // A CONTINUE that continues nothing is kept as commentary, as cfitsio does.
      cards.push({ key, comment: line.slice(8).trimEnd() });
      continue;
    }
    if (indicator !== '= ' || isCommentaryKey(key) || key === 'HIERARCH') {
      cards.push({ key, comment: line.slice(8).trimEnd() });
      continue;
    }
    const parsed = parseValueField(line.slice(10), line);
    const card: FitsCard = { key, value: parsed.value };
    if (parsed.comment !== undefined && parsed.comment !== '') card.comment = parsed.comment;
    cards.push(card);
  }
  return cards;
}

/** The value of the first card with this keyword, or undefined when absent. */
export function headerValue(header: FitsHeader, key: string): FitsValue | undefined {
  for (const card of header) if (card.key === key && card.value !== undefined) return card.value;
  return undefined;
}

export function headerNumber(header: FitsHeader, key: string): number | undefined {
  const v = headerValue(header, key);
  if (typeof v === 'number') return v;
  if (typeof v === 'bigint') return Number(v);
  return undefined;
}

export function headerString(header: FitsHeader, key: string): string | undefined {
  const v = headerValue(header, key);
  return typeof v === 'string' ? v : undefined;
}

/** Sets (replacing the first) or appends a value card. */
export function setCard(header: FitsHeader, key: string, value: FitsValue, comment?: string): void {
  const card: FitsCard = comment === undefined ? { key, value } : { key, value, comment };
  const i = header.findIndex((c) => c.key === key && c.value !== undefined);
  if (i >= 0) header[i] = card;
  else header.push(card);
}
