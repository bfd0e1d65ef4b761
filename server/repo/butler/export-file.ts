import { parseDocument } from 'yaml';
import { VeraError } from '../../errors.ts';
import type { CollectionType, DataId } from '../types.ts';
import { BUTLER_TAGS, ButlerTimespan, ButlerUuid } from './tagged.ts';

/**
 * The `butler export` YAML file (daf_butler's `transfers/_yaml.py`), read into plain parts. Every
 * problem in the file is collected and reported at once, each naming where it is
 * (`data[12] (dataset calexp) record 3: ...`).
 */
export interface DimensionBlock {
  element: string;
  records: Record<string, unknown>[];
}

export interface CollectionEntry {
  name: string;
  type: CollectionType;
  doc: string;
  children: string[];
  /** Fields Vera has no column for (a RUN's host and timespan), written back on export. */
  kept: Record<string, unknown>;
}

export interface DatasetTypeEntry {
  name: string;
  dimensions: string[];
  storageClass: string;
  isCalibration: boolean;
}

export interface DatasetEntry {
  datasetType: string;
  run: string;
  id: string;
  dataId: DataId;
  path: string;
  where: string;
  kept: Record<string, unknown>;
}

export interface AssociationEntry {
  collection: string;
  type: 'TAGGED' | 'CALIBRATION';
  /** TAGGED: one group with no timespan; CALIBRATION: one per validity range. */
  groups: { timespan: ButlerTimespan | null; datasetIds: string[] }[];
}

export interface ButlerExportFile {
  version: string;
  universeVersion: number | null;
  universeNamespace: string | null;
  dimensions: DimensionBlock[];
  collections: CollectionEntry[];
  datasetTypes: DatasetTypeEntry[];
  datasets: DatasetEntry[];
  associations: AssociationEntry[];
}

const COLLECTION_TYPES = new Set(['RUN', 'TAGGED', 'CHAINED', 'CALIBRATION']);
const MAX_LISTED = 40;

export function exportProblems(file: string, problems: readonly string[]): VeraError {
  const listed = problems.slice(0, MAX_LISTED).map((p) => `  - ${p}`);
  if (problems.length > MAX_LISTED) listed.push(`  ... and ${problems.length - MAX_LISTED} more`);
  return new VeraError('BUTLER_EXPORT_INVALID', `${file}: ${problems.length} problem${problems.length === 1 ? '' : 's'}:\n${listed.join('\n')}`, {
    file,
    problems: problems.slice(0, 200),
  });
}

