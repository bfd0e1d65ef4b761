import { PipelineError } from '../framework/errors.ts';
import type { ImageF, TanWcs } from '../image/types.ts';
import { checkHduChecksums } from './fits-checksum.ts';
import { BLOCK_BYTES, decodeData, encodeData, encodedDataBytes, storageOf } from './fits-data.ts';
import type { FitsPixels, FitsQuantize, Storage } from './fits-data.ts';
import { CARD_LENGTH, formatCard, headerNumber, headerString, headerValue, parseCards } from './fits-header.ts';
import type { FitsCard, FitsHeader } from './fits-header.ts';
import { readBinTable } from './fits-table.ts';
import type { FitsTable } from './fits-table.ts';

export { BLOCK_BYTES } from './fits-data.ts';
export type { FitsPixels, FitsQuantize } from './fits-data.ts';
export type { FitsCard, FitsHeader, FitsValue } from './fits-header.ts';
export type { FitsCell, FitsColumn, FitsTable } from './fits-table.ts';
export { encodeChecksum, onesComplementSum } from './fits-checksum.ts';
export { formatCard, headerNumber, headerString, headerValue, parseCards, setCard } from './fits-header.ts';

/**
 * A small FITS reader and writer for images (FITS Standard 4.0): a primary HDU and IMAGE
 * extensions, big-endian, 2880-byte blocks. Bytes in, bytes out: the datastore does file I/O.
 *
 * Pixel order: NAXIS1 is the fastest axis, so an ImageF (`data[y * width + x]`) maps to
 * NAXIS1 = width, NAXIS2 = height with no reordering; FITS pixel (i, j) (1-based) is our (x, y) =
 * (i - 1, j - 1). That 1-based shift is applied here only (CRPIX in wcsToCards/wcsFromHeader).
 *
 * Integer storage follows the standard's unsigned convention (section 5.3): Uint16Array is stored
 * as BITPIX 16 with BZERO 32768, Uint32Array as 32 with BZERO 2^31, Int8Array as 8 with BZERO -128,
 * BigUint64Array as 64 with BZERO 2^63. Reading inverts this; other BSCALE/BZERO give floats.
 */

export interface FitsHduInput {
  /** EXTNAME; written right after the structural keywords. Required to be unique by fitsverify. */
  name?: string;
  /** Extra cards, in order. Structural keywords (SIMPLE, BITPIX, NAXISn, BZERO, ...) are ignored: the writer owns them. */
  header?: FitsHeader;
  data?: FitsPixels | null;
  /** Axis lengths, fastest first: [width, height] for an image. */
  shape?: number[];
  /** Store float data as scaled integers (see FitsQuantize). */
  quantize?: FitsQuantize;
}

export interface FitsHdu {
  kind: 'primary' | 'image' | 'table' | 'bintable' | 'other';
  /** EXTNAME, when present. */
  name: string | undefined;
  /** Every card before END, in file order (CONTINUE strings joined). */
  header: FitsHeader;
  bitpix: number;
  /** Axis lengths, fastest first. */
  shape: number[];
  /** Physical pixel values (BSCALE/BZERO applied) for image HDUs; null when there are none. */
  data: FitsPixels | null;
  /** The raw data bytes of non-image HDUs (tables, heap included), unparsed. */
  rawData: Uint8Array | null;
  /** BINTABLE columns with TSCAL/TZERO/TNULL applied; null for other HDUs. */
  table: FitsTable | null;
}

export interface ReadFitsOptions {
  /** Named in every error, so a user can tell which of many files is bad. */
  file?: string;
  /** Verify DATASUM and CHECKSUM where the header carries them (default true). */
  verifyChecksums?: boolean;
}

/** Keywords the writer owns; CHECKSUM/DATASUM are dropped because a rewrite would make them wrong. */
const STRUCTURAL = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|XTENSION|PCOUNT|GCOUNT|BZERO|BSCALE|END|CONTINUE|LONGSTRN|CHECKSUM|DATASUM)$/;

