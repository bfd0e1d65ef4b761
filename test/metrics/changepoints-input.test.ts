import { describe, expect, it } from 'vitest';
import { parseSeriesText } from '../../server/metrics/changepoints/index.ts';

/** The CSV reader of `vera changepoints` (server/metrics/changepoints/input.ts): RFC 4180 quoting, line ends, errors' line numbers. */
const parse = (text: string, column?: string) => parseSeriesText(text, { source: 's.csv', column });
const message = (text: string, column?: string) => {
  try {
    parse(text, column);
  } catch (e) {
    return (e as Error).message;
  }
  throw new Error('expected a parse error');
};

describe('vera changepoints CSV input', () => {
  it('reads quoted cells holding commas, doubled quotes and newlines, and counts their lines', () => {
    const text = 'name,value\n"a, ""b""\nc",1.5\nplain,2\n"q"uoted" mid",3\n';
    expect(parse(text)).toEqual({ values: [1.5, 2, 3], column: 'value' });
    // The quoted cell spans lines 2 and 3, so the bad value is on line 5.
    expect(message('name,value\n"a\nb",1\nc,2\nd,oops\n')).toBe('s.csv: line 5, column 2 ("value"): "oops" is not a number');
    expect(parse('"v"\n"4"\n')).toEqual({ values: [4], column: 'v' });
  });

  it('ends lines at \\n, \\r\\n and a lone \\r, skips blank lines and a byte order mark', () => {
    expect(parse('\uFEFFt,v\r\n0,1\r\n\r\n1,2\r2,3\n\n\n3, 4 \n')).toEqual({ values: [1, 2, 3, 4], column: 'v' });
    expect(message('v\r\n1\r\n\r\nx\r\n')).toBe('s.csv: line 4, column 1 ("v"): "x" is not a number');
  });

  it('picks the named column, else the last numeric one, and names what is missing', () => {
    expect(parse('a,b,c\n1,2,x\n3,4,y\n')).toEqual({ values: [2, 4], column: 'b' });
    expect(parse('a,b,c\n1,2,x\n3,4,y\n', 'a')).toEqual({ values: [1, 3], column: 'a' });
    expect(message('a,b\n1,2\n3\n')).toBe('s.csv: line 3, column 2 ("b"): missing (the row has 1 cells) is not a number');
    expect(message('a,b\n', 'zzz')).toBe('s.csv: CSV has a header but no data rows');
    expect(message('a,b\n1,2\n', 'zzz')).toBe('s.csv: no column "zzz" in the header (columns: a, b)');
    expect(message('\n\n')).toBe('s.csv: empty input, expected a CSV header or a JSON array');
    expect(message('a,b\nx,0x10\n')).toBe('s.csv: no numeric column (line 2 has no number in any column)');
  });
});
