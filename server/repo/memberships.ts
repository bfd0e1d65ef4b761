import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { collections, datasetCalibs, datasetTags, datasets, datasetTypes } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { requireOwner, requireRole, type Actor } from '../auth/roles.ts';
import { getCollection } from './collections.ts';
import { getDatasets } from './datasets.ts';
import type { Collection, CollectionType } from './types.ts';

async function lockedCollection(tx: Db, name: string, type: CollectionType, actor: Actor, action: string): Promise<Collection> {
  requireRole(actor, 'developer', action);
  const c = await getCollection(tx, name);
  if (c.type !== type) throw new VeraError('COLLECTION_TYPE', `${action}: collection '${name}' is ${c.type}, not ${type}`, { collection: name, type: c.type });
  requireOwner(actor, c.ownerId, c.owner, `collection '${name}'`);
  // Serializes membership changes per collection, so concurrent checks cannot both pass.
  await tx.select({ id: collections.id }).from(collections).where(eq(collections.id, c.id)).for('update');
  return c;
}

async function typeIdsByName(tx: Db, names: string[]): Promise<Map<string, { id: number; isCalibration: boolean }>> {
  const rows = await tx.select().from(datasetTypes).where(inArray(datasetTypes.name, [...new Set(names)]));
  return new Map(rows.map((r) => [r.name, { id: r.id, isCalibration: r.isCalibration }]));
}

/** Adds datasets to a TAGGED collection. Re-adding one is a no-op; a second dataset for the same type and data ID is refused. */
export async function tagDatasets(db: Db, collection: string, datasetIds: readonly string[], actor: Actor): Promise<Collection> {
  return db.transaction(async (tx) => {
    const c = await lockedCollection(tx, collection, 'TAGGED', actor, 'tagging datasets');
    const refs = await getDatasets(tx, datasetIds);
    const types = await typeIdsByName(tx, refs.map((r) => r.datasetType));
    const present = await tx.select().from(datasetTags).where(eq(datasetTags.collectionId, c.id));
    const taken = new Map(present.map((p) => [`${p.datasetTypeId}|${JSON.stringify(p.dataId)}`, p.datasetId]));
    const rows = [];
    for (const ref of refs) {
      const typeId = types.get(ref.datasetType)!.id;
      const key = `${typeId}|${JSON.stringify(ref.dataId)}`;
      const holder = taken.get(key);
      if (holder === ref.id) continue;
      if (holder) {
        throw new VeraError(
          'DATASET_CONFLICT',
          `collection '${collection}' already holds ${ref.datasetType} ${JSON.stringify(ref.dataId)} (dataset ${holder}); untag it before tagging ${ref.id}`,
          { collection, existing: holder, dataset: ref.id },
        );
      }
      taken.set(key, ref.id);
      rows.push({ collectionId: c.id, datasetId: ref.id, datasetTypeId: typeId, dataId: ref.dataId });
    }
    if (rows.length > 0) await tx.insert(datasetTags).values(rows);
    return c;
  });
}

export async function untagDatasets(db: Db, collection: string, datasetIds: readonly string[], actor: Actor): Promise<Collection> {
  return db.transaction(async (tx) => {
    const c = await lockedCollection(tx, collection, 'TAGGED', actor, 'untagging datasets');
    await getDatasets(tx, datasetIds);
    if (datasetIds.length > 0) {
      await tx.delete(datasetTags).where(and(eq(datasetTags.collectionId, c.id), inArray(datasetTags.datasetId, [...datasetIds])));
    }
    return c;
  });
}

export interface Validity {
  /** Inclusive start; undefined is open (valid since forever). */
  validFrom?: Date | null | undefined;
  /** Exclusive end; undefined is open (valid until further notice). */
  validTo?: Date | null | undefined;
}

function overlaps(a: Validity, b: Validity): boolean {
  const aFrom = a.validFrom?.getTime() ?? -Infinity;
  const aTo = a.validTo?.getTime() ?? Infinity;
  const bFrom = b.validFrom?.getTime() ?? -Infinity;
  const bTo = b.validTo?.getTime() ?? Infinity;
  return aFrom < bTo && bFrom < aTo;
}

function describeRange(v: Validity): string {
  return `[${v.validFrom?.toISOString() ?? '-inf'}, ${v.validTo?.toISOString() ?? '+inf'})`;
}