function structuralCards(index: number, storage: Storage, shape: number[], name: string | undefined, blank: number | undefined): FitsCard[] {
  const cards: FitsCard[] = [];
  if (index === 0) cards.push({ key: 'SIMPLE', value: true, comment: 'conforms to FITS standard' });
  else cards.push({ key: 'XTENSION', value: 'IMAGE', comment: 'image extension' });
  cards.push({ key: 'BITPIX', value: storage.bitpix, comment: 'array data type' });
  cards.push({ key: 'NAXIS', value: shape.length, comment: 'number of array dimensions' });
  shape.forEach((n, i) => cards.push({ key: `NAXIS${i + 1}`, value: n }));
  if (index === 0) cards.push({ key: 'EXTEND', value: true, comment: 'may contain extensions' });
  else {
    cards.push({ key: 'PCOUNT', value: 0, comment: 'number of parameters' });
    cards.push({ key: 'GCOUNT', value: 1, comment: 'number of groups' });
  }
  if (storage.bscale !== undefined) cards.push({ key: 'BSCALE', value: storage.bscale });
  if (storage.bzero !== undefined) cards.push({ key: 'BZERO', value: storage.bzero, comment: 'physical = stored * BSCALE + BZERO' });
  if (blank !== undefined) cards.push({ key: 'BLANK', value: blank, comment: 'stored value of undefined pixels' });
  if (name !== undefined) cards.push({ key: 'EXTNAME', value: name, comment: 'extension name' });
  return cards;
}

function headerBytes(structural: FitsCard[], user: FitsCard[]): Uint8Array {
  const userRecords: string[] = [];
  for (const card of user) userRecords.push(...formatCard(card));
  // fitsverify warns when CONTINUE is used without the LONGSTRN declaration (HEASARC convention).
  const longStrings = userRecords.some((r) => r.startsWith('CONTINUE  '));
  const records: string[] = [];
  for (const card of structural) records.push(...formatCard(card));
  if (longStrings) records.push(...formatCard({ key: 'LONGSTRN', value: 'OGIP 1.0', comment: 'CONTINUE long strings are used' }));
  records.push(...userRecords);
  records.push('END'.padEnd(CARD_LENGTH, ' '));
  const text = records.join('');
  const size = Math.ceil(text.length / BLOCK_BYTES) * BLOCK_BYTES;
  return Buffer.from(text.padEnd(size, ' '), 'latin1');
}

/**
 * Encodes HDUs (the first is the primary) into one FITS file. `alloc` gives the buffer it is
 * encoded into, `byteLength` long and zeroed: by default a new one; a caller that writes the
 * bytes out and drops them (a worker writing its outputs) may hand a view of one it reuses.
 */
export function writeFits(hdus: FitsHduInput[], alloc: (byteLength: number) => Uint8Array = (n) => Buffer.alloc(n)): Uint8Array {
  if (hdus.length === 0) throw new PipelineError('BAD_INPUT', 'a FITS file needs at least a primary HDU');
  const parts: { header: Uint8Array; data: FitsPixels | null; storage: Storage; quantize: FitsQuantize | undefined; dataBytes: number }[] = [];
  hdus.forEach((hdu, index) => {
    const data = hdu.data ?? null;
    const shape = data ? (hdu.shape ?? [data.length]) : [];
    const count = shape.reduce((a, b) => a * b, 1);
    if (data && count !== data.length) {
      throw new PipelineError('BAD_INPUT', 'FITS shape does not match the data length', { hdu: index, shape, length: data.length });
    }
    if (shape.some((n) => !Number.isInteger(n) || n < 0)) throw new PipelineError('BAD_INPUT', 'FITS axis lengths must be non-negative integers', { shape });
    const storage = storageOf(data, hdu.quantize);
    const blank = hdu.quantize ? (hdu.quantize.bitpix === 16 ? -32768 : -2147483648) : undefined;
    const integerData = storage.bitpix > 0;
    const userCards = (hdu.header ?? []).filter(
      (c) =>
        !STRUCTURAL.test(c.key) &&
        !(c.key === 'EXTNAME' && hdu.name !== undefined) &&
        !(c.key === 'BLANK' && (!integerData || blank !== undefined)),
    );
    const dataBytes = data && data.length > 0 ? encodedDataBytes(data, storage) : 0;
    parts.push({ header: headerBytes(structuralCards(index, storage, shape, hdu.name, blank), userCards), data, storage, quantize: hdu.quantize, dataBytes });
  });
  // One zeroed buffer for the whole file, each HDU's data encoded in place.
  const out = alloc(parts.reduce((acc, p) => acc + p.header.length + p.dataBytes, 0));
  let offset = 0;
  for (const p of parts) {
    out.set(p.header, offset);
    offset += p.header.length;
    if (p.data && p.dataBytes > 0) encodeData(p.data, p.storage, p.quantize, out.subarray(offset, offset + p.dataBytes));
    offset += p.dataBytes;
  }
  return out;
}

