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

/** A metric's head against its base: worse, better, no significant change, or too little data (missing: one side has none). */
export type ComparisonStatus =
  | 'improvement'
  | 'insufficient'
  | 'missing'
  | 'regression'
  | 'unchanged';

export type DeliveryStatus =
  | 'failed'
  | 'ignored'
  | 'processed'
  | 'processing'
  | 'received';

/** Which detection method found a change. */
export type FindingKind =
  | 'absolute'
  | 'changepoint'
  | 'percent'
  | 'spec'
  | 'welch'
  | 'zscore';

export type GithubReportKind =
  | 'comment'
  | 'status';

export type GithubReportStatus =
  | 'done'
  | 'failed'
  | 'pending'
  | 'superseded';

export type QuantumStatus =
  | 'blocked'
  | 'failed'
  | 'pending'
  | 'running'
  | 'succeeded';

export type RegressionStatus =
  | 'acknowledged'
  | 'false_alarm'
  | 'fixed'
  | 'open';

export type ReplayStatus =
  | 'cancelled'
  | 'failed'
  | 'pending'
  | 'running'
  | 'succeeded';

export type ReplayVisitStage =
  | 'associated'
  | 'pending'
  | 'published';

export type Role =
  | 'admin'
  | 'developer'
  | 'operator'
  | 'viewer';

export type RunPurpose =
  | 'ci'
  | 'developer'
  | 'operator'
  | 'replay';

export type RunStatus =
  | 'cancelled'
  | 'failed'
  | 'partial'
  | 'pending'
  | 'running'
  | 'succeeded';

export type SeriesOrder =
  /** The branch's first-parent history. */
  | 'git'
  /** No repository known: when each commit was first measured. */
  | 'time';

/** How a value fares against the specifications that apply to it. */
export type SpecOutcome =
  /** No spec met. */
  | 'fail'
  /** No spec applies. */
  | 'none'
  /** Some specs met, not all. */
  | 'partial'
  /** Every spec met. */
  | 'pass';

export type TaskGraphNodeKind =
  /** A dataset type the run reads from outside itself. */
  | 'input'
  /** A dataset type the run produces. */
  | 'output'
  | 'task';

export type MeasuredSeriesQueryVariables = Exact<{
  m?: string | null | undefined;
}>;


export type MeasuredSeriesQuery = { measuredSeries: Array<{ metric: string, dataset: string, branch: string | null, repo: string | null, commits: number, lastMeasuredAt: string }> };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { name: string, role: Role } };

export type BuildListQueryVariables = Exact<{
  s?: BuildStatus | null | undefined;
}>;


export type BuildListQuery = { builds: Array<{ id: number, repo: string, commit: string, ref: string, event: string, prNumber: number | null, status: BuildStatus, error: string | null, regressions: number | null, createdAt: string, updatedAt: string, runs: Array<{ name: string }> }> };

export type BuildQueryVariables = Exact<{
  id: number;
}>;


export type BuildQuery = { build: { id: number, repo: string, commit: string, ref: string, event: string, prNumber: number | null, status: BuildStatus, error: string | null, regressions: number | null, regressedMetrics: Array<string> | null, summaryMarkdown: string | null, createdAt: string, updatedAt: string, runs: Array<{ name: string, status: RunStatus, startedAt: string | null, endedAt: string | null, progress: { total: number, succeeded: number, failed: number } }>, reports: Array<{ id: number, kind: GithubReportKind, target: string, state: string | null, description: string | null, status: GithubReportStatus, attempts: number, lastError: string | null, createdAt: string }>, delivery: { id: string, event: string, action: string | null, status: DeliveryStatus, receivedAt: string } | null } | null };

export type DeliveryListQueryVariables = Exact<{
  s?: DeliveryStatus | null | undefined;
}>;


export type DeliveryListQuery = { webhookDeliveries: Array<{ id: string, event: string, action: string | null, repository: string | null, status: DeliveryStatus, attempts: number, error: string | null, receivedAt: string, processedAt: string | null, builds: Array<{ id: number, status: BuildStatus }> }> };

export type ComparisonViewFragment = { base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> };

export type CompareRunsQueryVariables = Exact<{
  b: string;
  h: string;
}>;


export type CompareRunsQuery = { compare: { base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> } };

export type CompareRefsQueryVariables = Exact<{
  d: string;
  h: string;
  b?: string | null | undefined;
}>;


export type CompareRefsQuery = { compare: { base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> } };

export type CompareRunNamesQueryVariables = Exact<{ [key: string]: never; }>;


export type CompareRunNamesQuery = { runs: Array<{ name: string }> };

export type CompareDefaultBranchesQueryVariables = Exact<{ [key: string]: never; }>;


export type CompareDefaultBranchesQuery = { repos: Array<{ name: string, defaultBranch: string }> };

export type CompareMeasurementsQueryVariables = Exact<{
  runs?: Array<string> | string | null | undefined;
}>;


export type CompareMeasurementsQuery = { measurements: Array<{ metric: string, dataId: Record<string, unknown>, datasetId: string | null }> };

