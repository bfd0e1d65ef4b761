import type { InferSelectModel } from 'drizzle-orm';
import type * as schema from '../db/schema/index.ts';

export type DataIdValue = schema.DataIdValue;
/** Values for a dataset type's required dimensions, e.g. `{instrument: 'SimCam', visit: 3, detector: 1}`. */
export type DataId = Record<string, DataIdValue>;

export type CollectionType = 'RUN' | 'TAGGED' | 'CHAINED' | 'CALIBRATION';
export const COLLECTION_TYPES: readonly CollectionType[] = ['RUN', 'TAGGED', 'CHAINED', 'CALIBRATION'];

export interface DatasetType {
  id: number;
  name: string;
  dimensions: string[];
  requiredDimensions: string[];
  storageClass: string;
  isCalibration: boolean;
}

export interface Collection {
  id: number;
  name: string;
  type: CollectionType;
  ownerId: number;
  owner: string;
  doc: string;
  createdAt: Date;
  /** Direct children, in search order (CHAINED only; empty otherwise). */
  children: string[];
}

export interface DatasetRef {
  id: string;
  datasetType: string;
  run: string;
  dataId: DataId;
  /** Required and implied dimension values. */
  dims: DataId;
  path: string;
  sizeBytes: number;
  checksum: string;
  quantumId: string | null;
  createdAt: Date;
}

/** A dataset found through a CALIBRATION collection carries the validity it was found with. */
export interface CalibrationMatch extends DatasetRef {
  validFrom: Date | null;
  validTo: Date | null;
}


export type DatasetRow = InferSelectModel<typeof schema.datasets>;
