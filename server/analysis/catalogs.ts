import type { Db } from '../db/client.ts';
import { VeraError } from '../errors.ts';
import { findDatasets, getCollection, listDatasetTypes, type Datastore } from '../repo/index.ts';
import { viewName, type SqlView } from './sql.ts';

/** The storage class whose files are Parquet tables (server/repo/storage-classes.ts). */
const PARQUET_CLASS = 'Catalog';

/**
 * Views over the Parquet catalogs of collections, for runSql: one view per Catalog dataset type
 * found in any of them, each row carrying `collection` (the name asked for, so a release or a
 * chain keeps its own name) and the dataset's data ID (required and implied dimensions). A
 * TAGGED or CHAINED collection is searched as the registry searches it (find-first along a chain).
 * Files are the datastore's own paths, resolved through Datastore.resolve: never outside its root.
 */
export async function viewsOfCollections(db: Db, datastore: Datastore, names: readonly string[]): Promise<SqlView[]> {
  const unique = [...new Set(names.map((n) => n.trim()).filter(Boolean))];
  if (unique.length === 0) throw new VeraError('BAD_INPUT', 'name at least one collection to query');
  if (unique.length > 50) throw new VeraError('BAD_INPUT', `at most 50 collections per query (got ${unique.length})`);
  const collections = await Promise.all(unique.map((n) => getCollection(db, n)));
  const types = (await listDatasetTypes(db)).filter((t) => t.storageClass === PARQUET_CLASS);
  // One registry look-up per dataset type and collection, all at once rather than one after another.
  const found = await Promise.all(
    types.map((type) => Promise.all(collections.map((c) => findDatasets(db, { datasetType: type.name, collections: [c.name], findFirst: c.type !== 'CALIBRATION' })))),
  );
  const views: SqlView[] = [];
  const taken = new Set<string>();
  for (const [t, type] of types.entries()) {
    const files: SqlView['files'][number][] = [];
    for (const [i, c] of collections.entries()) {
      for (const d of found[t]![i]!) {
        if (!d.path.endsWith('.parquet')) continue;
        files.push({ path: datastore.resolve(d.path), columns: { collection: c.name, ...d.dims } });
      }
    }
    if (files.length === 0) continue;
    let name = viewName(type.name);
    while (taken.has(name)) name = `${name}_`;
    taken.add(name);
    views.push({ name, files });
  }
  return views;
}