export type DashboardsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardsQuery = { dashboards: Array<{ slug: string, title: string, owner: string | null, builtin: boolean, updatedAt: string, definition: Record<string, unknown> }> };

export type SaveDashboardMutationVariables = Exact<{
  d: unknown;
}>;


export type SaveDashboardMutation = { saveDashboard: { slug: string } };

export type DashboardQueryVariables = Exact<{
  s: string;
}>;


export type DashboardQuery = { dashboard: { slug: string, title: string, owner: string | null, builtin: boolean, updatedAt: string, definition: Record<string, unknown> } | null };

export type DatasetQueryVariables = Exact<{
  id: string | number;
}>;


export type DatasetQuery = { dataset: { id: string, datasetType: string, run: string, dataId: Record<string, unknown>, path: string, sizeBytes: number, checksum: string, createdAt: string } | null, provenance: Array<{ stored: boolean, inputIds: Array<string>, dataset: { id: string, datasetType: string, run: string, dataId: Record<string, unknown> }, quantum: { id: string, taskLabel: string, status: QuantumStatus, startedAt: string | null, endedAt: string | null, host: string | null, configHash: string | null, software: { commit: string | null, dirty: boolean } | null } | null }>, measurements: Array<{ metric: string, value: number | null, unit: string }> };

export type LinkedCalexpsQueryVariables = Exact<{
  c: Array<string> | string;
  w?: string | null | undefined;
}>;


export type LinkedCalexpsQuery = { datasets: Array<{ id: string, dataId: Record<string, unknown> }> };

export type LinkedColumnsQueryVariables = Exact<{
  q: string;
  c: Array<string> | string;
}>;


export type LinkedColumnsQuery = { sql: { columns: Array<{ name: string, type: string }> } };

export type LinkedSourcesQueryVariables = Exact<{
  q: string;
  c: Array<string> | string;
}>;


export type LinkedSourcesQuery = { sql: { rows: Array<Record<string, unknown>> } };

export type MetricSeriesQueryVariables = Exact<{
  m: string;
  d: string;
  b: string;
  id?: unknown;
  withChangePoints: boolean;
}>;


export type MetricSeriesQuery = { series: { unit: string, order: SeriesOrder, points: Array<{ commit: string, position: number, n: number, mean: number, std: number | null, runs: Array<string> }>, unmeasured: Array<{ commit: string, position: number, values: Array<string> }> }, changePoints?: Array<{ index: number, commit: string, lastGoodCommit: string | null, pValue: number, meanBefore: number, meanAfter: number }> };

export type MetricsQueryVariables = Exact<{
  m: string;
  d: string;
}>;


export type MetricsQuery = { measuredDataIds: Array<Record<string, unknown>>, metrics: Array<{ name: string, unit: string, description: string }>, specifications: Array<{ name: string, operator: string, metricUnitValue: number | null }>, regressions: Array<{ id: number, kind: FindingKind, status: RegressionStatus, branch: string, dataset: string, dataId: Record<string, unknown>, firstBadCommit: string }> };

export type ReleasesQueryVariables = Exact<{
  d: string;
  b: string;
}>;


export type ReleasesQuery = { releases: Array<{ tag: string, commit: string, position: number | null }> };

export type OverviewHeadQueryVariables = Exact<{ [key: string]: never; }>;


export type OverviewHeadQuery = { regressions: Array<{ id: number }>, runs: Array<{ name: string, status: RunStatus, purpose: RunPurpose, createdAt: string }> };

export type OverviewMetricsQueryVariables = Exact<{
  b: string;
}>;


