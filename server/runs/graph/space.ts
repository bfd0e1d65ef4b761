import type { Db } from '../../db/client.ts';
import { VeraError } from '../../errors.ts';
import {
  dimension,
  findDatasets,
  queryDimensionRecords,
  sortDimensions,
  type BindValue,
  type DataId,
  type DatasetRef,
  type LookupCache,
} from '../../repo/index.ts';
import { polygonsOverlap, type Polygon } from '../../repo/regions.ts';
import { parseWhere, wherePredicate } from '../../repo/where/index.ts';
import type { Pipeline } from '../../../runner/pipeline/load.ts';

export type Row = Record<string, string | number>;

const SKY = new Set(['skymap', 'tract', 'patch']);

/** The dimensions a pipeline's quanta and connections span. */
export function spaceDimensions(pipeline: Pipeline): string[] {
  const dims = new Set<string>();
  for (const t of pipeline.tasks) {
    for (const d of t.group.names) dims.add(d);
    for (const c of t.connections) for (const d of c.group.names) dims.add(d);
  }
  return sortDimensions(dims);
}

/** Dataset types read by some task and produced by none: they must come from the input collections. */
export function overallInputs(pipeline: Pipeline) {
  const seen = new Map<string, { datasetType: string; storageClass: string; dims: string[]; readBy: string }>();
  for (const t of pipeline.tasks) {
    for (const c of t.connections) {
      if (c.kind === 'input' && !pipeline.producers.has(c.datasetType) && !seen.has(c.datasetType)) {
        seen.set(c.datasetType, { datasetType: c.datasetType, storageClass: c.storageClass, dims: c.group.names, readBy: `task '${t.label}' input '${c.name}'` });
      }
    }
  }
  return [...seen.values()];
}

/**
 * The data ID space of a run: every combination of dimension values the pipeline could process,
 * built from the datasets of its overall inputs found in the input collections, joined on shared
 * dimensions, extended to sky dimensions (tract, patch) by region overlap with visits (or their
 * detectors, when the visit records give detector regions), and
 * filtered by the user's `where`.
 */
export async function buildDataIdSpace(
  db: Db,
  pipeline: Pipeline,
  collections: readonly string[],
  where: string | undefined,
  bind: Readonly<Record<string, BindValue>>,
  lookups?: LookupCache,
): Promise<{ rows: Row[]; found: Map<string, DatasetRef[]> }> {
  const dims = spaceDimensions(pipeline);
  const inputs = overallInputs(pipeline);
  if (inputs.length === 0) throw new VeraError('PIPELINE_INVALID', `${pipeline.file}: no task reads a dataset from the input collections`);
  const predicate = where?.trim()
    ? wherePredicate(parseWhere(where), where, new Map(dims.map((d) => [d, dimension(d).keyType])), `this pipeline's data IDs {${dims.join(', ')}}`, bind)
    : undefined;

  const found = new Map<string, DatasetRef[]>();
  let rows: Row[] | undefined;
  for (const input of inputs) {
    const missing = () =>
      new VeraError(
        'PIPELINE_INVALID',
        `${input.readBy}: dataset type '${input.datasetType}' is produced by no task of the pipeline and found in none of the input collections (${collections.join(', ')})`,
        { datasetType: input.datasetType },
      );
    const refs = await findDatasets(db, { datasetType: input.datasetType, collections }, lookups).catch((e: VeraError) => {
      throw e.code === 'UNKNOWN_DATASET_TYPE' ? missing() : e;
    });
    if (refs.length === 0) throw missing();
    found.set(input.datasetType, refs);
    const next = refs.map((r) => ({ ...r.dims }) as Row);
    rows = rows === undefined ? next : joinRows(rows, next);
  }
  rows = dedupe(rows ?? []);
  for (const d of dims) {
    if (rows.length === 0) break;
    if (rows[0]![d] !== undefined) continue;
    rows = SKY.has(d) ? await extendBySky(db, rows, dims) : await extendByRecords(db, rows, d);
  }
  return { rows: predicate ? rows.filter(predicate) : rows, found };
}

