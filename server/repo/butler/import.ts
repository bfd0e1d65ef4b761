import fs from 'node:fs';
import path from 'node:path';
import { inArray } from 'drizzle-orm';
import type { Db } from '../../db/client.ts';
import { butlerKept, datasets as datasetsTable } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';
import { requireRole, type Actor } from '../../auth/roles.ts';
import { createCollection, findCollection, setChain, validateCollectionName } from '../collections.ts';
import { findDatasetType, registerDatasetType } from '../dataset-types.ts';
import type { Datastore, StagedFile } from '../datastore/index.ts';
import { insertDimensionRecords } from '../dimensions.ts';
import { certifyDatasets, tagDatasets } from '../memberships.ts';
import { registerDatasets } from '../register.ts';
import { DIMENSIONS } from '../universe.ts';
import { exportProblems, parseButlerExport, type ButlerExportFile, type DatasetEntry } from './export-file.ts';
import { recordKey, toVeraRecord, VERA_ELEMENT_KEYS, veraStorageClass } from './records.ts';
import { taiToUtc } from './sky-time.ts';
import { toJsonValue } from './tagged.ts';
import { parseUniverse, recordFields, type ButlerUniverse } from './universe-config.ts';

export interface ButlerImportRequest {
  /** The export file's text, and its name for messages. */
  text: string;
  file: string;
  /** A `dimensions.yaml` (daf_butler config format): needed for elements Vera has no table for. */
  universe?: { text: string; file: string } | undefined;
  /** Where the datasets' files are (the Butler datastore root); without it, datasets are registered without files. */
  datastoreRoot?: string | undefined;
  /** Directories the server may read a datastore root from (VERA_IMPORT_ROOTS). */
  allowedRoots: readonly string[];
}

export interface ButlerImportSummary {
  /** Records per element, in the order inserted. */
  records: { element: string; count: number; veraTable: boolean }[];
  /** Fields of records that Vera's tables have no column for, kept for export (element.field). */
  keptFields: string[];
  collections: number;
  datasetTypes: number;
  datasets: number;
  filesCopied: number;
}

const VERA_ORDER = [...DIMENSIONS.keys()];

/**
 * Imports a `butler export` file: dimension records, collections (RUN, TAGGED, CHAINED,
 * CALIBRATION), dataset types, datasets and their associations, in one transaction. Everything is
 * checked first and every problem reported at once; nothing is registered unless all of it is.
 */
export async function importButlerExport(db: Db, store: Datastore, req: ButlerImportRequest, actor: Actor): Promise<ButlerImportSummary> {
  requireRole(actor, 'operator', 'importing a butler export');
  const file = parseButlerExport(req.text, req.file);
  const universe = req.universe ? parseUniverse(req.universe.text, req.universe.file) : null;
  const problems: string[] = [];
  const plan = planRecords(file, universe, problems);
  const types = await planDatasetTypes(db, file, problems);
  await checkCollectionsAndDatasets(db, file, problems);
  const root = req.datastoreRoot ? checkDatastoreRoot(req.datastoreRoot, req.allowedRoots) : null;
  const sources = root ? locateFiles(root, file.datasets, problems) : null;
  if (problems.length > 0) throw exportProblems(req.file, problems);

  const staged: StagedFile[] = [];
  try {
    if (sources) for (const d of file.datasets) staged.push(await store.stage(d.path, fs.createReadStream(sources.get(d.id)!)));
    const published: string[] = [];
    try {
      await db.transaction(async (tx) => {
        await insertRecords(tx, plan);
        await insertCollectionsAndDatasets(tx, file, types, staged, actor);
        await tx.insert(butlerKept).values({ kind: 'universe', name: file.universeNamespace ?? 'daf_butler', fields: { version: file.universeVersion } }).onConflictDoNothing();
        for (const s of staged) {
          await store.publish(s);
          published.push(s.path);
        }
      });
    } catch (e) {
      await Promise.all(published.map((p) => store.remove(p)));
      throw e;
    }
  } catch (e) {
    await Promise.all(staged.map((s) => store.discard(s)));
    throw e;
  }
  return {
    records: plan.map((p) => ({ element: p.element, count: p.kept.length, veraTable: p.vera !== null })),
    keptFields: [...new Set(plan.flatMap((p) => p.unknownFields))].sort(),
    collections: file.collections.length,
    datasetTypes: file.datasetTypes.length,
    datasets: file.datasets.length,
    filesCopied: staged.length,
  };
}

