import { and, eq, inArray, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { band } from '../db/schema/dimensions.ts';
import { VeraError } from '../errors.ts';
import { pgErrorCode } from '../db/pg-errors.ts';
import { DIMENSION_STORAGE, type DimensionStorage } from './dimension-records.ts';
import type { DataId, DataIdValue } from './types.ts';
import { dimension, type DimensionGroup } from './universe.ts';

function storageOf(name: string): DimensionStorage {
  dimension(name); // throws UNKNOWN_DIMENSION with the list of known ones
  return DIMENSION_STORAGE[name]!;
}

/**
 * Inserts dimension records. With `skipExisting`, records whose key already exists are left as
 * they are (idempotent re-ingest); otherwise an existing key is a DIMENSION_RECORD_CONFLICT.
 */
export async function insertDimensionRecords(
  db: Db,
  dimensionName: string,
  records: readonly unknown[],
  opts: { skipExisting?: boolean } = {},
): Promise<number> {
  const storage = storageOf(dimensionName);
  const rows = records.map((r, i) => {
    const parsed = storage.record.safeParse(r);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new VeraError('BAD_INPUT', `${dimensionName} record ${i}: ${issue.path.join('.') || '(record)'}: ${issue.message}`, {
        dimension: dimensionName,
        index: i,
        issues: parsed.error.issues,
      });
    }
    return parsed.data;
  });
  if (rows.length === 0) return 0;
  return db.transaction(async (tx) => {
    if (dimensionName === 'physical_filter') {
      // Bands are bare names; creating them with their filters saves callers a step.
      const bands = [...new Set(rows.map((r) => r.band as string))].map((name) => ({ name }));
      await tx.insert(band).values(bands).onConflictDoNothing();
    }
    try {
      const insert = tx.insert(storage.table).values(rows);
      const result = opts.skipExisting ? await insert.onConflictDoNothing().returning() : await insert.returning();
      return result.length;
    } catch (e) {
      const code = pgErrorCode(e);
      if (code === '23505') {
        throw new VeraError('DIMENSION_RECORD_CONFLICT', `a ${dimensionName} record with the same key already exists`, { dimension: dimensionName });
      }
      if (code === '23503') {
        throw new VeraError(
          'DIMENSION_RECORD_MISSING',
          `a ${dimensionName} record refers to a record that does not exist (${describeFk(e)})`,
          { dimension: dimensionName },
        );
      }
      throw e;
    }
  });
}

function describeFk(e: unknown): string {
  const detail = (e as { cause?: { detail?: string } }).cause?.detail ?? (e as { detail?: string }).detail;
  return detail ?? 'foreign key';
}

/**
 * Records of a dimension, optionally restricted to key values, as plain objects. Key values are
 * checked as data ID values are (DATA_ID_INVALID), so a wrong type never reaches SQL.
 */
export async function queryDimensionRecords(db: Db, dimensionName: string, keys: unknown = {}): Promise<Record<string, unknown>[]> {
  const storage = storageOf(dimensionName);
  const where = `${dimensionName} records`;
  if (keys === null || typeof keys !== 'object' || Array.isArray(keys)) {
    throw new VeraError('DATA_ID_INVALID', `${where}: a data ID must be an object of dimension values, not ${JSON.stringify(keys)}`, {});
  }
  const conds: SQL[] = [];
  for (const [k, v] of Object.entries(keys)) {
    const col = storage.keys[k];
    if (!col) throw new VeraError('UNKNOWN_DIMENSION', `${dimensionName} records have no key '${k}'`, { dimension: dimensionName, key: k });
    if (v !== undefined) conds.push(eq(col, checkedValue(k, v, where)));
  }
  const q = db.select().from(storage.table);
  return (await (conds.length ? q.where(and(...conds)) : q)) as Record<string, unknown>[];
}

