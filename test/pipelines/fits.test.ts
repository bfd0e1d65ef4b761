import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TanWcs } from '../../pipelines/image/types.ts';
import { pixelToSky } from '../../pipelines/image/wcs.ts';
import type { FitsHeader, FitsHduInput } from '../../pipelines/io/fits.ts';
import { findHdu, formatCard, hduToImage, hduToInput, headerValue, imageHdu, parseCards, readFits, wcsFromHeader, wcsToCards, writeFits } from '../../pipelines/io/fits.ts';
import { ensureDebianBinary } from '../support/debian.ts';

let dir: string;
let fitsverify: string;
let imcopy: string;
let fitscopy: string;

beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-fits-'));
  fitsverify = ensureDebianBinary('fitsverify', 'fitsverify');
  imcopy = ensureDebianBinary('imcopy', 'libcfitsio-bin');
  fitscopy = ensureDebianBinary('fitscopy', 'libcfitsio-bin');
}, 600_000); // a fresh machine installs the Debian packages first
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function save(name: string, bytes: Uint8Array): string {
  const file = path.join(dir, name);
  fs.writeFileSync(file, bytes);
  return file;
}

/** Runs fitsverify and returns its warning and error counts. */
function verify(file: string): { warnings: number; errors: number; output: string } {
  const r = spawnSync(fitsverify, [file], { encoding: 'utf8' });
  const m = /found (\d+) warning\(s\) and (\d+) error\(s\)/.exec(r.stdout);
  if (!m) throw new Error(`unexpected fitsverify output:\n${r.stdout}\n${r.stderr}`);
  return { warnings: Number(m[1]), errors: Number(m[2]), output: r.stdout };
}