export type OverviewMetricsQuery = { metricOverview: Array<{ metric: string, dataset: string, unit: string, description: string, latest: number, commit: string, run: string | null, n: number, sparkline: Array<number>, status: SpecOutcome, specs: Array<{ name: string, operator: string, value: number, pass: boolean, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> };

export type RegressionQueryVariables = Exact<{
  id: number;
}>;


export type RegressionQuery = { regression: { id: number, metric: string, dataset: string, branch: string, dataId: Record<string, unknown>, kind: FindingKind, status: RegressionStatus, firstBadCommit: string, lastGoodCommit: string | null, note: string, createdAt: string, finding: { message: string, baseline: number, value: number, delta: number, relativeDelta: number | null, pValue: number | null }, explanation: { goodRun: string | null, badRun: string | null, commits: Array<{ sha: string, author: string, date: string, subject: string }>, software: { before: { commit: string | null, branch: string | null, tag: string | null, dirty: boolean } | null, after: { commit: string | null, branch: string | null, tag: string | null, dirty: boolean } | null }, configChanges: Array<{ task: string, field: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null }>, inputCollections: { before: Array<string>, after: Array<string> } | null, inputChanges: Array<{ datasetType: string, dataId: Record<string, unknown>, isCalibration: boolean, before: { id: string, run: string } | null, after: { id: string, run: string } | null }>, quanta: Array<{ task: string, total: number, changed: number }>, dataIds: Array<{ dataId: Record<string, unknown>, before: number | null, after: number | null, delta: number | null }> } | null, history: Array<{ fromStatus: RegressionStatus, toStatus: RegressionStatus, actor: string, note: string, at: string }> } | null };

export type RegressionContextQueryVariables = Exact<{
  m: string;
  d: string;
  b: string;
  id?: unknown;
}>;


export type RegressionContextQuery = { series: { unit: string, points: Array<{ commit: string, position: number, n: number, mean: number, std: number | null, runs: Array<string> }> } };

export type RegressionMovedQueryVariables = Exact<{
  m: string;
  r?: Array<string> | string | null | undefined;
}>;


export type RegressionMovedQuery = { measurements: Array<{ dataId: Record<string, unknown>, datasetId: string | null }> };

export type RegressionListQueryVariables = Exact<{
  s?: RegressionStatus | null | undefined;
}>;


export type RegressionListQuery = { regressions: Array<{ id: number, metric: string, dataset: string, branch: string, dataId: Record<string, unknown>, kind: FindingKind, status: RegressionStatus, firstBadCommit: string, createdAt: string, finding: { relativeDelta: number | null } }> };

export type ReplayViewQueryVariables = Exact<{
  id: number;
}>;


export type ReplayViewQuery = { replay: { id: number, owner: string, status: ReplayStatus, instrument: string, codeRef: string, associationRadiusArcsec: number, speed: number | null, alertSubject: string | null, error: string | null, inputs: Array<string>, pipeline: string, createdAt: string, startedAt: string | null, endedAt: string | null, visits: Array<{ seq: number, visit: number, stage: ReplayVisitStage, latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null, associateMs: number | null, packageMs: number | null, publishMs: number | null } }> } | null };

export type ReplayListViewQueryVariables = Exact<{ [key: string]: never; }>;


export type ReplayListViewQuery = { replays: Array<{ id: number, owner: string, status: ReplayStatus, instrument: string, codeRef: string, speed: number | null, createdAt: string, endedAt: string | null, visits: Array<{ stage: ReplayVisitStage, latencyMs: number | null }> }> };

export type ReplayChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type ReplayChoicesQuery = { replays: Array<{ id: number, codeRef: string, status: ReplayStatus, instrument: string }> };

export type ReplayComparisonViewQueryVariables = Exact<{
  a: number;
  b: number;
}>;


export type ReplayComparisonViewQuery = { replayComparison: { warnings: Array<string>, commonVisits: Array<number>, onlyInA: Array<number>, onlyInB: Array<number>, a: { id: number, codeRef: string, visits: Array<{ seq: number, visit: number, stage: ReplayVisitStage, latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null, associateMs: number | null, packageMs: number | null, publishMs: number | null } }> }, b: { id: number, codeRef: string }, differences: Array<{ key: string, a: string | null, b: string | null }>, deltas: Array<{ name: string, unit: string, a: number | null, b: number | null, delta: number | null }>, alerts: { matchRadiusArcsec: number, matched: number, onlyInA: number, onlyInB: number, medianFluxDiffSigma: number | null, maxFluxDiffSigma: number | null }, visits: Array<{ visit: number, latencyDeltaMs: number | null, alertsMatched: number | null, alertsOnlyInA: number | null, alertsOnlyInB: number | null, a: { latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null } } | null, b: { latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null } } | null }> } };

export type ProgressCountsFragment = { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number };

export type TaskGraphViewFragment = { taskGraph: { nodes: Array<{ id: string, kind: TaskGraphNodeKind, label: string, collections: Array<string>, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } | null }>, edges: Array<{ source: string, target: string, datasetTypes: Array<string> }> } };

export type RunQueryVariables = Exact<{
  n: string;
}>;


export type RunQuery = { run: { name: string, owner: string, purpose: RunPurpose, status: RunStatus, pipelineFile: string, inputs: Array<string>, where: string, configOverrides: Record<string, unknown>, executor: string, error: string | null, createdAt: string, startedAt: string | null, endedAt: string | null, software: { commit: string | null, branch: string | null, tag: string | null, dirty: boolean, repo: string } | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number }, quanta: Array<{ id: string, taskLabel: string, dataId: Record<string, unknown>, status: QuantumStatus, startedAt: string | null, endedAt: string | null, host: string | null, peakMemoryBytes: number | null, error: string | null, outputs: Array<{ id: string, datasetType: string, dataId: Record<string, unknown> }> }>, taskGraph: { nodes: Array<{ id: string, kind: TaskGraphNodeKind, label: string, collections: Array<string>, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } | null }>, edges: Array<{ source: string, target: string, datasetTypes: Array<string> }> } } | null, measurements: Array<{ metric: string, value: number | null, unit: string, dataId: Record<string, unknown>, datasetId: string | null }> };

export type QuantumQueryVariables = Exact<{
  id: string | number;
}>;


export type QuantumQuery = { quantum: { log: string | null, error: string | null, configHash: string | null } | null };

export type RunProgressPollQueryVariables = Exact<{
  n: string;
}>;