export interface ExpandedDataId {
  /** Required values only, keys in universe order: the identity. */
  dataId: DataId;
  /** Required and implied values. */
  dims: DataId;
}

/**
 * Dimension records already fetched, by dimension and key, for one writer to reuse across many
 * `expandDataIds` calls (a run's execution registers its quanta's outputs batch after batch).
 * Records are only ever inserted, never changed or deleted, so a record once found stays true;
 * a key not found is not remembered. Keep one only as long as the writer's work lasts.
 */
export type DimensionRecordCache = Map<string, Record<string, DataIdValue>>;

/**
 * Validates data IDs against a dimension group and fills in implied values from the records
 * (a visit's physical_filter and day_obs, a physical_filter's band). Each record is fetched once
 * per call whatever the number of data IDs, so registering many datasets stays cheap; with a
 * `cache`, once per cache.
 */
export async function expandDataIds(db: Db, group: DimensionGroup, inputs: readonly DataId[], subject: string, cache?: DimensionRecordCache): Promise<ExpandedDataId[]> {
  const dims = inputs.map((input, i) => validateDataId(group, input, `${subject}, data ID ${i}`));
  for (const name of resolutionOrder(group)) {
    const storage = DIMENSION_STORAGE[name]!;
    const keyNames = Object.keys(storage.keys);
    const wanted = new Map<string, DataIdValue[]>();
    const found = new Map<string, Record<string, DataIdValue>>();
    for (const d of dims) {
      const key = keyNames.map((k) => d[k]!);
      const keyJson = JSON.stringify(key);
      const cached = cache?.get(`${name}:${keyJson}`);
      if (cached) found.set(keyJson, cached);
      else wanted.set(keyJson, key);
    }
    if (wanted.size > 0) {
      for (const [keyJson, rec] of await fetchRecords(db, storage, keyNames, [...wanted.values()])) {
        found.set(keyJson, rec);
        cache?.set(`${name}:${keyJson}`, rec);
      }
    }
    for (const d of dims) {
      const keyJson = JSON.stringify(keyNames.map((k) => d[k]));
      const rec = found.get(keyJson);
      if (!rec) {
        const where = keyNames.map((k) => `${k}=${JSON.stringify(d[k])}`).join(', ');
        throw new VeraError('DIMENSION_RECORD_MISSING', `${subject}: no ${name} record for ${where}`, { dimension: name, dataId: d });
      }
      for (const [impliedName, value] of Object.entries(rec)) {
        if (!group.names.includes(impliedName)) continue;
        if (d[impliedName] !== undefined && d[impliedName] !== value) {
          throw new VeraError(
            'DATA_ID_INVALID',
            `${subject}: ${impliedName}=${JSON.stringify(d[impliedName])} was given, but ${name} ${JSON.stringify(d[name])} has ${impliedName}=${JSON.stringify(value)}`,
            { dimension: impliedName },
          );
        }
        d[impliedName] = value;
      }
    }
  }
  return dims.map((d) => ({
    dataId: Object.fromEntries(group.required.map((k) => [k, d[k]!])),
    dims: Object.fromEntries(group.names.map((k) => [k, d[k]!])),
  }));
}

/** Checks keys and value types; returns a fresh object with the given values. */
export function validateDataId(group: DimensionGroup, input: DataId, where: string): DataId {
  if (input === null || typeof input !== 'object' || Array.isArray(input)) {
    throw new VeraError('DATA_ID_INVALID', `${where}: a data ID must be an object of dimension values`, {});
  }
  const out: DataId = {};
  for (const [k, v] of Object.entries(input)) {
    if (!group.names.includes(k)) {
      dimension(k); // unknown dimension altogether → UNKNOWN_DIMENSION
      throw new VeraError('DIMENSION_NOT_IN_TYPE', `${where}: '${k}' is not one of the dimensions {${group.names.join(', ')}}`, {
        dimension: k,
      });
    }
    out[k] = checkedValue(k, v, where);
  }
  const missing = group.required.filter((k) => out[k] === undefined);
  if (missing.length > 0) {
    throw new VeraError('DATA_ID_INVALID', `${where}: missing value for ${missing.join(', ')} (required: ${group.required.join(', ')})`, {
      missing,
    });
  }
  return out;
}

