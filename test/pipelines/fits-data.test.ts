import { describe, expect, it } from 'vitest';
import { decodeData, encodeData, encodedDataBytes, storageOf, type FitsPixels } from '../../pipelines/io/fits-data.ts';
import type { FitsHeader } from '../../pipelines/io/fits-header.ts';

/**
 * The pixel codec copies and byte-swaps same-width data in bulk. These tests hold it to the
 * value-at-a-time `DataView` definition it replaced, bit for bit, on the values where a shortcut
 * would show: -0, NaN, infinities, subnormals, integer extremes, and views that do not start at
 * offset 0 of their buffer.
 */

/** Big-endian bytes of each value, one `DataView` call at a time (the reference). */
function referenceEncode(data: FitsPixels): Uint8Array {
  const storage = storageOf(data, undefined);
  const out = new Uint8Array(encodedDataBytes(data, storage));
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (data instanceof Float32Array) view.setFloat32(i * 4, v as number, false);
    else if (data instanceof Float64Array) view.setFloat64(i * 8, v as number, false);
    else if (data instanceof Int16Array) view.setInt16(i * 2, v as number, false);
    else if (data instanceof Uint16Array) view.setInt16(i * 2, (v as number) - 32768, false);
    else if (data instanceof Int32Array) view.setInt32(i * 4, v as number, false);
    else if (data instanceof Uint32Array) view.setInt32(i * 4, (v as number) - 2147483648, false);
  }
  return out;
}

/** Physical values of big-endian words, one `DataView` call at a time (the reference). */
function referenceDecode(bytes: Uint8Array, offset: number, count: number, bitpix: number, bscale: number, bzero: number): number[] {
  const view = new DataView(bytes.buffer, bytes.byteOffset + offset);
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    if (bitpix === -32) out.push(Math.fround(view.getFloat32(i * 4, false) * bscale + bzero));
    else if (bitpix === -64) out.push(view.getFloat64(i * 8, false) * bscale + bzero);
    else if (bitpix === 16) out.push(view.getInt16(i * 2, false) + bzero);
    else out.push(view.getInt32(i * 4, false) + bzero);
  }
  return out;
}

const floats = [0, -0, 1, -1.5, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY, 1e-45, -1e-40, 3.4e38, 123.456, -7e-3];

function samples(): FitsPixels[] {
  return [
    Float32Array.from(floats),
    Float64Array.from([...floats, 5e-324, -1.7976931348623157e308]),
    Int16Array.from([0, 1, -1, 32767, -32768, 12345, -2]),
    Uint16Array.from([0, 1, 32767, 32768, 65535, 40000]),
    Int32Array.from([0, 1, -1, 2147483647, -2147483648, 0x01020304, -5]),
    Uint32Array.from([0, 1, 2147483647, 2147483648, 4294967295, 0x89abcdef]),
  ];
}

function header(cards: Record<string, number>): FitsHeader {
  return Object.entries(cards).map(([key, value]) => ({ key, value }));
}

/** The same values as a view that starts mid-buffer, as a task's subarray would. */
function offsetView(data: FitsPixels): FitsPixels {
  const Kind = data.constructor as { new (buffer: ArrayBuffer, byteOffset: number, length: number): FitsPixels };
  const width = data.BYTES_PER_ELEMENT;
  const buffer = new ArrayBuffer((data.length + 3) * width);
  const view = new Kind(buffer, 2 * width, data.length);
  (view as Float64Array).set(data as Float64Array);
  return view;
}

describe('FITS pixel codec', () => {
  it('encodes every same-width type to the bytes of the value-at-a-time writer', () => {
    for (const data of samples()) {
      for (const d of [data, offsetView(data)]) {
        const storage = storageOf(d, undefined);
        expect(Buffer.from(encodeData(d, storage, undefined)).toString('hex'), d.constructor.name).toBe(Buffer.from(referenceEncode(d)).toString('hex'));
        // Into a slice of a larger zeroed buffer, as writeFits does.
        const whole = new Uint8Array(8 + encodedDataBytes(d, storage));
        encodeData(d, storage, undefined, whole.subarray(8));
        expect(Buffer.from(whole.subarray(8)).equals(Buffer.from(referenceEncode(d))), d.constructor.name).toBe(true);
        expect(whole.subarray(0, 8).every((b) => b === 0)).toBe(true);
      }
    }
  });

  it('decodes to fresh arrays equal to the value-at-a-time reader, -0 read as 0 and NaN kept', () => {
    for (const data of samples()) {
      const storage = storageOf(data, undefined);
      const encoded = referenceEncode(data);
      // At an odd offset inside a larger file, so nothing relies on alignment.
      const file = new Uint8Array(encoded.length + 7);
      file.set(encoded, 3);
      const cards: Record<string, number> = storage.bzero === undefined ? {} : { BZERO: Number(storage.bzero) };
      const decoded = decodeData(file, 3, data.length, header(cards), storage.bitpix);
      expect(decoded.constructor).toBe(data.constructor);
      expect(decoded.buffer).not.toBe(file.buffer);
      const expected = referenceDecode(file, 3, data.length, storage.bitpix, 1, Number(storage.bzero ?? 0));
      expect(Array.from(decoded as ArrayLike<number>), data.constructor.name).toEqual(expected);
      if (data instanceof Float32Array || data instanceof Float64Array) {
        expect(Object.is(decoded[1], 0), '-0 becomes 0 as physical = stored * 1 + 0').toBe(true);
        expect(Number.isNaN(decoded[4])).toBe(true);
      }
    }
  });

  it('applies BSCALE and BZERO to float data as the reader always did', () => {
    const data = Float32Array.from(floats);
    const encoded = referenceEncode(data);
    const decoded = decodeData(encoded, 0, data.length, header({ BSCALE: 2.5, BZERO: -3 }), -32);
    expect(Array.from(decoded as Float32Array)).toEqual(referenceDecode(encoded, 0, data.length, -32, 2.5, -3));
    const wide = Float64Array.from(floats);
    const decoded64 = decodeData(referenceEncode(wide), 0, wide.length, header({ BSCALE: 0.5, BZERO: 7 }), -64);
    expect(Array.from(decoded64 as Float64Array)).toEqual(referenceDecode(referenceEncode(wide), 0, wide.length, -64, 0.5, 7));
  });
});
