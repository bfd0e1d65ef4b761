import { VeraError } from '../errors.ts';

/** How a dataset is stored: the file format its bytes are in. */
export interface StorageClass {
  name: string;
  extension: string;
  mediaType: string;
  doc: string;
}

const CLASSES: readonly StorageClass[] = [
  { name: 'Image', extension: 'fits', mediaType: 'image/fits', doc: 'a 2-d image (FITS)' },
  { name: 'Exposure', extension: 'fits', mediaType: 'image/fits', doc: 'image, mask and variance planes with WCS (FITS)' },
  { name: 'Catalog', extension: 'parquet', mediaType: 'application/vnd.apache.parquet', doc: 'a table (Parquet)' },
  { name: 'Measurement', extension: 'json', mediaType: 'application/json', doc: 'an lsst.verify measurement (JSON)' },
  { name: 'StructuredData', extension: 'json', mediaType: 'application/json', doc: 'any JSON document' },
  { name: 'Config', extension: 'yaml', mediaType: 'application/yaml', doc: 'a task configuration (YAML)' },
  { name: 'Plot', extension: 'svg', mediaType: 'image/svg+xml', doc: 'a figure (SVG)' },
  { name: 'Text', extension: 'txt', mediaType: 'text/plain', doc: 'a text file, such as a log' },
];

export const STORAGE_CLASSES: ReadonlyMap<string, StorageClass> = new Map(CLASSES.map((c) => [c.name, c]));

export function storageClass(name: string): StorageClass {
  const c = STORAGE_CLASSES.get(name);
  if (!c) {
    throw new VeraError('UNKNOWN_STORAGE_CLASS', `unknown storage class '${name}'; known: ${[...STORAGE_CLASSES.keys()].join(', ')}`, {
      storageClass: name,
    });
  }
  return c;
}
