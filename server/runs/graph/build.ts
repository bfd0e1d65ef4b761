import crypto from 'node:crypto';
import type { Db } from '../../db/client.ts';
import { VeraError } from '../../errors.ts';
import { findDataset, newLookupCache, type BindValue, type DataId, type DatasetRef, type LookupCache } from '../../repo/index.ts';
import { canonicalJson } from '../../../runner/pipeline/config.ts';
import type { Pipeline, PipelineTask, ResolvedConnection } from '../../../runner/pipeline/load.ts';
import { buildDataIdSpace, project, type Row } from './space.ts';
import type { DatasetNode, QuantumGraph, QuantumNode } from './types.ts';

export type { Row };

export function datasetKey(datasetType: string, dataId: DataId): string {
  return `${datasetType}|${canonicalJson(dataId)}`;
}

export interface GraphRequest {
  pipeline: Pipeline;
  collections: readonly string[];
  where?: string | undefined;
  bind?: Readonly<Record<string, BindValue>> | undefined;
}

/**
 * Builds the quantum graph: one quantum per task per data ID of the run's data ID space, with
 * edges through datasets. Inputs come from the input collections (any chain: raw data, releases,
 * other runs) or from upstream quanta; a quantum whose inputs cannot exist is left out and
 * reported in `skipped`. Prerequisites and calibrations must exist: a missing one is an error
 * naming the quantum.
 */
export async function buildQuantumGraph(db: Db, req: GraphRequest): Promise<QuantumGraph> {
  const { pipeline, collections } = req;
  // Every quantum's prerequisites repeat the same type, search-path and dimension-record lookups.
  const lookups = newLookupCache();
  const { rows, found } = await buildDataIdSpace(db, pipeline, collections, req.where, req.bind ?? {}, lookups);
  const prereqCache = new Map<string, DatasetRef | undefined>();
  return graphFromSpace(pipeline, rows, found, async (c, quantumDataId, task) => prerequisite(db, c, quantumDataId, collections, prereqCache, lookups, task));
}

/** Finds a prerequisite or calibration input of a quantum (in the registry, for a run). */
export type PrerequisiteLookup = (c: ResolvedConnection, quantumDataId: DataId, task: PipelineTask) => Promise<DatasetNode>;

/**
 * The graph of a data ID space: the part of the build that needs no database, given the space's
 * rows, the datasets found for the overall inputs, and how prerequisites are found.
 */
export async function graphFromSpace(pipeline: Pipeline, rows: readonly Row[], found: ReadonlyMap<string, readonly DatasetRef[]>, findPrerequisite: PrerequisiteLookup): Promise<QuantumGraph> {
  const datasets = new Map<string, DatasetNode>();
  for (const [type, refs] of found) {
    const storage = inputStorageClass(pipeline, type);
    for (const r of refs) {
      const key = datasetKey(type, r.dataId);
      datasets.set(key, { key, datasetType: type, storageClass: storage, dataId: r.dataId, existingId: r.id, persist: true });
    }
  }
  const quanta: QuantumNode[] = [];
  const skipped: QuantumGraph['skipped'] = [];

  for (const task of pipeline.tasks) {
    for (const [quantumDataId, members] of groupRows(rows, task.group.names)) {
      const inputs: QuantumNode['inputs'] = [];
      let missing: string | undefined;
      for (const c of task.connections) {
        if (c.kind === 'output') continue;
        if (c.kind === 'input') {
          const keys = inputKeys(c, quantumDataId, members).filter((k) => datasets.has(k));
          if (keys.length === 0) {
            missing = `no ${c.datasetType} for input '${c.name}'`;
            break;
          }
          inputs.push({ connection: c.name, keys, multiple: c.multiple });
          continue;
        }
        const node = await findPrerequisite(c, quantumDataId, task);
        datasets.set(node.key, node);
        inputs.push({ connection: c.name, keys: [node.key], multiple: false });
      }
      if (missing) {
        skipped.push({ taskLabel: task.label, dataId: quantumDataId, reason: missing });
        continue;
      }
      const index = quanta.length;
      const outputs = task.connections
        .filter((c) => c.kind === 'output')
        .map((c) => {
          const dataId = project(quantumDataId, c.group.required);
          const key = datasetKey(c.datasetType, dataId);
          datasets.set(key, { key, datasetType: c.datasetType, storageClass: c.storageClass, dataId, producer: index, persist: c.persist });
          return { connection: c.name, key };
        });
      quanta.push({ id: crypto.randomUUID(), taskLabel: task.label, dataId: quantumDataId, inputs, outputs });
    }
  }
  return { quanta, datasets, skipped };
}

/** Distinct projections of the rows onto a task's dimensions, each with the rows behind it. */
function groupRows(rows: readonly Row[], names: readonly string[]): [DataId, Row[]][] {
  const byKey = new Map<string, { dataId: DataId; rows: Row[] }>();
  for (const r of rows) {
    const dataId = project(r, names);
    const key = canonicalJson(dataId);
    const entry = byKey.get(key);
    if (entry) entry.rows.push(r);
    else byKey.set(key, { dataId, rows: [r] });
  }
  const sorted = [...byKey.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return sorted.map(([, e]) => [e.dataId, e.rows]);
}

function inputKeys(c: ResolvedConnection, quantumDataId: DataId, members: readonly Row[]): string[] {
  if (!c.multiple) return [datasetKey(c.datasetType, project(quantumDataId, c.group.required))];
  const keys = new Set<string>();
  for (const r of members) keys.add(datasetKey(c.datasetType, project(r, c.group.required)));
  return [...keys].sort();
}

async function prerequisite(
  db: Db,
  c: ResolvedConnection,
  quantumDataId: DataId,
  collections: readonly string[],
  cache: Map<string, DatasetRef | undefined>,
  lookups: LookupCache,
  task: PipelineTask,
): Promise<DatasetNode> {
  // Calibrations are looked up by the quantum's visit (its time span); others by data ID only.
  const lookupId = c.kind === 'calibration' && quantumDataId.visit !== undefined
    ? { ...project(quantumDataId, c.group.required), instrument: quantumDataId.instrument!, visit: quantumDataId.visit }
    : project(quantumDataId, c.group.required);
  const cacheKey = `${c.datasetType}|${canonicalJson(lookupId)}`;
  if (!cache.has(cacheKey)) cache.set(cacheKey, await findDataset(db, { datasetType: c.datasetType, dataId: lookupId, collections }, lookups));
  const ref = cache.get(cacheKey);
  if (!ref) {
    throw new VeraError(
      'PREREQUISITE_MISSING',
      `task '${task.label}' quantum ${canonicalJson(quantumDataId)}: no ${c.kind} '${c.datasetType}' for ${canonicalJson(lookupId)} in collections ${collections.join(', ')}`,
      { task: task.label, datasetType: c.datasetType, dataId: lookupId },
    );
  }
  // Keyed by id: calibrations of one data ID differ by validity range, so the data ID is not unique.
  return { key: `${c.datasetType}|id:${ref.id}`, datasetType: c.datasetType, storageClass: c.storageClass, dataId: ref.dataId, existingId: ref.id, persist: true };
}

function inputStorageClass(pipeline: Pipeline, datasetType: string): string {
  for (const t of pipeline.tasks) for (const c of t.connections) if (c.datasetType === datasetType) return c.storageClass;
  throw new VeraError('INTERNAL', `no connection reads ${datasetType}`);
}
