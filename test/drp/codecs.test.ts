import { describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import { MASK, type CatalogValue, type ExposureValue, type ImageValue, type MeasurementValue } from '../../pipelines/framework/values.ts';
import { makeTanWcs } from '../../pipelines/image/wcs.ts';

/** Every storage class the DRP writes survives encode -> decode -> encode unchanged, byte for byte. */

const wcs = makeTanWcs([150.1, 2.2], [255.5, -20.25], 0.2, 1.3);

async function roundTrip(storageClass: string, value: unknown): Promise<{ decoded: unknown; bytes: Buffer; again: Buffer }> {
  const codec = codecFor(storageClass);
  const bytes = Buffer.from(await codec.encode(value));
  const decoded = await codec.decode(bytes);
  const again = Buffer.from(await codec.encode(decoded));
  return { decoded, bytes, again };
}

describe('DRP dataset codecs', () => {
  it('round-trips an Image: pixels, WCS and metadata, without FITS structural keywords in the metadata', async () => {
    const image: ImageValue = {
      image: { width: 4, height: 3, data: Float32Array.from({ length: 12 }, (_, i) => i * 1.5 - 3) },
      metadata: { BAND: 'r', EXPTIME: 30, GAIN: 1.7, FLAGGED: true, 'MJD-AVG': 60736.1 },
      wcs,
    };
    const { decoded, bytes, again } = await roundTrip('Image', image);
    const d = decoded as ImageValue;
    expect(d.metadata).toEqual(image.metadata);
    expect(Array.from(d.image.data)).toEqual(Array.from(image.image.data));
    expect(d.wcs!.crvalDeg).toEqual(wcs.crvalDeg);
    expect(d.wcs!.crpixPx[0]).toBeCloseTo(wcs.crpixPx[0], 12);
    expect(d.wcs!.cdDegPerPx[0][1]).toBeCloseTo(wcs.cdDegPerPx[0][1], 15);
    expect(again.equals(bytes)).toBe(true);
  });

  it('round-trips an Exposure with mask, variance, PSF and zero point', async () => {
    const exposure: ExposureValue = {
      image: { width: 3, height: 2, data: Float32Array.from([1, -2, 3.25, 4, 5, 6e4]) },
      mask: Int32Array.from([0, MASK.SAT, MASK.CR | MASK.DETECTED, MASK.NO_DATA, 0, MASK.BAD]),
      variance: { width: 3, height: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      wcs,
      psf: { fwhmPx: 4.25, sigmaPx: 1.8 },
      zeroPointMag: 31.95,
      metadata: { BUNIT: 'electron', PSFSIG1: 1.8, PSFSIG2: 3.6, PSFWFRAC: 0.1, APCORR: 1.002 },
    };
    const { decoded, bytes, again } = await roundTrip('Exposure', exposure);
    const d = decoded as ExposureValue;
    expect(d.metadata).toEqual(exposure.metadata);
    expect(Array.from(d.mask)).toEqual(Array.from(exposure.mask));
    expect(Array.from(d.variance.data)).toEqual(Array.from(exposure.variance.data));
    expect(Array.from(d.image.data)).toEqual(Array.from(exposure.image.data));
    expect(d.psf).toEqual(exposure.psf);
    expect(d.zeroPointMag).toBe(exposure.zeroPointMag);
    expect(again.equals(bytes)).toBe(true);
  });

  it('round-trips a Catalog with every column type and its metadata', async () => {
    const catalog: CatalogValue = {
      columns: {
        id: Int32Array.from([1, 2, 3]),
        raDeg: Float64Array.from([150.1, 150.2, Number.NaN]),
        flux: Float32Array.from([1.5, 2.5, 3.5]),
        big: BigInt64Array.from([1n, 2n ** 40n, -3n]),
        kind: ['star', 'galaxy', 'star'],
        flag: [true, false, true],
      },
      metadata: { fluxUnit: 'nJy', band: 'r' },
    };
    const { decoded, bytes, again } = await roundTrip('Catalog', catalog);
    const d = decoded as CatalogValue;
    expect(d.metadata).toEqual(catalog.metadata);
    expect(Object.keys(d.columns)).toEqual(Object.keys(catalog.columns));
    expect(d.columns.raDeg).toBeInstanceOf(Float64Array);
    expect(Number.isNaN((d.columns.raDeg as Float64Array)[2]!)).toBe(true);
    expect(d.columns.kind).toEqual(catalog.columns.kind);
    expect(d.columns.flag).toEqual(catalog.columns.flag);
    expect(Array.from(d.columns.big as BigInt64Array)).toEqual(Array.from(catalog.columns.big as BigInt64Array));
    expect(again.equals(bytes)).toBe(true);
  });

  it('round-trips a Measurement and refuses one without a metric name', async () => {
    const m: MeasurementValue = { metric: 'simcam_drp.PA1', value: 7.5, unit: 'mmag', extras: { nStars: { value: 54, unit: '', label: 'stars' } } };
    const { decoded, bytes, again } = await roundTrip('Measurement', m);
    expect(decoded).toEqual(m);
    expect(again.equals(bytes)).toBe(true);
    expect(() => codecFor('Measurement').encode({ value: 1, unit: 'mmag' })).toThrow(/metric/);
  });

  it('decodes Images and Exposures into values that share no memory with the file bytes, as decodeCopies promises', async () => {
    // The runner reads such inputs into one buffer it reuses for the next file: a decoded value
    // that kept a view of those bytes would change under the task's feet.
    const exposure: ExposureValue = {
      image: { width: 3, height: 2, data: Float32Array.from([1, -2, 3.25, 4, 5, 6e4]) },
      mask: Int32Array.from([0, MASK.SAT, MASK.CR, MASK.NO_DATA, 0, MASK.BAD]),
      variance: { width: 3, height: 2, data: Float32Array.from([1, 2, 3, 4, 5, 6]) },
      wcs,
      psf: { fwhmPx: 4.25, sigmaPx: 1.8 },
      metadata: { BUNIT: 'electron', LONGTEXT: 'x'.repeat(100) },
    };
    const image: ImageValue = { image: exposure.image, metadata: { BAND: 'r' }, wcs };
    for (const [storageClass, value] of [['Exposure', exposure], ['Image', image]] as const) {
      const codec = codecFor(storageClass);
      expect(codec.decodeCopies).toBe(true);
      const bytes = Buffer.from(await codec.encode(value));
      const decoded = await codec.decode(bytes);
      const before = Buffer.from(await codec.encode(decoded));
      bytes.fill(0x55);
      expect(Buffer.from(await codec.encode(decoded)).equals(before), storageClass).toBe(true);
    }
    // Catalogs make no such promise: the runner reads each one into a buffer of its own.
    expect(codecFor('Catalog').decodeCopies).not.toBe(true);
  });
});
