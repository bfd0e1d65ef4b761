import { describe, expect, it } from 'vitest';
import { parseWhere } from '../../../server/repo/where/index.ts';

function syntaxError(source: string) {
  try {
    parseWhere(source);
  } catch (e) {
    return e as { code: string; message: string; details: { column: number } };
  }
  throw new Error(`'${source}' parsed, but should not have`);
}

describe('where parser', () => {
  it('gives AND precedence over OR, and NOT over AND', () => {
    const e = parseWhere("NOT band = 'g' OR visit = 1 AND detector = 2");
    expect(e.kind).toBe('or');
    if (e.kind !== 'or') return;
    expect(e.left.kind).toBe('not');
    expect(e.right.kind).toBe('and');
  });

  it('parses IN lists with ranges, strides, binds and NOT IN', () => {
    const e = parseWhere('visit NOT IN (1..9:2, 12, :more)');
    expect(e).toMatchObject({
      kind: 'in',
      negated: true,
      items: [{ kind: 'range', start: 1, stop: 9, stride: 2 }, { kind: 'literal', value: 12 }, { kind: 'bind', name: 'more' }],
    });
  });

  it('reads string literals with doubled quotes and negative numbers', () => {
    expect(parseWhere("physical_filter = 'it''s'")).toMatchObject({ right: { value: "it's" } });
    expect(parseWhere('tract >= -1')).toMatchObject({ op: '>=', right: { value: -1 } });
    expect(parseWhere('visit <> 3')).toMatchObject({ op: '!=' });
  });

  it('keywords are case-insensitive and parentheses group', () => {
    const e = parseWhere("(visit = 1 or visit = 2) and band in ('g')");
    expect(e.kind).toBe('and');
  });

  it.each([
    ['visit = ', 9, 'expected a dimension name'],
    ["band = 'g", 8, 'unterminated string'],
    ['visit = 1 AND', 14, 'the end of the expression'],
    ['visit 1', 7, 'expected a comparison'],
    ['(visit = 1', 11, "expected ')'"],
    ['visit = 1)', 10, "unexpected ')'"],
    ['visit IN 1', 10, "expected '(' after IN"],
    ['visit # 1', 7, "unexpected character '#'"],
    ['', 1, 'empty expression'],
  ])('a syntax error in %j names column %i', (source, column, text) => {
    const err = syntaxError(source);
    expect(err.code).toBe('WHERE_SYNTAX');
    expect(err.details.column).toBe(column);
    expect(err.message).toContain(`column ${column}`);
    expect(err.message).toContain(text);
    // The caret line points at the column.
    expect(err.message.split('\n')[2]).toBe(`  ${' '.repeat(column - 1)}^`);
  });
});

describe('pinned data IDs', () => {
  it('are found only when AND terms give every required dimension one value', async () => {
    const { pinnedDataId } = await import('../../../server/repo/where/index.ts');
    const req = ['instrument', 'visit', 'detector'];
    expect(pinnedDataId(parseWhere("instrument = 'X' AND 3 = visit AND detector = :d"), req, { d: 1 })).toEqual({ instrument: 'X', visit: 3, detector: 1 });
    expect(pinnedDataId(parseWhere("instrument = 'X' AND visit = 3"), req, {})).toBeUndefined();
    expect(pinnedDataId(parseWhere("instrument = 'X' AND visit = 3 OR detector = 1"), req, {})).toBeUndefined();
    expect(pinnedDataId(parseWhere("instrument = 'X' AND visit = 3 AND visit = 4 AND detector = 1"), req, {})).toBeUndefined();
    expect(pinnedDataId(parseWhere("instrument = 'X' AND visit = 3 AND detector IN (1)"), req, {})).toBeUndefined();
  });
});