function run(binary: string, args: string[]): void {
  const r = spawnSync(binary, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${binary} ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
}

const wcs: TanWcs = { crvalDeg: [150.1, 2.2], crpixPx: [255.5, 255.5], cdDegPerPx: [[-5.5e-5, 1.2e-7], [1.2e-7, 5.5e-5]] };

const header: FitsHeader = [
  { key: 'INSTRUME', value: 'SimCam', comment: 'instrument' },
  { key: 'OBSERVER', value: "O'Brien", comment: 'a quote inside' },
  { key: 'LEADING', value: '  spaced' },
  { key: 'EXPTIME', value: 30, comment: '[s]' },
  { key: 'NEGINT', value: -42 },
  { key: 'GAIN', value: 1.6180339887498949 },
  { key: 'TINY', value: 1.5e-300 },
  { key: 'HUGE', value: -6.02214076e23 },
  { key: 'BIGINT', value: 123456789012345678901n },
  { key: 'FLAG', value: true },
  { key: 'OFF', value: false },
  { key: 'UNDEF', value: null, comment: 'undefined on purpose' },
  { key: 'PROGRAM', value: 'a'.repeat(100) + " that's long", comment: 'a long string' },
  { key: 'COMMENT', comment: 'Written by the Vera FITS writer.' },
  { key: 'HISTORY', comment: 'step 1' },
  { key: '', comment: 'blank keyword text' },
];

function sampleFile(): { hdus: FitsHduInput[]; image: Float32Array; mask: Int32Array; variance: Float32Array } {
  const w = 37;
  const h = 23;
  const image = Float32Array.from({ length: w * h }, (_, i) => Math.sin(i) * 1000 + 0.125);
  image[5] = Number.NaN;
  image[6] = Number.POSITIVE_INFINITY;
  const mask = Int32Array.from({ length: w * h }, (_, i) => (i * 2654435761) | 0);
  const variance = Float32Array.from({ length: w * h }, (_, i) => i + 0.5);
  const hdus: FitsHduInput[] = [
    { header },
    imageHdu({ width: w, height: h, data: image }, { name: 'IMAGE', wcs, header: [{ key: 'BUNIT', value: 'electron' }] }),
    { name: 'MASK', data: mask, shape: [w, h], header: [{ key: 'MP_SAT', value: 1, comment: 'mask plane bit' }] },
    { name: 'VARIANCE', data: variance, shape: [w, h] },
  ];
  return { hdus, image, mask, variance };
}

describe('FITS writer and reader', () => {
  it('round-trips header values, pixel values and re-writes to identical bytes', () => {
    const { hdus, image, mask, variance } = sampleFile();
    const bytes = writeFits(hdus);
    expect(bytes.length % 2880).toBe(0);
    const read = readFits(bytes);
    expect(read.map((h) => [h.kind, h.name, h.bitpix, h.shape])).toEqual([
      ['primary', undefined, -32, []],
      ['image', 'IMAGE', -32, [37, 23]],
      ['image', 'MASK', 32, [37, 23]],
      ['image', 'VARIANCE', -32, [37, 23]],
    ]);
    for (const card of header) {
      if (card.value !== undefined) expect(headerValue(read[0]!.header, card.key)).toEqual(card.key === 'LEADING' ? '  spaced' : card.value);
    }
    const commentary = read[0]!.header.filter((c) => c.value === undefined).map((c) => [c.key, c.comment]);
    expect(commentary).toEqual([
      ['COMMENT', 'Written by the Vera FITS writer.'],
      ['HISTORY', 'step 1'],
      ['', 'blank keyword text'],
    ]);
    expect(Array.from(findHdu(read, 'IMAGE').data as Float32Array)).toEqual(Array.from(image));
    expect(findHdu(read, 'MASK').data).toEqual(mask);
    expect(findHdu(read, 'VARIANCE').data).toEqual(variance);
    const again = writeFits(read.map(hduToInput));
    expect(Buffer.from(again).equals(Buffer.from(bytes))).toBe(true);
  });

  it('writes 80-character ASCII cards with fixed-format values and END', () => {
    const bytes = writeFits(sampleFile().hdus);
    const text = Buffer.from(bytes.subarray(0, 2880)).toString('latin1');
    expect(text.slice(0, 80)).toBe('SIMPLE  =                    T / conforms to FITS standard'.padEnd(80));
    expect(text.slice(80, 160)).toBe('BITPIX  =                  -32 / array data type'.padEnd(80));
    expect(formatCard({ key: 'EXPTIME', value: 30 })).toEqual(['EXPTIME =                   30'.padEnd(80)]);
    expect(formatCard({ key: 'X', value: 'ab' })).toEqual(["X       = 'ab      '".padEnd(80)]);
    expect(formatCard({ key: 'F', value: 1e-7 })).toEqual(['F       =               1.0E-7'.padEnd(80)]);
    expect(/^[\x20-\x7e]*$/.test(text)).toBe(true);
    expect(text).toMatch(/END {77}/);
  });

  it('passes fitsverify with 0 warnings and 0 errors (image, mask, variance, long strings)', () => {
    const { hdus } = sampleFile();
    // An undefined value is legal FITS, but fitsverify warns about it; our own headers never use one.
    hdus[0]!.header = header.filter((c) => c.value !== null);
    const result = verify(save('sample.fits', writeFits(hdus)));
    expect(result, result.output).toMatchObject({ warnings: 0, errors: 0 });
  });

  it('stores every integer type losslessly, unsigned ones with the standard BZERO, and passes fitsverify', () => {
    const n = 6;
    const arrays = {
      U8: Uint8Array.from([0, 1, 127, 128, 200, 255]),
      I8: Int8Array.from([-128, -1, 0, 1, 100, 127]),
      I16: Int16Array.from([-32768, -1, 0, 1, 1000, 32767]),
      U16: Uint16Array.from([0, 1, 32767, 32768, 40000, 65535]),
      I32: Int32Array.from([-2147483648, -1, 0, 1, 7, 2147483647]),
      U32: Uint32Array.from([0, 1, 2147483647, 2147483648, 3000000000, 4294967295]),
      I64: BigInt64Array.from([-(2n ** 63n), -1n, 0n, 1n, 2n ** 53n + 1n, 2n ** 63n - 1n]),
      U64: BigUint64Array.from([0n, 1n, 2n ** 63n - 1n, 2n ** 63n, 2n ** 64n - 2n, 2n ** 64n - 1n]),
      F64: Float64Array.from([-1e300, -0.5, 0, Math.PI, 1e-300, Number.NaN]),
    };
    const hdus: FitsHduInput[] = [{}, ...Object.entries(arrays).map(([name, data]) => ({ name, data, shape: [n] }))];
    const bytes = writeFits(hdus);
    const read = readFits(bytes);
    for (const [name, data] of Object.entries(arrays)) {
      const hdu = findHdu(read, name);
      expect(hdu.data?.constructor).toBe(data.constructor);
      expect(Array.from(hdu.data as ArrayLike<unknown>)).toEqual(Array.from(data as ArrayLike<unknown>));
    }
    expect(headerValue(findHdu(read, 'U16').header, 'BZERO')).toBe(32768);
    expect(headerValue(findHdu(read, 'U64').header, 'BZERO')).toBe(9223372036854775808n);
    const result = verify(save('ints.fits', bytes));
    expect(result, result.output).toMatchObject({ warnings: 0, errors: 0 });
  });

  it('quantizes float data to scaled 16-bit integers with BSCALE/BZERO and BLANK', () => {
    const data = Float32Array.from([0, 0.5, 1000.25, -3.75, Number.NaN, 12]);
    const bytes = writeFits([{}, { name: 'Q', data, shape: [6], quantize: { bitpix: 16, bscale: 0.25, bzero: 1000 } }]);
    const hdu = findHdu(readFits(bytes), 'Q');
    expect(hdu.bitpix).toBe(16);
    expect(Array.from(hdu.data as Float32Array)).toEqual([0, 0.5, 1000.25, -3.75, Number.NaN, 12]);
    const result = verify(save('quantized.fits', bytes));
    expect(result, result.output).toMatchObject({ warnings: 0, errors: 0 });
  });

  it('writes WCS cards with 1-based CRPIX and reads CD, PC+CDELT and CROTA2 forms back', () => {
    const cards = wcsToCards(wcs);
    expect(headerValue(cards, 'CRPIX1')).toBe(256.5);
    expect(wcsFromHeader(cards)).toEqual(wcs);
    const pc = parseCards(
      [
        "CTYPE1  = 'RA---TAN'",
        "CTYPE2  = 'DEC--TAN'",
        'CRVAL1  = 150.1',
        'CRVAL2  = 2.2',
        'CRPIX1  = 256.5',
        'CRPIX2  = 256.5',
        'CDELT1  = -5.5E-05',
        'CDELT2  = 5.5D-05',
        'PC1_1   = 1.0',
        'PC2_2   = 1.0',
      ].map((c) => c.padEnd(80)),
    );
    const fromPc = wcsFromHeader(pc);
    expect(fromPc.crpixPx).toEqual([255.5, 255.5]);
    expect(fromPc.cdDegPerPx).toEqual([
      [-5.5e-5, 0],
      [0, 5.5e-5],
    ]);
    const rot = wcsFromHeader(parseCards([...pc.slice(0, 8).map((c) => formatCard(c)[0]!), 'CROTA2  = 90.0'.padEnd(80)]));
    const [ra, dec] = pixelToSky(rot, 255.5, 256.5);
    expect(dec).toBeCloseTo(2.2, 9);
    expect(ra).toBeLessThan(150.1);
  });

  it('rejects what FITS cannot hold and what is not FITS', () => {
    expect(() => writeFits([{ header: [{ key: 'lower', value: 1 }] }])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => writeFits([{ header: [{ key: 'TOOLONGKEY', value: 1 }] }])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => writeFits([{ header: [{ key: 'X', value: Number.NaN }] }])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => writeFits([{ header: [{ key: 'X', value: 'é' }] }])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => writeFits([{ data: new Float32Array(6), shape: [4, 2] }])).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => readFits(new Uint8Array(2880).fill(32))).toThrow(expect.objectContaining({ code: 'FITS_INVALID' }));
    const noEnd = Buffer.from('SIMPLE  =                    T'.padEnd(2880));
    expect(() => readFits(noEnd)).toThrow(expect.objectContaining({ code: 'FITS_INVALID' }));
  });
});

