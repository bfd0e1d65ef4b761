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

export type CampaignRequestInput = {
  /** One data query (where) per run; none: one run over all the inputs. */
  chunks?: Array<string> | null | undefined;
  configOverrides?: unknown;
  /** When its runs may be pruned; default: the operator purpose's lifetime. */
  expiresAt?: string | null | undefined;
  inputs: Array<string>;
  /** Letters a-z, digits, '.', '_', '-'; its runs are u/<you>/campaigns/<name>/<chunk>. */
  name: string;
  /** A pipeline in a pipeline root, optionally #subset or #label,label. */
  pipelineFile: string;
  /** The pipeline's text; its file then only says where it lives (what its task classes are relative to). */
  pipelineYaml?: string | null | undefined;
};

/** Where a campaign stands: its decision, then what its runs say. */
export type CampaignState =
  | 'AWAITING_APPROVAL'
  /** Approved; every run ended and one did not succeed. */
  | 'FAILED'
  | 'REJECTED'
  /** Approved; a run is pending or running. */
  | 'RUNNING'
  /** Approved; every run succeeded. */
  | 'SUCCEEDED';

/** The decision on a campaign request. */
export type CampaignStatus =
  | 'approved'
  | 'rejected'
  | 'requested';

export type CollectionType =
  | 'CALIBRATION'
  | 'CHAINED'
  | 'RUN'
  | 'TAGGED';

/** A metric's head against its base: worse, better, no significant change, or too little data (missing: one side has none). */
export type ComparisonStatus =
  | 'improvement'
  | 'insufficient'
  | 'missing'
  | 'regression'
  | 'unchanged';

/** Which detection method found a change. */
export type FindingKind =
  | 'absolute'
  | 'changepoint'
  | 'percent'
  | 'spec'
  | 'welch'
  | 'zscore';

/** One file of a metrics package, by its path inside the package (relative, no ..). */
export type MetricsFileInput = {
  path: string;
  text: string;
};

/** Why prune kept an expired run (or a run named to it). */
export type PruneKeepReason =
  /** It is pending or running. */
  | 'ACTIVE'
  /** Its datasets are in a TAGGED or CALIBRATION collection, or it is in a CHAINED collection, of another user. */
  | 'IN_COLLECTION'
  /** It expires later. */
  | 'NOT_EXPIRED'
  /** A run that stays reads its outputs; kept until that run is pruned. */
  | 'READ_BY_RUN';

export type QuantumStatus =
  | 'blocked'
  | 'failed'
  | 'pending'
  | 'running'
  | 'succeeded';

/** A raw file sent by its content: the server takes no paths, and may be on another machine. */
export type RawFileInput = {
  contentBase64: string;
  /** The file's name as the user knows it; problems name it. */
  name: string;
};

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

export type ImportButlerExportMutationVariables = Exact<{
  yaml: string;
  file?: string | null | undefined;
  universe?: string | null | undefined;
  universeFile?: string | null | undefined;
  root?: string | null | undefined;
}>;


export type ImportButlerExportMutation = { importButlerExport: { keptFields: Array<string>, collections: number, datasetTypes: number, datasets: number, filesCopied: number, records: Array<{ element: string, count: number, veraTable: boolean }> } };

export type ButlerExportQueryVariables = Exact<{
  collections?: Array<string> | string | null | undefined;
}>;


export type ButlerExportQuery = { butlerExport: string };

export type CampaignRequestMutationVariables = Exact<{
  input: CampaignRequestInput;
}>;


export type CampaignRequestMutation = { requestCampaign: { basis: string, campaign: { name: string, estimate: { quanta: number, coreHours: number, bytes: number } } } };

export type CampaignApproveMutationVariables = Exact<{
  name: string;
  note?: string | null | undefined;
}>;


export type CampaignApproveMutation = { approveCampaign: { name: string, runs: Array<{ run: string }> } };

export type CampaignRejectMutationVariables = Exact<{
  name: string;
  reason: string;
}>;


export type CampaignRejectMutation = { rejectCampaign: { name: string, status: CampaignStatus } };

export type CampaignListQueryVariables = Exact<{
  requester?: string | null | undefined;
  status?: CampaignStatus | null | undefined;
  limit?: number | null | undefined;
}>;


export type CampaignListQuery = { campaigns: Array<{ name: string, requester: string, status: CampaignStatus, state: CampaignState, estimate: { quanta: number, coreHours: number }, progress: { total: number, succeeded: number, failed: number, coreHours: number } }> };

export type CampaignDetailQueryVariables = Exact<{
  name: string;
}>;


export type CampaignDetailQuery = { campaign: { name: string, requester: string, status: CampaignStatus, state: CampaignState, pipelineFile: string, inputs: Array<string>, executor: string, runsExpireAt: string, createdAt: string, decidedBy: string | null, decidedAt: string | null, decisionNote: string | null, estimate: { quanta: number, coreHours: number, bytes: number }, runs: Array<{ chunk: number, where: string, run: string, status: RunStatus, error: string | null }>, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number, coreHours: number, bytes: number } } };

export type CollectionsQueryVariables = Exact<{
  pattern?: string | null | undefined;
  types?: Array<CollectionType> | CollectionType | null | undefined;
}>;


export type CollectionsQuery = { collections: Array<{ name: string, type: CollectionType, owner: string, children: Array<string>, datasetCount: number, doc: string }> };

export type ComparisonFieldsFragment = { base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> };

export type CompareRunsQueryVariables = Exact<{
  base: string;
  head: string;
}>;


export type CompareRunsQuery = { compare: { base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> } };

export type CompareCollectionsQueryVariables = Exact<{
  collections: Array<string> | string;
}>;


export type CompareCollectionsQuery = { compare: Array<{ base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> }> };

export type CompareRefsQueryVariables = Exact<{
  dataset: string;
  head: string;
  base?: string | null | undefined;
  repo?: string | null | undefined;
}>;