function readHeader(bytes: Uint8Array, offset: number): { header: FitsHeader; next: number } {
  const records: string[] = [];
  for (let block = offset; block + BLOCK_BYTES <= bytes.length; block += BLOCK_BYTES) {
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + block, BLOCK_BYTES).toString('latin1');
    for (let r = 0; r < BLOCK_BYTES; r += CARD_LENGTH) {
      const line = text.slice(r, r + CARD_LENGTH);
      if (line.startsWith('END') && line.slice(3).trim() === '') return { header: parseCards(records), next: block + BLOCK_BYTES };
      records.push(line);
    }
  }
  throw new PipelineError('FITS_INVALID', 'FITS header has no END card', { offset });
}

function intCard(header: FitsHeader, key: string, hdu: number): number {
  const v = headerNumber(header, key);
  if (v === undefined || !Number.isInteger(v)) throw new PipelineError('FITS_INVALID', `FITS header lacks integer ${key}`, { hdu, key });
  return v;
}

function hduLabel(index: number, name: string | undefined): string {
  return name === undefined ? `HDU ${index}` : `HDU ${index} (${name})`;
}

/** The error with the file and HDU in front, so a message alone says where. */
function withLocation(e: PipelineError, file: string | undefined, index: number | undefined, name: string | undefined): PipelineError {
  const where = [file, index === undefined ? undefined : hduLabel(index, name)].filter((w) => w !== undefined).join(': ');
  return new PipelineError(e.code, where ? `${where}: ${e.message}` : e.message, { ...e.details, file, hdu: index, extname: name }, { cause: e });
}

function located<T>(file: string | undefined, index: number, name: string | undefined, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof PipelineError) throw withLocation(e, file, index, name);
    throw e;
  }
}

/**
 * Reads every HDU of a FITS file. Bytes after the last HDU that do not start an extension are
 * ignored. DATASUM/CHECKSUM are verified where present (CHECKSUM_MISMATCH names file, HDU and
 * keyword); every error names `options.file` and the HDU.
 */
export function readFits(bytes: Uint8Array, options: ReadFitsOptions = {}): FitsHdu[] {
  const hdus: FitsHdu[] = [];
  let offset = 0;
  while (offset + BLOCK_BYTES <= bytes.length) {
    const first = Buffer.from(bytes.buffer, bytes.byteOffset + offset, 8).toString('latin1');
    if (hdus.length === 0 && first !== 'SIMPLE  ') throw withLocation(new PipelineError('FITS_INVALID', 'not a FITS file: no SIMPLE keyword'), options.file, undefined, undefined);
    if (hdus.length > 0 && first !== 'XTENSION') break;
    const start = offset;
    const index = hdus.length;
    // The header names the HDU (EXTNAME) for errors in its data; errors in the header itself cannot.
    const { header, next } = located(options.file, index, undefined, () => readHeader(bytes, start));
    const hdu = located(options.file, index, headerString(header, 'EXTNAME')?.trim(), () => readHdu(bytes, header, next, index));
    located(options.file, index, hdu.hdu.name?.trim(), () => {
      if (options.verifyChecksums === false) return;
      const [problem] = checkHduChecksums(bytes, hdu.hdu.header, start, hdu.dataStart, hdu.end);
      if (problem) {
        throw new PipelineError('CHECKSUM_MISMATCH', `${problem.keyword} does not match the ${problem.keyword === 'DATASUM' ? 'data' : 'HDU'}: header says ${problem.expected}, computed ${problem.actual}`, { ...problem });
      }
    });
    hdus.push(hdu.hdu);
    offset = hdu.end;
  }
  if (hdus.length === 0) {
    throw withLocation(new PipelineError('FITS_INVALID', 'not a FITS file: shorter than one 2880-byte block', { bytes: bytes.length }), options.file, undefined, undefined);
  }
  return hdus;
}

