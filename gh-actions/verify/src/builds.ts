import type { ActionConfig } from './config.ts';
import type { VeraClient } from './vera-client.ts';

/** The parts of Vera's GraphQL `Build` and `Run` the action reads. */
export interface RunProgress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  blocked: number;
}

export interface BuildRun {
  name: string;
  status: string;
  error: string | null;
  progress: RunProgress;
}

export interface BuildState {
  id: number;
  repo: string;
  commit: string;
  ref: string;
  status: string;
  error: string | null;
  regressions: number | null;
  /** Names of the regressed metrics (Vera 0.1+). */
  regressedMetrics: string[] | null;
  summaryMarkdown: string | null;
  runs: BuildRun[];
}

export interface FailedQuantum {
  taskLabel: string;
  dataId: Record<string, unknown>;
  error: string | null;
}

export function dataIdText(dataId: Record<string, unknown>): string {
  return Object.entries(dataId).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '(no data ID)';
}

export const FINISHED_BUILD = new Set(['succeeded', 'failed', 'error']);
export const FINISHED_RUN = new Set(['succeeded', 'failed', 'partial', 'cancelled']);

const BUILD_FIELDS = `id repo commit ref status error regressions regressedMetrics summaryMarkdown
  runs { name status error progress { total pending running succeeded failed blocked } }`;

export async function requestBuild(client: VeraClient, config: ActionConfig): Promise<BuildState> {
  const { target, only } = config;
  const data = await client.request<{ requestBuild: BuildState }>(
    'requesting the build',
    `mutation($repo: String!, $commit: String!, $ref: String!, $event: String, $prNumber: Int, $headBranch: String, $pipeline: String, $dataset: String) {
      requestBuild(repo: $repo, commit: $commit, ref: $ref, event: $event, prNumber: $prNumber, headBranch: $headBranch, pipeline: $pipeline, dataset: $dataset) { ${BUILD_FIELDS} }
    }`,
    { repo: config.repo, commit: target.commit, ref: target.ref, event: target.event, prNumber: target.prNumber ?? null, headBranch: target.headBranch ?? null, pipeline: only?.pipeline ?? null, dataset: only?.dataset ?? null },
  );
  return data.requestBuild;
}

export async function getBuild(client: VeraClient, id: number): Promise<BuildState> {
  const data = await client.request<{ build: BuildState | null }>(`reading build ${id}`, `query($id: Int!) { build(id: $id) { ${BUILD_FIELDS} } }`, { id });
  if (!data.build) throw new Error(`Vera has no build ${id} any more`);
  return data.build;
}

/** A few failed quanta of a run, with their errors: what a reader needs first. */
export async function failedQuanta(client: VeraClient, run: string, limit = 5): Promise<FailedQuantum[]> {
  const data = await client.request<{ run: { quanta: FailedQuantum[] } | null }>(
    `reading the failed quanta of ${run}`,
    `query($run: String!, $limit: Int) { run(name: $run) { quanta(status: failed, limit: $limit) { taskLabel dataId error } } }`,
    { run, limit },
  );
  return data.run?.quanta ?? [];
}
