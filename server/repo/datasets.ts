import { sql, type SQL } from 'drizzle-orm';
import { queryRows, type Db } from '../db/client.ts';
import { VeraError } from '../errors.ts';
import { assertUuids } from './ids.ts';
import type { SearchPathEntry } from './collections.ts';
import { groupOf, describeDatasetType } from './dataset-types.ts';
import { expandDataIds } from './dimensions.ts';
import { lookUpDatasetType, lookUpSearchPath, type LookupCache } from './lookup-cache.ts';
import type { CalibrationMatch, DataId, DatasetRef, DatasetType } from './types.ts';
import { dimension } from './universe.ts';
import { compileWhere, parseWhere, pinnedDataId, type BindValue } from './where/index.ts';

/** An instant, or a span [begin, end) such as a visit's exposure, to match calibration validity. */
export type TimeSpec = Date | { begin: Date; end: Date };

export interface DatasetQuery {
  datasetType: string;
  collections: readonly string[];
  where?: string | undefined;
  bind?: Readonly<Record<string, BindValue>> | undefined;
  /** Needed when the search path holds CALIBRATION collections and `findFirst` is on. */
  time?: TimeSpec | undefined;
  /** Return only the first match per data ID along the search path (default true). */
  findFirst?: boolean | undefined;
  limit?: number | undefined;
  /**
   * Also datasets whose file is gone (intermediates not persisted, imports without files). Off by
   * default: such a dataset cannot be read, so listing it or planning a run on it would mislead.
   */
  includeUnstored?: boolean | undefined;
}

/**
 * Datasets of one type in a collection search path, filtered by a `where` expression.
 * With `findFirst` (the default), each data ID yields the dataset from the earliest collection
 * in the flattened path that has one, as the Butler's find-first search does.
 */
export async function findDatasets(db: Db, q: DatasetQuery, cache?: LookupCache): Promise<CalibrationMatch[]> {
  const type = await lookUpDatasetType(db, q.datasetType, cache);
  const path = await lookUpSearchPath(db, q.collections, cache);
  const filter = q.where?.trim() ? compileFilter(type, q.where, q.bind ?? {}) : sql`TRUE`;
  return search(db, type, path, filter, { time: q.time, findFirst: q.findFirst ?? true, limit: q.limit, includeUnstored: q.includeUnstored ?? false });
}

function compileFilter(type: DatasetType, where: string, bind: Readonly<Record<string, BindValue>>): SQL {
  const expr = parseWhere(where);
  const filter = compileWhere(expr, {
    source: where,
    dimensions: new Map(type.dimensions.map((d) => [d, dimension(d).keyType])),
    subject: `dataset type '${type.name}' {${type.dimensions.join(', ')}}`,
    bind,
    dimsColumn: sql`d.dims`,
  });
  // Type checks above have passed, so a pinned data ID has the right value types.
  const pinned = pinnedDataId(expr, type.requiredDimensions, bind);
  return pinned ? sql`(d.data_id = ${JSON.stringify(pinned)}::jsonb AND ${filter})` : filter;
}

/**
 * The one dataset of a type with a data ID in a search path, or undefined. The data ID may hold
 * more than the type needs: `{instrument, visit, detector}` finds a flat by the visit's
 * physical_filter, and, in CALIBRATION collections, by the visit's time span. A `cache` serves
 * the lookups that many finds in a row repeat (a run's planning: one per quantum).
 */
export async function findDataset(
  db: Db,
  q: { datasetType: string; dataId: DataId; collections: readonly string[]; time?: TimeSpec },
  cache?: LookupCache,
): Promise<CalibrationMatch | undefined> {
  const type = await lookUpDatasetType(db, q.datasetType, cache);
  const extra = Object.keys(q.dataId).filter((k) => !type.dimensions.includes(k));
  const lookupGroup = groupOf({ ...type, dimensions: [...type.dimensions, ...extra] });
  const [expanded] = await expandDataIds(db, lookupGroup, [q.dataId], `finding ${type.name}`, cache?.records);
  const dataId = Object.fromEntries(type.requiredDimensions.map((k) => [k, expanded!.dims[k]!]));
  const time = q.time ?? (q.dataId.visit !== undefined ? await visitSpan(db, expanded!.dims) : undefined);
  const path = await lookUpSearchPath(db, q.collections, cache);
  const filter = sql`d.data_id = ${JSON.stringify(dataId)}::jsonb`;
  const found = await search(db, type, path, filter, { time, findFirst: true, limit: undefined, includeUnstored: false });
  if (found.length > 1) {
    throw new VeraError('CALIBRATION_AMBIGUOUS', `more than one ${type.name} is valid for ${JSON.stringify(dataId)} over that time`, {
      dataId,
    });
  }
  return found[0];
}

