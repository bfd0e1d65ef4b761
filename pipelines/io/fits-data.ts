import { PipelineError } from '../framework/errors.ts';
import { headerNumber, headerValue } from './fits-header.ts';
import type { FitsHeader } from './fits-header.ts';

/**
 * Pixel data encoding for FITS: big-endian two's-complement integers or IEEE floats, with the
 * BZERO offsets of the unsigned-integer convention (FITS Standard 4.0, section 5.3) and BSCALE
 * scaling. Data are padded with zeros to a multiple of 2880 bytes.
 */

export type FitsPixels =
  | Uint8Array
  | Int8Array
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array
  | Float32Array
  | Float64Array;

/** Float data stored as scaled integers: stored = round((physical - bzero) / bscale); NaN becomes BLANK. */
export interface FitsQuantize {
  bitpix: 16 | 32;
  bscale: number;
  bzero: number;
}

export const BLOCK_BYTES = 2880;

export interface Storage {
  bitpix: 8 | 16 | 32 | 64 | -32 | -64;
  /** BZERO as the card value (bigint for 2^63), or undefined for none. */
  bzero: number | bigint | undefined;
  bscale: number | undefined;
}

export function storageOf(data: FitsPixels | null | undefined, quantize: FitsQuantize | undefined): Storage {
  if (quantize) {
    if (!(data instanceof Float32Array || data instanceof Float64Array)) {
      throw new PipelineError('BAD_INPUT', 'FITS quantize applies to Float32Array or Float64Array data only');
    }
    if (!(quantize.bscale > 0) || !Number.isFinite(quantize.bzero)) {
      throw new PipelineError('BAD_INPUT', 'FITS quantize needs bscale > 0 and a finite bzero', { quantize });
    }
    return { bitpix: quantize.bitpix, bzero: quantize.bzero, bscale: quantize.bscale };
  }
  if (!data || data instanceof Float32Array) return { bitpix: -32, bzero: undefined, bscale: undefined };
  if (data instanceof Float64Array) return { bitpix: -64, bzero: undefined, bscale: undefined };
  if (data instanceof Uint8Array) return { bitpix: 8, bzero: undefined, bscale: undefined };
  if (data instanceof Int8Array) return { bitpix: 8, bzero: -128, bscale: undefined };
  if (data instanceof Int16Array) return { bitpix: 16, bzero: undefined, bscale: undefined };
  if (data instanceof Uint16Array) return { bitpix: 16, bzero: 32768, bscale: undefined };
  if (data instanceof Int32Array) return { bitpix: 32, bzero: undefined, bscale: undefined };
  if (data instanceof Uint32Array) return { bitpix: 32, bzero: 2147483648, bscale: undefined };
  if (data instanceof BigInt64Array) return { bitpix: 64, bzero: undefined, bscale: undefined };
  return { bitpix: 64, bzero: 9223372036854775808n, bscale: undefined };
}

/** Bytes the encoded data take, padding included. */
export function encodedDataBytes(data: FitsPixels, storage: Storage): number {
  return Math.ceil((data.length * Math.abs(storage.bitpix)) / 8 / BLOCK_BYTES) * BLOCK_BYTES;
}

/**
 * Encodes the data into `into` (encodedDataBytes long and zeroed, e.g. part of the whole file's
 * buffer, so the file is not copied together from parts) or into new bytes.
 */
export function encodeData(data: FitsPixels, storage: Storage, quantize: FitsQuantize | undefined, into?: Uint8Array): Uint8Array {
  const n = data.length;
  const out = into ?? new Uint8Array(encodedDataBytes(data, storage));
  const view = new DataView(out.buffer, out.byteOffset, out.byteLength);
  if (quantize) {
    const src = data as Float32Array | Float64Array;
    const [lo, hi] = quantize.bitpix === 16 ? [-32768, 32767] : [-2147483648, 2147483647];
    const inv = 1 / quantize.bscale;
    for (let i = 0; i < n; i++) {
      const v = src[i]!;
      const q = Number.isNaN(v) ? lo : Math.min(hi, Math.max(lo + 1, Math.round((v - quantize.bzero) * inv)));
      if (quantize.bitpix === 16) view.setInt16(i * 2, q, false);
      else view.setInt32(i * 4, q, false);
    }
    return out;
  }
  // Same-width data are copied as bytes and byte-swapped in place (native code), not converted
  // one value at a time: the bits are the same either way (a float32 is not widened and narrowed).
  if (data instanceof Float32Array || data instanceof Int32Array || data instanceof Float64Array || data instanceof Int16Array) {
    copyBigEndian(data, out);
    return out;
  }
  if (data instanceof Uint16Array || data instanceof Uint32Array) {
    // Stored = physical - BZERO (2^15, 2^31): in two's complement that flips the top bit.
    copyBigEndian(data, out);
    const width = data.BYTES_PER_ELEMENT;
    for (let i = 0; i < n * width; i += width) out[i]! ^= 0x80;
    return out;
  }
  if (data instanceof Uint8Array) out.set(data);
  else if (data instanceof Int8Array) for (let i = 0; i < n; i++) out[i] = (data[i]! + 128) & 0xff;
  else if (data instanceof BigInt64Array) for (let i = 0; i < n; i++) view.setBigInt64(i * 8, data[i]!, false);
  else for (let i = 0; i < n; i++) view.setBigInt64(i * 8, BigInt.asIntN(64, data[i]! - 9223372036854775808n), false);
  return out;
}