export type CompareRefsQuery = { compare: { base: { label: string, commit: string | null, runs: Array<string> }, head: { label: string, commit: string | null, runs: Array<string> }, rows: Array<{ metric: string, unit: string, dataId: Record<string, unknown> | null, base: number | null, head: number | null, delta: number | null, relativeDelta: number | null, pValue: number | null, significant: boolean, status: ComparisonStatus, specs: Array<{ spec: string, base: boolean | null, head: boolean | null, failingDataIds: number, worstDataId: Record<string, unknown> | null, worstValue: number | null }> }> } };

export type DashboardsQueryVariables = Exact<{ [key: string]: never; }>;


export type DashboardsQuery = { dashboards: Array<{ slug: string, title: string, owner: string | null, builtin: boolean, updatedAt: string }> };

export type DashboardQueryVariables = Exact<{
  s: string;
}>;


export type DashboardQuery = { dashboard: { definition: Record<string, unknown> } | null };

export type SaveDashboardMutationVariables = Exact<{
  d: unknown;
}>;


export type SaveDashboardMutation = { saveDashboard: { slug: string, title: string } };

export type DeleteDashboardMutationVariables = Exact<{
  s: string;
}>;


export type DeleteDashboardMutation = { deleteDashboard: { slug: string, restored: boolean } };

export type DatasetTypesQueryVariables = Exact<{ [key: string]: never; }>;


export type DatasetTypesQuery = { datasetTypes: Array<{ name: string, dimensions: Array<string>, requiredDimensions: Array<string>, storageClass: string, isCalibration: boolean }> };

export type DatasetsQueryVariables = Exact<{
  datasetType: string;
  collections: Array<string> | string;
  where?: string | null | undefined;
  bind?: unknown;
  time?: string | null | undefined;
  findFirst?: boolean | null | undefined;
  limit?: number | null | undefined;
}>;


export type DatasetsQuery = { datasets: Array<{ id: string, run: string, dataId: Record<string, unknown>, path: string, sizeBytes: number, validFrom: string | null, validTo: string | null }> };

export type GrantsQueryVariables = Exact<{ [key: string]: never; }>;


export type GrantsQuery = { grants: Array<{ owner: string, grantee: string, createdAt: string }> };

export type RevokeGrantMutationVariables = Exact<{
  u: string;
  o?: string | null | undefined;
}>;


export type RevokeGrantMutation = { revokeGrant: boolean };

export type GrantMutationVariables = Exact<{
  u: string;
  o?: string | null | undefined;
}>;


export type GrantMutation = { grant: { owner: string, grantee: string, createdAt: string } };

export type IngestCatalogsMutationVariables = Exact<{
  datasetType: string;
  collections: Array<string> | string;
  where?: string | null | undefined;
  table?: string | null | undefined;
  append?: boolean | null | undefined;
}>;


export type IngestCatalogsMutation = { ingestCatalogs: { table: string, datasets: number, rows: number, unchanged: boolean } };

export type IngestRawsMutationVariables = Exact<{
  i: string;
  r?: string | null | undefined;
  f: Array<RawFileInput> | RawFileInput;
}>;


export type IngestRawsMutation = { ingestRaws: { run: string, ingested: number, visits: Array<number>, detectors: Array<number>, newVisits: number, newDetectors: number } };

export type LoginCheckQueryVariables = Exact<{ [key: string]: never; }>;


export type LoginCheckQuery = { me: { name: string, role: Role } };

export type JobIngestFieldsFragment = { jobId: string, ingested: number, measuredAt: string, definitionChanges: Array<string> };

export type ImportMetricsMutationVariables = Exact<{
  files: Array<MetricsFileInput> | MetricsFileInput;
}>;


export type ImportMetricsMutation = { importMetrics: { metrics: number, specifications: number, problems: Array<string> } };

export type ImportDetectionConfigsMutationVariables = Exact<{
  yaml: string;
  file?: string | null | undefined;
}>;


export type ImportDetectionConfigsMutation = { importDetectionConfigs: number };

export type MetricsQueryVariables = Exact<{
  p?: string | null | undefined;
}>;


export type MetricsQuery = { metrics: Array<{ name: string, unit: string, description: string }> };

export type PostJobMutationVariables = Exact<{
  job: string;
  dataset: string;
  commit?: string | null | undefined;
  branch?: string | null | undefined;
  repo?: string | null | undefined;
  defs?: boolean | null | undefined;
}>;


export type PostJobMutation = { postJob: { jobId: string, ingested: number, measuredAt: string, definitionChanges: Array<string> } };

export type PostMeasurementsMutationVariables = Exact<{
  files: Array<MetricsFileInput> | MetricsFileInput;
  dataset: string;
  commit?: string | null | undefined;
  branch?: string | null | undefined;
  repo?: string | null | undefined;
}>;


export type PostMeasurementsMutation = { postMeasurements: { jobId: string, ingested: number, measuredAt: string, definitionChanges: Array<string> } };

export type ProvenanceQueryVariables = Exact<{
  id: string | number;
}>;


export type ProvenanceQuery = { provenance: Array<{ stored: boolean, inputIds: Array<string>, dataset: { id: string, datasetType: string, run: string, dataId: Record<string, unknown> }, quantum: { id: string, taskLabel: string, configHash: string | null, status: QuantumStatus, software: { commit: string | null, dirty: boolean } | null } | null }> };

export type PruneMutationVariables = Exact<{
  yes?: boolean | null | undefined;
  runs?: Array<string> | string | null | undefined;
}>;


export type PruneMutation = { prune: { dryRun: boolean, bytesFreed: number, resumed: number, runs: Array<{ run: string, owner: string, expiresAt: string, datasets: number, files: number, bytes: number }>, kept: Array<{ run: string, owner: string, expiresAt: string, reason: PruneKeepReason, detail: string }>, worktrees: Array<{ repo: string, commit: string, bytes: number }> } };

export type RegressionsListQueryVariables = Exact<{
  status?: RegressionStatus | null | undefined;
  metric?: string | null | undefined;
}>;


export type RegressionsListQuery = { regressions: Array<{ id: number, metric: string, dataset: string, branch: string, dataId: Record<string, unknown>, kind: FindingKind, status: RegressionStatus, firstBadCommit: string, createdAt: string, finding: { delta: number, relativeDelta: number | null } }> };