function readHdu(bytes: Uint8Array, header: FitsHeader, next: number, index: number): { hdu: FitsHdu; dataStart: number; end: number } {
  const bitpix = intCard(header, 'BITPIX', index);
  const naxis = intCard(header, 'NAXIS', index);
  const shape = Array.from({ length: naxis }, (_, i) => intCard(header, `NAXIS${i + 1}`, index));
  const pcount = index === 0 ? 0 : intCard(header, 'PCOUNT', index);
  const gcount = index === 0 ? 1 : intCard(header, 'GCOUNT', index);
  const groups = headerValue(header, 'GROUPS') === true && shape[0] === 0;
  const pixels = naxis === 0 ? 0 : (groups ? shape.slice(1) : shape).reduce((a, b) => a * b, 1);
  const dataBytes = naxis === 0 ? 0 : (Math.abs(bitpix) / 8) * gcount * (pcount + pixels);
  if (next + dataBytes > bytes.length) throw new PipelineError('FITS_INVALID', 'FITS data runs past the end of the file', { hdu: index, dataBytes, fileBytes: bytes.length });
  const xtension = index === 0 ? undefined : headerString(header, 'XTENSION')?.trim();
  const kind: FitsHdu['kind'] =
    index === 0 ? (groups ? 'other' : 'primary') : xtension === 'IMAGE' ? 'image' : xtension === 'BINTABLE' ? 'bintable' : xtension === 'TABLE' ? 'table' : 'other';
  const isImage = kind === 'primary' || kind === 'image';
  const rawData = !isImage && dataBytes > 0 ? bytes.subarray(next, next + dataBytes) : null;
  const hdu: FitsHdu = {
    kind,
    name: headerString(header, 'EXTNAME'),
    header,
    bitpix,
    shape,
    data: isImage && pixels > 0 ? decodeData(bytes, next, pixels, header, bitpix) : null,
    rawData,
    table: kind === 'bintable' ? readBinTable(header, rawData ?? new Uint8Array(0)) : null,
  };
  return { hdu, dataStart: next, end: next + Math.ceil(dataBytes / BLOCK_BYTES) * BLOCK_BYTES };
}

/** The input that writes this HDU back as it was read (image HDUs only). */
export function hduToInput(hdu: FitsHdu): FitsHduInput {
  if (hdu.kind !== 'primary' && hdu.kind !== 'image') throw new PipelineError('BAD_INPUT', `cannot rewrite a ${hdu.kind} HDU`, { name: hdu.name });
  const input: FitsHduInput = { header: hdu.header, data: hdu.data, shape: hdu.shape };
  if (hdu.name !== undefined) input.name = hdu.name;
  return input;
}

/** FITS WCS cards for a TAN WCS (CRPIX made 1-based). */
export function wcsToCards(wcs: TanWcs): FitsCard[] {
  const [[cd11, cd12], [cd21, cd22]] = wcs.cdDegPerPx;
  return [
    { key: 'WCSAXES', value: 2, comment: 'number of WCS axes' },
    { key: 'CTYPE1', value: 'RA---TAN', comment: 'gnomonic projection' },
    { key: 'CTYPE2', value: 'DEC--TAN', comment: 'gnomonic projection' },
    { key: 'CUNIT1', value: 'deg' },
    { key: 'CUNIT2', value: 'deg' },
    { key: 'CRVAL1', value: wcs.crvalDeg[0], comment: '[deg] RA at reference pixel' },
    { key: 'CRVAL2', value: wcs.crvalDeg[1], comment: '[deg] Dec at reference pixel' },
    { key: 'CRPIX1', value: wcs.crpixPx[0] + 1, comment: 'reference pixel, 1-based' },
    { key: 'CRPIX2', value: wcs.crpixPx[1] + 1, comment: 'reference pixel, 1-based' },
    { key: 'CD1_1', value: cd11, comment: '[deg/px]' },
    { key: 'CD1_2', value: cd12, comment: '[deg/px]' },
    { key: 'CD2_1', value: cd21, comment: '[deg/px]' },
    { key: 'CD2_2', value: cd22, comment: '[deg/px]' },
    { key: 'RADESYS', value: 'ICRS', comment: 'reference frame' },
  ];
}