export function decodeData(bytes: Uint8Array, offset: number, count: number, header: FitsHeader, bitpix: number): FitsPixels {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset, (count * Math.abs(bitpix)) / 8);
  const bzeroRaw = headerValue(header, 'BZERO');
  const bzero = typeof bzeroRaw === 'bigint' ? Number(bzeroRaw) : typeof bzeroRaw === 'number' ? bzeroRaw : 0;
  const bscale = headerNumber(header, 'BSCALE') ?? 1;
  const blank = headerNumber(header, 'BLANK');
  const unscaled = bscale === 1 && bzero === 0;
  switch (bitpix) {
    case 8: {
      const raw = new Uint8Array(view.buffer, view.byteOffset, count);
      if (unscaled) return raw.slice();
      if (bscale === 1 && bzero === -128) {
        const out = new Int8Array(count);
        for (let i = 0; i < count; i++) out[i] = raw[i]! - 128;
        return out;
      }
      return scaled(count, (i) => raw[i]!, bscale, bzero, blank, Float32Array);
    }
    case 16: {
      if (unscaled) return readBigEndian(bytes, offset, count, Int16Array);
      if (bscale === 1 && bzero === 32768) return readBigEndian(bytes, offset, count, Uint16Array, 0x80);
      return scaled(count, (i) => view.getInt16(i * 2, false), bscale, bzero, blank, Float32Array);
    }
    case 32: {
      if (unscaled) return readBigEndian(bytes, offset, count, Int32Array);
      if (bscale === 1 && bzero === 2147483648) return readBigEndian(bytes, offset, count, Uint32Array, 0x80);
      return scaled(count, (i) => view.getInt32(i * 4, false), bscale, bzero, blank, Float64Array);
    }
    case 64: {
      if (unscaled) {
        const out = new BigInt64Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getBigInt64(i * 8, false);
        return out;
      }
      if (bscale === 1 && bzeroRaw === 9223372036854775808n) {
        const out = new BigUint64Array(count);
        for (let i = 0; i < count; i++) out[i] = view.getBigUint64(i * 8, false) ^ (1n << 63n);
        return out;
      }
      return scaled(count, (i) => Number(view.getBigInt64(i * 8, false)), bscale, bzero, blank, Float64Array);
    }
    // Floats are byte-swapped in bulk, then scaled in place with the same arithmetic as before
    // (which also turns -0 into 0 when unscaled, as the value-at-a-time reader did).
    case -32:
      return scaleInPlace(readBigEndian(bytes, offset, count, Float32Array), bscale, bzero);
    case -64:
      return scaleInPlace(readBigEndian(bytes, offset, count, Float64Array), bscale, bzero);
    default:
      throw new PipelineError('FITS_INVALID', 'unsupported FITS BITPIX', { bitpix });
  }
}

/** True where typed arrays hold numbers least significant byte first (every platform Node runs on but s390x). */
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

type SameWidth = Float32Array | Float64Array | Int32Array | Uint32Array | Int16Array | Uint16Array;

/** Byte-swaps each `width`-byte word of `bytes` in place when the host is little-endian. */
function toFromBigEndian(bytes: Uint8Array, width: number): void {
  if (!LITTLE_ENDIAN || width === 1) return;
  const b = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (width === 2) b.swap16();
  else if (width === 4) b.swap32();
  else b.swap64();
}

/** Copies typed-array values into `out` as big-endian words (the bits unchanged). */
function copyBigEndian(data: SameWidth, out: Uint8Array): void {
  const bytes = out.subarray(0, data.byteLength);
  bytes.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength));
  toFromBigEndian(bytes, data.BYTES_PER_ELEMENT);
}

/**
 * A fresh typed array of `count` big-endian words read from `bytes` at `offset`; `flipTopBit`
 * (0x80) adds the unsigned convention's BZERO (2^15, 2^31) by flipping each word's top bit.
 */
function readBigEndian<T extends SameWidth>(bytes: Uint8Array, offset: number, count: number, Kind: { new (n: number): T; readonly BYTES_PER_ELEMENT: number }, flipTopBit = 0): T {
  const out = new Kind(count);
  const width = Kind.BYTES_PER_ELEMENT;
  const raw = new Uint8Array(out.buffer, 0, count * width);
  raw.set(bytes.subarray(offset, offset + count * width));
  if (flipTopBit !== 0) for (let i = 0; i < raw.length; i += width) raw[i]! ^= flipTopBit;
  toFromBigEndian(raw, width);
  return out;
}

function scaleInPlace<T extends Float32Array | Float64Array>(out: T, bscale: number, bzero: number): T {
  for (let i = 0; i < out.length; i++) out[i] = out[i]! * bscale + bzero;
  return out;
}

function scaled<T extends Float32Array | Float64Array>(
  count: number,
  get: (i: number) => number,
  bscale: number,
  bzero: number,
  blank: number | undefined,
  Kind: { new (n: number): T },
): T {
  const out = new Kind(count);
  for (let i = 0; i < count; i++) {
    const v = get(i);
    out[i] = v === blank ? Number.NaN : v * bscale + bzero;
  }
  return out;
}