export type RegressionDetailQueryVariables = Exact<{
  id: number;
}>;


export type RegressionDetailQuery = { regression: { id: number, metric: string, dataset: string, branch: string, dataId: Record<string, unknown>, kind: FindingKind, status: RegressionStatus, firstBadCommit: string, lastGoodCommit: string | null, note: string, createdAt: string, finding: { message: string, baseline: number, value: number, delta: number, relativeDelta: number | null, pValue: number | null }, explanation: { goodRun: string | null, badRun: string | null, commits: Array<{ sha: string, author: string, date: string, subject: string }>, configChanges: Array<{ task: string, field: string, before: Record<string, unknown> | null, after: Record<string, unknown> | null }>, inputCollections: { before: Array<string>, after: Array<string> } | null, inputChanges: Array<{ datasetType: string, dataId: Record<string, unknown>, isCalibration: boolean, before: { run: string } | null, after: { run: string } | null }>, quanta: Array<{ task: string, total: number, changed: number }>, dataIds: Array<{ dataId: Record<string, unknown>, before: number | null, after: number | null, delta: number | null }> } | null, history: Array<{ fromStatus: RegressionStatus, toStatus: RegressionStatus, actor: string, note: string, at: string }> } | null };

export type SetRegressionStatusCliMutationVariables = Exact<{
  id: number;
  status: RegressionStatus;
  note?: string | null | undefined;
}>;


export type SetRegressionStatusCliMutation = { setRegressionStatus: { id: number, status: RegressionStatus, note: string } };

export type ReplayCompareQueryVariables = Exact<{
  a: number;
  b: number;
  radius?: number | null | undefined;
}>;


export type ReplayCompareQuery = { replayComparison: { warnings: Array<string>, commonVisits: Array<number>, onlyInA: Array<number>, onlyInB: Array<number>, a: { id: number, status: ReplayStatus, instrument: string, codeRef: string }, b: { id: number, status: ReplayStatus, instrument: string, codeRef: string }, differences: Array<{ key: string, a: string | null, b: string | null }>, deltas: Array<{ name: string, unit: string, a: number | null, b: number | null, delta: number | null }>, visits: Array<{ visit: number, latencyDeltaMs: number | null, alertsDelta: number | null, alertsMatched: number | null, alertsOnlyInA: number | null, alertsOnlyInB: number | null, a: { stage: ReplayVisitStage, latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null, associateMs: number | null, packageMs: number | null, publishMs: number | null } } | null, b: { stage: ReplayVisitStage, latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null, associateMs: number | null, packageMs: number | null, publishMs: number | null } } | null }>, alerts: { matchRadiusArcsec: number, matched: number, onlyInA: number, onlyInB: number, medianFluxDiffSigma: number | null, maxFluxDiffSigma: number | null, listedOnlyInA: Array<{ visit: number, diaSourceId: string, ra: number, dec: number, psfFlux: number | null }>, listedOnlyInB: Array<{ visit: number, diaSourceId: string, ra: number, dec: number, psfFlux: number | null }> } } };

export type ReplayStartMutationVariables = Exact<{
  instrument: string;
  codeRef: string;
  inputs: Array<string> | string;
  pipeline?: string | null | undefined;
  visits?: Array<number> | number | null | undefined;
  speed?: number | null | undefined;
  associationRadiusArcsec?: number | null | undefined;
}>;


export type ReplayStartMutation = { startReplay: { id: number, status: ReplayStatus, alertSubject: string | null } };

export type ReplayStateQueryVariables = Exact<{
  id: number;
}>;


export type ReplayStateQuery = { replay: { id: number, owner: string, status: ReplayStatus, instrument: string, codeRef: string, associationRadiusArcsec: number, speed: number | null, alertSubject: string | null, error: string | null, inputs: Array<string>, pipeline: string, createdAt: string, startedAt: string | null, endedAt: string | null, visits: Array<{ seq: number, visit: number, stage: ReplayVisitStage, latencyMs: number | null, diaSources: number | null, newDiaObjects: number | null, alerts: number | null, timings: { processMs: number | null, associateMs: number | null, packageMs: number | null, publishMs: number | null } }> } | null };

export type ReplayListQueryVariables = Exact<{
  limit?: number | null | undefined;
}>;


export type ReplayListQuery = { replays: Array<{ id: number, owner: string, status: ReplayStatus, instrument: string, codeRef: string, speed: number | null, createdAt: string, endedAt: string | null, visits: Array<{ stage: ReplayVisitStage }> }> };

export type AddRepoMutationVariables = Exact<{
  url: string;
  name?: string | null | undefined;
  gh?: string | null | undefined;
}>;


export type AddRepoMutation = { addRepo: { name: string, url: string, githubFullName: string | null, defaultBranch: string, fetchedAt: string | null } };

export type ReposQueryVariables = Exact<{ [key: string]: never; }>;


export type ReposQuery = { repos: Array<{ name: string, url: string, githubFullName: string | null, defaultBranch: string, fetchedAt: string | null }> };

export type FetchRepoMutationVariables = Exact<{
  name: string;
}>;


export type FetchRepoMutation = { fetchRepo: { name: string } };

export type BuildsQueryVariables = Exact<{
  repo?: string | null | undefined;
  status?: BuildStatus | null | undefined;
}>;


export type BuildsQuery = { builds: Array<{ id: number, repo: string, commit: string, ref: string, event: string, status: BuildStatus, regressions: number | null, summaryMarkdown: string | null, runs: Array<{ name: string, status: RunStatus }> }> };

export type RequestBuildMutationVariables = Exact<{
  repo: string;
  commit: string;
  ref?: string | null | undefined;
  pipeline?: string | null | undefined;
  dataset?: string | null | undefined;
}>;


export type RequestBuildMutation = { requestBuild: { id: number, repo: string, commit: string, ref: string, event: string, status: BuildStatus, regressions: number | null, summaryMarkdown: string | null, runs: Array<{ name: string, status: RunStatus }> } };

