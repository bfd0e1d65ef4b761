import { PipelineError } from '../framework/errors.ts';
import type { FitsPixels } from './fits-data.ts';
import { headerNumber, headerString, headerValue } from './fits-header.ts';
import type { FitsHeader } from './fits-header.ts';

/**
 * Binary tables (FITS Standard 4.0, section 7.3) read into typed columns. Rows are NAXIS1 bytes;
 * each field is `rT` (repeat r, type T) or a variable-length descriptor `rPT(max)`/`rQT(max)`
 * pointing into the heap. Scaling is applied as the standard says (section 7.3.2): physical =
 * TZEROn + TSCALn * stored, with the unsigned-integer offsets (TZERO = 2^15, 2^31, 2^63, and -128
 * for signed bytes) read into unsigned (signed) typed arrays rather than floats.
 */

/** One cell of a column whose rows are not plain numbers: strings, logicals, arrays, bits. */
export type FitsCell = string | boolean | null | FitsPixels | (boolean | null)[];

export interface FitsColumn {
  /** TTYPEn, or `col<n>` when absent. */
  name: string;
  /** TFORMn as written, e.g. `1J`, `20A`, `PI(3)`. */
  format: string;
  unit: string | undefined;
  /** Elements per row (the repeat count; for P/Q columns, 1 descriptor). */
  repeat: number;
  /**
   * Scalar numeric columns (repeat 1): one typed array of physical values. Otherwise one cell per
   * row: a string (A), logical (L, `null` for undefined), typed array (repeats, complex pairs
   * interleaved, variable-length arrays) or booleans (X bits).
   */
  values: FitsPixels | FitsCell[];
  /**
   * Rows whose stored integer equals TNULLn (1 = null), for integer columns that keep their
   * integers; scaled columns become floats with NaN instead, and float columns use NaN natively.
   */
  nulls: Uint8Array | null;
}

export interface FitsTable {
  rows: number;
  columns: FitsColumn[];
}

const TYPE_BYTES: Record<string, number> = { L: 1, X: 1, B: 1, I: 2, J: 4, K: 8, A: 1, E: 4, D: 8, C: 8, M: 16 };

interface Field {
  index: number;
  name: string;
  format: string;
  type: string;
  repeat: number;
  offset: number;
  /** For P and Q: the element type in the heap. */
  heapType: string | undefined;
  descriptor: 'P' | 'Q' | undefined;
  bytes: number;
}

function parseForm(form: string, index: number): Omit<Field, 'index' | 'name' | 'offset'> {
  const m = /^(\d*)([LXBIJKAEDCMPQ])([LXBIJKAEDCM]?)(\(\d*\))?/.exec(form.trim());
  if (!m) throw new PipelineError('FITS_INVALID', `TFORM${index} '${form}' is not a binary table format`, { keyword: `TFORM${index}`, value: form });
  const repeat = m[1] === '' ? 1 : Number(m[1]);
  const type = m[2]!;
  if (type === 'P' || type === 'Q') {
    if (!m[3]) throw new PipelineError('FITS_INVALID', `TFORM${index} '${form}' names no element type for its variable-length array`, { keyword: `TFORM${index}` });
    return { format: form.trim(), type, repeat, heapType: m[3], descriptor: type, bytes: repeat * (type === 'P' ? 8 : 16) };
  }
  const bytes = type === 'X' ? Math.ceil(repeat / 8) : repeat * TYPE_BYTES[type]!;
  return { format: form.trim(), type, repeat, heapType: undefined, descriptor: undefined, bytes };
}

type Reader = (view: DataView, at: number) => number | bigint;

const READERS: Record<string, Reader> = {
  B: (v, at) => v.getUint8(at),
  I: (v, at) => v.getInt16(at, false),
  J: (v, at) => v.getInt32(at, false),
  K: (v, at) => v.getBigInt64(at, false),
  E: (v, at) => v.getFloat32(at, false),
  D: (v, at) => v.getFloat64(at, false),
  C: (v, at) => v.getFloat32(at, false),
  M: (v, at) => v.getFloat64(at, false),
};