/** Reads a celestial TAN WCS from CD, PC + CDELT, or CDELT + CROTA2 keywords (CRPIX made 0-based). */
export function wcsFromHeader(header: FitsHeader): TanWcs {
  const ctype1 = headerString(header, 'CTYPE1')?.trim();
  const ctype2 = headerString(header, 'CTYPE2')?.trim();
  if (ctype1 !== 'RA---TAN' || ctype2 !== 'DEC--TAN') {
    throw new PipelineError('FITS_INVALID', 'header has no RA---TAN/DEC--TAN WCS', { ctype1, ctype2 });
  }
  const need = (key: string): number => {
    const v = headerNumber(header, key);
    if (v === undefined) throw new PipelineError('FITS_INVALID', `WCS keyword ${key} is missing`, { key });
    return v;
  };
  const crval: [number, number] = [need('CRVAL1'), need('CRVAL2')];
  const crpix: [number, number] = [need('CRPIX1') - 1, need('CRPIX2') - 1];
  const num = (key: string, fallback: number) => headerNumber(header, key) ?? fallback;
  let cd: [[number, number], [number, number]];
  if (['CD1_1', 'CD1_2', 'CD2_1', 'CD2_2'].some((k) => headerNumber(header, k) !== undefined)) {
    cd = [
      [num('CD1_1', 0), num('CD1_2', 0)],
      [num('CD2_1', 0), num('CD2_2', 0)],
    ];
  } else {
    const c1 = num('CDELT1', 1);
    const c2 = num('CDELT2', 1);
    const hasPc = ['PC1_1', 'PC1_2', 'PC2_1', 'PC2_2'].some((k) => headerNumber(header, k) !== undefined);
    const rot = (num('CROTA2', 0) * Math.PI) / 180;
    // Without PC, CROTA2 rotates (Calabretta & Greisen 2002, eq. 188).
    const pc = hasPc
      ? [num('PC1_1', 1), num('PC1_2', 0), num('PC2_1', 0), num('PC2_2', 1)]
      : [Math.cos(rot), (-Math.sin(rot) * c2) / c1, (Math.sin(rot) * c1) / c2, Math.cos(rot)];
    // `+ 0` turns the -0 of a negative CDELT times a zero PC term into 0.
    cd = [
      [c1 * pc[0]! + 0, c1 * pc[1]! + 0],
      [c2 * pc[2]! + 0, c2 * pc[3]! + 0],
    ];
  }
  return { crvalDeg: crval, crpixPx: crpix, cdDegPerPx: cd };
}

/** An image HDU for an ImageF, optionally with a WCS and extra cards (after the WCS). */
export function imageHdu(image: ImageF, options: { name?: string; wcs?: TanWcs; header?: FitsHeader } = {}): FitsHduInput {
  const header = [...(options.wcs ? wcsToCards(options.wcs) : []), ...(options.header ?? [])];
  const hdu: FitsHduInput = { header, data: image.data, shape: [image.width, image.height] };
  if (options.name !== undefined) hdu.name = options.name;
  return hdu;
}

/** The 2-D image of an HDU as float32 (integers converted exactly where float32 allows). */
export function hduToImage(hdu: FitsHdu): ImageF {
  if (!hdu.data || hdu.shape.length !== 2) {
    throw new PipelineError('BAD_INPUT', 'HDU holds no 2-D image', { name: hdu.name, shape: hdu.shape });
  }
  const [width, height] = hdu.shape as [number, number];
  const src = hdu.data;
  if (src instanceof Float32Array) return { width, height, data: src };
  const data = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) data[i] = Number(src[i]!);
  return { width, height, data };
}

/** The HDU with this EXTNAME (or the primary for 'PRIMARY'). */
export function findHdu(hdus: FitsHdu[], name: string): FitsHdu {
  const hdu = name === 'PRIMARY' ? hdus[0] : hdus.find((h) => h.name === name);
  if (!hdu) throw new PipelineError('NOT_FOUND', `FITS file has no HDU named ${name}`, { name, names: hdus.map((h) => h.name) });
  return hdu;
}