interface RecordPlan {
  element: string;
  /** Records for Vera's table, or null for an element Vera keeps only as Butler records. */
  vera: Record<string, unknown>[] | null;
  kept: { key: string; fields: Record<string, unknown> }[];
  unknownFields: string[];
}

function planRecords(file: ButlerExportFile, universe: ButlerUniverse | null, problems: string[]): RecordPlan[] {
  const plans = new Map<string, RecordPlan>();
  file.dimensions.forEach((block, b) => {
    const def = universe?.elements.get(block.element);
    const veraKeys = VERA_ELEMENT_KEYS[block.element];
    const where = `dimension block ${b} (${block.element})`;
    if (!def && !veraKeys) {
      const known = universe ? `the dimension universe ${universe.namespace} version ${universe.version}` : `Vera's dimensions (${VERA_ORDER.join(', ')}); give a dimensions.yaml (--universe) to keep other elements`;
      return void problems.push(`${where}: unsupported element '${block.element}': not in ${known}`);
    }
    const fields = def ? recordFields(def) : null;
    const keyFields = veraKeys ?? fields!.required;
    const plan = plans.get(block.element) ?? { element: block.element, vera: veraKeys ? [] : null, kept: [], unknownFields: [] };
    plans.set(block.element, plan);
    block.records.forEach((rec, i) => {
      const rwhere = `${block.element} record ${i}`;
      if (fields) {
        const missing = fields.required.filter((f) => rec[f] === undefined || rec[f] === null);
        if (missing.length > 0) problems.push(`${rwhere}: missing ${missing.join(', ')} (required by ${block.element}'s keys and dimensions)`);
        const known = new Set([...fields.required, ...fields.optional]);
        for (const f of Object.keys(rec)) if (!known.has(f)) plan.unknownFields.push(`${block.element}.${f}`);
      }
      if (plan.vera) {
        const v = toVeraRecord(block.element, rec, rwhere, problems);
        if (v) plan.vera.push(v);
      }
      plan.kept.push({ key: recordKey(keyFields, rec), fields: toJsonValue(rec) as Record<string, unknown> });
    });
  });
  checkUniqueKeys(plans, problems);
  return [...plans.values()];
}

function checkUniqueKeys(plans: Map<string, RecordPlan>, problems: string[]) {
  for (const p of plans.values()) {
    const seen = new Set<string>();
    for (const k of p.kept) {
      if (seen.has(k.key)) problems.push(`${p.element} record ${k.key} appears twice`);
      seen.add(k.key);
    }
  }
}

/** Dataset types with Vera's storage class; those Vera cannot hold are problems, named. */
async function planDatasetTypes(db: Db, file: ButlerExportFile, problems: string[]) {
  const types = new Map<string, { dimensions: string[]; storageClass: string; butlerStorageClass: string; isCalibration: boolean }>();
  for (const t of file.datasetTypes) {
    const where = `dataset type '${t.name}'`;
    const unsupported = t.dimensions.filter((d) => !DIMENSIONS.has(d));
    if (unsupported.length > 0) {
      problems.push(`${where}: unsupported dimension${unsupported.length > 1 ? 's' : ''} ${unsupported.join(', ')}: Vera's datasets use ${VERA_ORDER.join(', ')}`);
    }
    const storageClass = veraStorageClass(t.storageClass);
    if (!storageClass) problems.push(`${where}: unsupported storage class '${t.storageClass}' (Vera maps Exposure*, Image*, SourceCatalog, DataFrame, Arrow*, MetricValue, StructuredDataDict, Config, Plot, ...)`);
    if (types.has(t.name)) problems.push(`${where} is defined twice`);
    types.set(t.name, { dimensions: t.dimensions, storageClass: storageClass ?? '', butlerStorageClass: t.storageClass, isCalibration: t.isCalibration });
  }
  for (const name of new Set(file.datasets.map((d) => d.datasetType))) {
    if (types.has(name)) continue;
    const existing = await findDatasetType(db, name);
    if (!existing) problems.push(`datasets of type '${name}': the type is neither in the file nor registered`);
    else types.set(name, { dimensions: existing.dimensions, storageClass: existing.storageClass, butlerStorageClass: existing.storageClass, isCalibration: existing.isCalibration });
  }
  return types;
}

