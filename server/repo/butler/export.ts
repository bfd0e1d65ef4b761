import { asc, eq, inArray } from 'drizzle-orm';
import { stringify } from 'yaml';
import type { Db } from '../../db/client.ts';
import { butlerKept, datasetCalibs as calibs, datasetTags, datasets, datasetTypes } from '../../db/schema/index.ts';
import { listCollections } from '../collections.ts';
import { DIMENSION_STORAGE } from '../dimension-records.ts';
import { DIMENSIONS } from '../universe.ts';
import { fromVeraRecord, recordKey, VERA_ELEMENT_KEYS } from './records.ts';
import { utcToTai } from './sky-time.ts';
import { BUTLER_TAGS, ButlerTimespan, ButlerUuid, fromJsonValue, TaiTime } from './tagged.ts';

type Rec = Record<string, unknown>;

/** The export format version written (daf_butler's EXPORT_FORMAT_VERSION). */
export const EXPORT_FORMAT_VERSION = '1.0.2';

export interface ButlerExportOptions {
  /** Collections to export (their datasets and, for chains, their children's names); default all. */
  collections?: readonly string[] | undefined;
}

/**
 * Writes the repository as a `butler export` YAML file: every dimension record (Vera's and those
 * kept from an import, in the order they were imported), the chosen collections, the dataset
 * types of their datasets, the datasets, and TAGGED and CALIBRATION memberships. Records and
 * fields that came from an import are written back as they were read.
 */
export async function exportButler(db: Db, opts: ButlerExportOptions = {}): Promise<string> {
  const kept = await db.select().from(butlerKept).orderBy(asc(butlerKept.id));
  const keptOf = (kind: string) => kept.filter((k) => k.kind === kind);
  const data: Rec[] = [...(await dimensionBlocks(db, keptOf('dimension')))];

  const all = await listCollections(db);
  const wanted = opts.collections ? all.filter((c) => opts.collections!.includes(c.name)) : all;
  const keptCollection = new Map(keptOf('collection').map((k) => [k.name, k.fields]));
  for (const c of [...wanted.filter((c) => c.type !== 'CHAINED'), ...wanted.filter((c) => c.type === 'CHAINED')]) {
    const entry: Rec = { type: 'collection', collection_type: c.type, name: c.name };
    if (c.doc) entry.doc = c.doc;
    if (c.type === 'RUN') Object.assign(entry, { host: null, timespan_begin: null, timespan_end: null }, fromJsonValue(keptCollection.get(c.name) ?? {}) as Rec);
    if (c.type === 'CHAINED') entry.children = c.children;
    data.push(entry);
  }

  const runIds = wanted.filter((c) => c.type === 'RUN').map((c) => c.id);
  const rows = runIds.length
    ? await db
        .select({ id: datasets.id, typeId: datasets.datasetTypeId, runId: datasets.runId, dataId: datasets.dataId, path: datasets.path })
        .from(datasets)
        .where(inArray(datasets.runId, runIds))
        .orderBy(asc(datasets.createdAt), asc(datasets.path))
    : [];
  const types = await db.select().from(datasetTypes).orderBy(asc(datasetTypes.id));
  const usedTypes = types.filter((t) => rows.some((r) => r.typeId === t.id));
  const keptType = new Map(keptOf('dataset_type').map((k) => [k.name, k.fields]));
  for (const t of usedTypes) {
    const k = keptType.get(t.name) as { dimensions?: string[]; storage_class?: string } | undefined;
    data.push({ type: 'dataset_type', name: t.name, dimensions: k?.dimensions ?? t.dimensions, storage_class: k?.storage_class ?? t.storageClass, is_calibration: t.isCalibration });
  }
  const keptDataset = new Map(keptOf('dataset').map((k) => [k.name, fromJsonValue(k.fields) as Rec]));
  const runName = new Map(wanted.map((c) => [c.id, c.name]));
  for (const t of usedTypes) {
    for (const runId of runIds) {
      const mine = rows.filter((r) => r.typeId === t.id && r.runId === runId);
      if (mine.length === 0) continue;
      data.push({
        type: 'dataset',
        dataset_type: t.name,
        run: runName.get(runId),
        records: mine.map((r) => ({ dataset_id: [new ButlerUuid(r.id)], data_id: [r.dataId], path: r.path, ...(keptDataset.get(r.id) ?? {}) })),
      });
    }
  }
  data.push(...(await associations(db, wanted.filter((c) => c.type === 'TAGGED' || c.type === 'CALIBRATION'))));

  const universe = keptOf('universe')[0];
  const doc = {
    description: 'Butler Data Repository Export',
    version: EXPORT_FORMAT_VERSION,
    ...(universe ? { universe_version: (universe.fields as { version?: unknown }).version, universe_namespace: universe.name } : {}),
    data,
  };
  // Written with YAML 1.1's rules so that strings PyYAML would read as numbers or booleans are quoted.
  return stringify(doc, { customTags: BUTLER_TAGS, version: '1.1', lineWidth: 0 });
}

