import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { datasets, datasetTypes, type QuantumPlan } from '../db/schema/index.ts';
import type { Datastore } from '../repo/index.ts';

/**
 * Deletes the files of intermediates (`persist: false` outputs) once a run has succeeded. Their
 * registry rows stay, marked `stored = false`, so provenance still walks through them; the row is
 * updated before the file goes, so a crash in between leaves an orphan file, never a dangling row.
 * A run drops most of them while it executes, as soon as every quantum reading one has succeeded
 * (markUnstored, execute.ts); this catches the rest.
 */
export async function dropIntermediates(db: Db, store: Datastore, runCollectionId: number, rows: { plan: QuantumPlan | null }[]): Promise<number> {
  const types = [...new Set(rows.flatMap((q) => q.plan!.outputs.filter((o) => !o.persist).map((o) => o.datasetType)))];
  if (types.length === 0) return 0;
  const typeIds = (await db.select({ id: datasetTypes.id }).from(datasetTypes).where(inArray(datasetTypes.name, types))).map((t) => t.id);
  const dropped = await db
    .update(datasets)
    .set({ stored: false })
    .where(and(eq(datasets.runId, runCollectionId), inArray(datasets.datasetTypeId, typeIds), eq(datasets.stored, true)))
    .returning({ path: datasets.path });
  await store.removeMany(dropped.map((d) => d.path));
  return dropped.length;
}

/**
 * Marks these datasets of the run `stored = false` and returns the paths of those that were
 * stored, whose files the caller removes next (the row first, as in dropIntermediates). A
 * thousand ids per statement: a batch of quanta reading whole tracts can spend tens of thousands.
 */
export async function markUnstored(db: Db, runCollectionId: number, ids: readonly string[]): Promise<string[]> {
  const paths: string[] = [];
  for (let i = 0; i < ids.length; i += 1000) {
    const dropped = await db
      .update(datasets)
      .set({ stored: false })
      .where(and(eq(datasets.runId, runCollectionId), inArray(datasets.id, ids.slice(i, i + 1000)), eq(datasets.stored, true)))
      .returning({ path: datasets.path });
    paths.push(...dropped.map((d) => d.path));
  }
  return paths;
}