/** A file assembled card by card, independently of our writer, in the styles other writers use. */
function handMadeFits(): Uint8Array {
  const block = (cards: string[]) => Buffer.from([...cards, 'END'].map((c) => c.padEnd(80)).join('').padEnd(2880 * Math.ceil(((cards.length + 1) * 80) / 2880)), 'latin1');
  const data = (bytes: number, fill: (v: DataView) => void) => {
    const b = Buffer.alloc(Math.ceil(bytes / 2880) * 2880);
    fill(new DataView(b.buffer, b.byteOffset, bytes));
    return b;
  };
  const primary = block([
    'SIMPLE  =                    T / file does conform to FITS standard',
    'BITPIX  =                   16 / number of bits per data pixel',
    'NAXIS   =                    2 / number of data axes',
    'NAXIS1  =                    3 / length of data axis 1',
    'NAXIS2  =                    2 / length of data axis 2',
    'EXTEND  =                    T / FITS dataset may contain extensions',
    "COMMENT   FITS (Flexible Image Transport System) format is defined in 'Astronomy",
    'BSCALE  =                  0.5',
    'BZERO   =                100.0',
    'BLANK   =               -32768',
    "OBJECT  = 'M31     '           / old-style comment column",
    'DATE-OBS= \'2024-01-02T03:04:05.5\'',
    'EXPTIME =                 15.0 / [s]',
  ]);
  const primaryData = data(12, (v) => [0, 2, -4, 100, -32768, 32767].forEach((x, i) => v.setInt16(i * 2, x, false)));
  const bytes8 = block(["XTENSION= 'IMAGE   '           / IMAGE extension", 'BITPIX  =                    8', 'NAXIS   =                    1', 'NAXIS1  =                    4', 'PCOUNT  =                    0', 'GCOUNT  =                    1', "EXTNAME = 'BYTES   '"]);
  const bytes8Data = data(4, (v) => [0, 1, 128, 255].forEach((x, i) => v.setUint8(i, x)));
  const f64 = block(["XTENSION= 'IMAGE   '", 'BITPIX  =                  -64', 'NAXIS   =                    2', 'NAXIS1  =                    2', 'NAXIS2  =                    1', 'PCOUNT  =                    0', 'GCOUNT  =                    1', "EXTNAME = 'DOUBLES '"]);
  const f64Data = data(16, (v) => [Math.E, -1e-200].forEach((x, i) => v.setFloat64(i * 8, x, false)));
  const table = block([
    "XTENSION= 'BINTABLE'           / binary table extension",
    'BITPIX  =                    8',
    'NAXIS   =                    2',
    'NAXIS1  =                    4',
    'NAXIS2  =                    3',
    'PCOUNT  =                    0',
    'GCOUNT  =                    1',
    'TFIELDS =                    1',
    "TTYPE1  = 'FLUX    '",
    "TFORM1  = 'E       '",
    "EXTNAME = 'TABLE   '",
  ]);
  const tableData = data(12, (v) => [1.5, 2.5, 3.5].forEach((x, i) => v.setFloat32(i * 4, x, false)));
  const u32 = block(["XTENSION= 'IMAGE   '", 'BITPIX  =                   32', 'NAXIS   =                    1', 'NAXIS1  =                    2', 'PCOUNT  =                    0', 'GCOUNT  =                    1', 'BZERO   =           2147483648', "EXTNAME = 'UNSIGNED'"]);
  const u32Data = data(8, (v) => [-2147483648, 2147483647].forEach((x, i) => v.setInt32(i * 4, x, false)));
  return Buffer.concat([primary, primaryData, bytes8, bytes8Data, f64, f64Data, table, tableData, u32, u32Data]);
}