async function checkCollectionsAndDatasets(db: Db, file: ButlerExportFile, problems: string[]) {
  const declared = new Map(file.collections.map((c) => [c.name, c.type]));
  for (const c of file.collections) {
    try {
      validateCollectionName(c.name);
    } catch (e) {
      problems.push((e as Error).message);
      continue;
    }
    const existing = await findCollection(db, c.name);
    if (existing) problems.push(`collection '${c.name}' already exists (${existing.type}, owner ${existing.owner})`);
    for (const child of c.children) if (!declared.has(child) && !(await findCollection(db, child))) problems.push(`chain '${c.name}': unknown child collection '${child}'`);
  }
  const ids = new Set<string>();
  const paths = new Set<string>();
  for (const d of file.datasets) {
    if (declared.get(d.run) !== 'RUN') problems.push(`${d.where}: run '${d.run}' is not a RUN collection of the file`);
    if (ids.has(d.id)) problems.push(`${d.where}: dataset ${d.id} appears twice`);
    if (paths.has(d.path)) problems.push(`${d.where}: path ${d.path} is used twice`);
    ids.add(d.id);
    paths.add(d.path);
    if (path.isAbsolute(d.path) || /^[a-z][a-z0-9+.-]*:/i.test(d.path) || d.path.split('/').some((s) => s === '' || s === '.' || s === '..')) {
      problems.push(`${d.where}: path '${d.path}' is not a clean path relative to the datastore root (absolute paths and URIs are unsupported)`);
    }
  }
  const taken = ids.size > 0 ? await db.select({ id: datasetsTable.id }).from(datasetsTable).where(inArray(datasetsTable.id, [...ids])) : [];
  for (const t of taken) problems.push(`dataset ${t.id} is already registered`);
  for (const a of file.associations) {
    if (declared.get(a.collection) !== a.type) problems.push(`associations of '${a.collection}': it is not a ${a.type} collection of the file`);
    for (const id of a.groups.flatMap((g) => g.datasetIds)) if (!ids.has(id)) problems.push(`associations of '${a.collection}': dataset ${id} is not in the file`);
  }
}

function realpathOrNull(p: string): string | null {
  try {
    return fs.realpathSync(p);
  } catch {
    return null;
  }
}

const isInside = (dir: string, p: string) => {
  const rel = path.relative(dir, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
};

/** The datastore root, symlinks resolved, inside one of the allowed roots (VERA_IMPORT_ROOTS). */
export function checkDatastoreRoot(dir: string, allowed: readonly string[]): string {
  const real = realpathOrNull(path.resolve(dir));
  const roots = allowed.flatMap((r) => realpathOrNull(r) ?? []);
  if (!real || !roots.some((r) => isInside(r, real))) {
    throw new VeraError('PATH_ESCAPE', `datastore root ${dir} is not inside the import roots (${allowed.join(', ') || 'none configured'}); add it to VERA_IMPORT_ROOTS on the server`, {
      dir,
      roots: allowed,
    });
  }
  return real;
}

/** Each dataset's file under the root: a regular file, symlinks resolved, still inside the root. */
function locateFiles(root: string, entries: readonly DatasetEntry[], problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const d of entries) {
    const real = realpathOrNull(path.join(root, d.path));
    if (!real) problems.push(`${d.where}: file ${d.path} is not in the datastore root ${root}`);
    else if (!isInside(root, real)) problems.push(`${d.where}: file ${d.path} resolves outside the datastore root`);
    else if (!fs.statSync(real).isFile()) problems.push(`${d.where}: ${d.path} is not a regular file`);
    else out.set(d.id, real);
  }
  return out;
}