export type BuildQueryVariables = Exact<{
  id: number;
}>;


export type BuildQuery = { build: { id: number, repo: string, commit: string, ref: string, event: string, status: BuildStatus, regressions: number | null, summaryMarkdown: string | null, runs: Array<{ name: string, status: RunStatus }> } | null };

export type SubmitRunMutationVariables = Exact<{
  pipelineFile: string;
  pipelineYaml?: string | null | undefined;
  inputs: Array<string> | string;
  output: string;
  where?: string | null | undefined;
  bind?: unknown;
  config?: unknown;
  purpose?: RunPurpose | null | undefined;
  saveIntermediates?: boolean | null | undefined;
  seed?: number | null | undefined;
  expiresAt?: string | null | undefined;
}>;


export type SubmitRunMutation = { submitRun: { skipped: number, run: { name: string, progress: { total: number } } } };

export type ResumeRunMutationVariables = Exact<{
  name: string;
}>;


export type ResumeRunMutation = { resumeRun: { name: string } };

export type RerunMutationVariables = Exact<{
  id: string | number;
  output: string;
  s?: boolean | null | undefined;
  config?: unknown;
}>;


export type RerunMutation = { rerun: { name: string } };

export type RunsListQueryVariables = Exact<{
  owner?: string | null | undefined;
  status?: RunStatus | null | undefined;
  limit?: number | null | undefined;
}>;


export type RunsListQuery = { runs: Array<{ name: string, owner: string, purpose: RunPurpose, status: RunStatus, createdAt: string, endedAt: string | null, error: string | null, progress: { total: number, succeeded: number, failed: number, blocked: number, running: number, pending: number } }> };

export type MeQueryVariables = Exact<{ [key: string]: never; }>;


export type MeQuery = { me: { name: string } };

export type RunDetailQueryVariables = Exact<{
  name: string;
  quanta?: number | null | undefined;
}>;


export type RunDetailQuery = { run: { name: string, owner: string, purpose: RunPurpose, status: RunStatus, pipelineFile: string, inputs: Array<string>, where: string, executor: string, error: string | null, createdAt: string, startedAt: string | null, endedAt: string | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number }, quanta: Array<{ id: string, taskLabel: string, dataId: Record<string, unknown>, status: QuantumStatus }>, failed: Array<{ id: string, taskLabel: string, dataId: Record<string, unknown>, error: string | null, log: string | null }> } | null };

export type RunLogsQueryVariables = Exact<{
  name: string;
  status?: QuantumStatus | null | undefined;
  limit?: number | null | undefined;
}>;


export type RunLogsQuery = { run: { quanta: Array<{ id: string, taskLabel: string, dataId: Record<string, unknown>, status: QuantumStatus, error: string | null, log: string | null }> } | null };

export type QuantumLogQueryVariables = Exact<{
  id: string | number;
}>;


export type QuantumLogQuery = { quantum: { id: string, run: string, taskLabel: string, dataId: Record<string, unknown>, status: QuantumStatus, error: string | null, log: string | null } | null };

export type CancelRunMutationVariables = Exact<{
  name: string;
}>;


export type CancelRunMutation = { cancelRun: { name: string, status: RunStatus } };

export type RunsResumeMutationVariables = Exact<{
  name: string;
}>;


export type RunsResumeMutation = { resumeRun: { name: string, status: RunStatus } };

export type GenerateSimCamMutationVariables = Exact<{
  visits?: number | null | undefined;
  bands?: Array<string> | string | null | undefined;
  seed?: number | null | undefined;
  grid?: Array<number> | number | null | undefined;
  size?: number | null | undefined;
}>;


export type GenerateSimCamMutation = { generateSimCam: { visits: number, detectors: number, raws: number, collections: Array<string> } };

export type SqlQueryVariables = Exact<{
  query: string;
  collections: Array<string> | string;
  limit?: number | null | undefined;
  timeoutSeconds?: number | null | undefined;
}>;


export type SqlQuery = { sql: { rows: Array<Record<string, unknown>>, truncated: boolean, columns: Array<{ name: string, type: string }>, views: Array<{ name: string, files: number }> } };

export type TokensQueryVariables = Exact<{
  u?: string | null | undefined;
  a?: boolean | null | undefined;
}>;


export type TokensQuery = { tokens: Array<{ id: number, user: string, name: string, prefix: string, createdAt: string, lastUsedAt: string | null, expiresAt: string | null, revokedAt: string | null }> };

export type CreateTokenMutationVariables = Exact<{
  n: string;
  u?: string | null | undefined;
  e?: string | null | undefined;
}>;


export type CreateTokenMutation = { createToken: { token: string, id: number, user: string, expiresAt: string | null } };

export type RevokeTokenMutationVariables = Exact<{
  id: number;
}>;


export type RevokeTokenMutation = { revokeToken: { id: number, user: string, name: string, prefix: string, createdAt: string, lastUsedAt: string | null, expiresAt: string | null, revokedAt: string | null } };

export type DisableUserMutationVariables = Exact<{
  n: string;
}>;


export type DisableUserMutation = { disableUser: { name: string } };

export type EnableUserMutationVariables = Exact<{
  n: string;
}>;


export type EnableUserMutation = { enableUser: { name: string } };

export type UsersQueryVariables = Exact<{ [key: string]: never; }>;


export type UsersQuery = { users: Array<{ name: string, role: Role, createdAt: string | null, disabledAt: string | null }> };

export type CreateUserMutationVariables = Exact<{
  n: string;
  r: Role;
}>;


export type CreateUserMutation = { createUser: { name: string } };

export type RunStateQueryVariables = Exact<{
  name: string;
}>;


export type RunStateQuery = { run: { name: string, status: RunStatus, error: string | null, heartbeatAt: string | null, progress: { total: number, pending: number, running: number, succeeded: number, failed: number, blocked: number } } | null };

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
export const ComparisonFieldsFragmentDoc = new TypedDocumentString(`
    fragment ComparisonFields on Comparison {
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
    `, {"fragmentName":"ComparisonFields"}) as unknown as TypedDocumentString<ComparisonFieldsFragment, unknown>;
