import { parquetMetadata, parquetRead, parquetSchema } from 'hyparquet';
import type { SchemaElement } from 'hyparquet';
import { parquetWriteBuffer } from 'hyparquet-writer';
import { PipelineError } from '../framework/errors.ts';

/**
 * Catalogs as columns <-> Parquet bytes (hyparquet / hyparquet-writer). Every column is REQUIRED
 * (no nulls: a missing float is NaN), and its Parquet type follows its JS type one to one, so a
 * round trip returns the same array types:
 *
 * | JS column     | Parquet                       |
 * |---------------|-------------------------------|
 * | Float64Array  | DOUBLE                        |
 * | Float32Array  | FLOAT                         |
 * | Int32Array    | INT32                         |
 * | BigInt64Array | INT64                         |
 * | string[]      | BYTE_ARRAY (UTF8)             |
 * | boolean[]     | BOOLEAN                       |
 *
 * Bytes in, bytes out: the datastore does file I/O.
 */

export type CatalogColumn = Float64Array | Float32Array | Int32Array | BigInt64Array | string[] | boolean[];

/** Columns by name, in order; all of one length. */
export type Catalog = Record<string, CatalogColumn>;

export interface CatalogFile {
  columns: Catalog;
  /** Key-value metadata of the file (e.g. units, provenance), without hyparquet's own keys. */
  metadata: Record<string, string>;
}

type BasicType = 'DOUBLE' | 'FLOAT' | 'INT32' | 'INT64' | 'STRING' | 'BOOLEAN';

function basicTypeOf(name: string, column: CatalogColumn): BasicType {
  if (column instanceof Float64Array) return 'DOUBLE';
  if (column instanceof Float32Array) return 'FLOAT';
  if (column instanceof Int32Array) return 'INT32';
  if (column instanceof BigInt64Array) return 'INT64';
  if (Array.isArray(column)) {
    if (column.every((v) => typeof v === 'string')) return 'STRING';
    if (column.every((v) => typeof v === 'boolean')) return 'BOOLEAN';
  }
  throw new PipelineError('BAD_INPUT', `catalog column ${name} must be a typed array, string[] or boolean[] of one type`, { column: name });
}

/** Catalog columns as Parquet bytes. An empty string[] or boolean[] column is written as STRING. */
export function writeCatalogParquet(columns: Catalog, metadata: Record<string, string> = {}): Uint8Array {
  const names = Object.keys(columns);
  if (names.length === 0) throw new PipelineError('BAD_INPUT', 'a catalog needs at least one column');
  const rows = columns[names[0]!]!.length;
  const columnData = names.map((name) => {
    const data = columns[name]!;
    if (data.length !== rows) {
      throw new PipelineError('BAD_INPUT', 'catalog columns differ in length', { column: name, length: data.length, expected: rows });
    }
    return { name, data, type: basicTypeOf(name, data), nullable: false };
  });
  const buffer = parquetWriteBuffer({
    columnData,
    kvMetadata: Object.entries(metadata).map(([key, value]) => ({ key, value })),
    createdBy: 'vera pipelines/io/parquet.ts',
  });
  return new Uint8Array(buffer);
}

function emptyColumn(element: SchemaElement, rows: number): CatalogColumn {
  switch (element.type) {
    case 'DOUBLE':
      return new Float64Array(rows);
    case 'FLOAT':
      return new Float32Array(rows);
    case 'INT32':
      return new Int32Array(rows);
    case 'INT64':
      return new BigInt64Array(rows);
    case 'BOOLEAN':
      return new Array<boolean>(rows).fill(false);
    case 'BYTE_ARRAY':
      return new Array<string>(rows).fill('');
    default:
      throw new PipelineError('PARQUET_INVALID', `unsupported Parquet column type ${element.type} in ${element.name}`, { column: element.name });
  }
}

/** Parquet bytes back to catalog columns (flat schemas of the types above). */
export async function readCatalogParquet(bytes: Uint8Array): Promise<CatalogFile> {
  const file = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  let metadata;
  try {
    metadata = parquetMetadata(file);
  } catch (e) {
    throw new PipelineError('PARQUET_INVALID', 'not a readable Parquet file', { reason: String(e) }, { cause: e });
  }
  const rows = Number(metadata.num_rows);
  const schema = parquetSchema(metadata);
  const columns: Catalog = {};
  for (const child of schema.children) {
    if (child.children.length > 0) {
      throw new PipelineError('PARQUET_INVALID', `nested Parquet column ${child.element.name} is not a catalog column`, { column: child.element.name });
    }
    columns[child.element.name] = emptyColumn(child.element, rows);
  }
  await parquetRead({
    file,
    metadata,
    utf8: true,
    onChunk(chunk) {
      const target = columns[chunk.columnName]!;
      const source = chunk.columnData as ArrayLike<unknown>;
      for (let i = 0; i < source.length; i++) {
        const v = source[i];
        if (v === null || v === undefined) {
          throw new PipelineError('PARQUET_INVALID', `null in catalog column ${chunk.columnName}`, { column: chunk.columnName, row: chunk.rowStart + i });
        }
        (target as unknown[])[chunk.rowStart + i] = v;
      }
    },
  });
  const kv: Record<string, string> = {};
  for (const { key, value } of metadata.key_value_metadata ?? []) if (value !== undefined) kv[key] = value;
  return { columns, metadata: kv };
}