async function visitSpan(db: Db, dims: DataId): Promise<TimeSpec | undefined> {
  const [row] = await queryRows<{ begin: Date; end: Date }>(
    db,
    sql`SELECT begin_time AS begin, end_time AS "end" FROM dim_visit WHERE instrument = ${dims.instrument} AND id = ${dims.visit}`,
  );
  return row ? { begin: new Date(row.begin), end: new Date(row.end) } : undefined;
}

interface SearchOptions {
  time: TimeSpec | undefined;
  findFirst: boolean;
  limit: number | undefined;
  includeUnstored: boolean;
}

function rankTable(entries: SearchPathEntry[]): SQL {
  return sql.join(
    entries.map((e) => sql`(${e.id}::int, ${e.rank}::int)`),
    sql`, `,
  );
}

function validityFilter(time: TimeSpec): SQL {
  // Validity is [valid_from, valid_to): an instant t matches when valid_from <= t < valid_to,
  // a span [begin, end) when it overlaps the range.
  if (time instanceof Date) {
    const t = time.toISOString();
    return sql`(c.valid_from IS NULL OR c.valid_from <= ${t}::timestamptz) AND (c.valid_to IS NULL OR ${t}::timestamptz < c.valid_to)`;
  }
  const begin = time.begin.toISOString();
  const end = time.end.toISOString();
  return sql`(c.valid_from IS NULL OR c.valid_from < ${end}::timestamptz) AND (c.valid_to IS NULL OR ${begin}::timestamptz < c.valid_to)`;
}

interface MatchRow {
  id: string;
  dataset_type: string;
  run: string;
  data_id: DataId;
  dims: DataId;
  path: string;
  size_bytes: string | number;
  checksum: string;
  quantum_id: string | null;
  created_at: Date | string;
  valid_from: Date | string | null;
  valid_to: Date | string | null;
}

async function search(db: Db, type: DatasetType, path: SearchPathEntry[], where: SQL, opts: SearchOptions): Promise<CalibrationMatch[]> {
  // Filtered before find-first: a data ID whose first match has no file falls through to the next.
  const filter = opts.includeUnstored ? where : sql`(${where} AND d.stored)`;
  const runs = path.filter((p) => p.type === 'RUN');
  const tagged = path.filter((p) => p.type === 'TAGGED');
  // Only calibration types can be certified: other types are never found in CALIBRATION collections.
  const calibs = type.isCalibration ? path.filter((p) => p.type === 'CALIBRATION') : [];
  if (calibs.length > 0 && opts.findFirst && !opts.time) {
    throw new VeraError(
      'CALIBRATION_TIME_REQUIRED',
      `searching CALIBRATION collection(s) ${calibs.map((c) => `'${c.name}'`).join(', ')} for ${describeDatasetType(type)} needs a time (or a visit in the data ID)`,
      { collections: calibs.map((c) => c.name) },
    );
  }
  const branches: SQL[] = [];
  if (runs.length > 0) {
    branches.push(sql`SELECT d.id, d.data_id, p.rank, NULL::timestamptz AS valid_from, NULL::timestamptz AS valid_to
      FROM datasets d JOIN (VALUES ${rankTable(runs)}) AS p(cid, rank) ON d.run_id = p.cid
      WHERE d.dataset_type_id = ${type.id} AND ${filter}`);
  }
  if (tagged.length > 0) {
    branches.push(sql`SELECT d.id, d.data_id, p.rank, NULL::timestamptz AS valid_from, NULL::timestamptz AS valid_to
      FROM dataset_tags g JOIN (VALUES ${rankTable(tagged)}) AS p(cid, rank) ON g.collection_id = p.cid
      JOIN datasets d ON d.id = g.dataset_id
      WHERE g.dataset_type_id = ${type.id} AND ${filter}`);
  }
  if (calibs.length > 0) {
    const when = opts.time ? validityFilter(opts.time) : sql`TRUE`;
    branches.push(sql`SELECT d.id, d.data_id, p.rank, c.valid_from, c.valid_to
      FROM dataset_calibs c JOIN (VALUES ${rankTable(calibs)}) AS p(cid, rank) ON c.collection_id = p.cid
      JOIN datasets d ON d.id = c.dataset_id
      WHERE c.dataset_type_id = ${type.id} AND ${filter} AND ${when}`);
  }
  if (branches.length === 0) return [];

  // Find-first keeps, per data ID, the matches from the earliest collection that has any. RUN and
  // TAGGED collections hold one dataset per data ID; several rows from one CALIBRATION collection
  // mean overlapping validity for the span asked, which findDataset reports as ambiguous.
  const rows = await queryRows<MatchRow>(
    db,
    sql`WITH m0 AS (${sql.join(branches, sql` UNION ALL `)}),
      m AS (SELECT m0.*, min(m0.rank) OVER (PARTITION BY m0.data_id) AS first_rank FROM m0)
    SELECT d.id, t.name AS dataset_type, r.name AS run, d.data_id, d.dims, d.path, d.size_bytes,
           d.checksum, d.quantum_id, d.created_at, m.valid_from, m.valid_to
    FROM m JOIN datasets d ON d.id = m.id
    JOIN dataset_types t ON t.id = d.dataset_type_id
    JOIN collections r ON r.id = d.run_id
    WHERE ${opts.findFirst ? sql`m.rank = m.first_rank` : sql`TRUE`}
    ORDER BY m.data_id, m.rank, m.valid_from NULLS FIRST, d.id
    ${opts.limit !== undefined ? sql`LIMIT ${opts.limit}` : sql``}`,
  );
  return rows.map(toRef);
}