function joinRows(a: Row[], b: Row[]): Row[] {
  if (a.length === 0 || b.length === 0) return [];
  const shared = Object.keys(a[0]!).filter((k) => k in b[0]!);
  const index = new Map<string, Row[]>();
  for (const r of b) {
    const key = JSON.stringify(shared.map((k) => r[k]));
    index.set(key, [...(index.get(key) ?? []), r]);
  }
  const out: Row[] = [];
  for (const r of a) for (const s of index.get(JSON.stringify(shared.map((k) => r[k]))) ?? []) out.push({ ...r, ...s });
  return out;
}

function dedupe(rows: Row[]): Row[] {
  const seen = new Map<string, Row>();
  for (const r of rows) seen.set(JSON.stringify(Object.keys(r).sort().map((k) => [k, r[k]])), r);
  return [...seen.values()];
}

/**
 * Adds skymap/tract/patch to rows with a visit, for every patch (or tract) whose region overlaps
 * the row's: the detector's own region when the row has a detector and the visit's record gives
 * it (`extra.detectorRegions`, by detector id), else the whole visit's. So a `where` on a patch
 * keeps only the detectors that overlap it, not every detector of each overlapping visit.
 */
async function extendBySky(db: Db, rows: Row[], dims: string[]): Promise<Row[]> {
  if (rows[0]!.visit === undefined) {
    throw new VeraError('PIPELINE_INVALID', `cannot relate sky dimensions (skymap, tract, patch) to these inputs: they have no visit`);
  }
  const wantPatch = dims.includes('patch');
  const cells = (await queryDimensionRecords(db, wantPatch ? 'patch' : 'tract')).map((r) => ({
    skymap: r.skymap as string,
    tract: (wantPatch ? r.tract : r.id) as number,
    patch: wantPatch ? (r.id as number) : undefined,
    region: r.region as Polygon,
  }));
  const visits = new Map<string, { region: Polygon; detectors: Map<string, Polygon> }>();
  for (const v of await queryDimensionRecords(db, 'visit')) {
    visits.set(`${v.instrument as string}|${v.id as number}`, { region: v.region as Polygon, detectors: detectorRegionsOf(v.extra) });
  }
  const overlaps = new Map<string, typeof cells>();
  const out: Row[] = [];
  for (const r of rows) {
    const visit = visits.get(`${r.instrument}|${r.visit}`);
    const detectorRegion = r.detector !== undefined ? visit?.detectors.get(String(r.detector)) : undefined;
    const key = detectorRegion ? `${r.instrument}|${r.visit}|${r.detector}` : `${r.instrument}|${r.visit}`;
    if (!overlaps.has(key)) {
      const region = detectorRegion ?? visit?.region;
      overlaps.set(key, region ? cells.filter((c) => polygonsOverlap(region, c.region)) : []);
    }
    for (const c of overlaps.get(key)!) {
      out.push({ ...r, skymap: c.skymap, tract: c.tract, ...(c.patch !== undefined ? { patch: c.patch } : {}) });
    }
  }
  return out;
}

/** A visit record's per-detector regions (`extra.detectorRegions`); entries that are not polygons are ignored. */
function detectorRegionsOf(extra: unknown): Map<string, Polygon> {
  const out = new Map<string, Polygon>();
  const given = (extra as { detectorRegions?: unknown } | null)?.detectorRegions;
  if (!given || typeof given !== 'object') return out;
  for (const [id, poly] of Object.entries(given)) {
    const ok = Array.isArray(poly) && poly.length >= 3 && poly.every((p) => Array.isArray(p) && p.length === 2 && p.every((x) => typeof x === 'number' && Number.isFinite(x)));
    if (ok) out.set(id, poly as Polygon);
  }
  return out;
}

/** Adds a dimension by its records (all detectors of the rows' instrument, ...). */
async function extendByRecords(db: Db, rows: Row[], d: string): Promise<Row[]> {
  const records = await queryDimensionRecords(db, d);
  const def = dimension(d);
  const out: Row[] = [];
  for (const r of rows) {
    for (const rec of records) {
      const id = (rec.id ?? rec.name) as string | number;
      if (def.requires.every((req) => r[req] === undefined || rec[req] === r[req])) out.push({ ...r, [d]: id });
    }
  }
  return out;
}

export function project(row: DataId, names: readonly string[]): DataId {
  const out: Record<string, string | number> = {};
  for (const n of names) {
    const v = row[n];
    if (v === undefined) throw new VeraError('INTERNAL', `data ID ${JSON.stringify(row)} has no ${n}`);
    out[n] = v;
  }
  return out;
}