/** Dimension blocks: elements in the order first imported, Vera's own elements after; `band` only if imported (Butler derives it). */
async function dimensionBlocks(db: Db, kept: readonly { name: string; key: string; id: number; fields: Rec }[]): Promise<Rec[]> {
  const elements = [...new Set([...kept.map((k) => k.name), ...[...DIMENSIONS.keys()].filter((e) => e !== 'band')])];
  const blocks: Rec[] = [];
  for (const element of elements) {
    const mine = kept.filter((k) => k.name === element);
    const byKey = new Map(mine.map((k) => [k.key, k]));
    let records: { order: number; rec: Rec }[];
    const storage = DIMENSION_STORAGE[element];
    if (storage) {
      const vera = (await db.select().from(storage.table)) as Rec[];
      records = vera.map((row) => {
        const butler = fromVeraRecord(element, row);
        const k = byKey.get(recordKey(VERA_ELEMENT_KEYS[element]!, butler));
        return k ? { order: k.id, rec: fromJsonValue(k.fields) as Rec } : { order: Number.MAX_SAFE_INTEGER, rec: butler };
      });
      records.sort((a, b) => a.order - b.order || recordKey(VERA_ELEMENT_KEYS[element]!, a.rec).localeCompare(recordKey(VERA_ELEMENT_KEYS[element]!, b.rec)));
    } else {
      records = mine.map((k) => ({ order: k.id, rec: fromJsonValue(k.fields) as Rec }));
    }
    if (records.length > 0) blocks.push({ type: 'dimension', element, records: records.map((r) => r.rec) });
  }
  return blocks;
}

async function associations(db: Db, cs: readonly { id: number; name: string; type: string }[]): Promise<Rec[]> {
  const out: Rec[] = [];
  for (const c of cs) {
    if (c.type === 'TAGGED') {
      const ids = await db.select({ id: datasetTags.datasetId }).from(datasetTags).where(eq(datasetTags.collectionId, c.id));
      out.push({ type: 'associations', collection: c.name, collection_type: 'TAGGED', dataset_ids: ids.map((r) => new ButlerUuid(r.id)) });
    } else {
      const rows = await db.select().from(calibs).where(eq(calibs.collectionId, c.id)).orderBy(asc(calibs.validFrom));
      const groups = new Map<string, { timespan: ButlerTimespan; ids: string[] }>();
      for (const r of rows) {
        const key = `${r.validFrom?.toISOString() ?? ''}/${r.validTo?.toISOString() ?? ''}`;
        const tai = (d: Date | null) => (d ? new TaiTime(utcToTai(d)) : null);
        const g = groups.get(key) ?? { timespan: new ButlerTimespan(tai(r.validFrom), tai(r.validTo)), ids: [] };
        g.ids.push(r.datasetId);
        groups.set(key, g);
      }
      out.push({
        type: 'associations',
        collection: c.name,
        collection_type: 'CALIBRATION',
        validity_ranges: [...groups.values()].map((g) => ({ timespan: g.timespan, dataset_ids: g.ids.map((id) => new ButlerUuid(id)) })),
      });
    }
  }
  return out;
}