/** Vera's records in dependency order; the Butler records kept in the file's order (the export writes them back in it). */
async function insertRecords(tx: Db, plan: readonly RecordPlan[]) {
  const rank = (e: string) => VERA_ORDER.indexOf(e);
  for (const p of [...plan].sort((a, b) => rank(a.element) - rank(b.element))) {
    if (p.vera && p.vera.length > 0) await insertDimensionRecords(tx, p.element, p.vera, { skipExisting: true });
  }
  for (const p of plan) {
    for (let i = 0; i < p.kept.length; i += 1000) {
      const rows = p.kept.slice(i, i + 1000).map((k) => ({ kind: 'dimension', name: p.element, key: k.key, fields: k.fields }));
      await tx.insert(butlerKept).values(rows).onConflictDoNothing();
    }
  }
}

async function insertCollectionsAndDatasets(
  tx: Db,
  file: ButlerExportFile,
  types: Map<string, { dimensions: string[]; storageClass: string; butlerStorageClass: string; isCalibration: boolean }>,
  staged: readonly StagedFile[],
  actor: Actor,
) {
  for (const c of file.collections) {
    await createCollection(tx, { name: c.name, type: c.type, doc: c.doc }, actor);
    if (Object.keys(c.kept).length > 0) await tx.insert(butlerKept).values({ kind: 'collection', name: c.name, fields: toJsonValue(c.kept) as Record<string, unknown> });
  }
  for (const c of file.collections) if (c.type === 'CHAINED') await setChain(tx, c.name, c.children, actor, c.doc);
  for (const t of file.datasetTypes) {
    const spec = types.get(t.name)!;
    await registerDatasetType(tx, { name: t.name, dimensions: spec.dimensions, storageClass: spec.storageClass, isCalibration: spec.isCalibration }, actor);
    await tx
      .insert(butlerKept)
      .values({ kind: 'dataset_type', name: t.name, fields: { dimensions: t.dimensions, storage_class: t.storageClass } })
      .onConflictDoNothing();
  }
  const fileOf = new Map(staged.map((s) => [s.path, s]));
  const byRun = new Map<string, DatasetEntry[]>();
  for (const d of file.datasets) byRun.set(d.run, [...(byRun.get(d.run) ?? []), d]);
  for (const [run, entries] of byRun) {
    const specs = entries.map((d) => {
      const f = fileOf.get(d.path);
      return { datasetType: d.datasetType, dataId: d.dataId, id: d.id, path: d.path, sizeBytes: f?.sizeBytes ?? 0, checksum: f?.checksum ?? '' };
    });
    await registerDatasets(tx, { run, datasets: specs }, actor);
    // Registered from the export alone, without a datastore root: the rows say no file is stored.
    const noFile = entries.filter((d) => !fileOf.has(d.path)).map((d) => d.id);
    for (let i = 0; i < noFile.length; i += 1000) await tx.update(datasetsTable).set({ stored: false }).where(inArray(datasetsTable.id, noFile.slice(i, i + 1000)));
    const kept = entries.filter((d) => Object.keys(d.kept).length > 0).map((d) => ({ kind: 'dataset', name: d.id, fields: toJsonValue(d.kept) as Record<string, unknown> }));
    if (kept.length > 0) await tx.insert(butlerKept).values(kept);
  }
  for (const a of file.associations) {
    if (a.type === 'TAGGED') await tagDatasets(tx, a.collection, a.groups[0]!.datasetIds, actor);
    else {
      for (const g of a.groups) {
        const validFrom = g.timespan?.begin ? taiToUtc(g.timespan.begin.iso, `${a.collection} validity`) : null;
        const validTo = g.timespan?.end ? taiToUtc(g.timespan.end.iso, `${a.collection} validity`) : null;
        await certifyDatasets(tx, a.collection, g.datasetIds, { validFrom, validTo }, actor);
      }
    }
  }
}
