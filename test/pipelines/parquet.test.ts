import { describe, expect, it } from 'vitest';
import type { Catalog } from '../../pipelines/io/parquet.ts';
import { readCatalogParquet, writeCatalogParquet } from '../../pipelines/io/parquet.ts';

function sampleCatalog(n: number): Catalog {
  return {
    id: BigInt64Array.from({ length: n }, (_, i) => BigInt(i) * 10_000_000_000n - 5n),
    raDeg: Float64Array.from({ length: n }, (_, i) => 150 + i * 1.234567890123e-5),
    mag: Float32Array.from({ length: n }, (_, i) => (i % 7 === 0 ? Number.NaN : 20 + (i % 100) * 0.01)),
    nPix: Int32Array.from({ length: n }, (_, i) => i - 2_000_000_000 * (i % 2)),
    kind: Array.from({ length: n }, (_, i) => ['star', 'galaxy', 'transient', 'ünïcode ✓', ''][i % 5]!),
    saturated: Array.from({ length: n }, (_, i) => i % 3 === 0),
  };
}

describe('Parquet catalogs', () => {
  it('round-trips every column type, value for value, with metadata', async () => {
    // 2500 rows: more than hyparquet-writer's first row group (1000), so chunks are joined.
    const catalog = sampleCatalog(2500);
    const bytes = writeCatalogParquet(catalog, { 'vera.units.raDeg': 'deg', note: 'test' });
    expect(Buffer.from(bytes.subarray(0, 4)).toString()).toBe('PAR1');
    const { columns, metadata } = await readCatalogParquet(bytes);
    expect(Object.keys(columns)).toEqual(Object.keys(catalog));
    for (const [name, data] of Object.entries(catalog)) {
      expect(columns[name]!.constructor, name).toBe(data.constructor);
      expect(columns[name], name).toEqual(data);
    }
    expect(metadata).toEqual({ 'vera.units.raDeg': 'deg', note: 'test' });
  });

  it('round-trips an empty catalog with its column types', async () => {
    const empty: Catalog = { id: new Int32Array(0), flux: new Float64Array(0) };
    const { columns } = await readCatalogParquet(writeCatalogParquet(empty));
    expect(columns).toEqual(empty);
    expect(columns.flux).toBeInstanceOf(Float64Array);
  });

  it('rejects ragged or untyped columns and non-Parquet bytes', async () => {
    expect(() => writeCatalogParquet({ a: new Int32Array(2), b: new Int32Array(3) })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    expect(() => writeCatalogParquet({ a: [1, 2] as unknown as string[] })).toThrow(expect.objectContaining({ code: 'BAD_INPUT' }));
    await expect(readCatalogParquet(new Uint8Array(100))).rejects.toMatchObject({ code: 'PARQUET_INVALID' });
  });
});
