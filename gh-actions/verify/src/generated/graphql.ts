/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
export type BuildStatus =
  | 'error'
  | 'failed'
  | 'queued'
  | 'running'
  | 'succeeded';

export type RunStatus =
  | 'cancelled'
  | 'failed'
  | 'partial'
  | 'pending'
  | 'running'
  | 'succeeded';

export type BuildStateFragment = { id: number, repo: string, commit: string, ref: string, status: BuildStatus, error: string | null, regressions: number | null, regressedMetrics: Array<string> | null, summaryMarkdown: string | null, runs: Array<{ name: string, status: RunStatus, error: string | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } }> };

export type RequestBuildMutationVariables = Exact<{
  repo: string;
  commit: string;
  ref: string;
  event?: string | null | undefined;
  prNumber?: number | null | undefined;
  headBranch?: string | null | undefined;
  pipeline?: string | null | undefined;
  dataset?: string | null | undefined;
}>;


export type RequestBuildMutation = { requestBuild: { id: number, repo: string, commit: string, ref: string, status: BuildStatus, error: string | null, regressions: number | null, regressedMetrics: Array<string> | null, summaryMarkdown: string | null, runs: Array<{ name: string, status: RunStatus, error: string | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } }> } };

export type GetBuildQueryVariables = Exact<{
  id: number;
}>;


export type GetBuildQuery = { build: { id: number, repo: string, commit: string, ref: string, status: BuildStatus, error: string | null, regressions: number | null, regressedMetrics: Array<string> | null, summaryMarkdown: string | null, runs: Array<{ name: string, status: RunStatus, error: string | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } }> } | null };

export type FailedQuantaQueryVariables = Exact<{
  run: string;
  limit?: number | null | undefined;
}>;


export type FailedQuantaQuery = { run: { quanta: Array<{ taskLabel: string, dataId: Record<string, unknown>, error: string | null }> } | null };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const BuildStateFragmentDoc = new TypedDocumentString(`
    fragment BuildState on Build {
  id
  repo
  commit
  ref
  status
  error
  regressions
  regressedMetrics
  summaryMarkdown
  runs {
    name
    status
    error
    progress {
      total
      pending
      running
      succeeded
      failed
      blocked
    }
  }
}
    `, {"fragmentName":"BuildState"}) as unknown as TypedDocumentString<BuildStateFragment, unknown>;
export const RequestBuildDocument = new TypedDocumentString(`
    mutation RequestBuild($repo: String!, $commit: String!, $ref: String!, $event: String, $prNumber: Int, $headBranch: String, $pipeline: String, $dataset: String) {
  requestBuild(
    repo: $repo
    commit: $commit
    ref: $ref
    event: $event
    prNumber: $prNumber
    headBranch: $headBranch
    pipeline: $pipeline
    dataset: $dataset
  ) {
    ...BuildState
  }
}
    fragment BuildState on Build {
  id
  repo
  commit
  ref
  status
  error
  regressions
  regressedMetrics
  summaryMarkdown
  runs {
    name
    status
    error
    progress {
      total
      pending
      running
      succeeded
      failed
      blocked
    }
  }
}`) as unknown as TypedDocumentString<RequestBuildMutation, RequestBuildMutationVariables>;
export const GetBuildDocument = new TypedDocumentString(`
    query GetBuild($id: Int!) {
  build(id: $id) {
    ...BuildState
  }
}
    fragment BuildState on Build {
  id
  repo
  commit
  ref
  status
  error
  regressions
  regressedMetrics
  summaryMarkdown
  runs {
    name
    status
    error
    progress {
      total
      pending
      running
      succeeded
      failed
      blocked
    }
  }
}`) as unknown as TypedDocumentString<GetBuildQuery, GetBuildQueryVariables>;
export const FailedQuantaDocument = new TypedDocumentString(`
    query FailedQuanta($run: String!, $limit: Int) {
  run(name: $run) {
    quanta(status: failed, limit: $limit) {
      taskLabel
      dataId
      error
    }
  }
}
    `) as unknown as TypedDocumentString<FailedQuantaQuery, FailedQuantaQueryVariables>;