import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PipelineError } from '../../pipelines/framework/errors.ts';
import { readFits, type FitsColumn, type FitsHdu } from '../../pipelines/io/fits.ts';
import { ensureDebianBinary } from '../support/debian.ts';

/**
 * FITS files written by other software (astropy's test data: AIPS, XTE, STSDAS, IRAF, astropy;
 * see test/fixtures/fits-field/NOTICE.md) and files cfitsio writes from them at test time.
 */
const FIELD = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/fits-field');
let dir: string;
let fitscopy: string;
let imcopy: string;
let fpack: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-fits-field-'));
  fitscopy = ensureDebianBinary('fitscopy', 'libcfitsio-bin');
  imcopy = ensureDebianBinary('imcopy', 'libcfitsio-bin');
  fpack = ensureDebianBinary('fpack', 'libcfitsio-bin');
}, 600_000); // a fresh machine installs the Debian package first
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function field(name: string): Uint8Array {
  return new Uint8Array(fs.readFileSync(path.join(FIELD, name)));
}

/** Runs a cfitsio tool writing `out` in the temp dir and returns the file's bytes. */
function cfitsio(binary: string, args: string[], out: string): Uint8Array {
  const target = path.join(dir, out);
  fs.rmSync(target, { force: true });
  const r = spawnSync(binary, [...args, target], { encoding: 'utf8', cwd: FIELD });
  if (r.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
  return new Uint8Array(fs.readFileSync(target));
}

function column(hdu: FitsHdu, name: string): FitsColumn {
  const c = hdu.table?.columns.find((col) => col.name === name);
  if (!c) throw new Error(`no column ${name} in ${hdu.name}`);
  return c;
}

function thrown(read: () => unknown): PipelineError {
  try {
    read();
  } catch (e) {
    if (e instanceof PipelineError) return e;
    throw e;
  }
  throw new Error('expected an error');
}

describe('CHECKSUM and DATASUM', () => {
  it('verifies the checksums of an AIPS image and an XTE table and reads both', () => {
    const hdus = readFits(field('checksum.fits'), { file: 'checksum.fits' });
    expect(hdus.map((h) => h.kind)).toEqual(['primary', 'bintable']);
    expect(hdus[0]!.data).toBeInstanceOf(Int16Array);
    expect(hdus[0]!.shape).toEqual([30, 40]);
    const rate = hdus[1]!;
    expect(rate.name).toBe('RATE');
    expect(rate.table!.rows).toBe(5);
    expect(column(rate, 'TIME').values).toBeInstanceOf(Float64Array);
    expect((column(rate, 'TIME').values as Float64Array)[0]).toBeCloseTo(735.372046425924, 12);
    expect((column(rate, 'RATE').values as Float32Array)[0]).toBeCloseTo(23.5946388, 6);
  });

  it("refuses astropy's altered checksum file, naming the file, HDU and keyword", () => {
    const e = thrown(() => readFits(field('checksum_false.fits'), { file: 'checksum_false.fits' }));
    expect(e.code).toBe('CHECKSUM_MISMATCH');
    expect(e.message).toMatch(/^checksum_false\.fits: HDU 0: DATASUM does not match the data: header says 3949466131, computed 3949456131/);
    expect(e.details).toMatchObject({ file: 'checksum_false.fits', hdu: 0, keyword: 'DATASUM' });
  });

  it('one flipped byte in the table data is caught in that HDU, named by EXTNAME', () => {
    const bytes = field('checksum.fits');
    // rawData is a view of the file's bytes: editing it edits the file.
    const hdus = readFits(bytes);
    const tableData = hdus[1]!.rawData!;
    tableData[3] = tableData[3]! ^ 0x10;
    const e = thrown(() => readFits(bytes, { file: 'edited.fits' }));
    expect(e.code).toBe('CHECKSUM_MISMATCH');
    expect(e.message).toMatch(/^edited\.fits: HDU 1 \(RATE\): DATASUM does not match/);
    expect(readFits(bytes, { verifyChecksums: false })[1]!.table!.rows).toBe(5);
  });

  it('a header card changed after the checksum was computed fails CHECKSUM, not DATASUM', () => {
    const bytes = field('checksum.fits');
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf("ORIGIN  = 'AIPSGorilla");
    bytes[at + 11] = 'B'.charCodeAt(0);
    const e = thrown(() => readFits(bytes, { file: 'renamed.fits' }));
    expect(e.message).toMatch(/^renamed\.fits: HDU 0: CHECKSUM does not match the HDU/);
    expect(e.details).toMatchObject({ keyword: 'CHECKSUM', hdu: 0 });
  });

  it('verifies the checksums cfitsio fpack writes on a tile-compressed table and the copied original', () => {
    const out = path.join(dir, 'checksum.fits.fz');
    const r = spawnSync(fpack, ['-O', out, path.join(FIELD, 'checksum.fits')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const hdus = readFits(new Uint8Array(fs.readFileSync(out)), { file: 'checksum.fits.fz' });
    expect(hdus.map((h) => [h.kind, h.name])).toEqual([
      ['primary', undefined],
      ['bintable', 'COMPRESSED_IMAGE'],
      ['bintable', 'RATE'],
    ]);
    expect(hdus[1]!.header.some((c) => c.key === 'CHECKSUM')).toBe(true);
    // A variable-length byte column: one compressed tile per row, in the heap.
    const tiles = column(hdus[1]!, 'COMPRESSED_DATA').values as Uint8Array[];
    expect(tiles).toHaveLength(40);
    expect(tiles.every((t) => t instanceof Uint8Array && t.length > 0)).toBe(true);
  });
});

describe('binary tables from other writers', () => {
  it('STSDAS table: TNULL, TSCAL/TZERO applied, strings and logicals', () => {
    const [, t] = readFits(field('tb.fits'), { file: 'tb.fits' });
    expect(t!.table!.rows).toBe(2);
    expect(Array.from(column(t!, 'c1').values as Int32Array)).toEqual([1, 2]);
    expect(Array.from(column(t!, 'c1').nulls!)).toEqual([0, 0]);
    expect(column(t!, 'c2').values).toEqual(['abc', 'xy']);
    // TSCAL3 = 3, TZERO3 = 0.4 on float32 storage: astropy reads 3.7 and 6.7.
    const c3 = column(t!, 'c3').values as Float64Array;
    expect(c3[0]).toBeCloseTo(3.7, 6);
    expect(c3[1]).toBeCloseTo(6.7, 6);
    expect(column(t!, 'c4').values).toEqual([[false], [true]]);
  });

  it('unsigned integers via TZERO, TNULL and NaN, in a table cfitsio writes', () => {
    // cfitsio's calculator cannot write unsigned columns, so the stored values are written first
    // and the TZERO/TNULL keywords added in a second pass, as a hand-made file would be.
    cfitsio(fitscopy, ['tb.fits[1][col c1; U(1I) = c1 + 60000 - 32768; V(1J) = c1 + 3000000000 - 2147483648; UN(1I) = c1 == 2 ? 7 : c1 + 40000 - 32768; S(1B) = c1 - 100 + 128; N(1E) = c1 == 1 ? #NULL : c3]'], 'stored.fits');
    const bytes = cfitsio(fitscopy, [`${path.join(dir, 'stored.fits')}[1][col *; #TZERO2 = 32768; #TZERO3 = 2147483648; #TZERO4 = 32768; #TNULL4 = 7; #TZERO5 = -128]`], 'unsigned.fits');
    const t = readFits(bytes, { file: 'unsigned.fits' })[1]!;
    expect(column(t, 'U').values).toEqual(Uint16Array.from([60001, 60002]));
    expect(column(t, 'V').values).toEqual(Uint32Array.from([3000000001, 3000000002]));
    expect(column(t, 'UN').values).toBeInstanceOf(Uint16Array);
    expect(Array.from(column(t, 'UN').nulls!)).toEqual([0, 1]);
    expect((column(t, 'UN').values as Uint16Array)[0]).toBe(40001);
    expect(column(t, 'S').values).toEqual(Int8Array.from([-99, -98]));
    const n = column(t, 'N').values as Float32Array;
    expect(Number.isNaN(n[0])).toBe(true);
    expect(n[1]).toBeCloseTo(6.7, 5);

    // cfitsio's own reading of the physical values, written as plain int32/float64 columns, agrees.
    const check = readFits(cfitsio(fitscopy, [`${path.join(dir, 'unsigned.fits')}[1][col U2(1J) = U; V2(1D) = V; S2(1J) = S]`], 'check.fits'))[1]!;
    expect(Array.from(column(check, 'U2').values as Int32Array)).toEqual(Array.from(column(t, 'U').values as Uint16Array));
    expect(Array.from(column(check, 'V2').values as Float64Array)).toEqual(Array.from(column(t, 'V').values as Uint32Array));
    expect(Array.from(column(check, 'S2').values as Int32Array)).toEqual(Array.from(column(t, 'S').values as Int8Array));
  });

  it('variable-length arrays in the heap and repeated columns', () => {
    const [, t] = readFits(field('variable_length_table.fits'));
    const v = column(t!, 'var');
    expect(v.format).toBe('PI(3)');
    expect((v.values as Int16Array[]).map((a) => Array.from(a))).toEqual([
      [45, 56],
      [11, 12, 13],
    ]);
    expect((column(t!, 'xyz').values as Int16Array[]).map((a) => Array.from(a))).toEqual([
      [11, 3],
      [12, 4],
    ]);
  });

  it('AIPS file with five tables, a zero-width column and a zero-size primary', () => {
    const hdus = readFits(field('zerowidth.fits'), { file: 'zerowidth.fits' });
    expect(hdus.map((h) => h.name)).toEqual([undefined, 'AIPS FQ', 'AIPS AN', 'AIPS WX', 'AIPS OF', 'AIPS UV']);
    expect(hdus[0]!.data).toBeNull();
    const an = hdus[2]!;
    expect(column(an, 'ANNAME').values).toHaveLength(29);
    expect((column(an, 'ANNAME').values as string[])[0]).toBe('VLA:_W16');
    expect((column(an, 'ORBPARM').values as Float64Array[]).every((a) => a.length === 0)).toBe(true);
    expect((column(an, 'STABXYZ').values as Float64Array[])[0]).toHaveLength(3);
  });

  it('logical nulls read as null, not false', () => {
    const [, t] = readFits(field('logical_null.fits'));
    expect(column(t!, 'flag').values).toEqual([[true], [null], [false]]);
  });

  it('a TFORM that does not add up to NAXIS1 is refused, naming the file, HDU and keyword', () => {
    const bytes = field('btable.fits');
    const text = Buffer.from(bytes).toString('latin1');
    const at = text.indexOf("TFORM2  = '20A");
    bytes.set(Buffer.from("'21A"), at + 10);
    const e = thrown(() => readFits(bytes, { file: 'btable.fits' }));
    expect(e.code).toBe('FITS_INVALID');
    expect(e.message).toBe('btable.fits: HDU 1: BINTABLE columns take 37 bytes per row but NAXIS1 is 36');
  });
});

describe('images from other writers', () => {
  it('IRAF multi-extension file: empty extensions and uint16 via BZERO, as cfitsio reads them', () => {
    const hdus = readFits(field('o4sp040b0_raw.fits'), { file: 'o4sp040b0_raw.fits' });
    expect(hdus.map((h) => `${h.kind}:${h.name ?? ''}:${h.shape.join('x')}`)).toEqual([
      'primary::',
      'image:SCI:62x44',
      'image:ERR:',
      'image:DQ:',
      'image:SCI:62x44',
      'image:ERR:',
      'image:DQ:',
    ]);
    expect(hdus[2]!.data).toBeNull();
    const sci = hdus[1]!.data!;
    expect(sci).toBeInstanceOf(Uint16Array);
    const asInt32 = readFits(cfitsio(imcopy, ['o4sp040b0_raw.fits[1][pixj1 X]'], 'sci-int32.fits'))[0]!.data!;
    expect(Array.from(asInt32, Number)).toEqual(Array.from(sci as Uint16Array));
  });

  it('BSCALE/BZERO scaled int16 and NaN, as cfitsio computes them', () => {
    const scaled = readFits(field('scale.fits'), { file: 'scale.fits' })[0]!;
    expect(scaled.data).toBeInstanceOf(Float32Array);
    const asFloat = readFits(cfitsio(imcopy, ['scale.fits[pixr1 X > 550 ? #NULL : X]'], 'scale-float.fits'))[0]!.data as Float32Array;
    const ours = scaled.data as Float32Array;
    let nans = 0;
    for (let i = 0; i < ours.length; i++) {
      if (ours[i]! > 550) {
        expect(Number.isNaN(asFloat[i])).toBe(true);
        nans++;
      } else expect(asFloat[i]).toBeCloseTo(ours[i]!, 3);
    }
    expect(nans).toBeGreaterThan(0);
  });

  it('BITPIX 64 with BLANK reads as int64', () => {
    const [hdu] = readFits(field('blank.fits'));
    expect(hdu!.data).toBeInstanceOf(BigInt64Array);
    expect(hdu!.shape).toEqual([1, 1]);
  });
});
