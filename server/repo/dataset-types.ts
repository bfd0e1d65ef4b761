import { eq } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { datasetTypes } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { requireRole, type Actor } from '../auth/roles.ts';
import { pgErrorCode } from '../db/pg-errors.ts';
import { storageClass } from './storage-classes.ts';
import type { DatasetType } from './types.ts';
import { dimensionGroup, type DimensionGroup } from './universe.ts';

const TYPE_NAME = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/;

export interface DatasetTypeSpec {
  name: string;
  dimensions: readonly string[];
  storageClass: string;
  isCalibration?: boolean;
}

export function describeDatasetType(t: Pick<DatasetType, 'name' | 'dimensions' | 'storageClass' | 'isCalibration'>): string {
  return `${t.name}{${t.dimensions.join(', ')}} ${t.storageClass}${t.isCalibration ? ' (calibration)' : ''}`;
}

/**
 * Registers a dataset type, or returns the existing one when the definition is the same.
 * Any combination of dimensions is allowed: datasets store their data IDs as jsonb, so a new
 * combination needs no schema change. A different definition under the same name is an error
 * naming both.
 */
export async function registerDatasetType(db: Db, spec: DatasetTypeSpec, actor: Actor): Promise<DatasetType> {
  requireRole(actor, 'developer', 'registering dataset types');
  if (!TYPE_NAME.test(spec.name)) {
    throw new VeraError('BAD_INPUT', `invalid dataset type name '${spec.name}': letters, digits and '_', dot-separated components`, {
      name: spec.name,
    });
  }
  const group = dimensionGroup(spec.dimensions);
  storageClass(spec.storageClass);
  const wanted = { name: spec.name, dimensions: group.names, storageClass: spec.storageClass, isCalibration: spec.isCalibration ?? false };

  const existing = await findDatasetType(db, spec.name);
  if (existing) return sameOrConflict(existing, wanted);
  try {
    const [row] = await db
      .insert(datasetTypes)
      .values({ ...wanted, requiredDimensions: group.required })
      .returning();
    return row!;
  } catch (e) {
    // Registered concurrently by someone else: same rules as if it had been there first.
    if (pgErrorCode(e) !== '23505') throw e;
    return sameOrConflict((await findDatasetType(db, spec.name))!, wanted);
  }
}

function sameOrConflict(existing: DatasetType, wanted: Omit<DatasetType, 'id' | 'requiredDimensions'>): DatasetType {
  const same =
    existing.storageClass === wanted.storageClass &&
    existing.isCalibration === wanted.isCalibration &&
    existing.dimensions.join(',') === wanted.dimensions.join(',');
  if (same) return existing;
  throw new VeraError(
    'DATASET_TYPE_CONFLICT',
    `dataset type '${wanted.name}' is already registered as ${describeDatasetType(existing)}; cannot redefine it as ${describeDatasetType(wanted)}`,
    { existing: describeDatasetType(existing), requested: describeDatasetType(wanted) },
  );
}

export async function findDatasetType(db: Db, name: string): Promise<DatasetType | undefined> {
  const [row] = await db.select().from(datasetTypes).where(eq(datasetTypes.name, name));
  return row;
}

export async function getDatasetType(db: Db, name: string): Promise<DatasetType> {
  const t = await findDatasetType(db, name);
  if (!t) throw new VeraError('UNKNOWN_DATASET_TYPE', `unknown dataset type '${name}'`, { datasetType: name });
  return t;
}

export async function listDatasetTypes(db: Db): Promise<DatasetType[]> {
  return db.select().from(datasetTypes).orderBy(datasetTypes.name);
}

export function groupOf(t: DatasetType): DimensionGroup {
  return dimensionGroup(t.dimensions);
}