function toDate(v: Date | string | null): Date | null {
  return v === null ? null : v instanceof Date ? v : new Date(v);
}

function toRef(r: MatchRow): CalibrationMatch {
  return {
    id: r.id,
    datasetType: r.dataset_type,
    run: r.run,
    dataId: r.data_id,
    dims: r.dims,
    path: r.path,
    sizeBytes: Number(r.size_bytes),
    checksum: r.checksum,
    quantumId: r.quantum_id,
    createdAt: toDate(r.created_at)!,
    validFrom: toDate(r.valid_from),
    validTo: toDate(r.valid_to),
  };
}

/** Datasets by id, in one query; ids that do not exist are absent from the map. */
async function refsById(db: Db, ids: readonly string[]): Promise<Map<string, DatasetRef>> {
  assertUuids(ids, 'dataset');
  if (ids.length === 0) return new Map();
  const list = sql.join(
    ids.map((id) => sql`${id}::uuid`),
    sql`, `,
  );
  const rows = await queryRows<MatchRow>(
    db,
    sql`SELECT d.id, t.name AS dataset_type, r.name AS run, d.data_id, d.dims, d.path, d.size_bytes, d.checksum,
               d.quantum_id, d.created_at, NULL AS valid_from, NULL AS valid_to
        FROM datasets d JOIN dataset_types t ON t.id = d.dataset_type_id JOIN collections r ON r.id = d.run_id
        WHERE d.id IN (${list})`,
  );
  return new Map(
    rows.map((r) => {
      const { validFrom: _f, validTo: _t, ...ref } = toRef(r);
      return [r.id, ref];
    }),
  );
}

export async function findDatasetById(db: Db, id: string): Promise<DatasetRef | undefined> {
  return (await refsById(db, [id])).get(id);
}

export async function getDataset(db: Db, id: string): Promise<DatasetRef> {
  const ref = await findDatasetById(db, id);
  if (!ref) throw new VeraError('UNKNOWN_DATASET', `no dataset with id ${id}`, { id });
  return ref;
}

export async function getDatasets(db: Db, ids: readonly string[]): Promise<DatasetRef[]> {
  const byId = await refsById(db, ids);
  const missing = ids.filter((id) => !byId.has(id));
  if (missing.length > 0) throw new VeraError('UNKNOWN_DATASET', `no dataset with id ${missing.join(', ')}`, { ids: missing });
  return ids.map((id) => byId.get(id)!);
}
