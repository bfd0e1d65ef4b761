import type { ActionConfig } from './config.ts';
import type { VeraClient } from './vera-client.ts';
import { graphql } from './generated/gql.ts';
import type { BuildStateFragment, FailedQuantaQuery } from './generated/graphql.ts';

/** The parts of Vera's GraphQL `Build` and `Run` the action reads: types generated from the schema. */
export type BuildState = BuildStateFragment;
export type BuildRun = BuildState['runs'][number];
export type FailedQuantum = NonNullable<FailedQuantaQuery['run']>['quanta'][number];

export function dataIdText(dataId: unknown): string {
  return Object.entries(dataId ?? {}).map(([k, v]) => `${k}=${String(v)}`).join(' ') || '(no data ID)';
}

export const FINISHED_BUILD = new Set(['succeeded', 'failed', 'error']);
export const FINISHED_RUN = new Set(['succeeded', 'failed', 'partial', 'cancelled']);

/** What the action reads of a build, in every answer about one. */
export const BUILD_STATE = graphql(`
  fragment BuildState on Build {
    id repo commit ref status error regressions regressedMetrics summaryMarkdown
    runs { name status error progress { total pending running succeeded failed blocked } }
  }
`);

const REQUEST_BUILD = graphql(`
  mutation RequestBuild($repo: String!, $commit: String!, $ref: String!, $event: String, $prNumber: Int, $headBranch: String, $pipeline: String, $dataset: String) {
    requestBuild(repo: $repo, commit: $commit, ref: $ref, event: $event, prNumber: $prNumber, headBranch: $headBranch, pipeline: $pipeline, dataset: $dataset) { ...BuildState }
  }
`);

const GET_BUILD = graphql(`
  query GetBuild($id: Int!) { build(id: $id) { ...BuildState } }
`);

const FAILED_QUANTA = graphql(`
  query FailedQuanta($run: String!, $limit: Int) { run(name: $run) { quanta(status: failed, limit: $limit) { taskLabel dataId error } } }
`);

export async function requestBuild(client: VeraClient, config: ActionConfig): Promise<BuildState> {
  const { target, only } = config;
  const data = await client.request('requesting the build', REQUEST_BUILD, {
    repo: config.repo, commit: target.commit, ref: target.ref, event: target.event, prNumber: target.prNumber ?? null, headBranch: target.headBranch ?? null, pipeline: only?.pipeline ?? null, dataset: only?.dataset ?? null,
  });
  return data.requestBuild;
}

export async function getBuild(client: VeraClient, id: number): Promise<BuildState> {
  const data = await client.request(`reading build ${id}`, GET_BUILD, { id });
  if (!data.build) throw new Error(`Vera has no build ${id} any more`);
  return data.build;
}

/** A few failed quanta of a run, with their errors: what a reader needs first. */
export async function failedQuanta(client: VeraClient, run: string, limit = 5): Promise<FailedQuantum[]> {
  const data = await client.request(`reading the failed quanta of ${run}`, FAILED_QUANTA, { run, limit });
  return data.run?.quanta ?? [];
}