function expectHandMadeValues(file: Uint8Array): void {
  const hdus = readFits(file);
  const primary = hdus[0]!;
  expect(primary.shape).toEqual([3, 2]);
  expect(Array.from(primary.data as Float32Array)).toEqual([100, 101, 98, 150, Number.NaN, 16483.5]);
  expect(headerValue(primary.header, 'OBJECT')).toBe('M31');
  expect(headerValue(primary.header, 'EXPTIME')).toBe(15);
  expect(Array.from(findHdu(hdus, 'BYTES').data as Uint8Array)).toEqual([0, 1, 128, 255]);
  expect(Array.from(findHdu(hdus, 'DOUBLES').data as Float64Array)).toEqual([Math.E, -1e-200]);
  const table = findHdu(hdus, 'TABLE');
  expect(table.kind).toBe('bintable');
  expect(table.data).toBeNull();
  expect(table.rawData?.length).toBe(12);
  expect(Array.from(findHdu(hdus, 'UNSIGNED').data as Uint32Array)).toEqual([0, 4294967295]);
}

describe('reading FITS written by other software', () => {
  it('reads a hand-assembled file that fitsverify accepts: BSCALE/BZERO/BLANK, BITPIX 8/-64, a binary table, unsigned 32-bit', () => {
    const bytes = handMadeFits();
    const result = verify(save('handmade.fits', bytes));
    expect(result.errors, result.output).toBe(0);
    expectHandMadeValues(bytes);
  });

  it('reads the same file re-written by cfitsio (fitscopy)', () => {
    const src = save('handmade2.fits', handMadeFits());
    const out = path.join(dir, 'fitscopy.fits');
    run(fitscopy, [src, out]);
    expectHandMadeValues(fs.readFileSync(out));
  });

  it('reads an image computed by cfitsio (pixel filter) and our own file copied by imcopy', () => {
    const { hdus, variance, mask } = sampleFile();
    const ours = save('ours.fits', writeFits(hdus));
    const doubled = path.join(dir, 'doubled.fits');
    run(fitscopy, [`${ours}[VARIANCE][pixd X * 2]`, doubled]);
    const computed = readFits(fs.readFileSync(doubled));
    // fitscopy keeps the file's other HDUs and writes the filtered one in place of VARIANCE.
    const img = findHdu(computed, 'VARIANCE');
    expect(img.shape).toEqual([37, 23]);
    expect(Array.from(img.data as ArrayLike<number>)).toEqual(Array.from(variance, (v) => v * 2));
    const copied = path.join(dir, 'imcopy.fits');
    run(imcopy, [ours, copied]);
    const copy = readFits(fs.readFileSync(copied));
    expect(findHdu(copy, 'MASK').data).toEqual(mask);
    expect(wcsFromHeader(findHdu(copy, 'IMAGE').header)).toEqual(wcs);
    expect(hduToImage(findHdu(copy, 'VARIANCE')).data).toEqual(variance);
    expect(headerValue(copy[0]!.header, 'PROGRAM')).toBe('a'.repeat(100) + " that's long");
  });
});