/** Integer keys stored in 4-byte columns (all but visit ids): wider values would be a database error. */
const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

/** A data ID value of the dimension's key type, within its column's range; else DATA_ID_INVALID. */
function checkedValue(k: string, v: unknown, where: string): DataIdValue {
  const keyType = dimension(k).keyType;
  const int32 = DIMENSION_STORAGE[k]?.keys[k]?.columnType === 'PgInteger';
  if (keyType === 'int') {
    const ok = typeof v === 'number' && Number.isSafeInteger(v) && (!int32 || (v >= INT32.min && v <= INT32.max));
    if (ok) return v;
    const range = int32 ? ` from ${INT32.min} to ${INT32.max}` : '';
    throw new VeraError('DATA_ID_INVALID', `${where}: ${k} must be an integer${range}, not ${JSON.stringify(v)}`, { dimension: k, value: v });
  }
  if (typeof v === 'string' && v.length > 0) return v;
  throw new VeraError('DATA_ID_INVALID', `${where}: ${k} must be a non-empty string, not ${JSON.stringify(v)}`, { dimension: k, value: v });
}

/** Group members ordered so that a dimension comes after every member that implies it. */
function resolutionOrder(group: DimensionGroup): string[] {
  const order: string[] = [];
  const placed = new Set<string>();
  const place = (n: string) => {
    if (placed.has(n)) return;
    for (const m of group.names) if (dimension(m).implies.includes(n)) place(m);
    placed.add(n);
    order.push(n);
  };
  for (const n of group.names) place(n);
  return order;
}

const FETCH_CHUNK = 500;

/** Fetches records by key tuples; returns implied values by JSON-encoded key tuple. */
async function fetchRecords(
  db: Db,
  storage: DimensionStorage,
  keyNames: string[],
  keys: DataIdValue[][],
): Promise<Map<string, Record<string, DataIdValue>>> {
  const out = new Map<string, Record<string, DataIdValue>>();
  const selection: Record<string, PgColumnLike> = {};
  for (const k of keyNames) selection[`k_${k}`] = storage.keys[k]!;
  for (const [k, col] of Object.entries(storage.implied)) selection[`i_${k}`] = col;
  // Keys sharing their leading values (e.g. one instrument) are fetched with one IN list on the
  // last key column: a single index scan rather than an OR of thousands of conjunctions.
  const lastKey = keyNames[keyNames.length - 1]!;
  const groups = new Map<string, { prefix: DataIdValue[]; last: DataIdValue[] }>();
  for (const key of keys) {
    const prefix = key.slice(0, -1);
    const g = groups.get(JSON.stringify(prefix)) ?? { prefix, last: [] };
    g.last.push(key[key.length - 1]!);
    groups.set(JSON.stringify(prefix), g);
  }
  for (const g of groups.values()) {
    for (let i = 0; i < g.last.length; i += FETCH_CHUNK) {
      const cond = and(...keyNames.slice(0, -1).map((k, j) => eq(storage.keys[k]!, g.prefix[j]!)), inArray(storage.keys[lastKey]!, g.last.slice(i, i + FETCH_CHUNK)));
      const rows = (await db.select(selection).from(storage.table).where(cond)) as Record<string, DataIdValue>[];
      for (const row of rows) {
        const keyJson = JSON.stringify(keyNames.map((k) => row[`k_${k}`]));
        out.set(keyJson, Object.fromEntries(Object.keys(storage.implied).map((k) => [k, row[`i_${k}`]!])));
      }
    }
  }
  return out;
}

type PgColumnLike = DimensionStorage['keys'][string];