/**
 * Certifies calibration datasets in a CALIBRATION collection for [validFrom, validTo).
 * A range overlapping an existing certification of the same type and data ID is refused,
 * naming both, so a lookup at any time finds at most one calibration.
 */
export async function certifyDatasets(
  db: Db,
  collection: string,
  datasetIds: readonly string[],
  validity: Validity,
  actor: Actor,
): Promise<Collection> {
  if (validity.validFrom && validity.validTo && validity.validFrom.getTime() >= validity.validTo.getTime()) {
    throw new VeraError('BAD_INPUT', `empty validity range ${describeRange(validity)}: validFrom must be before validTo`, {});
  }
  return db.transaction(async (tx) => {
    const c = await lockedCollection(tx, collection, 'CALIBRATION', actor, 'certifying calibrations');
    const refs = await getDatasets(tx, datasetIds);
    const types = await typeIdsByName(tx, refs.map((r) => r.datasetType));
    const notCalib = refs.find((r) => !types.get(r.datasetType)!.isCalibration);
    if (notCalib) {
      throw new VeraError('COLLECTION_TYPE', `dataset ${notCalib.id} is a ${notCalib.datasetType}, which is not a calibration dataset type`, {
        dataset: notCalib.id,
      });
    }
    const existing = await tx
      .select()
      .from(datasetCalibs)
      .where(
        and(
          eq(datasetCalibs.collectionId, c.id),
          inArray(
            datasetCalibs.datasetTypeId,
            [...types.values()].map((t) => t.id),
          ),
        ),
      );
    const rows: (typeof datasetCalibs.$inferInsert)[] = [];
    for (const ref of refs) {
      const typeId = types.get(ref.datasetType)!.id;
      const key = JSON.stringify(ref.dataId);
      const clash = [...existing, ...rows].find(
        (e) => e.datasetTypeId === typeId && JSON.stringify(e.dataId) === key && overlaps(e, validity),
      );
      if (clash) {
        throw new VeraError(
          'CALIBRATION_CONFLICT',
          `${ref.datasetType} ${key} (dataset ${ref.id}) in '${collection}': ${describeRange(validity)} overlaps the certification of dataset ${clash.datasetId} for ${describeRange(clash)}`,
          { collection, dataset: ref.id, existing: clash.datasetId },
        );
      }
      rows.push({
        collectionId: c.id,
        datasetId: ref.id,
        datasetTypeId: typeId,
        dataId: ref.dataId,
        validFrom: validity.validFrom ?? null,
        validTo: validity.validTo ?? null,
      });
    }
    if (rows.length > 0) await tx.insert(datasetCalibs).values(rows);
    return c;
  });
}

/** How many datasets a collection holds directly (chains hold none themselves). */
export async function countMembers(db: Db, c: Collection): Promise<number> {
  return (await countMembersOf(db, [c])).get(c.id)!;
}

/** Datasets held directly by each collection, one grouped query per collection type present. */
export async function countMembersOf(db: Db, cs: readonly Pick<Collection, 'id' | 'type'>[]): Promise<Map<number, number>> {
  const out = new Map(cs.map((c) => [c.id, 0]));
  const idsOf = (type: string) => [...new Set(cs.filter((c) => c.type === type).map((c) => c.id))];
  const n = sql<number>`count(*)::int`;
  const counted: { id: number; n: number }[][] = [];
  const run = idsOf('RUN');
  if (run.length) counted.push(await db.select({ id: datasets.runId, n }).from(datasets).where(inArray(datasets.runId, run)).groupBy(datasets.runId));
  const tagged = idsOf('TAGGED');
  if (tagged.length) {
    counted.push(await db.select({ id: datasetTags.collectionId, n }).from(datasetTags).where(inArray(datasetTags.collectionId, tagged)).groupBy(datasetTags.collectionId));
  }
  const calib = idsOf('CALIBRATION');
  if (calib.length) {
    counted.push(
      await db.select({ id: datasetCalibs.collectionId, n }).from(datasetCalibs).where(inArray(datasetCalibs.collectionId, calib)).groupBy(datasetCalibs.collectionId),
    );
  }
  for (const r of counted.flat()) out.set(r.id, r.n);
  return out;
}
