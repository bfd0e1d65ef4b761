/* eslint-disable */
import * as types from './graphql.ts';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation ImportButlerExport($yaml: String!, $file: String, $universe: String, $universeFile: String, $root: String) {\n            importButlerExport(yaml: $yaml, file: $file, universe: $universe, universeFile: $universeFile, datastoreRoot: $root) {\n              records { element count veraTable } keptFields collections datasetTypes datasets filesCopied\n            }\n          }": typeof types.ImportButlerExportDocument,
    "query ButlerExport($collections: [String!]) { butlerExport(collections: $collections) }": typeof types.ButlerExportDocument,
    "\n  mutation CampaignRequest($input: CampaignRequestInput!) {\n    requestCampaign(input: $input) { basis campaign { name estimate { quanta coreHours bytes } } }\n  }\n": typeof types.CampaignRequestDocument,
    "\n  mutation CampaignApprove($name: String!, $note: String) { approveCampaign(name: $name, note: $note) { name runs { run } } }\n": typeof types.CampaignApproveDocument,
    "\n  mutation CampaignReject($name: String!, $reason: String!) { rejectCampaign(name: $name, reason: $reason) { name status } }\n": typeof types.CampaignRejectDocument,
    "\n  query CampaignList($requester: String, $status: CampaignStatus, $limit: Int) {\n    campaigns(requester: $requester, status: $status, limit: $limit) {\n      name requester status state estimate { quanta coreHours } progress { total succeeded failed coreHours }\n    }\n  }\n": typeof types.CampaignListDocument,
    "\n  query CampaignDetail($name: String!) {\n    campaign(name: $name) {\n      name requester status state pipelineFile inputs executor runsExpireAt createdAt decidedBy decidedAt decisionNote\n      estimate { quanta coreHours bytes }\n      runs { chunk where run status error }\n      progress { total pending running succeeded failed blocked coreHours bytes }\n    }\n  }\n": typeof types.CampaignDetailDocument,
    "query Collections($pattern: String, $types: [CollectionType!]) { collections(pattern: $pattern, types: $types) { name type owner children datasetCount doc } }": typeof types.CollectionsDocument,
    "\n  fragment ComparisonFields on Comparison {\n    base { label commit runs } head { label commit runs }\n    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }\n  }\n": typeof types.ComparisonFieldsFragmentDoc,
    "\n  query CompareRuns($base: String!, $head: String!) { compare: compareRuns(base: $base, head: $head) { ...ComparisonFields } }\n": typeof types.CompareRunsDocument,
    "\n  query CompareCollections($collections: [String!]!) { compare: compareCollections(collections: $collections) { ...ComparisonFields } }\n": typeof types.CompareCollectionsDocument,
    "\n  query CompareRefs($dataset: String!, $head: String!, $base: String, $repo: String) {\n    compare: compareRefs(dataset: $dataset, head: $head, base: $base, repo: $repo) { ...ComparisonFields }\n  }\n": typeof types.CompareRefsDocument,
    "query Dashboards { dashboards { slug title owner builtin updatedAt } }": typeof types.DashboardsDocument,
    "query Dashboard($s: String!) { dashboard(slug: $s) { definition } }": typeof types.DashboardDocument,
    "mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug title } }": typeof types.SaveDashboardDocument,
    "mutation DeleteDashboard($s: String!) { deleteDashboard(slug: $s) { slug restored } }": typeof types.DeleteDashboardDocument,
    "query DatasetTypes { datasetTypes { name dimensions requiredDimensions storageClass isCalibration } }": typeof types.DatasetTypesDocument,
    "query Datasets($datasetType: String!, $collections: [String!]!, $where: String, $bind: JSON, $time: DateTime, $findFirst: Boolean, $limit: Int) {\n              datasets(datasetType: $datasetType, collections: $collections, where: $where, bind: $bind, time: $time, findFirst: $findFirst, limit: $limit) {\n                id run dataId path sizeBytes validFrom validTo\n              }\n            }": typeof types.DatasetsDocument,
    "query Grants { grants { owner grantee createdAt } }": typeof types.GrantsDocument,
    "mutation RevokeGrant($u: String!, $o: String) { revokeGrant(user: $u, owner: $o) }": typeof types.RevokeGrantDocument,
    "mutation Grant($u: String!, $o: String) { grant(user: $u, owner: $o) { owner grantee createdAt } }": typeof types.GrantDocument,
    "\n  mutation IngestCatalogs($datasetType: String!, $collections: [String!]!, $where: String, $table: String, $append: Boolean) {\n    ingestCatalogs(datasetType: $datasetType, collections: $collections, where: $where, table: $table, append: $append) { table datasets rows unchanged }\n  }\n": typeof types.IngestCatalogsDocument,
    "mutation IngestRaws($i: String!, $r: String, $f: [RawFileInput!]!) { ingestRaws(instrument: $i, run: $r, files: $f) { run ingested visits detectors newVisits newDetectors } }": typeof types.IngestRawsDocument,
    "\n  query LoginCheck { me { name role } }\n": typeof types.LoginCheckDocument,
    "\n  fragment JobIngestFields on JobIngest { jobId ingested measuredAt definitionChanges }\n": typeof types.JobIngestFieldsFragmentDoc,
    "mutation ImportMetrics($files: [MetricsFileInput!]!) { importMetrics(files: $files) { metrics specifications problems } }": typeof types.ImportMetricsDocument,
    "mutation ImportDetectionConfigs($yaml: String!, $file: String) { importDetectionConfigs(yaml: $yaml, file: $file) }": typeof types.ImportDetectionConfigsDocument,
    "query Metrics($p: String) { metrics(package: $p) { name unit description } }": typeof types.MetricsDocument,
    "mutation PostJob($job: String!, $dataset: String!, $commit: String, $branch: String, $repo: String, $defs: Boolean) { postJob(job: $job, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo, importDefinitions: $defs) { ...JobIngestFields } }": typeof types.PostJobDocument,
    "mutation PostMeasurements($files: [MetricsFileInput!]!, $dataset: String!, $commit: String, $branch: String, $repo: String) { postMeasurements(files: $files, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo) { ...JobIngestFields } }": typeof types.PostMeasurementsDocument,
    "query Provenance($id: ID!) { provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel configHash status software { commit dirty } } } }": typeof types.ProvenanceDocument,
    "\n  mutation Prune($yes: Boolean, $runs: [String!]) {\n    prune(yes: $yes, runs: $runs) {\n      dryRun\n      bytesFreed\n      resumed\n      runs { run owner expiresAt datasets files bytes }\n      kept { run owner expiresAt reason detail }\n      worktrees { repo commit bytes }\n    }\n  }\n": typeof types.PruneDocument,
    "\n  query RegressionsList($status: RegressionStatus, $metric: String) {\n    regressions(status: $status, metric: $metric) { id metric dataset branch dataId kind status firstBadCommit finding { delta relativeDelta } createdAt }\n  }\n": typeof types.RegressionsListDocument,
    "\n  query RegressionDetail($id: Int!) {\n    regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { run } after { run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt }\n  }\n": typeof types.RegressionDetailDocument,
    "\n  mutation SetRegressionStatusCli($id: Int!, $status: RegressionStatus!, $note: String) {\n    setRegressionStatus(id: $id, status: $status, note: $note) { id status note }\n  }\n": typeof types.SetRegressionStatusCliDocument,
    "\n  query ReplayCompare($a: Int!, $b: Int!, $radius: Float) {\n    replayComparison(a: $a, b: $b, matchRadiusArcsec: $radius) {\n      a { id status instrument codeRef }\n      b { id status instrument codeRef }\n      warnings\n      differences { key a b }\n      commonVisits onlyInA onlyInB\n      deltas { name unit a b delta }\n      visits {\n        visit latencyDeltaMs alertsDelta alertsMatched alertsOnlyInA alertsOnlyInB\n        a { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n        b { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n      }\n      alerts {\n        matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma\n        listedOnlyInA { visit diaSourceId ra dec psfFlux }\n        listedOnlyInB { visit diaSourceId ra dec psfFlux }\n      }\n    }\n  }\n": typeof types.ReplayCompareDocument,
    "\n  mutation ReplayStart($instrument: String!, $codeRef: String!, $inputs: [String!]!, $pipeline: String, $visits: [Float!], $speed: Float, $associationRadiusArcsec: Float) {\n    startReplay(instrument: $instrument, codeRef: $codeRef, inputs: $inputs, pipeline: $pipeline, visits: $visits, speed: $speed, associationRadiusArcsec: $associationRadiusArcsec) { id status alertSubject }\n  }\n": typeof types.ReplayStartDocument,
    "\n  query ReplayState($id: Int!) {\n    replay(id: $id) {\n      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt\n      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n    }\n  }\n": typeof types.ReplayStateDocument,
    "\n  query ReplayList($limit: Int) { replays(limit: $limit) { id owner status instrument codeRef speed createdAt endedAt visits { stage } } }\n": typeof types.ReplayListDocument,
    "mutation AddRepo($url: String!, $name: String, $gh: String) { addRepo(url: $url, name: $name, githubFullName: $gh) { name url githubFullName defaultBranch fetchedAt } }": typeof types.AddRepoDocument,
    "query Repos { repos { name url githubFullName defaultBranch fetchedAt } }": typeof types.ReposDocument,
    "mutation FetchRepo($name: String!) { fetchRepo(name: $name) { name } }": typeof types.FetchRepoDocument,
    "query Builds($repo: String, $status: BuildStatus) { builds(repo: $repo, status: $status) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }": typeof types.BuildsDocument,
    "mutation RequestBuild($repo: String!, $commit: String!, $ref: String, $pipeline: String, $dataset: String) { requestBuild(repo: $repo, commit: $commit, ref: $ref, pipeline: $pipeline, dataset: $dataset) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }": typeof types.RequestBuildDocument,
    "query Build($id: Int!) { build(id: $id) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }": typeof types.BuildDocument,
    "\n  mutation SubmitRun($pipelineFile: String!, $pipelineYaml: String, $inputs: [String!]!, $output: String!, $where: String, $bind: JSON, $config: JSON, $purpose: RunPurpose, $saveIntermediates: Boolean, $seed: Int, $expiresAt: DateTime) {\n    submitRun(pipelineFile: $pipelineFile, pipelineYaml: $pipelineYaml, inputs: $inputs, output: $output, where: $where, bind: $bind, config: $config, purpose: $purpose, saveIntermediates: $saveIntermediates, seed: $seed, expiresAt: $expiresAt) {\n      run { name progress { total } } skipped\n    }\n  }\n": typeof types.SubmitRunDocument,
    "\n  mutation ResumeRun($name: String!) { resumeRun(name: $name) { name } }\n": typeof types.ResumeRunDocument,
    "\n  mutation Rerun($id: ID!, $output: String!, $s: Boolean, $config: JSON) { rerun(datasetId: $id, output: $output, saveIntermediates: $s, config: $config) { name } }\n": typeof types.RerunDocument,
    "\n  query RunsList($owner: String, $status: RunStatus, $limit: Int) {\n    runs(owner: $owner, status: $status, limit: $limit) { name owner purpose status createdAt endedAt error progress { total succeeded failed blocked running pending } }\n  }\n": typeof types.RunsListDocument,
    "\n  query Me { me { name } }\n": typeof types.MeDocument,
    "\n  query RunDetail($name: String!, $quanta: Int) {\n    run(name: $name) {\n      name owner purpose status pipelineFile inputs where executor error createdAt startedAt endedAt\n      progress { total pending running succeeded failed blocked }\n      quanta(limit: $quanta) { id taskLabel dataId status }\n      failed: quanta(status: failed, limit: 50) { id taskLabel dataId error log }\n    }\n  }\n": typeof types.RunDetailDocument,
    "\n  query RunLogs($name: String!, $status: QuantumStatus, $limit: Int) {\n    run(name: $name) { quanta(status: $status, limit: $limit) { id taskLabel dataId status error log } }\n  }\n": typeof types.RunLogsDocument,
    "\n  query QuantumLog($id: ID!) { quantum(id: $id) { id run taskLabel dataId status error log } }\n": typeof types.QuantumLogDocument,
    "\n  mutation CancelRun($name: String!) { cancelRun(name: $name) { name status } }\n": typeof types.CancelRunDocument,
    "\n  mutation RunsResume($name: String!) { resumeRun(name: $name) { name status } }\n": typeof types.RunsResumeDocument,
    "mutation GenerateSimCam($visits: Int, $bands: [String!], $seed: Int, $grid: [Int!], $size: Int) {\n            generateSimCam(visits: $visits, bands: $bands, seed: $seed, detectorGrid: $grid, detectorSizePx: $size) { visits detectors raws collections }\n          }": typeof types.GenerateSimCamDocument,
    "\n  query Sql($query: String!, $collections: [String!]!, $limit: Int, $timeoutSeconds: Int) {\n    sql(query: $query, collections: $collections, limit: $limit, timeoutSeconds: $timeoutSeconds) {\n      columns { name type } rows truncated views { name files }\n    }\n  }\n": typeof types.SqlDocument,
    "query Tokens($u: String, $a: Boolean) { tokens(user: $u, all: $a) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }": typeof types.TokensDocument,
    "mutation CreateToken($n: String!, $u: String, $e: DateTime) { createToken(name: $n, user: $u, expiresAt: $e) { token id user expiresAt } }": typeof types.CreateTokenDocument,
    "mutation RevokeToken($id: Int!) { revokeToken(id: $id) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }": typeof types.RevokeTokenDocument,
    "mutation DisableUser($n: String!) { disableUser(name: $n) { name } }": typeof types.DisableUserDocument,
    "mutation EnableUser($n: String!) { enableUser(name: $n) { name } }": typeof types.EnableUserDocument,
    "query Users { users { name role createdAt disabledAt } }": typeof types.UsersDocument,
    "mutation CreateUser($n: String!, $r: Role!) { createUser(name: $n, role: $r) { name } }": typeof types.CreateUserDocument,
    "\n  query RunState($name: String!) { run(name: $name) { name status error heartbeatAt progress { total pending running succeeded failed blocked } } }\n": typeof types.RunStateDocument,
};
const documents: Documents = {
    "mutation ImportButlerExport($yaml: String!, $file: String, $universe: String, $universeFile: String, $root: String) {\n            importButlerExport(yaml: $yaml, file: $file, universe: $universe, universeFile: $universeFile, datastoreRoot: $root) {\n              records { element count veraTable } keptFields collections datasetTypes datasets filesCopied\n            }\n          }": types.ImportButlerExportDocument,
    "query ButlerExport($collections: [String!]) { butlerExport(collections: $collections) }": types.ButlerExportDocument,
    "\n  mutation CampaignRequest($input: CampaignRequestInput!) {\n    requestCampaign(input: $input) { basis campaign { name estimate { quanta coreHours bytes } } }\n  }\n": types.CampaignRequestDocument,
    "\n  mutation CampaignApprove($name: String!, $note: String) { approveCampaign(name: $name, note: $note) { name runs { run } } }\n": types.CampaignApproveDocument,
    "\n  mutation CampaignReject($name: String!, $reason: String!) { rejectCampaign(name: $name, reason: $reason) { name status } }\n": types.CampaignRejectDocument,
    "\n  query CampaignList($requester: String, $status: CampaignStatus, $limit: Int) {\n    campaigns(requester: $requester, status: $status, limit: $limit) {\n      name requester status state estimate { quanta coreHours } progress { total succeeded failed coreHours }\n    }\n  }\n": types.CampaignListDocument,
    "\n  query CampaignDetail($name: String!) {\n    campaign(name: $name) {\n      name requester status state pipelineFile inputs executor runsExpireAt createdAt decidedBy decidedAt decisionNote\n      estimate { quanta coreHours bytes }\n      runs { chunk where run status error }\n      progress { total pending running succeeded failed blocked coreHours bytes }\n    }\n  }\n": types.CampaignDetailDocument,
    "query Collections($pattern: String, $types: [CollectionType!]) { collections(pattern: $pattern, types: $types) { name type owner children datasetCount doc } }": types.CollectionsDocument,
    "\n  fragment ComparisonFields on Comparison {\n    base { label commit runs } head { label commit runs }\n    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }\n  }\n": types.ComparisonFieldsFragmentDoc,
    "\n  query CompareRuns($base: String!, $head: String!) { compare: compareRuns(base: $base, head: $head) { ...ComparisonFields } }\n": types.CompareRunsDocument,
    "\n  query CompareCollections($collections: [String!]!) { compare: compareCollections(collections: $collections) { ...ComparisonFields } }\n": types.CompareCollectionsDocument,
    "\n  query CompareRefs($dataset: String!, $head: String!, $base: String, $repo: String) {\n    compare: compareRefs(dataset: $dataset, head: $head, base: $base, repo: $repo) { ...ComparisonFields }\n  }\n": types.CompareRefsDocument,
    "query Dashboards { dashboards { slug title owner builtin updatedAt } }": types.DashboardsDocument,
    "query Dashboard($s: String!) { dashboard(slug: $s) { definition } }": types.DashboardDocument,
    "mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug title } }": types.SaveDashboardDocument,
    "mutation DeleteDashboard($s: String!) { deleteDashboard(slug: $s) { slug restored } }": types.DeleteDashboardDocument,
    "query DatasetTypes { datasetTypes { name dimensions requiredDimensions storageClass isCalibration } }": types.DatasetTypesDocument,
    "query Datasets($datasetType: String!, $collections: [String!]!, $where: String, $bind: JSON, $time: DateTime, $findFirst: Boolean, $limit: Int) {\n              datasets(datasetType: $datasetType, collections: $collections, where: $where, bind: $bind, time: $time, findFirst: $findFirst, limit: $limit) {\n                id run dataId path sizeBytes validFrom validTo\n              }\n            }": types.DatasetsDocument,
    "query Grants { grants { owner grantee createdAt } }": types.GrantsDocument,
    "mutation RevokeGrant($u: String!, $o: String) { revokeGrant(user: $u, owner: $o) }": types.RevokeGrantDocument,
    "mutation Grant($u: String!, $o: String) { grant(user: $u, owner: $o) { owner grantee createdAt } }": types.GrantDocument,
    "\n  mutation IngestCatalogs($datasetType: String!, $collections: [String!]!, $where: String, $table: String, $append: Boolean) {\n    ingestCatalogs(datasetType: $datasetType, collections: $collections, where: $where, table: $table, append: $append) { table datasets rows unchanged }\n  }\n": types.IngestCatalogsDocument,
    "mutation IngestRaws($i: String!, $r: String, $f: [RawFileInput!]!) { ingestRaws(instrument: $i, run: $r, files: $f) { run ingested visits detectors newVisits newDetectors } }": types.IngestRawsDocument,
    "\n  query LoginCheck { me { name role } }\n": types.LoginCheckDocument,
    "\n  fragment JobIngestFields on JobIngest { jobId ingested measuredAt definitionChanges }\n": types.JobIngestFieldsFragmentDoc,
    "mutation ImportMetrics($files: [MetricsFileInput!]!) { importMetrics(files: $files) { metrics specifications problems } }": types.ImportMetricsDocument,
    "mutation ImportDetectionConfigs($yaml: String!, $file: String) { importDetectionConfigs(yaml: $yaml, file: $file) }": types.ImportDetectionConfigsDocument,
    "query Metrics($p: String) { metrics(package: $p) { name unit description } }": types.MetricsDocument,
    "mutation PostJob($job: String!, $dataset: String!, $commit: String, $branch: String, $repo: String, $defs: Boolean) { postJob(job: $job, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo, importDefinitions: $defs) { ...JobIngestFields } }": types.PostJobDocument,
    "mutation PostMeasurements($files: [MetricsFileInput!]!, $dataset: String!, $commit: String, $branch: String, $repo: String) { postMeasurements(files: $files, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo) { ...JobIngestFields } }": types.PostMeasurementsDocument,
    "query Provenance($id: ID!) { provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel configHash status software { commit dirty } } } }": types.ProvenanceDocument,
    "\n  mutation Prune($yes: Boolean, $runs: [String!]) {\n    prune(yes: $yes, runs: $runs) {\n      dryRun\n      bytesFreed\n      resumed\n      runs { run owner expiresAt datasets files bytes }\n      kept { run owner expiresAt reason detail }\n      worktrees { repo commit bytes }\n    }\n  }\n": types.PruneDocument,
    "\n  query RegressionsList($status: RegressionStatus, $metric: String) {\n    regressions(status: $status, metric: $metric) { id metric dataset branch dataId kind status firstBadCommit finding { delta relativeDelta } createdAt }\n  }\n": types.RegressionsListDocument,
    "\n  query RegressionDetail($id: Int!) {\n    regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { run } after { run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt }\n  }\n": types.RegressionDetailDocument,
    "\n  mutation SetRegressionStatusCli($id: Int!, $status: RegressionStatus!, $note: String) {\n    setRegressionStatus(id: $id, status: $status, note: $note) { id status note }\n  }\n": types.SetRegressionStatusCliDocument,
    "\n  query ReplayCompare($a: Int!, $b: Int!, $radius: Float) {\n    replayComparison(a: $a, b: $b, matchRadiusArcsec: $radius) {\n      a { id status instrument codeRef }\n      b { id status instrument codeRef }\n      warnings\n      differences { key a b }\n      commonVisits onlyInA onlyInB\n      deltas { name unit a b delta }\n      visits {\n        visit latencyDeltaMs alertsDelta alertsMatched alertsOnlyInA alertsOnlyInB\n        a { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n        b { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n      }\n      alerts {\n        matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma\n        listedOnlyInA { visit diaSourceId ra dec psfFlux }\n        listedOnlyInB { visit diaSourceId ra dec psfFlux }\n      }\n    }\n  }\n": types.ReplayCompareDocument,
    "\n  mutation ReplayStart($instrument: String!, $codeRef: String!, $inputs: [String!]!, $pipeline: String, $visits: [Float!], $speed: Float, $associationRadiusArcsec: Float) {\n    startReplay(instrument: $instrument, codeRef: $codeRef, inputs: $inputs, pipeline: $pipeline, visits: $visits, speed: $speed, associationRadiusArcsec: $associationRadiusArcsec) { id status alertSubject }\n  }\n": types.ReplayStartDocument,
    "\n  query ReplayState($id: Int!) {\n    replay(id: $id) {\n      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt\n      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n    }\n  }\n": types.ReplayStateDocument,
    "\n  query ReplayList($limit: Int) { replays(limit: $limit) { id owner status instrument codeRef speed createdAt endedAt visits { stage } } }\n": types.ReplayListDocument,
    "mutation AddRepo($url: String!, $name: String, $gh: String) { addRepo(url: $url, name: $name, githubFullName: $gh) { name url githubFullName defaultBranch fetchedAt } }": types.AddRepoDocument,
    "query Repos { repos { name url githubFullName defaultBranch fetchedAt } }": types.ReposDocument,
    "mutation FetchRepo($name: String!) { fetchRepo(name: $name) { name } }": types.FetchRepoDocument,
    "query Builds($repo: String, $status: BuildStatus) { builds(repo: $repo, status: $status) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }": types.BuildsDocument,
    "mutation RequestBuild($repo: String!, $commit: String!, $ref: String, $pipeline: String, $dataset: String) { requestBuild(repo: $repo, commit: $commit, ref: $ref, pipeline: $pipeline, dataset: $dataset) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }": types.RequestBuildDocument,
    "query Build($id: Int!) { build(id: $id) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }": types.BuildDocument,
    "\n  mutation SubmitRun($pipelineFile: String!, $pipelineYaml: String, $inputs: [String!]!, $output: String!, $where: String, $bind: JSON, $config: JSON, $purpose: RunPurpose, $saveIntermediates: Boolean, $seed: Int, $expiresAt: DateTime) {\n    submitRun(pipelineFile: $pipelineFile, pipelineYaml: $pipelineYaml, inputs: $inputs, output: $output, where: $where, bind: $bind, config: $config, purpose: $purpose, saveIntermediates: $saveIntermediates, seed: $seed, expiresAt: $expiresAt) {\n      run { name progress { total } } skipped\n    }\n  }\n": types.SubmitRunDocument,
    "\n  mutation ResumeRun($name: String!) { resumeRun(name: $name) { name } }\n": types.ResumeRunDocument,
    "\n  mutation Rerun($id: ID!, $output: String!, $s: Boolean, $config: JSON) { rerun(datasetId: $id, output: $output, saveIntermediates: $s, config: $config) { name } }\n": types.RerunDocument,
    "\n  query RunsList($owner: String, $status: RunStatus, $limit: Int) {\n    runs(owner: $owner, status: $status, limit: $limit) { name owner purpose status createdAt endedAt error progress { total succeeded failed blocked running pending } }\n  }\n": types.RunsListDocument,
    "\n  query Me { me { name } }\n": types.MeDocument,
    "\n  query RunDetail($name: String!, $quanta: Int) {\n    run(name: $name) {\n      name owner purpose status pipelineFile inputs where executor error createdAt startedAt endedAt\n      progress { total pending running succeeded failed blocked }\n      quanta(limit: $quanta) { id taskLabel dataId status }\n      failed: quanta(status: failed, limit: 50) { id taskLabel dataId error log }\n    }\n  }\n": types.RunDetailDocument,
    "\n  query RunLogs($name: String!, $status: QuantumStatus, $limit: Int) {\n    run(name: $name) { quanta(status: $status, limit: $limit) { id taskLabel dataId status error log } }\n  }\n": types.RunLogsDocument,
    "\n  query QuantumLog($id: ID!) { quantum(id: $id) { id run taskLabel dataId status error log } }\n": types.QuantumLogDocument,
    "\n  mutation CancelRun($name: String!) { cancelRun(name: $name) { name status } }\n": types.CancelRunDocument,
    "\n  mutation RunsResume($name: String!) { resumeRun(name: $name) { name status } }\n": types.RunsResumeDocument,
    "mutation GenerateSimCam($visits: Int, $bands: [String!], $seed: Int, $grid: [Int!], $size: Int) {\n            generateSimCam(visits: $visits, bands: $bands, seed: $seed, detectorGrid: $grid, detectorSizePx: $size) { visits detectors raws collections }\n          }": types.GenerateSimCamDocument,
    "\n  query Sql($query: String!, $collections: [String!]!, $limit: Int, $timeoutSeconds: Int) {\n    sql(query: $query, collections: $collections, limit: $limit, timeoutSeconds: $timeoutSeconds) {\n      columns { name type } rows truncated views { name files }\n    }\n  }\n": types.SqlDocument,
    "query Tokens($u: String, $a: Boolean) { tokens(user: $u, all: $a) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }": types.TokensDocument,
    "mutation CreateToken($n: String!, $u: String, $e: DateTime) { createToken(name: $n, user: $u, expiresAt: $e) { token id user expiresAt } }": types.CreateTokenDocument,
    "mutation RevokeToken($id: Int!) { revokeToken(id: $id) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }": types.RevokeTokenDocument,
    "mutation DisableUser($n: String!) { disableUser(name: $n) { name } }": types.DisableUserDocument,
    "mutation EnableUser($n: String!) { enableUser(name: $n) { name } }": types.EnableUserDocument,
    "query Users { users { name role createdAt disabledAt } }": types.UsersDocument,
    "mutation CreateUser($n: String!, $r: Role!) { createUser(name: $n, role: $r) { name } }": types.CreateUserDocument,
    "\n  query RunState($name: String!) { run(name: $name) { name status error heartbeatAt progress { total pending running succeeded failed blocked } } }\n": types.RunStateDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ImportButlerExport($yaml: String!, $file: String, $universe: String, $universeFile: String, $root: String) {\n            importButlerExport(yaml: $yaml, file: $file, universe: $universe, universeFile: $universeFile, datastoreRoot: $root) {\n              records { element count veraTable } keptFields collections datasetTypes datasets filesCopied\n            }\n          }"): typeof import('./graphql.ts').ImportButlerExportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ButlerExport($collections: [String!]) { butlerExport(collections: $collections) }"): typeof import('./graphql.ts').ButlerExportDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CampaignRequest($input: CampaignRequestInput!) {\n    requestCampaign(input: $input) { basis campaign { name estimate { quanta coreHours bytes } } }\n  }\n"): typeof import('./graphql.ts').CampaignRequestDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CampaignApprove($name: String!, $note: String) { approveCampaign(name: $name, note: $note) { name runs { run } } }\n"): typeof import('./graphql.ts').CampaignApproveDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CampaignReject($name: String!, $reason: String!) { rejectCampaign(name: $name, reason: $reason) { name status } }\n"): typeof import('./graphql.ts').CampaignRejectDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignList($requester: String, $status: CampaignStatus, $limit: Int) {\n    campaigns(requester: $requester, status: $status, limit: $limit) {\n      name requester status state estimate { quanta coreHours } progress { total succeeded failed coreHours }\n    }\n  }\n"): typeof import('./graphql.ts').CampaignListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CampaignDetail($name: String!) {\n    campaign(name: $name) {\n      name requester status state pipelineFile inputs executor runsExpireAt createdAt decidedBy decidedAt decisionNote\n      estimate { quanta coreHours bytes }\n      runs { chunk where run status error }\n      progress { total pending running succeeded failed blocked coreHours bytes }\n    }\n  }\n"): typeof import('./graphql.ts').CampaignDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Collections($pattern: String, $types: [CollectionType!]) { collections(pattern: $pattern, types: $types) { name type owner children datasetCount doc } }"): typeof import('./graphql.ts').CollectionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ComparisonFields on Comparison {\n    base { label commit runs } head { label commit runs }\n    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }\n  }\n"): typeof import('./graphql.ts').ComparisonFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareRuns($base: String!, $head: String!) { compare: compareRuns(base: $base, head: $head) { ...ComparisonFields } }\n"): typeof import('./graphql.ts').CompareRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareCollections($collections: [String!]!) { compare: compareCollections(collections: $collections) { ...ComparisonFields } }\n"): typeof import('./graphql.ts').CompareCollectionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareRefs($dataset: String!, $head: String!, $base: String, $repo: String) {\n    compare: compareRefs(dataset: $dataset, head: $head, base: $base, repo: $repo) { ...ComparisonFields }\n  }\n"): typeof import('./graphql.ts').CompareRefsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dashboards { dashboards { slug title owner builtin updatedAt } }"): typeof import('./graphql.ts').DashboardsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dashboard($s: String!) { dashboard(slug: $s) { definition } }"): typeof import('./graphql.ts').DashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug title } }"): typeof import('./graphql.ts').SaveDashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteDashboard($s: String!) { deleteDashboard(slug: $s) { slug restored } }"): typeof import('./graphql.ts').DeleteDashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DatasetTypes { datasetTypes { name dimensions requiredDimensions storageClass isCalibration } }"): typeof import('./graphql.ts').DatasetTypesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Datasets($datasetType: String!, $collections: [String!]!, $where: String, $bind: JSON, $time: DateTime, $findFirst: Boolean, $limit: Int) {\n              datasets(datasetType: $datasetType, collections: $collections, where: $where, bind: $bind, time: $time, findFirst: $findFirst, limit: $limit) {\n                id run dataId path sizeBytes validFrom validTo\n              }\n            }"): typeof import('./graphql.ts').DatasetsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Grants { grants { owner grantee createdAt } }"): typeof import('./graphql.ts').GrantsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeGrant($u: String!, $o: String) { revokeGrant(user: $u, owner: $o) }"): typeof import('./graphql.ts').RevokeGrantDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation Grant($u: String!, $o: String) { grant(user: $u, owner: $o) { owner grantee createdAt } }"): typeof import('./graphql.ts').GrantDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation IngestCatalogs($datasetType: String!, $collections: [String!]!, $where: String, $table: String, $append: Boolean) {\n    ingestCatalogs(datasetType: $datasetType, collections: $collections, where: $where, table: $table, append: $append) { table datasets rows unchanged }\n  }\n"): typeof import('./graphql.ts').IngestCatalogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation IngestRaws($i: String!, $r: String, $f: [RawFileInput!]!) { ingestRaws(instrument: $i, run: $r, files: $f) { run ingested visits detectors newVisits newDetectors } }"): typeof import('./graphql.ts').IngestRawsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query LoginCheck { me { name role } }\n"): typeof import('./graphql.ts').LoginCheckDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment JobIngestFields on JobIngest { jobId ingested measuredAt definitionChanges }\n"): typeof import('./graphql.ts').JobIngestFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ImportMetrics($files: [MetricsFileInput!]!) { importMetrics(files: $files) { metrics specifications problems } }"): typeof import('./graphql.ts').ImportMetricsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ImportDetectionConfigs($yaml: String!, $file: String) { importDetectionConfigs(yaml: $yaml, file: $file) }"): typeof import('./graphql.ts').ImportDetectionConfigsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Metrics($p: String) { metrics(package: $p) { name unit description } }"): typeof import('./graphql.ts').MetricsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PostJob($job: String!, $dataset: String!, $commit: String, $branch: String, $repo: String, $defs: Boolean) { postJob(job: $job, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo, importDefinitions: $defs) { ...JobIngestFields } }"): typeof import('./graphql.ts').PostJobDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation PostMeasurements($files: [MetricsFileInput!]!, $dataset: String!, $commit: String, $branch: String, $repo: String) { postMeasurements(files: $files, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo) { ...JobIngestFields } }"): typeof import('./graphql.ts').PostMeasurementsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Provenance($id: ID!) { provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel configHash status software { commit dirty } } } }"): typeof import('./graphql.ts').ProvenanceDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Prune($yes: Boolean, $runs: [String!]) {\n    prune(yes: $yes, runs: $runs) {\n      dryRun\n      bytesFreed\n      resumed\n      runs { run owner expiresAt datasets files bytes }\n      kept { run owner expiresAt reason detail }\n      worktrees { repo commit bytes }\n    }\n  }\n"): typeof import('./graphql.ts').PruneDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegressionsList($status: RegressionStatus, $metric: String) {\n    regressions(status: $status, metric: $metric) { id metric dataset branch dataId kind status firstBadCommit finding { delta relativeDelta } createdAt }\n  }\n"): typeof import('./graphql.ts').RegressionsListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RegressionDetail($id: Int!) {\n    regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { run } after { run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt }\n  }\n"): typeof import('./graphql.ts').RegressionDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SetRegressionStatusCli($id: Int!, $status: RegressionStatus!, $note: String) {\n    setRegressionStatus(id: $id, status: $status, note: $note) { id status note }\n  }\n"): typeof import('./graphql.ts').SetRegressionStatusCliDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReplayCompare($a: Int!, $b: Int!, $radius: Float) {\n    replayComparison(a: $a, b: $b, matchRadiusArcsec: $radius) {\n      a { id status instrument codeRef }\n      b { id status instrument codeRef }\n      warnings\n      differences { key a b }\n      commonVisits onlyInA onlyInB\n      deltas { name unit a b delta }\n      visits {\n        visit latencyDeltaMs alertsDelta alertsMatched alertsOnlyInA alertsOnlyInB\n        a { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n        b { stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n      }\n      alerts {\n        matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma\n        listedOnlyInA { visit diaSourceId ra dec psfFlux }\n        listedOnlyInB { visit diaSourceId ra dec psfFlux }\n      }\n    }\n  }\n"): typeof import('./graphql.ts').ReplayCompareDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ReplayStart($instrument: String!, $codeRef: String!, $inputs: [String!]!, $pipeline: String, $visits: [Float!], $speed: Float, $associationRadiusArcsec: Float) {\n    startReplay(instrument: $instrument, codeRef: $codeRef, inputs: $inputs, pipeline: $pipeline, visits: $visits, speed: $speed, associationRadiusArcsec: $associationRadiusArcsec) { id status alertSubject }\n  }\n"): typeof import('./graphql.ts').ReplayStartDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReplayState($id: Int!) {\n    replay(id: $id) {\n      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt\n      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n    }\n  }\n"): typeof import('./graphql.ts').ReplayStateDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReplayList($limit: Int) { replays(limit: $limit) { id owner status instrument codeRef speed createdAt endedAt visits { stage } } }\n"): typeof import('./graphql.ts').ReplayListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation AddRepo($url: String!, $name: String, $gh: String) { addRepo(url: $url, name: $name, githubFullName: $gh) { name url githubFullName defaultBranch fetchedAt } }"): typeof import('./graphql.ts').AddRepoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Repos { repos { name url githubFullName defaultBranch fetchedAt } }"): typeof import('./graphql.ts').ReposDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation FetchRepo($name: String!) { fetchRepo(name: $name) { name } }"): typeof import('./graphql.ts').FetchRepoDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Builds($repo: String, $status: BuildStatus) { builds(repo: $repo, status: $status) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }"): typeof import('./graphql.ts').BuildsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RequestBuild($repo: String!, $commit: String!, $ref: String, $pipeline: String, $dataset: String) { requestBuild(repo: $repo, commit: $commit, ref: $ref, pipeline: $pipeline, dataset: $dataset) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }"): typeof import('./graphql.ts').RequestBuildDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Build($id: Int!) { build(id: $id) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }"): typeof import('./graphql.ts').BuildDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation SubmitRun($pipelineFile: String!, $pipelineYaml: String, $inputs: [String!]!, $output: String!, $where: String, $bind: JSON, $config: JSON, $purpose: RunPurpose, $saveIntermediates: Boolean, $seed: Int, $expiresAt: DateTime) {\n    submitRun(pipelineFile: $pipelineFile, pipelineYaml: $pipelineYaml, inputs: $inputs, output: $output, where: $where, bind: $bind, config: $config, purpose: $purpose, saveIntermediates: $saveIntermediates, seed: $seed, expiresAt: $expiresAt) {\n      run { name progress { total } } skipped\n    }\n  }\n"): typeof import('./graphql.ts').SubmitRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation ResumeRun($name: String!) { resumeRun(name: $name) { name } }\n"): typeof import('./graphql.ts').ResumeRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation Rerun($id: ID!, $output: String!, $s: Boolean, $config: JSON) { rerun(datasetId: $id, output: $output, saveIntermediates: $s, config: $config) { name } }\n"): typeof import('./graphql.ts').RerunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunsList($owner: String, $status: RunStatus, $limit: Int) {\n    runs(owner: $owner, status: $status, limit: $limit) { name owner purpose status createdAt endedAt error progress { total succeeded failed blocked running pending } }\n  }\n"): typeof import('./graphql.ts').RunsListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Me { me { name } }\n"): typeof import('./graphql.ts').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunDetail($name: String!, $quanta: Int) {\n    run(name: $name) {\n      name owner purpose status pipelineFile inputs where executor error createdAt startedAt endedAt\n      progress { total pending running succeeded failed blocked }\n      quanta(limit: $quanta) { id taskLabel dataId status }\n      failed: quanta(status: failed, limit: 50) { id taskLabel dataId error log }\n    }\n  }\n"): typeof import('./graphql.ts').RunDetailDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunLogs($name: String!, $status: QuantumStatus, $limit: Int) {\n    run(name: $name) { quanta(status: $status, limit: $limit) { id taskLabel dataId status error log } }\n  }\n"): typeof import('./graphql.ts').RunLogsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query QuantumLog($id: ID!) { quantum(id: $id) { id run taskLabel dataId status error log } }\n"): typeof import('./graphql.ts').QuantumLogDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation CancelRun($name: String!) { cancelRun(name: $name) { name status } }\n"): typeof import('./graphql.ts').CancelRunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  mutation RunsResume($name: String!) { resumeRun(name: $name) { name status } }\n"): typeof import('./graphql.ts').RunsResumeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation GenerateSimCam($visits: Int, $bands: [String!], $seed: Int, $grid: [Int!], $size: Int) {\n            generateSimCam(visits: $visits, bands: $bands, seed: $seed, detectorGrid: $grid, detectorSizePx: $size) { visits detectors raws collections }\n          }"): typeof import('./graphql.ts').GenerateSimCamDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query Sql($query: String!, $collections: [String!]!, $limit: Int, $timeoutSeconds: Int) {\n    sql(query: $query, collections: $collections, limit: $limit, timeoutSeconds: $timeoutSeconds) {\n      columns { name type } rows truncated views { name files }\n    }\n  }\n"): typeof import('./graphql.ts').SqlDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Tokens($u: String, $a: Boolean) { tokens(user: $u, all: $a) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }"): typeof import('./graphql.ts').TokensDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateToken($n: String!, $u: String, $e: DateTime) { createToken(name: $n, user: $u, expiresAt: $e) { token id user expiresAt } }"): typeof import('./graphql.ts').CreateTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation RevokeToken($id: Int!) { revokeToken(id: $id) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }"): typeof import('./graphql.ts').RevokeTokenDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DisableUser($n: String!) { disableUser(name: $n) { name } }"): typeof import('./graphql.ts').DisableUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation EnableUser($n: String!) { enableUser(name: $n) { name } }"): typeof import('./graphql.ts').EnableUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Users { users { name role createdAt disabledAt } }"): typeof import('./graphql.ts').UsersDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateUser($n: String!, $r: Role!) { createUser(name: $n, role: $r) { name } }"): typeof import('./graphql.ts').CreateUserDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query RunState($name: String!) { run(name: $name) { name status error heartbeatAt progress { total pending running succeeded failed blocked } } }\n"): typeof import('./graphql.ts').RunStateDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
