import DataLoader from 'dataloader';
import { buildsOfDeliveries, deliveriesByIds, type DeliveryBuild, type DeliveryRow } from '../ci/activity.ts';
import { runNamesOfBuilds } from '../ci/build-runs.ts';
import { refsOfRepos } from '../git/repos.ts';
import { runTaskGraphs, type TaskGraph } from '../dashboards/index.ts';
import type { Db } from '../db/client.ts';
import { specificationsOf } from '../metrics/catalog.ts';
import { metricUnits } from '../metrics/series.ts';
import { countMembersOf, type Collection, type DatasetRef } from '../repo/index.ts';
import { getQuanta, quantaOfRuns, quantumInputRefsOf, quantumOutputRefsOf, type QuantaFilter, type QuantumInfo } from '../runs/provenance.ts';
import { findRuns, type RunRecord } from '../runs/queries.ts';

/**
 * Per-request batching of the fields that would otherwise query once per parent object (N+1):
 * every `Quantum.inputs` of a response is read in one query, and so on. Made fresh for each
 * request, so nothing is cached across requests or users.
 */
export interface Loaders {
  runByName: DataLoader<string, RunRecord | undefined>;
  quantaOfRun: DataLoader<{ runCollectionId: number } & QuantaFilter, QuantumInfo[], string>;
  quantumById: DataLoader<string, QuantumInfo | undefined>;
  inputsOfQuantum: DataLoader<string, (DatasetRef & { connection: string })[]>;
  outputsOfQuantum: DataLoader<string, DatasetRef[]>;
  taskGraphOfRun: DataLoader<number, TaskGraph>;
  datasetCount: DataLoader<Pick<Collection, 'id' | 'type'>, number, number>;
  refsOfRepo: DataLoader<number, Awaited<ReturnType<typeof refsOfRepos>> extends Map<number, infer R> ? R : never>;
  runNamesOfBuild: DataLoader<number, string[]>;
  deliveryById: DataLoader<string, DeliveryRow | undefined>;
  buildsOfDelivery: DataLoader<string, DeliveryBuild[]>;
  specificationsOfMetric: DataLoader<string, Awaited<ReturnType<typeof specificationsOf>> extends Map<string, infer S> ? S : never>;
  metricUnit: DataLoader<string, string | undefined>;
}

/** Bounds each batch, so one statement's parameter list stays far from the database's limits. */
const maxBatchSize = 1000;

/** A loader whose batch function answers with a map; keys it leaves out get `missing`. */
function mapLoader<K, V, C = K>(batch: (keys: readonly K[]) => Promise<Map<C, V>>, missing: V, cacheKeyFn?: (key: K) => C): DataLoader<K, V, C> {
  const keyOf = cacheKeyFn ?? ((k: K) => k as unknown as C);
  return new DataLoader<K, V, C>(
    async (keys) => {
      const found = await batch(keys);
      return keys.map((k) => (found.has(keyOf(k)) ? found.get(keyOf(k))! : missing));
    },
    { maxBatchSize, ...(cacheKeyFn ? { cacheKeyFn } : {}) },
  );
}

export function createLoaders(db: Db): Loaders {
  return {
    runByName: mapLoader((names) => findRuns(db, names), undefined),
    quantaOfRun: new DataLoader(
      async (keys) => {
        // Keys with the same filter are one query; different filters (rare) one query each.
        const groups = new Map<string, { filter: QuantaFilter; ids: number[] }>();
        for (const k of keys) {
          const filter = { status: k.status, taskLabel: k.taskLabel, limit: k.limit };
          const g = groups.get(JSON.stringify(filter)) ?? { filter, ids: [] };
          g.ids.push(k.runCollectionId);
          groups.set(JSON.stringify(filter), g);
        }
        const results = new Map<string, Map<number, QuantumInfo[]>>();
        for (const [key, g] of groups) results.set(key, await quantaOfRuns(db, g.ids, g.filter));
        return keys.map((k) => results.get(JSON.stringify({ status: k.status, taskLabel: k.taskLabel, limit: k.limit }))!.get(k.runCollectionId) ?? []);
      },
      { maxBatchSize, cacheKeyFn: (k) => JSON.stringify([k.runCollectionId, k.status, k.taskLabel, k.limit]) },
    ),
    quantumById: mapLoader(async (ids) => new Map((await getQuanta(db, ids)).map((q) => [q.id, q])), undefined),
    inputsOfQuantum: mapLoader((ids) => quantumInputRefsOf(db, ids), []),
    outputsOfQuantum: mapLoader((ids) => quantumOutputRefsOf(db, ids), []),
    taskGraphOfRun: mapLoader((ids) => runTaskGraphs(db, ids), { nodes: [], edges: [] }),
    datasetCount: mapLoader((cs) => countMembersOf(db, cs), 0, (c) => c.id),
    refsOfRepo: mapLoader((ids) => refsOfRepos(db, ids), []),
    runNamesOfBuild: mapLoader((ids) => runNamesOfBuilds(db, ids), []),
    deliveryById: mapLoader<string, DeliveryRow | undefined>((ids) => deliveriesByIds(db, ids), undefined),
    buildsOfDelivery: mapLoader((ids) => buildsOfDeliveries(db, ids), []),
    specificationsOfMetric: mapLoader((names) => specificationsOf(db, names), []),
    metricUnit: mapLoader((names) => metricUnits(db, names), undefined),
  };
}
