import type { Db } from '../db/client.ts';
import { resolveSearchPath, type SearchPathEntry } from './collections.ts';
import { getDatasetType } from './dataset-types.ts';
import type { DimensionRecordCache } from './dimensions.ts';
import type { Collection, DatasetType } from './types.ts';

/**
 * Registry lookups that one piece of work repeats many times and may remember while it lasts:
 * planning a run (a prerequisite per quantum) or registering a run's outputs batch after batch.
 * Dataset types and dimension records are never changed once they exist, so a found one stays
 * true; a search path is taken as it stood when first resolved, as a plan takes its inputs. A
 * name or key not found is not remembered. Make one per piece of work, never per process.
 */
export interface LookupCache {
  datasetTypes: Map<string, DatasetType>;
  records: DimensionRecordCache;
  searchPaths: Map<string, SearchPathEntry[]>;
  /**
   * RUN collections an actor was found allowed to write (by `<actor id> <name>`): registering a
   * run's outputs batch after batch checks its type and owner once. Neither changes while the
   * collection exists, and a removed one fails the insert that names it (foreign key).
   */
  writableRuns: Map<string, Collection>;
}

export function newLookupCache(): LookupCache {
  return { datasetTypes: new Map(), records: new Map(), searchPaths: new Map(), writableRuns: new Map() };
}

/** `getDatasetType`, through the cache when there is one. */
export async function lookUpDatasetType(db: Db, name: string, cache: LookupCache | undefined): Promise<DatasetType> {
  const known = cache?.datasetTypes.get(name);
  if (known) return known;
  const type = await getDatasetType(db, name);
  cache?.datasetTypes.set(name, type);
  return type;
}

/** `resolveSearchPath`, through the cache when there is one. */
export async function lookUpSearchPath(db: Db, names: readonly string[], cache: LookupCache | undefined): Promise<SearchPathEntry[]> {
  const key = JSON.stringify(names);
  const known = cache?.searchPaths.get(key);
  if (known) return known;
  const path = await resolveSearchPath(db, names);
  cache?.searchPaths.set(key, path);
  return path;
}