/** The typed array a numeric column of this type and scaling reads into, and how a stored value maps to it. */
function numericTarget(type: string, tscal: number, tzero: number | bigint): { make: (n: number) => FitsPixels; map: (raw: number | bigint) => number | bigint } {
  const zero = Number(tzero);
  if (tscal === 1) {
    if (type === 'B' && zero === -128) return { make: (n) => new Int8Array(n), map: (r) => (r as number) - 128 };
    if (type === 'I' && zero === 32768) return { make: (n) => new Uint16Array(n), map: (r) => (r as number) + 32768 };
    if (type === 'J' && zero === 2147483648) return { make: (n) => new Uint32Array(n), map: (r) => (r as number) + 2147483648 };
    if (type === 'K' && BigInt(tzero) === 9223372036854775808n) return { make: (n) => new BigUint64Array(n), map: (r) => (r as bigint) + 9223372036854775808n };
    if (zero === 0) {
      const same = (r: number | bigint) => r;
      if (type === 'B') return { make: (n) => new Uint8Array(n), map: same };
      if (type === 'I') return { make: (n) => new Int16Array(n), map: same };
      if (type === 'J') return { make: (n) => new Int32Array(n), map: same };
      if (type === 'K') return { make: (n) => new BigInt64Array(n), map: same };
      if (type === 'E' || type === 'C') return { make: (n) => new Float32Array(n), map: same };
      return { make: (n) => new Float64Array(n), map: same };
    }
  }
  return { make: (n) => new Float64Array(n), map: (r) => Number(r) * tscal + zero };
}

function decodeNumbers(view: DataView, at: number, count: number, type: string, scaling: Scaling): { values: FitsPixels; nullAt: number[] } {
  const size = TYPE_BYTES[type]!;
  const read = READERS[type]!;
  const elements = type === 'C' || type === 'M' ? count * 2 : count;
  const step = type === 'C' || type === 'M' ? size / 2 : size;
  const { make, map } = numericTarget(type, scaling.tscal, scaling.tzero);
  const values = make(elements);
  const floats = values instanceof Float32Array || values instanceof Float64Array;
  const nullAt: number[] = [];
  for (let k = 0; k < elements; k++) {
    const raw = read(view, at + k * step);
    // TNULL compares the stored integer, before scaling (standard 4.0, section 7.3.2).
    const isNull = scaling.tnull !== undefined && (typeof raw === 'bigint' ? raw === BigInt(scaling.tnull) : raw === Number(scaling.tnull));
    if (isNull && floats) values[k] = Number.NaN;
    else (values as { [i: number]: number | bigint })[k] = map(raw);
    if (isNull) nullAt.push(k);
  }
  return { values, nullAt };
}

interface Scaling {
  tscal: number;
  tzero: number | bigint;
  tnull: number | bigint | undefined;
}

function scalingOf(header: FitsHeader, n: number): Scaling {
  const tzero = headerValue(header, `TZERO${n}`);
  const tnull = headerValue(header, `TNULL${n}`);
  return {
    tscal: headerNumber(header, `TSCAL${n}`) ?? 1,
    tzero: typeof tzero === 'number' || typeof tzero === 'bigint' ? tzero : 0,
    tnull: typeof tnull === 'number' || typeof tnull === 'bigint' ? tnull : undefined,
  };
}

function logicals(view: DataView, at: number, count: number): (boolean | null)[] {
  const out: (boolean | null)[] = [];
  for (let k = 0; k < count; k++) {
    const c = view.getUint8(at + k);
    out.push(c === 0x54 ? true : c === 0x46 ? false : null);
  }
  return out;
}

function text(bytes: Uint8Array, at: number, count: number): string {
  const raw = Buffer.from(bytes.buffer, bytes.byteOffset + at, count).toString('latin1');
  // A NUL ends the string; trailing blanks are not significant (section 7.3.3.1).
  const nul = raw.indexOf('\0');
  return (nul < 0 ? raw : raw.slice(0, nul)).replace(/ +$/, '');
}

function bits(view: DataView, at: number, count: number): boolean[] {
  const out: boolean[] = [];
  for (let k = 0; k < count; k++) out.push(((view.getUint8(at + (k >> 3)) >> (7 - (k & 7))) & 1) === 1);
  return out;
}