const isMap = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const uuidOf = (v: unknown): string | null => (v instanceof ButlerUuid ? v.value : typeof v === 'string' ? v : null);
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function parseButlerExport(text: string, file: string): ButlerExportFile {
  // YAML 1.2's core schema: the 'yaml' package's 1.1 schema reads PyYAML's unquoted '0_29' as a number.
  const doc = parseDocument(text, { customTags: BUTLER_TAGS, prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw exportProblems(
      file,
      doc.errors.map((e) => `YAML error${e.linePos ? ` at line ${e.linePos[0].line}` : ''}: ${e.message.split('\n')[0]}`),
    );
  }
  const root: unknown = doc.toJS({ maxAliasCount: 100 });
  const problems: string[] = [];
  const out: ButlerExportFile = { version: '', universeVersion: null, universeNamespace: null, dimensions: [], collections: [], datasetTypes: [], datasets: [], associations: [] };
  if (!isMap(root) || !Array.isArray(root.data)) throw exportProblems(file, ["expected a mapping with 'version' and a 'data' list (a butler export file)"]);
  out.version = String(root.version ?? '');
  if (!/^(0|1(\.\d+){0,2})$/.test(out.version)) problems.push(`version '${out.version}': Vera reads export format versions 0 and 1.x`);
  out.universeVersion = typeof root.universe_version === 'number' ? root.universe_version : null;
  out.universeNamespace = typeof root.universe_namespace === 'string' ? root.universe_namespace : null;
  root.data.forEach((entry, i) => {
    const at = `data[${i}]`;
    if (!isMap(entry)) return void problems.push(`${at}: expected a mapping with 'type'`);
    const where = `${at} (${String(entry.type)}${entry.element ?? entry.name ?? entry.dataset_type ?? entry.collection ? ` ${String(entry.element ?? entry.name ?? entry.dataset_type ?? entry.collection)}` : ''})`;
    switch (entry.type) {
      case 'dimension':
        if (typeof entry.element !== 'string' || !Array.isArray(entry.records) || !entry.records.every(isMap)) {
          problems.push(`${where}: a dimension entry has 'element' and a list of record mappings`);
        } else out.dimensions.push({ element: entry.element, records: entry.records });
        break;
      case 'run':
      case 'collection':
        readCollection(entry, where, out, problems);
        break;
      case 'dataset_type':
        if (typeof entry.name !== 'string' || !Array.isArray(entry.dimensions) || typeof entry.storage_class !== 'string') {
          problems.push(`${where}: a dataset_type entry has 'name', 'dimensions' and 'storage_class'`);
        } else {
          out.datasetTypes.push({ name: entry.name, dimensions: entry.dimensions.map(String), storageClass: entry.storage_class, isCalibration: entry.is_calibration === true });
        }
        break;
      case 'dataset':
        readDatasets(entry, where, out, problems);
        break;
      case 'associations':
        readAssociations(entry, where, out, problems);
        break;
      default:
        problems.push(`${where}: unsupported entry type '${String(entry.type)}' (known: dimension, run, collection, dataset_type, dataset, associations)`);
    }
  });
  if (problems.length > 0) throw exportProblems(file, problems);
  return out;
}

function readCollection(entry: Record<string, unknown>, where: string, out: ButlerExportFile, problems: string[]) {
  const type = entry.type === 'run' ? 'RUN' : entry.collection_type;
  if (typeof entry.name !== 'string' || typeof type !== 'string' || !COLLECTION_TYPES.has(type)) {
    return void problems.push(`${where}: a collection has 'name' and 'collection_type' (RUN, TAGGED, CHAINED or CALIBRATION)`);
  }
  const { type: _t, collection_type: _ct, name: _n, doc, children, ...kept } = entry;
  if (children !== undefined && (!Array.isArray(children) || type !== 'CHAINED')) return void problems.push(`${where}: only a CHAINED collection has 'children', a list`);
  out.collections.push({
    name: entry.name,
    type: type as CollectionType,
    doc: typeof doc === 'string' ? doc : '',
    children: ((children as unknown[] | undefined) ?? []).map(String),
    kept,
  });
}

function readDatasets(entry: Record<string, unknown>, where: string, out: ButlerExportFile, problems: string[]) {
  if (typeof entry.dataset_type !== 'string' || typeof entry.run !== 'string' || !Array.isArray(entry.records)) {
    return void problems.push(`${where}: a dataset entry has 'dataset_type', 'run' and 'records'`);
  }
  entry.records.forEach((rec, j) => {
    const rwhere = `${where} record ${j}`;
    if (!isMap(rec)) return void problems.push(`${rwhere}: expected a mapping`);
    const { dataset_id, data_id, path, ...kept } = rec;
    // Format 1 lists the refs sharing a file; format 0 gives one id and one data ID.
    const ids = (Array.isArray(dataset_id) ? dataset_id : [dataset_id]).map(uuidOf);
    const dataIds = Array.isArray(data_id) ? data_id : [data_id];
    if (ids.some((id) => id === null || !UUID.test(id))) return void problems.push(`${rwhere}: dataset_id must be a UUID (!uuid) or a list of them`);
    if (!dataIds.every(isMap) || dataIds.length !== ids.length) return void problems.push(`${rwhere}: data_id must be one mapping per dataset_id`);
    if (typeof path !== 'string' || path === '') return void problems.push(`${rwhere}: path must be a non-empty string`);
    if (ids.length > 1) {
      return void problems.push(`${rwhere}: ${ids.length} datasets share the file ${path}; Vera stores one dataset per file (unsupported: multi-dataset files)`);
    }
    out.datasets.push({ datasetType: entry.dataset_type as string, run: entry.run as string, id: ids[0]!.toLowerCase(), dataId: dataIds[0] as DataId, path, where: rwhere, kept });
  });
}

function readAssociations(entry: Record<string, unknown>, where: string, out: ButlerExportFile, problems: string[]) {
  const ids = (v: unknown, w: string): string[] | null => {
    const list = Array.isArray(v) ? v.map(uuidOf) : null;
    if (!list || list.some((id) => id === null || !UUID.test(id))) return (problems.push(`${w}: dataset_ids must be a list of UUIDs`), null);
    return list.map((id) => id!.toLowerCase());
  };
  if (typeof entry.collection !== 'string') return void problems.push(`${where}: associations name their 'collection'`);
  if (entry.collection_type === 'TAGGED') {
    const list = ids(entry.dataset_ids, where);
    if (list) out.associations.push({ collection: entry.collection, type: 'TAGGED', groups: [{ timespan: null, datasetIds: list }] });
  } else if (entry.collection_type === 'CALIBRATION' && Array.isArray(entry.validity_ranges)) {
    const groups = entry.validity_ranges.flatMap((r, k) => {
      const w = `${where} validity_ranges[${k}]`;
      if (!isMap(r) || !(r.timespan instanceof ButlerTimespan || r.timespan === null)) return (problems.push(`${w}: expected {timespan: !lsst.daf.butler.Timespan, dataset_ids}`), []);
      const list = ids(r.dataset_ids, w);
      return list ? [{ timespan: r.timespan, datasetIds: list }] : [];
    });
    out.associations.push({ collection: entry.collection, type: 'CALIBRATION', groups });
  } else {
    problems.push(`${where}: associations are TAGGED (dataset_ids) or CALIBRATION (validity_ranges)`);
  }
}
