import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { PipelineError } from './errors.ts';
import { findHdu, headerValue, hduToImage, imageHdu, readFits, wcsFromHeader, writeFits, type FitsHeader, type FitsValue } from '../io/fits.ts';
import { readCatalogParquet, writeCatalogParquet } from '../io/parquet.ts';
import type { CatalogValue, ExposureValue, ImageValue, MeasurementValue, Scalar } from './values.ts';

/**
 * Encoders and decoders per storage class. Encodings are deterministic (no timestamps, sorted
 * metadata), so the same values always give the same bytes: reruns are byte-identical.
 */
export interface Codec {
  /**
   * `alloc`, when given, is where a codec that sizes its output before writing it (FITS) may put
   * the bytes: a zeroed buffer of that length, which the caller reuses once it has written them
   * out. Codecs that do not size their output first ignore it.
   */
  encode(value: unknown, alloc?: (byteLength: number) => Uint8Array): Uint8Array | Promise<Uint8Array>;
  decode(bytes: Uint8Array): unknown;
  /**
   * True when `decode` copies everything it keeps: its value shares no memory with the bytes, so
   * a reader may reuse their buffer for the next file once `decode` has returned.
   */
  readonly decodeCopies?: boolean;
}

const WCS_KEYS = /^(CTYPE\d|CRVAL\d|CRPIX\d|CD\d_\d|CUNIT\d|PC\d_\d|CDELT\d|CROTA\d|RADESYS|EQUINOX|WCSAXES|LONPOLE|LATPOLE)$/;
/** Keywords the FITS writer owns: they describe the data layout, not the dataset, and must not come back as metadata. */
const STRUCTURAL_KEYS = /^(SIMPLE|BITPIX|NAXIS\d*|EXTEND|XTENSION|PCOUNT|GCOUNT|BZERO|BSCALE|BLANK|END|CONTINUE|LONGSTRN|CHECKSUM|DATASUM)$/;

function metadataCards(metadata: Record<string, Scalar>): FitsHeader {
  return Object.keys(metadata)
    .sort()
    .map((key) => ({ key, value: metadata[key]! as FitsValue }));
}

function metadataOf(header: FitsHeader): Record<string, Scalar> {
  const out: Record<string, Scalar> = {};
  for (const c of header) {
    if (!c.key || WCS_KEYS.test(c.key) || STRUCTURAL_KEYS.test(c.key) || c.key === 'EXTNAME' || c.key === 'COMMENT' || c.key === 'HISTORY') continue;
    if (typeof c.value === 'string' || typeof c.value === 'number' || typeof c.value === 'boolean') out[c.key] = c.value;
  }
  return out;
}

function hasWcs(header: FitsHeader): boolean {
  return headerValue(header, 'CTYPE1') !== undefined;
}

const imageCodec: Codec = {
  // readFits copies pixels into fresh arrays and header text into strings.
  decodeCopies: true,
  encode(v, alloc) {
    const value = v as ImageValue;
    return writeFits([imageHdu(value.image, { wcs: value.wcs, header: metadataCards(value.metadata) })], alloc);
  },
  decode(bytes) {
    const [hdu] = readFits(bytes);
    if (!hdu) throw new PipelineError('FITS_INVALID', 'FITS file has no HDU');
    return { image: hduToImage(hdu), metadata: metadataOf(hdu.header), wcs: hasWcs(hdu.header) ? wcsFromHeader(hdu.header) : undefined } satisfies ImageValue;
  },
};

/** Exposure: primary HDU with metadata; IMAGE, MASK, VARIANCE extensions; WCS on IMAGE. */
const exposureCodec: Codec = {
  decodeCopies: true,
  encode(v, alloc) {
    const e = v as ExposureValue;
    const meta: Record<string, Scalar> = { ...e.metadata };
    if (e.psf) {
      meta.PSF_FWHM = e.psf.fwhmPx;
      meta.PSF_SIG = e.psf.sigmaPx;
    }
    if (e.zeroPointMag !== undefined) meta.MAGZERO = e.zeroPointMag;
    return writeFits([
      { header: metadataCards(meta) },
      imageHdu(e.image, { name: 'IMAGE', wcs: e.wcs }),
      { name: 'MASK', data: e.mask, shape: [e.image.width, e.image.height] },
      imageHdu(e.variance, { name: 'VARIANCE' }),
    ], alloc);
  },
  decode(bytes) {
    const hdus = readFits(bytes);
    const meta = metadataOf(hdus[0]!.header);
    const img = findHdu(hdus, 'IMAGE');
    const mask = findHdu(hdus, 'MASK');
    const { PSF_FWHM, PSF_SIG, MAGZERO, ...rest } = meta;
    return {
      image: hduToImage(img),
      // The reader's array is fresh and ours alone (BITPIX 32): used as is, not copied element by element.
      mask: mask.data instanceof Int32Array ? mask.data : Int32Array.from(mask.data as ArrayLike<number>),
      variance: hduToImage(findHdu(hdus, 'VARIANCE')),
      wcs: hasWcs(img.header) ? wcsFromHeader(img.header) : undefined,
      psf: typeof PSF_FWHM === 'number' && typeof PSF_SIG === 'number' ? { fwhmPx: PSF_FWHM, sigmaPx: PSF_SIG } : undefined,
      zeroPointMag: typeof MAGZERO === 'number' ? MAGZERO : undefined,
      metadata: rest,
    } satisfies ExposureValue;
  },
};

const catalogCodec: Codec = {
  encode(v) {
    const c = v as CatalogValue;
    const sorted = Object.fromEntries(Object.keys(c.metadata).sort().map((k) => [k, c.metadata[k]!]));
    return writeCatalogParquet(c.columns, sorted);
  },
  decode: (bytes) => readCatalogParquet(bytes),
};

/** JSON with sorted keys and a trailing newline, for stable bytes. */
function stableJson(value: unknown): string {
  return `${JSON.stringify(sortKeys(value), null, 2)}\n`;
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === 'object' && !(v instanceof Date)) {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}

const jsonCodec: Codec = {
  encode: (v) => new TextEncoder().encode(stableJson(v)),
  decode: (bytes) => JSON.parse(new TextDecoder().decode(bytes)) as unknown,
};

const measurementCodec: Codec = {
  encode(v) {
    const m = v as MeasurementValue;
    if (typeof m?.metric !== 'string' || (typeof m.value !== 'number' && m.value !== null) || typeof m.unit !== 'string') {
      throw new PipelineError('BAD_INPUT', `a Measurement needs metric (string), value (number or null) and unit (string); got ${JSON.stringify(v)?.slice(0, 200)}`);
    }
    return jsonCodec.encode(m);
  },
  decode: jsonCodec.decode,
};

const yamlCodec: Codec = {
  encode: (v) => new TextEncoder().encode(stringifyYaml(sortKeys(v))),
  decode: (bytes) => parseYaml(new TextDecoder().decode(bytes)) as unknown,
};

const textCodec: Codec = {
  encode: (v) => new TextEncoder().encode(String(v)),
  decode: (bytes) => new TextDecoder().decode(bytes),
};

export const CODECS: Readonly<Record<string, Codec>> = {
  Image: imageCodec,
  Exposure: exposureCodec,
  Catalog: catalogCodec,
  Measurement: measurementCodec,
  StructuredData: jsonCodec,
  Config: yamlCodec,
  Plot: textCodec,
  Text: textCodec,
};

export function codecFor(storageClass: string): Codec {
  const c = CODECS[storageClass];
  if (!c) throw new PipelineError('UNKNOWN_STORAGE_CLASS', `no codec for storage class '${storageClass}'`, { storageClass });
  return c;
}
