import { BLOCK_BYTES } from './fits-data.ts';
import { headerString } from './fits-header.ts';
import type { FitsHeader } from './fits-header.ts';

/**
 * The FITS checksum convention (Seaman, Pence & Rots 2012; FITS Standard 4.0, appendix J): the
 * 32-bit ones'-complement sum of an HDU's big-endian words. DATASUM is the sum of the data blocks
 * (padding included) as an unsigned decimal string; CHECKSUM is a 16-character ASCII encoding
 * chosen so that the sum over the whole HDU (header and data blocks) is -0, i.e. 0xFFFFFFFF.
 */

const TWO_32 = 4294967296;

/** Ones'-complement sum of the 32-bit big-endian words of bytes[start, end), added to `initial`; end - start is a multiple of 4. */
export function onesComplementSum(bytes: Uint8Array, start: number, end: number, initial = 0): number {
  // Sums 16-bit halves separately so plain doubles never lose bits, then folds the carries around
  // (end-around carry), as the paper's reference implementation does.
  let hi = Math.floor(initial / 65536);
  let lo = initial % 65536;
  for (let i = start; i < end; i += 4) {
    hi += (bytes[i]! << 8) | bytes[i + 1]!;
    lo += (bytes[i + 2]! << 8) | bytes[i + 3]!;
  }
  let hicarry = Math.floor(hi / 65536);
  let locarry = Math.floor(lo / 65536);
  while (hicarry !== 0 || locarry !== 0) {
    hi = (hi % 65536) + locarry;
    lo = (lo % 65536) + hicarry;
    hicarry = Math.floor(hi / 65536);
    locarry = Math.floor(lo / 65536);
  }
  return hi * 65536 + lo;
}

/** The 16-character ASCII CHECKSUM value that encodes the complement of `sum` (appendix J.2). */
export function encodeChecksum(sum: number): string {
  const value = TWO_32 - 1 - sum;
  const exclude = new Set([0x3a, 0x3b, 0x3c, 0x3d, 0x3e, 0x3f, 0x40, 0x5b, 0x5c, 0x5d, 0x5e, 0x5f, 0x60]);
  const out = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++) {
    const byte = Math.floor(value / 2 ** (24 - 8 * i)) % 256;
    const quotient = Math.floor(byte / 4) + 0x30;
    const remainder = byte % 4;
    const ch = [quotient + remainder, quotient, quotient, quotient];
    // Avoid punctuation: move pairs apart in opposite directions, keeping their sum.
    for (let moved = true; moved; ) {
      moved = false;
      for (let k = 0; k < 4; k += 2) {
        if (exclude.has(ch[k]!) || exclude.has(ch[k + 1]!)) {
          ch[k]!++;
          ch[k + 1]!--;
          moved = true;
        }
      }
    }
    for (let j = 0; j < 4; j++) out[4 * j + i] = ch[j]!;
  }
  // The encoding is rotated right by one character so its sum lines up with the header's words.
  const rotated = [out[15]!, ...out.slice(0, 15)];
  return String.fromCharCode(...rotated);
}

export interface ChecksumProblem {
  keyword: 'CHECKSUM' | 'DATASUM';
  expected: string;
  actual: string;
}

/**
 * Verifies DATASUM and CHECKSUM of one HDU when its header carries them: `headerStart` to
 * `dataStart` is the header blocks, `dataStart` to `dataEnd` the data blocks (padding included).
 * Returns the problems found, empty when the HDU is intact or carries no checksums.
 */
export function checkHduChecksums(bytes: Uint8Array, header: FitsHeader, headerStart: number, dataStart: number, dataEnd: number): ChecksumProblem[] {
  const datasum = headerString(header, 'DATASUM');
  const checksum = headerString(header, 'CHECKSUM');
  if (datasum === undefined && checksum === undefined) return [];
  const end = Math.min(dataEnd, Math.floor(bytes.length / BLOCK_BYTES) * BLOCK_BYTES);
  const dataSum = onesComplementSum(bytes, dataStart, end);
  const problems: ChecksumProblem[] = [];
  // An empty DATASUM value is the convention's "not computed"; a number must match.
  if (datasum !== undefined && datasum.trim() !== '' && Number(datasum.trim()) !== dataSum) {
    problems.push({ keyword: 'DATASUM', expected: datasum.trim(), actual: String(dataSum) });
  }
  if (checksum !== undefined && checksum.trim() !== '') {
    const hduSum = onesComplementSum(bytes, headerStart, dataStart, dataSum);
    if (hduSum !== TWO_32 - 1) {
      problems.push({ keyword: 'CHECKSUM', expected: checksum, actual: `HDU sums to ${hduSum}, not -0 (${TWO_32 - 1})` });
    }
  }
  return problems;
}