export type RunProgressPollQuery = { run: { status: RunStatus, endedAt: string | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number }, taskGraph: { nodes: Array<{ id: string, kind: TaskGraphNodeKind, label: string, collections: Array<string>, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } | null }>, edges: Array<{ source: string, target: string, datasetTypes: Array<string> }> } } | null };

export type RunListQueryVariables = Exact<{
  s?: RunStatus | null | undefined;
}>;


export type RunListQuery = { runs: Array<{ name: string, owner: string, purpose: RunPurpose, status: RunStatus, inputs: Array<string>, createdAt: string, startedAt: string | null, endedAt: string | null, software: { commit: string | null, branch: string | null } | null, progress: { total: number, succeeded: number, failed: number } }> };

export type SkyMapSummaryQueryVariables = Exact<{
  c: string;
}>;


export type SkyMapSummaryQuery = { skyMap: { finestOrder: number, hipsPath: string, orders: Array<{ order: number, pixels: number, sources: number }>, field: Array<{ pixel: number, count: number, raDeg: number, decDeg: number }> } | null };

export type SkyMapPixelsQueryVariables = Exact<{
  c: string;
  o: number;
  wo?: number | null | undefined;
  wp?: number | null | undefined;
}>;


export type SkyMapPixelsQuery = { skyMap: { pixels: Array<{ pixel: number, count: number, meanFlux: number, rmsFlux: number, raDeg: number, decDeg: number }> } | null };

export type SetRegressionStatusMutationVariables = Exact<{
  id: number;
  s: RegressionStatus;
  n?: string | null | undefined;
}>;


export type SetRegressionStatusMutation = { setRegressionStatus: { status: RegressionStatus } };

export type PanelSeriesQueryVariables = Exact<{
  m: string;
  d: string;
  b: string;
  id?: unknown;
}>;


export type PanelSeriesQuery = { series: { unit: string, order: SeriesOrder, points: Array<{ position: number, mean: number, runs: Array<string> }> } };

export type PanelOverviewQueryVariables = Exact<{
  b: string;
}>;


export type PanelOverviewQuery = { metricOverview: Array<{ metric: string, dataset: string, latest: number, unit: string, status: SpecOutcome }> };

export type PanelRegressionsQueryVariables = Exact<{
  s?: RegressionStatus | null | undefined;
  m?: string | null | undefined;
}>;


export type PanelRegressionsQuery = { regressions: Array<{ id: number, metric: string, kind: FindingKind, status: RegressionStatus, branch: string }> };

export type PanelRunsQueryVariables = Exact<{
  s?: RunStatus | null | undefined;
  l?: number | null | undefined;
}>;


export type PanelRunsQuery = { runs: Array<{ name: string, status: RunStatus, createdAt: string }> };

export type PanelSeriesPointsQueryVariables = Exact<{
  m: string;
  d: string;
  b: string;
}>;


export type PanelSeriesPointsQuery = { series: { unit: string, points: Array<{ commit: string, position: number }> } };

export type PanelMeasurementsQueryVariables = Exact<{
  m: string;
  d: string;
  c?: Array<string> | string | null | undefined;
}>;


export type PanelMeasurementsQuery = { measurements: Array<{ value: number | null, dataId: Record<string, unknown>, commit: string | null }> };

export type MeasuredDataIdsQueryVariables = Exact<{
  m: string;
  d: string;
}>;


export type MeasuredDataIdsQuery = { measuredDataIds: Array<Record<string, unknown>> };

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
export const ComparisonViewFragmentDoc = new TypedDocumentString(`
    fragment ComparisonView on Comparison {
  base {
    label
    commit
    runs
  }
  head {
    label
    commit
    runs
  }
  rows {
    metric
    unit
    dataId
    base
    head
    delta
    relativeDelta
    pValue
    significant
    status
    specs {
      spec
      base
      head
      failingDataIds
      worstDataId
      worstValue
    }
  }
}
    `, {"fragmentName":"ComparisonView"}) as unknown as TypedDocumentString<ComparisonViewFragment, unknown>;
export const ProgressCountsFragmentDoc = new TypedDocumentString(`
    fragment ProgressCounts on RunProgress {
  total
  pending
  running
  succeeded
  failed
  blocked
}
    `, {"fragmentName":"ProgressCounts"}) as unknown as TypedDocumentString<ProgressCountsFragment, unknown>;
export const TaskGraphViewFragmentDoc = new TypedDocumentString(`
    fragment TaskGraphView on Run {
  taskGraph {
    nodes {
      id
      kind
      label
      collections
      progress {
        total
        pending
        running
        succeeded
        failed
        blocked
      }
    }
    edges {
      source
      target
      datasetTypes
    }
  }
}
    `, {"fragmentName":"TaskGraphView"}) as unknown as TypedDocumentString<TaskGraphViewFragment, unknown>;