export const JobIngestFieldsFragmentDoc = new TypedDocumentString(`
    fragment JobIngestFields on JobIngest {
  jobId
  ingested
  measuredAt
  definitionChanges
}
    `, {"fragmentName":"JobIngestFields"}) as unknown as TypedDocumentString<JobIngestFieldsFragment, unknown>;
export const ImportButlerExportDocument = new TypedDocumentString(`
    mutation ImportButlerExport($yaml: String!, $file: String, $universe: String, $universeFile: String, $root: String) {
  importButlerExport(
    yaml: $yaml
    file: $file
    universe: $universe
    universeFile: $universeFile
    datastoreRoot: $root
  ) {
    records {
      element
      count
      veraTable
    }
    keptFields
    collections
    datasetTypes
    datasets
    filesCopied
  }
}
    `) as unknown as TypedDocumentString<ImportButlerExportMutation, ImportButlerExportMutationVariables>;
export const ButlerExportDocument = new TypedDocumentString(`
    query ButlerExport($collections: [String!]) {
  butlerExport(collections: $collections)
}
    `) as unknown as TypedDocumentString<ButlerExportQuery, ButlerExportQueryVariables>;
export const CampaignRequestDocument = new TypedDocumentString(`
    mutation CampaignRequest($input: CampaignRequestInput!) {
  requestCampaign(input: $input) {
    basis
    campaign {
      name
      estimate {
        quanta
        coreHours
        bytes
      }
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignRequestMutation, CampaignRequestMutationVariables>;
export const CampaignApproveDocument = new TypedDocumentString(`
    mutation CampaignApprove($name: String!, $note: String) {
  approveCampaign(name: $name, note: $note) {
    name
    runs {
      run
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignApproveMutation, CampaignApproveMutationVariables>;
export const CampaignRejectDocument = new TypedDocumentString(`
    mutation CampaignReject($name: String!, $reason: String!) {
  rejectCampaign(name: $name, reason: $reason) {
    name
    status
  }
}
    `) as unknown as TypedDocumentString<CampaignRejectMutation, CampaignRejectMutationVariables>;
export const CampaignListDocument = new TypedDocumentString(`
    query CampaignList($requester: String, $status: CampaignStatus, $limit: Int) {
  campaigns(requester: $requester, status: $status, limit: $limit) {
    name
    requester
    status
    state
    estimate {
      quanta
      coreHours
    }
    progress {
      total
      succeeded
      failed
      coreHours
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignListQuery, CampaignListQueryVariables>;
export const CampaignDetailDocument = new TypedDocumentString(`
    query CampaignDetail($name: String!) {
  campaign(name: $name) {
    name
    requester
    status
    state
    pipelineFile
    inputs
    executor
    runsExpireAt
    createdAt
    decidedBy
    decidedAt
    decisionNote
    estimate {
      quanta
      coreHours
      bytes
    }
    runs {
      chunk
      where
      run
      status
      error
    }
    progress {
      total
      pending
      running
      succeeded
      failed
      blocked
      coreHours
      bytes
    }
  }
}
    `) as unknown as TypedDocumentString<CampaignDetailQuery, CampaignDetailQueryVariables>;
export const CollectionsDocument = new TypedDocumentString(`
    query Collections($pattern: String, $types: [CollectionType!]) {
  collections(pattern: $pattern, types: $types) {
    name
    type
    owner
    children
    datasetCount
    doc
  }
}
    `) as unknown as TypedDocumentString<CollectionsQuery, CollectionsQueryVariables>;
export const CompareRunsDocument = new TypedDocumentString(`
    query CompareRuns($base: String!, $head: String!) {
  compare: compareRuns(base: $base, head: $head) {
    ...ComparisonFields
  }
}
    fragment ComparisonFields on Comparison {
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
export const CompareCollectionsDocument = new TypedDocumentString(`
    query CompareCollections($collections: [String!]!) {
  compare: compareCollections(collections: $collections) {
    ...ComparisonFields
  }
}
    fragment ComparisonFields on Comparison {
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
}`) as unknown as TypedDocumentString<CompareCollectionsQuery, CompareCollectionsQueryVariables>;
export const CompareRefsDocument = new TypedDocumentString(`
    query CompareRefs($dataset: String!, $head: String!, $base: String, $repo: String) {
  compare: compareRefs(dataset: $dataset, head: $head, base: $base, repo: $repo) {
    ...ComparisonFields
  }
}
    fragment ComparisonFields on Comparison {
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
export const DashboardsDocument = new TypedDocumentString(`
    query Dashboards {
  dashboards {
    slug
    title
    owner
    builtin
    updatedAt
  }
}
    `) as unknown as TypedDocumentString<DashboardsQuery, DashboardsQueryVariables>;
export const DashboardDocument = new TypedDocumentString(`
    query Dashboard($s: String!) {
  dashboard(slug: $s) {
    definition
  }
}
    `) as unknown as TypedDocumentString<DashboardQuery, DashboardQueryVariables>;
export const SaveDashboardDocument = new TypedDocumentString(`
    mutation SaveDashboard($d: JSON!) {
  saveDashboard(definition: $d) {
    slug
    title
  }
}
    `) as unknown as TypedDocumentString<SaveDashboardMutation, SaveDashboardMutationVariables>;
export const DeleteDashboardDocument = new TypedDocumentString(`
    mutation DeleteDashboard($s: String!) {
  deleteDashboard(slug: $s) {
    slug
    restored
  }
}
    `) as unknown as TypedDocumentString<DeleteDashboardMutation, DeleteDashboardMutationVariables>;
export const DatasetTypesDocument = new TypedDocumentString(`
    query DatasetTypes {
  datasetTypes {
    name
    dimensions
    requiredDimensions
    storageClass
    isCalibration
  }
}
    `) as unknown as TypedDocumentString<DatasetTypesQuery, DatasetTypesQueryVariables>;
export const DatasetsDocument = new TypedDocumentString(`
    query Datasets($datasetType: String!, $collections: [String!]!, $where: String, $bind: JSON, $time: DateTime, $findFirst: Boolean, $limit: Int) {
  datasets(
    datasetType: $datasetType
    collections: $collections
    where: $where
    bind: $bind
    time: $time
    findFirst: $findFirst
    limit: $limit
  ) {
    id
    run
    dataId
    path
    sizeBytes
    validFrom
    validTo
  }
}
    `) as unknown as TypedDocumentString<DatasetsQuery, DatasetsQueryVariables>;
export const GrantsDocument = new TypedDocumentString(`
    query Grants {
  grants {
    owner
    grantee
    createdAt
  }
}
    `) as unknown as TypedDocumentString<GrantsQuery, GrantsQueryVariables>;
export const RevokeGrantDocument = new TypedDocumentString(`
    mutation RevokeGrant($u: String!, $o: String) {
  revokeGrant(user: $u, owner: $o)
}
    `) as unknown as TypedDocumentString<RevokeGrantMutation, RevokeGrantMutationVariables>;
export const GrantDocument = new TypedDocumentString(`
    mutation Grant($u: String!, $o: String) {
  grant(user: $u, owner: $o) {
    owner
    grantee
    createdAt
  }
}
    `) as unknown as TypedDocumentString<GrantMutation, GrantMutationVariables>;
export const IngestCatalogsDocument = new TypedDocumentString(`
    mutation IngestCatalogs($datasetType: String!, $collections: [String!]!, $where: String, $table: String, $append: Boolean) {
  ingestCatalogs(
    datasetType: $datasetType
    collections: $collections
    where: $where
    table: $table
    append: $append
  ) {
    table
    datasets
    rows
    unchanged
  }
}
    `) as unknown as TypedDocumentString<IngestCatalogsMutation, IngestCatalogsMutationVariables>;
export const IngestRawsDocument = new TypedDocumentString(`
    mutation IngestRaws($i: String!, $r: String, $f: [RawFileInput!]!) {
  ingestRaws(instrument: $i, run: $r, files: $f) {
    run
    ingested
    visits
    detectors
    newVisits
    newDetectors
  }
}
    `) as unknown as TypedDocumentString<IngestRawsMutation, IngestRawsMutationVariables>;
export const LoginCheckDocument = new TypedDocumentString(`
    query LoginCheck {
  me {
    name
    role
  }
}
    `) as unknown as TypedDocumentString<LoginCheckQuery, LoginCheckQueryVariables>;
export const ImportMetricsDocument = new TypedDocumentString(`
    mutation ImportMetrics($files: [MetricsFileInput!]!) {
  importMetrics(files: $files) {
    metrics
    specifications
    problems
  }
}
    `) as unknown as TypedDocumentString<ImportMetricsMutation, ImportMetricsMutationVariables>;
export const ImportDetectionConfigsDocument = new TypedDocumentString(`
    mutation ImportDetectionConfigs($yaml: String!, $file: String) {
  importDetectionConfigs(yaml: $yaml, file: $file)
}
    `) as unknown as TypedDocumentString<ImportDetectionConfigsMutation, ImportDetectionConfigsMutationVariables>;
export const MetricsDocument = new TypedDocumentString(`
    query Metrics($p: String) {
  metrics(package: $p) {
    name
    unit
    description
  }
}
    `) as unknown as TypedDocumentString<MetricsQuery, MetricsQueryVariables>;
export const PostJobDocument = new TypedDocumentString(`
    mutation PostJob($job: String!, $dataset: String!, $commit: String, $branch: String, $repo: String, $defs: Boolean) {
  postJob(
    job: $job
    dataset: $dataset
    commit: $commit
    branch: $branch
    repo: $repo
    importDefinitions: $defs
  ) {
    ...JobIngestFields
  }
}
    fragment JobIngestFields on JobIngest {
  jobId
  ingested
  measuredAt
  definitionChanges
}`) as unknown as TypedDocumentString<PostJobMutation, PostJobMutationVariables>;
export const PostMeasurementsDocument = new TypedDocumentString(`
    mutation PostMeasurements($files: [MetricsFileInput!]!, $dataset: String!, $commit: String, $branch: String, $repo: String) {
  postMeasurements(
    files: $files
    dataset: $dataset
    commit: $commit
    branch: $branch
    repo: $repo
  ) {
    ...JobIngestFields
  }
}
    fragment JobIngestFields on JobIngest {
  jobId
  ingested
  measuredAt
  definitionChanges
}`) as unknown as TypedDocumentString<PostMeasurementsMutation, PostMeasurementsMutationVariables>;
export const ProvenanceDocument = new TypedDocumentString(`
    query Provenance($id: ID!) {
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
      configHash
      status
      software {
        commit
        dirty
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ProvenanceQuery, ProvenanceQueryVariables>;
export const PruneDocument = new TypedDocumentString(`
    mutation Prune($yes: Boolean, $runs: [String!]) {
  prune(yes: $yes, runs: $runs) {
    dryRun
    bytesFreed
    resumed
    runs {
      run
      owner
      expiresAt
      datasets
      files
      bytes
    }
    kept {
      run
      owner
      expiresAt
      reason
      detail
    }
    worktrees {
      repo
      commit
      bytes
    }
  }
}
    `) as unknown as TypedDocumentString<PruneMutation, PruneMutationVariables>;
export const RegressionsListDocument = new TypedDocumentString(`
    query RegressionsList($status: RegressionStatus, $metric: String) {
  regressions(status: $status, metric: $metric) {
    id
    metric
    dataset
    branch
    dataId
    kind
    status
    firstBadCommit
    finding {
      delta
      relativeDelta
    }
    createdAt
  }
}
    `) as unknown as TypedDocumentString<RegressionsListQuery, RegressionsListQueryVariables>;
export const RegressionDetailDocument = new TypedDocumentString(`
    query RegressionDetail($id: Int!) {
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
          run
        }
        after {
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
    `) as unknown as TypedDocumentString<RegressionDetailQuery, RegressionDetailQueryVariables>;
export const SetRegressionStatusCliDocument = new TypedDocumentString(`
    mutation SetRegressionStatusCli($id: Int!, $status: RegressionStatus!, $note: String) {
  setRegressionStatus(id: $id, status: $status, note: $note) {
    id
    status
    note
  }
}
    `) as unknown as TypedDocumentString<SetRegressionStatusCliMutation, SetRegressionStatusCliMutationVariables>;
export const ReplayCompareDocument = new TypedDocumentString(`
    query ReplayCompare($a: Int!, $b: Int!, $radius: Float) {
  replayComparison(a: $a, b: $b, matchRadiusArcsec: $radius) {
    a {
      id
      status
      instrument
      codeRef
    }
    b {
      id
      status
      instrument
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
    visits {
      visit
      latencyDeltaMs
      alertsDelta
      alertsMatched
      alertsOnlyInA
      alertsOnlyInB
      a {
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
      b {
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
    alerts {
      matchRadiusArcsec
      matched
      onlyInA
      onlyInB
      medianFluxDiffSigma
      maxFluxDiffSigma
      listedOnlyInA {
        visit
        diaSourceId
        ra
        dec
        psfFlux
      }
      listedOnlyInB {
        visit
        diaSourceId
        ra
        dec
        psfFlux
      }
    }
  }
}
    `) as unknown as TypedDocumentString<ReplayCompareQuery, ReplayCompareQueryVariables>;
export const ReplayStartDocument = new TypedDocumentString(`
    mutation ReplayStart($instrument: String!, $codeRef: String!, $inputs: [String!]!, $pipeline: String, $visits: [Float!], $speed: Float, $associationRadiusArcsec: Float) {
  startReplay(
    instrument: $instrument
    codeRef: $codeRef
    inputs: $inputs
    pipeline: $pipeline
    visits: $visits
    speed: $speed
    associationRadiusArcsec: $associationRadiusArcsec
  ) {
    id
    status
    alertSubject
  }
}
    `) as unknown as TypedDocumentString<ReplayStartMutation, ReplayStartMutationVariables>;
export const ReplayStateDocument = new TypedDocumentString(`
    query ReplayState($id: Int!) {
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
    `) as unknown as TypedDocumentString<ReplayStateQuery, ReplayStateQueryVariables>;
export const ReplayListDocument = new TypedDocumentString(`
    query ReplayList($limit: Int) {
  replays(limit: $limit) {
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
    }
  }
}
    `) as unknown as TypedDocumentString<ReplayListQuery, ReplayListQueryVariables>;
export const AddRepoDocument = new TypedDocumentString(`
    mutation AddRepo($url: String!, $name: String, $gh: String) {
  addRepo(url: $url, name: $name, githubFullName: $gh) {
    name
    url
    githubFullName
    defaultBranch
    fetchedAt
  }
}
    `) as unknown as TypedDocumentString<AddRepoMutation, AddRepoMutationVariables>;
export const ReposDocument = new TypedDocumentString(`
    query Repos {
  repos {
    name
    url
    githubFullName
    defaultBranch
    fetchedAt
  }
}
    `) as unknown as TypedDocumentString<ReposQuery, ReposQueryVariables>;
export const FetchRepoDocument = new TypedDocumentString(`
    mutation FetchRepo($name: String!) {
  fetchRepo(name: $name) {
    name
  }
}
    `) as unknown as TypedDocumentString<FetchRepoMutation, FetchRepoMutationVariables>;
export const BuildsDocument = new TypedDocumentString(`
    query Builds($repo: String, $status: BuildStatus) {
  builds(repo: $repo, status: $status) {
    id
    repo
    commit
    ref
    event
    status
    regressions
    summaryMarkdown
    runs {
      name
      status
    }
  }
}
    `) as unknown as TypedDocumentString<BuildsQuery, BuildsQueryVariables>;
export const RequestBuildDocument = new TypedDocumentString(`
    mutation RequestBuild($repo: String!, $commit: String!, $ref: String, $pipeline: String, $dataset: String) {
  requestBuild(
    repo: $repo
    commit: $commit
    ref: $ref
    pipeline: $pipeline
    dataset: $dataset
  ) {
    id
    repo
    commit
    ref
    event
    status
    regressions
    summaryMarkdown
    runs {
      name
      status
    }
  }
}
    `) as unknown as TypedDocumentString<RequestBuildMutation, RequestBuildMutationVariables>;
export const BuildDocument = new TypedDocumentString(`
    query Build($id: Int!) {
  build(id: $id) {
    id
    repo
    commit
    ref
    event
    status
    regressions
    summaryMarkdown
    runs {
      name
      status
    }
  }
}
    `) as unknown as TypedDocumentString<BuildQuery, BuildQueryVariables>;
export const SubmitRunDocument = new TypedDocumentString(`
    mutation SubmitRun($pipelineFile: String!, $pipelineYaml: String, $inputs: [String!]!, $output: String!, $where: String, $bind: JSON, $config: JSON, $purpose: RunPurpose, $saveIntermediates: Boolean, $seed: Int, $expiresAt: DateTime) {
  submitRun(
    pipelineFile: $pipelineFile
    pipelineYaml: $pipelineYaml
    inputs: $inputs
    output: $output
    where: $where
    bind: $bind
    config: $config
    purpose: $purpose
    saveIntermediates: $saveIntermediates
    seed: $seed
    expiresAt: $expiresAt
  ) {
    run {
      name
      progress {
        total
      }
    }
    skipped
  }
}
    `) as unknown as TypedDocumentString<SubmitRunMutation, SubmitRunMutationVariables>;
export const ResumeRunDocument = new TypedDocumentString(`
    mutation ResumeRun($name: String!) {
  resumeRun(name: $name) {
    name
  }
}
    `) as unknown as TypedDocumentString<ResumeRunMutation, ResumeRunMutationVariables>;
export const RerunDocument = new TypedDocumentString(`
    mutation Rerun($id: ID!, $output: String!, $s: Boolean, $config: JSON) {
  rerun(datasetId: $id, output: $output, saveIntermediates: $s, config: $config) {
    name
  }
}
    `) as unknown as TypedDocumentString<RerunMutation, RerunMutationVariables>;
export const RunsListDocument = new TypedDocumentString(`
    query RunsList($owner: String, $status: RunStatus, $limit: Int) {
  runs(owner: $owner, status: $status, limit: $limit) {
    name
    owner
    purpose
    status
    createdAt
    endedAt
    error
    progress {
      total
      succeeded
      failed
      blocked
      running
      pending
    }
  }
}
    `) as unknown as TypedDocumentString<RunsListQuery, RunsListQueryVariables>;
export const MeDocument = new TypedDocumentString(`
    query Me {
  me {
    name
  }
}
    `) as unknown as TypedDocumentString<MeQuery, MeQueryVariables>;
export const RunDetailDocument = new TypedDocumentString(`
    query RunDetail($name: String!, $quanta: Int) {
  run(name: $name) {
    name
    owner
    purpose
    status
    pipelineFile
    inputs
    where
    executor
    error
    createdAt
    startedAt
    endedAt
    progress {
      total
      pending
      running
      succeeded
      failed
      blocked
    }
    quanta(limit: $quanta) {
      id
      taskLabel
      dataId
      status
    }
    failed: quanta(status: failed, limit: 50) {
      id
      taskLabel
      dataId
      error
      log
    }
  }
}
    `) as unknown as TypedDocumentString<RunDetailQuery, RunDetailQueryVariables>;
export const RunLogsDocument = new TypedDocumentString(`
    query RunLogs($name: String!, $status: QuantumStatus, $limit: Int) {
  run(name: $name) {
    quanta(status: $status, limit: $limit) {
      id
      taskLabel
      dataId
      status
      error
      log
    }
  }
}
    `) as unknown as TypedDocumentString<RunLogsQuery, RunLogsQueryVariables>;
export const QuantumLogDocument = new TypedDocumentString(`
    query QuantumLog($id: ID!) {
  quantum(id: $id) {
    id
    run
    taskLabel
    dataId
    status
    error
    log
  }
}
    `) as unknown as TypedDocumentString<QuantumLogQuery, QuantumLogQueryVariables>;
export const CancelRunDocument = new TypedDocumentString(`
    mutation CancelRun($name: String!) {
  cancelRun(name: $name) {
    name
    status
  }
}
    `) as unknown as TypedDocumentString<CancelRunMutation, CancelRunMutationVariables>;
export const RunsResumeDocument = new TypedDocumentString(`
    mutation RunsResume($name: String!) {
  resumeRun(name: $name) {
    name
    status
  }
}
    `) as unknown as TypedDocumentString<RunsResumeMutation, RunsResumeMutationVariables>;
export const GenerateSimCamDocument = new TypedDocumentString(`
    mutation GenerateSimCam($visits: Int, $bands: [String!], $seed: Int, $grid: [Int!], $size: Int) {
  generateSimCam(
    visits: $visits
    bands: $bands
    seed: $seed
    detectorGrid: $grid
    detectorSizePx: $size
  ) {
    visits
    detectors
    raws
    collections
  }
}
    `) as unknown as TypedDocumentString<GenerateSimCamMutation, GenerateSimCamMutationVariables>;
export const SqlDocument = new TypedDocumentString(`
    query Sql($query: String!, $collections: [String!]!, $limit: Int, $timeoutSeconds: Int) {
  sql(
    query: $query
    collections: $collections
    limit: $limit
    timeoutSeconds: $timeoutSeconds
  ) {
    columns {
      name
      type
    }
    rows
    truncated
    views {
      name
      files
    }
  }
}
    `) as unknown as TypedDocumentString<SqlQuery, SqlQueryVariables>;
export const TokensDocument = new TypedDocumentString(`
    query Tokens($u: String, $a: Boolean) {
  tokens(user: $u, all: $a) {
    id
    user
    name
    prefix
    createdAt
    lastUsedAt
    expiresAt
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<TokensQuery, TokensQueryVariables>;
export const CreateTokenDocument = new TypedDocumentString(`
    mutation CreateToken($n: String!, $u: String, $e: DateTime) {
  createToken(name: $n, user: $u, expiresAt: $e) {
    token
    id
    user
    expiresAt
  }
}
    `) as unknown as TypedDocumentString<CreateTokenMutation, CreateTokenMutationVariables>;
export const RevokeTokenDocument = new TypedDocumentString(`
    mutation RevokeToken($id: Int!) {
  revokeToken(id: $id) {
    id
    user
    name
    prefix
    createdAt
    lastUsedAt
    expiresAt
    revokedAt
  }
}
    `) as unknown as TypedDocumentString<RevokeTokenMutation, RevokeTokenMutationVariables>;
export const DisableUserDocument = new TypedDocumentString(`
    mutation DisableUser($n: String!) {
  disableUser(name: $n) {
    name
  }
}
    `) as unknown as TypedDocumentString<DisableUserMutation, DisableUserMutationVariables>;
export const EnableUserDocument = new TypedDocumentString(`
    mutation EnableUser($n: String!) {
  enableUser(name: $n) {
    name
  }
}
    `) as unknown as TypedDocumentString<EnableUserMutation, EnableUserMutationVariables>;
export const UsersDocument = new TypedDocumentString(`
    query Users {
  users {
    name
    role
    createdAt
    disabledAt
  }
}
    `) as unknown as TypedDocumentString<UsersQuery, UsersQueryVariables>;
export const CreateUserDocument = new TypedDocumentString(`
    mutation CreateUser($n: String!, $r: Role!) {
  createUser(name: $n, role: $r) {
    name
  }
}
    `) as unknown as TypedDocumentString<CreateUserMutation, CreateUserMutationVariables>;
export const RunStateDocument = new TypedDocumentString(`
    query RunState($name: String!) {
  run(name: $name) {
    name
    status
    error
    heartbeatAt
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
    `) as unknown as TypedDocumentString<RunStateQuery, RunStateQueryVariables>;