/** One cell of `type` holding `count` elements at byte `at`. */
function cell(bytes: Uint8Array, view: DataView, at: number, count: number, type: string, scaling: Scaling): { value: FitsCell; nullAt: number[] } {
  if (type === 'A') return { value: text(bytes, at, count), nullAt: [] };
  if (type === 'L') return { value: logicals(view, at, count), nullAt: [] };
  if (type === 'X') return { value: bits(view, at, count), nullAt: [] };
  const { values, nullAt } = decodeNumbers(view, at, count, type, scaling);
  return { value: values, nullAt };
}

/**
 * Reads a BINTABLE's columns from its data (main table then heap; `data` is NAXIS1 * NAXIS2 +
 * PCOUNT bytes). Errors name the keyword at fault; the caller adds the file and HDU.
 */
export function readBinTable(header: FitsHeader, data: Uint8Array): FitsTable {
  const rowBytes = headerNumber(header, 'NAXIS1') ?? 0;
  const rows = headerNumber(header, 'NAXIS2') ?? 0;
  const fieldCount = headerNumber(header, 'TFIELDS');
  if (fieldCount === undefined || !Number.isInteger(fieldCount) || fieldCount < 0) {
    throw new PipelineError('FITS_INVALID', 'BINTABLE lacks an integer TFIELDS', { keyword: 'TFIELDS' });
  }
  const fields: Field[] = [];
  let offset = 0;
  for (let n = 1; n <= fieldCount; n++) {
    const form = headerString(header, `TFORM${n}`);
    if (form === undefined) throw new PipelineError('FITS_INVALID', `BINTABLE lacks TFORM${n}`, { keyword: `TFORM${n}` });
    const f = parseForm(form, n);
    fields.push({ ...f, index: n, name: headerString(header, `TTYPE${n}`)?.trim() || `col${n}`, offset });
    offset += f.bytes;
  }
  if (offset !== rowBytes) {
    throw new PipelineError('FITS_INVALID', `BINTABLE columns take ${offset} bytes per row but NAXIS1 is ${rowBytes}`, { keyword: 'NAXIS1', columnsBytes: offset, naxis1: rowBytes });
  }
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const heapStart = headerNumber(header, 'THEAP') ?? rowBytes * rows;
  const columns = fields.map((f): FitsColumn => {
    const scaling = scalingOf(header, f.index);
    const nulls = scaling.tnull !== undefined ? new Uint8Array(rows) : null;
    const column = { name: f.name, format: f.format, unit: headerString(header, `TUNIT${f.index}`)?.trim() || undefined, repeat: f.repeat, nulls };
    const numeric = READERS[f.type] !== undefined && f.type !== 'C' && f.type !== 'M';
    if (numeric && f.repeat === 1) {
      const { make } = numericTarget(f.type, scaling.tscal, scaling.tzero);
      const values = make(rows) as { [i: number]: number | bigint } & FitsPixels;
      for (let r = 0; r < rows; r++) {
        const one = decodeNumbers(view, r * rowBytes + f.offset, 1, f.type, scaling);
        values[r] = one.values[0]!;
        if (one.nullAt.length > 0) nulls![r] = 1;
      }
      return { ...column, values };
    }
    const cells: FitsCell[] = [];
    for (let r = 0; r < rows; r++) {
      let at = r * rowBytes + f.offset;
      let count = f.repeat;
      let type = f.type;
      if (f.descriptor) {
        // A descriptor is (element count, byte offset into the heap): 32-bit for P, 64-bit for Q.
        count = f.descriptor === 'P' ? view.getInt32(at, false) : Number(view.getBigInt64(at, false));
        const heapOffset = f.descriptor === 'P' ? view.getInt32(at + 4, false) : Number(view.getBigInt64(at + 8, false));
        type = f.heapType!;
        at = heapStart + heapOffset;
        const size = type === 'X' ? Math.ceil(count / 8) : count * TYPE_BYTES[type]!;
        if (count < 0 || heapOffset < 0 || at + size > data.length) {
          throw new PipelineError('FITS_INVALID', `row ${r + 1} of column ${f.name} points outside the heap`, { column: f.name, row: r + 1, count, heapOffset });
        }
      }
      const { value, nullAt } = cell(data, view, at, count, type, scaling);
      if (nullAt.length > 0 && nulls) nulls[r] = 1;
      cells.push(value);
    }
    return { ...column, values: cells };
  });
  return { rows, columns };
}