export const MeasuredSeriesDocument = new TypedDocumentString(`
    query MeasuredSeries($m: String) {
  measuredSeries(metric: $m) {
    metric
    dataset
    branch
    repo
    commits
    lastMeasuredAt
  }
}
    `) as unknown as TypedDocumentString<MeasuredSeriesQuery, MeasuredSeriesQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    name
    role
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const BuildListDocument = new TypedDocumentString(`
    query BuildList($s: BuildStatus) {
  builds(status: $s, limit: 500) {
    id
    repo
    commit
    ref
    event
    prNumber
    status
    error
    regressions
    runs {
      name
    }
    createdAt
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<BuildListQuery, BuildListQueryVariables>;
export const BuildDocument = new TypedDocumentString(`
    query Build($id: Int!) {
  build(id: $id) {
    id
    repo
    commit
    ref
    event
    prNumber
    status
    error
    regressions
    regressedMetrics
    summaryMarkdown
    createdAt
    updatedAt
    runs {
      name
      status
      progress {
        total
        succeeded
        failed
      }
      startedAt
      endedAt
    }
    reports {
      id
      kind
      target
      state
      description
      status
      attempts
      lastError
      createdAt
    }
    delivery {
      id
      event
      action
      status
      receivedAt
    }
  }
}
    `) as unknown as TypedDocumentString<BuildQuery, BuildQueryVariables>;
export const DeliveryListDocument = new TypedDocumentString(`
    query DeliveryList($s: DeliveryStatus) {
  webhookDeliveries(status: $s, limit: 500) {
    id
    event
    action
    repository
    status
    attempts
    error
    receivedAt
    processedAt
    builds {
      id
      status
    }
  }
}
    `) as unknown as TypedDocumentString<DeliveryListQuery, DeliveryListQueryVariables>;
export const CompareRunsDocument = new TypedDocumentString(`
    query CompareRuns($b: String!, $h: String!) {
  compare: compareRuns(base: $b, head: $h) {
    ...ComparisonView
  }
}
    fragment ComparisonView on Comparison {
  base {
    label
    commit
    runs
  }
  head {
    label
    commit
    runs
  }
  rows {
    metric
    unit
    dataId
    base
    head
    delta
    relativeDelta
    pValue
    significant
    status
    specs {
      spec
      base
      head
      failingDataIds
      worstDataId
      worstValue
    }
  }
}`) as unknown as TypedDocumentString<CompareRunsQuery, CompareRunsQueryVariables>;
export const CompareRefsDocument = new TypedDocumentString(`
    query CompareRefs($d: String!, $h: String!, $b: String) {
  compare: compareRefs(dataset: $d, head: $h, base: $b) {
    ...ComparisonView
  }
}
    fragment ComparisonView on Comparison {
  base {
    label
    commit
    runs
  }
  head {
    label
    commit
    runs
  }
  rows {
    metric
    unit
    dataId
    base
    head
    delta
    relativeDelta
    pValue
    significant
    status
    specs {
      spec
      base
      head
      failingDataIds
      worstDataId
      worstValue
    }
  }
}`) as unknown as TypedDocumentString<CompareRefsQuery, CompareRefsQueryVariables>;
export const CompareRunNamesDocument = new TypedDocumentString(`
    query CompareRunNames {
  runs(limit: 100) {
    name
  }
}
    `) as unknown as TypedDocumentString<CompareRunNamesQuery, CompareRunNamesQueryVariables>;
export const CompareDefaultBranchesDocument = new TypedDocumentString(`
    query CompareDefaultBranches {
  repos {
    name
    defaultBranch
  }
}
    `) as unknown as TypedDocumentString<CompareDefaultBranchesQuery, CompareDefaultBranchesQueryVariables>;
export const CompareMeasurementsDocument = new TypedDocumentString(`
    query CompareMeasurements($runs: [String!]) {
  measurements(runs: $runs, limit: 5000) {
    metric
    dataId
    datasetId
  }
}
    `) as unknown as TypedDocumentString<CompareMeasurementsQuery, CompareMeasurementsQueryVariables>;
export const DashboardsDocument = new TypedDocumentString(`
    query Dashboards {
  dashboards {
    slug
    title
    owner
    builtin
    updatedAt
    definition
  }
}
    `) as unknown as TypedDocumentString<DashboardsQuery, DashboardsQueryVariables>;
export const SaveDashboardDocument = new TypedDocumentString(`
    mutation SaveDashboard($d: JSON!) {
  saveDashboard(definition: $d) {
    slug
  }
}
    `) as unknown as TypedDocumentString<SaveDashboardMutation, SaveDashboardMutationVariables>;
export const DashboardDocument = new TypedDocumentString(`
    query Dashboard($s: String!) {
  dashboard(slug: $s) {
    slug
    title
    owner
    builtin
    updatedAt
    definition
  }
}
    `) as unknown as TypedDocumentString<DashboardQuery, DashboardQueryVariables>;
export const DatasetDocument = new TypedDocumentString(`
    query Dataset($id: ID!) {
  dataset(id: $id) {
    id
    datasetType
    run
    dataId
    path
    sizeBytes
    checksum
    createdAt
  }
  provenance(datasetId: $id) {
    stored
    inputIds
    dataset {
      id
      datasetType
      run
      dataId
    }
    quantum {
      id
      taskLabel
      status
      startedAt
      endedAt
      host
      configHash
      software {
        commit
        dirty
      }
    }
  }
  measurements(datasetId: $id) {
    metric
    value
    unit
  }
}
    `) as unknown as TypedDocumentString<DatasetQuery, DatasetQueryVariables>;
export const LinkedCalexpsDocument = new TypedDocumentString(`
    query LinkedCalexps($c: [String!]!, $w: String) {
  datasets(datasetType: "calexp", collections: $c, where: $w, limit: 500) {
    id
    dataId
  }
}
    `) as unknown as TypedDocumentString<LinkedCalexpsQuery, LinkedCalexpsQueryVariables>;
export const LinkedColumnsDocument = new TypedDocumentString(`
    query LinkedColumns($q: String!, $c: [String!]!) {
  sql(query: $q, collections: $c, limit: 1) {
    columns {
      name
      type
    }
  }
}
    `) as unknown as TypedDocumentString<LinkedColumnsQuery, LinkedColumnsQueryVariables>;
export const LinkedSourcesDocument = new TypedDocumentString(`
    query LinkedSources($q: String!, $c: [String!]!) {
  sql(query: $q, collections: $c, limit: 20000) {
    rows
  }
}
    `) as unknown as TypedDocumentString<LinkedSourcesQuery, LinkedSourcesQueryVariables>;
export const MetricSeriesDocument = new TypedDocumentString(`
    query MetricSeries($m: String!, $d: String!, $b: String!, $id: JSON, $withChangePoints: Boolean!) {
  series(metric: $m, dataset: $d, branch: $b, dataId: $id) {
    unit
    order
    points {
      commit
      position
      n
      mean
      std
      runs
    }
    unmeasured {
      commit
      position
      values
    }
  }
  changePoints(metric: $m, dataset: $d, branch: $b, dataId: $id) @include(if: $withChangePoints) {
    index
    commit
    lastGoodCommit
    pValue
    meanBefore
    meanAfter
  }
}
    `) as unknown as TypedDocumentString<MetricSeriesQuery, MetricSeriesQueryVariables>;
export const MetricsDocument = new TypedDocumentString(`
    query Metrics($m: String!, $d: String!) {
  metrics {
    name
    unit
    description
  }
  specifications(metric: $m) {
    name
    operator
    metricUnitValue
  }
  regressions(metric: $m) {
    id
    kind
    status
    branch
    dataset
    dataId
    firstBadCommit
  }
  measuredDataIds(metric: $m, dataset: $d)
}
    `) as unknown as TypedDocumentString<MetricsQuery, MetricsQueryVariables>;
export const ReleasesDocument = new TypedDocumentString(`
    query Releases($d: String!, $b: String!) {
  releases(dataset: $d, branch: $b) {
    tag
    commit
    position
  }
}
    `) as unknown as TypedDocumentString<ReleasesQuery, ReleasesQueryVariables>;
export const OverviewHeadDocument = new TypedDocumentString(`
    query OverviewHead {
  regressions(status: open) {
    id
  }
  runs(limit: 6) {
    name
    status
    purpose
    createdAt
  }
}
    `) as unknown as TypedDocumentString<OverviewHeadQuery, OverviewHeadQueryVariables>;
export const OverviewMetricsDocument = new TypedDocumentString(`
    query OverviewMetrics($b: String!) {
  metricOverview(branch: $b, points: 30) {
    metric
    dataset
    unit
    description
    latest
    commit
    run
    n
    sparkline
    specs {
      name
      operator
      value
      pass
      failingDataIds
      worstDataId
      worstValue
    }
    status
  }
}
    `) as unknown as TypedDocumentString<OverviewMetricsQuery, OverviewMetricsQueryVariables>;
export const RegressionDocument = new TypedDocumentString(`
    query Regression($id: Int!) {
  regression(id: $id) {
    id
    metric
    dataset
    branch
    dataId
    kind
    status
    firstBadCommit
    lastGoodCommit
    finding {
      message
      baseline
      value
      delta
      relativeDelta
      pValue
    }
    explanation {
      goodRun
      badRun
      commits {
        sha
        author
        date
        subject
      }
      software {
        before {
          commit
          branch
          tag
          dirty
        }
        after {
          commit
          branch
          tag
          dirty
        }
      }
      configChanges {
        task
        field
        before
        after
      }
      inputCollections {
        before
        after
      }
      inputChanges {
        datasetType
        dataId
        isCalibration
        before {
          id
          run
        }
        after {
          id
          run
        }
      }
      quanta {
        task
        total
        changed
      }
      dataIds {
        dataId
        before
        after
        delta
      }
    }
    note
    history {
      fromStatus
      toStatus
      actor
      note
      at
    }
    createdAt
  }
}
    `) as unknown as TypedDocumentString<RegressionQuery, RegressionQueryVariables>;
export const RegressionContextDocument = new TypedDocumentString(`
    query RegressionContext($m: String!, $d: String!, $b: String!, $id: JSON) {
  series(metric: $m, dataset: $d, branch: $b, dataId: $id) {
    unit
    points {
      commit
      position
      n
      mean
      std
      runs
    }
  }
}
    `) as unknown as TypedDocumentString<RegressionContextQuery, RegressionContextQueryVariables>;
export const RegressionMovedDocument = new TypedDocumentString(`
    query RegressionMoved($m: String!, $r: [String!]) {
  measurements(metric: $m, runs: $r, limit: 5000) {
    dataId
    datasetId
  }
}
    `) as unknown as TypedDocumentString<RegressionMovedQuery, RegressionMovedQueryVariables>;
export const RegressionListDocument = new TypedDocumentString(`
    query RegressionList($s: RegressionStatus) {
  regressions(status: $s) {
    id
    metric
    dataset
    branch
    dataId
    kind
    status
    firstBadCommit
    createdAt
    finding {
      relativeDelta
    }
  }
}
    `) as unknown as TypedDocumentString<RegressionListQuery, RegressionListQueryVariables>;
export const ReplayViewDocument = new TypedDocumentString(`
    query ReplayView($id: Int!) {
  replay(id: $id) {
    id
    owner
    status
    instrument
    codeRef
    associationRadiusArcsec
    speed
    alertSubject
    error
    inputs
    pipeline
    createdAt
    startedAt
    endedAt
    visits {
      seq
      visit
      stage
      latencyMs
      diaSources
      newDiaObjects
      alerts
      timings {
        processMs
        associateMs
        packageMs
        publishMs
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ReplayViewQuery, ReplayViewQueryVariables>;
export const ReplayListViewDocument = new TypedDocumentString(`
    query ReplayListView {
  replays(limit: 200) {
    id
    owner
    status
    instrument
    codeRef
    speed
    createdAt
    endedAt
    visits {
      stage
      latencyMs
    }
  }
}
    `) as unknown as TypedDocumentString<ReplayListViewQuery, ReplayListViewQueryVariables>;
export const ReplayChoicesDocument = new TypedDocumentString(`
    query ReplayChoices {
  replays(limit: 200) {
    id
    codeRef
    status
    instrument
  }
}
    `) as unknown as TypedDocumentString<ReplayChoicesQuery, ReplayChoicesQueryVariables>;
export const ReplayComparisonViewDocument = new TypedDocumentString(`
    query ReplayComparisonView($a: Int!, $b: Int!) {
  replayComparison(a: $a, b: $b) {
    a {
      id
      codeRef
      visits {
        seq
        visit
        stage
        latencyMs
        diaSources
        newDiaObjects
        alerts
        timings {
          processMs
          associateMs
          packageMs
          publishMs
        }
      }
    }
    b {
      id
      codeRef
    }
    warnings
    differences {
      key
      a
      b
    }
    commonVisits
    onlyInA
    onlyInB
    deltas {
      name
      unit
      a
      b
      delta
    }
    alerts {
      matchRadiusArcsec
      matched
      onlyInA
      onlyInB
      medianFluxDiffSigma
      maxFluxDiffSigma
    }
    visits {
      visit
      latencyDeltaMs
      alertsMatched
      alertsOnlyInA
      alertsOnlyInB
      a {
        latencyMs
        diaSources
        newDiaObjects
        alerts
        timings {
          processMs
        }
      }
      b {
        latencyMs
        diaSources
        newDiaObjects
        alerts
        timings {
          processMs
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ReplayComparisonViewQuery, ReplayComparisonViewQueryVariables>;
export const RunDocument = new TypedDocumentString(`
    query Run($n: String!) {
  run(name: $n) {
    name
    owner
    purpose
    status
    pipelineFile
    inputs
    where
    configOverrides
    software {
      commit
      branch
      tag
      dirty
      repo
    }
    executor
    error
    createdAt
    startedAt
    endedAt
    progress {
      ...ProgressCounts
    }
    ...TaskGraphView
    quanta(limit: 5000) {
      id
      taskLabel
      dataId
      status
      startedAt
      endedAt
      host
      peakMemoryBytes
      error
      outputs {
        id
        datasetType
        dataId
      }
    }
  }
  measurements(runs: [$n], limit: 5000) {
    metric
    value
    unit
    dataId
    datasetId
  }
}
    fragment ProgressCounts on RunProgress {
  total
  pending
  running
  succeeded
  failed
  blocked
}
fragment TaskGraphView on Run {
  taskGraph {
    nodes {
      id
      kind
      label
      collections
      progress {
        total
        pending
        running
        succeeded
        failed
        blocked
      }
    }
    edges {
      source
      target
      datasetTypes
    }
  }
}`) as unknown as TypedDocumentString<RunQuery, RunQueryVariables>;
export const QuantumDocument = new TypedDocumentString(`
    query Quantum($id: ID!) {
  quantum(id: $id) {
    log
    error
    configHash
  }
}
    `) as unknown as TypedDocumentString<QuantumQuery, QuantumQueryVariables>;
export const RunProgressPollDocument = new TypedDocumentString(`
    query RunProgressPoll($n: String!) {
  run(name: $n) {
    status
    endedAt
    progress {
      ...ProgressCounts
    }
    ...TaskGraphView
  }
}
    fragment ProgressCounts on RunProgress {
  total
  pending
  running
  succeeded
  failed
  blocked
}
fragment TaskGraphView on Run {
  taskGraph {
    nodes {
      id
      kind
      label
      collections
      progress {
        total
        pending
        running
        succeeded
        failed
        blocked
      }
    }
    edges {
      source
      target
      datasetTypes
    }
  }
}`) as unknown as TypedDocumentString<RunProgressPollQuery, RunProgressPollQueryVariables>;
export const RunListDocument = new TypedDocumentString(`
    query RunList($s: RunStatus) {
  runs(status: $s, limit: 500) {
    name
    owner
    purpose
    status
    inputs
    software {
      commit
      branch
    }
    createdAt
    startedAt
    endedAt
    progress {
      total
      succeeded
      failed
    }
  }
}
    `) as unknown as TypedDocumentString<RunListQuery, RunListQueryVariables>;
export const SkyMapSummaryDocument = new TypedDocumentString(`
    query SkyMapSummary($c: String!) {
  skyMap(collection: $c) {
    finestOrder
    orders {
      order
      pixels
      sources
    }
    hipsPath
    field: pixels(order: 2, limit: 200) {
      pixel
      count
      raDeg
      decDeg
    }
  }
}
    `) as unknown as TypedDocumentString<SkyMapSummaryQuery, SkyMapSummaryQueryVariables>;
export const SkyMapPixelsDocument = new TypedDocumentString(`
    query SkyMapPixels($c: String!, $o: Int!, $wo: Int, $wp: Float) {
  skyMap(collection: $c) {
    pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 20000) {
      pixel
      count
      meanFlux
      rmsFlux
      raDeg
      decDeg
    }
  }
}
    `) as unknown as TypedDocumentString<SkyMapPixelsQuery, SkyMapPixelsQueryVariables>;
export const SetRegressionStatusDocument = new TypedDocumentString(`
    mutation SetRegressionStatus($id: Int!, $s: RegressionStatus!, $n: String) {
  setRegressionStatus(id: $id, status: $s, note: $n) {
    status
  }
}
    `) as unknown as TypedDocumentString<SetRegressionStatusMutation, SetRegressionStatusMutationVariables>;
export const PanelSeriesDocument = new TypedDocumentString(`
    query PanelSeries($m: String!, $d: String!, $b: String!, $id: JSON) {
  series(metric: $m, dataset: $d, branch: $b, dataId: $id) {
    unit
    order
    points {
      position
      mean
      runs
    }
  }
}
    `) as unknown as TypedDocumentString<PanelSeriesQuery, PanelSeriesQueryVariables>;
export const PanelOverviewDocument = new TypedDocumentString(`
    query PanelOverview($b: String!) {
  metricOverview(branch: $b, points: 1) {
    metric
    dataset
    latest
    unit
    status
  }
}
    `) as unknown as TypedDocumentString<PanelOverviewQuery, PanelOverviewQueryVariables>;
export const PanelRegressionsDocument = new TypedDocumentString(`
    query PanelRegressions($s: RegressionStatus, $m: String) {
  regressions(status: $s, metric: $m) {
    id
    metric
    kind
    status
    branch
  }
}
    `) as unknown as TypedDocumentString<PanelRegressionsQuery, PanelRegressionsQueryVariables>;
export const PanelRunsDocument = new TypedDocumentString(`
    query PanelRuns($s: RunStatus, $l: Int) {
  runs(status: $s, limit: $l) {
    name
    status
    createdAt
  }
}
    `) as unknown as TypedDocumentString<PanelRunsQuery, PanelRunsQueryVariables>;
export const PanelSeriesPointsDocument = new TypedDocumentString(`
    query PanelSeriesPoints($m: String!, $d: String!, $b: String!) {
  series(metric: $m, dataset: $d, branch: $b) {
    unit
    points {
      commit
      position
    }
  }
}
    `) as unknown as TypedDocumentString<PanelSeriesPointsQuery, PanelSeriesPointsQueryVariables>;
export const PanelMeasurementsDocument = new TypedDocumentString(`
    query PanelMeasurements($m: String!, $d: String!, $c: [String!]) {
  measurements(metric: $m, dataset: $d, commits: $c, limit: 20000) {
    value
    dataId
    commit
  }
}
    `) as unknown as TypedDocumentString<PanelMeasurementsQuery, PanelMeasurementsQueryVariables>;
export const MeasuredDataIdsDocument = new TypedDocumentString(`
    query MeasuredDataIds($m: String!, $d: String!) {
  measuredDataIds(metric: $m, dataset: $d)
}
    `) as unknown as TypedDocumentString<MeasuredDataIdsQuery, MeasuredDataIdsQueryVariables>;