import type { ConfigOverrides } from '../../../runner/pipeline/config.ts';
import { VeraError } from '../../errors.ts';
import type { BindValue, DatasetRef } from '../../repo/index.ts';
import * as runs from '../../runs/index.ts';
import type { RunInfo, QuantumInfo } from '../../runs/index.ts';
import type { GraphQLContext } from '../context.ts';
import type { MutationCancelRunArgs, MutationRerunArgs, MutationResumeRunArgs, MutationSubmitRunArgs, QueryProvenanceArgs, QueryQuantumArgs, QueryRunArgs, QueryRunsArgs, RunQuantaArgs } from '../generated/resolvers.ts';
import { listLimit } from '../limits.ts';

type Ctx = GraphQLContext;

export function overridesOf(config: unknown): ConfigOverrides | undefined {
  if (config === null || config === undefined) return undefined;
  if (typeof config !== 'object' || Array.isArray(config) || Object.values(config).some((v) => typeof v !== 'object' || v === null || Array.isArray(v))) {
    throw new VeraError('CONFIG_INVALID', 'config must map task labels to objects of config fields, e.g. {"isr": {"doFlat": false}}');
  }
  return config as ConfigOverrides;
}

export const runQueries = {
  run: (_: unknown, a: QueryRunArgs, { vera }: Ctx) => runs.findRun(vera.database.db, a.name),
  runs: (_: unknown, a: QueryRunsArgs, { vera }: Ctx) =>
    runs.listRuns(vera.database.db, { owner: a.owner ?? undefined, status: a.status ?? undefined, limit: listLimit('Query.runs', a.limit) }),
  quantum: (_: unknown, a: QueryQuantumArgs, { vera }: Ctx) => runs.getQuanta(vera.database.db, [a.id]).then((q) => q[0] ?? null),
  provenance: async (_: unknown, a: QueryProvenanceArgs, { vera }: Ctx) =>
    (await runs.provenanceChain(vera.database.db, a.datasetId)).map((s) => ({ dataset: s.dataset, stored: s.dataset.stored, quantum: s.quantum ?? null, inputIds: s.inputs })),
};

export const runMutations = {
  submitRun: (
    _: unknown,
    a: MutationSubmitRunArgs,
    { vera, actor }: Ctx,
  ) =>
    runs
      .submitRun(
        vera,
        {
          pipelineFile: a.pipelineFile,
          pipelineYaml: a.pipelineYaml ?? undefined,
          inputs: a.inputs,
          output: a.output,
          where: a.where ?? undefined,
          bind: (a.bind ?? undefined) as Record<string, BindValue> | undefined,
          configOverrides: overridesOf(a.config),
          purpose: a.purpose ?? undefined,
          saveIntermediates: a.saveIntermediates ?? false,
          seed: a.seed ?? 0,
          expiresAt: a.expiresAt ?? undefined,
        },
        actor,
      )
      .then((r) => ({ run: r.run, skipped: r.skipped.length })),
  resumeRun: (_: unknown, a: MutationResumeRunArgs, { vera, actor }: Ctx) => runs.resumeRun(vera, a.name, actor),
  cancelRun: (_: unknown, a: MutationCancelRunArgs, { vera, actor }: Ctx) => runs.cancelRun(vera, a.name, actor),
  rerun: (_: unknown, a: MutationRerunArgs, { vera, actor }: Ctx) =>
    runs.submitRerun(vera, { datasetId: a.datasetId, output: a.output, saveIntermediates: a.saveIntermediates ?? false, configOverrides: overridesOf(a.config) }, actor),
};

export const runTypes = {
  Run: {
    quanta: (r: RunInfo & { collectionId: number }, a: RunQuantaArgs, { loaders }: Ctx) =>
      loaders.quantaOfRun.load({ runCollectionId: r.collectionId, status: a.status ?? undefined, taskLabel: a.task ?? undefined, limit: listLimit('Run.quanta', a.limit) }),
    taskTimings: (r: RunInfo) => Object.entries(r.taskTimings).map(([taskLabel, t]) => ({ taskLabel, ...t })),
  },
  Quantum: {
    inputs: (q: QuantumInfo, _a: unknown, { loaders }: Ctx) => loaders.inputsOfQuantum.load(q.id),
    outputs: (q: QuantumInfo, _a: unknown, { loaders }: Ctx) => loaders.outputsOfQuantum.load(q.id),
  },
  Dataset: {
    producer: async (d: DatasetRef, _a: unknown, { loaders }: Ctx) => (d.quantumId ? ((await loaders.quantumById.load(d.quantumId)) ?? null) : null),
  },
};
