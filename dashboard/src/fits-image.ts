/**
 * The first 2-D image of a FITS file, for display: header cards parsed as FITS 4.0 says
 * (80-character cards in 2880-byte blocks), big-endian pixels of any BITPIX, BSCALE/BZERO applied.
 * Enough for a calexp's IMAGE plane; not a general FITS reader (no tiles, no tables).
 */
export interface FitsImage {
  width: number;
  height: number;
  /** Row by row from FITS row 1 (the bottom of the image as displayed). */
  data: Float64Array;
}

const BLOCK = 2880;

function cards(bytes: Uint8Array, offset: number): { header: Map<string, string>; next: number } {
  const header = new Map<string, string>();
  const text = new TextDecoder('latin1');
  for (let block = offset; block + BLOCK <= bytes.length; block += BLOCK) {
    const chunk = text.decode(bytes.subarray(block, block + BLOCK));
    for (let r = 0; r < BLOCK; r += 80) {
      const card = chunk.slice(r, r + 80);
      const key = card.slice(0, 8).trim();
      if (key === 'END') return { header, next: block + BLOCK };
      if (card.slice(8, 10) !== '= ') continue;
      const raw = card.slice(10).trim();
      const value = raw.startsWith("'") ? raw.slice(1, raw.indexOf("'", 1)).trim() : raw.split('/')[0]!.trim();
      if (!header.has(key)) header.set(key, value);
    }
  }
  throw new Error('FITS header without END');
}

export function readFitsImage(buffer: ArrayBuffer): FitsImage {
  const bytes = new Uint8Array(buffer);
  const view = new DataView(buffer);
  let offset = 0;
  while (offset < bytes.length) {
    const { header, next } = cards(bytes, offset);
    const num = (k: string, d = 0) => (header.has(k) ? Number(header.get(k)) : d);
    const bitpix = num('BITPIX');
    const naxis = num('NAXIS');
    const axes = Array.from({ length: naxis }, (_, i) => num(`NAXIS${i + 1}`));
    const size = naxis === 0 ? 0 : (Math.abs(bitpix) / 8) * num('GCOUNT', 1) * (num('PCOUNT') + axes.reduce((a, b) => a * b, 1));
    const xtension = header.get('XTENSION');
    if (naxis === 2 && (xtension === undefined || xtension === 'IMAGE')) {
      const [width, height] = axes as [number, number];
      const [scale, zero] = [num('BSCALE', 1), num('BZERO')];
      const data = new Float64Array(width * height);
      const step = Math.abs(bitpix) / 8;
      for (let k = 0; k < data.length; k++) {
        const at = next + k * step;
        const raw =
          bitpix === -32 ? view.getFloat32(at) : bitpix === -64 ? view.getFloat64(at) : bitpix === 16 ? view.getInt16(at) : bitpix === 32 ? view.getInt32(at) : bitpix === 8 ? view.getUint8(at) : Number(view.getBigInt64(at));
        data[k] = raw * scale + zero;
      }
      return { width, height, data };
    }
    offset = next + Math.ceil(size / BLOCK) * BLOCK;
  }
  throw new Error('the FITS file has no 2-D image');
}

/** An asinh stretch between robust limits, grey levels for a canvas. */
export function drawImage(canvas: HTMLCanvasElement, img: FitsImage): void {
  canvas.width = img.width;
  canvas.height = img.height;
  const finite = Array.from(img.data).filter(Number.isFinite).sort((a, b) => a - b);
  const lo = finite[Math.floor(finite.length * 0.05)] ?? 0;
  const hi = finite[Math.floor(finite.length * 0.999)] ?? 1;
  const soft = Math.max((hi - lo) / 50, 1e-9);
  const norm = Math.asinh((hi - lo) / soft);
  const g2d = canvas.getContext('2d')!;
  const out = g2d.createImageData(img.width, img.height);
  for (let row = 0; row < img.height; row++) {
    // FITS row 1 is the bottom; canvas row 0 is the top.
    const src = (img.height - 1 - row) * img.width;
    for (let col = 0; col < img.width; col++) {
      const v = img.data[src + col]!;
      const g = Number.isFinite(v) ? Math.round(255 * Math.min(1, Math.max(0, Math.asinh((v - lo) / soft) / norm))) : 0;
      const o = (row * img.width + col) * 4;
      out.data[o] = out.data[o + 1] = out.data[o + 2] = g;
      out.data[o + 3] = 255;
    }
  }
  g2d.putImageData(out, 0, 0);
}
