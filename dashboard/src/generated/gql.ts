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
    "query MeasuredSeries($m: String) { measuredSeries(metric: $m) { metric dataset branch repo commits lastMeasuredAt } }": typeof types.MeasuredSeriesDocument,
    "query Me { me { name role } }": typeof types.MeDocument,
    "query BuildList($s: BuildStatus) { builds(status: $s, limit: 500) { id repo commit ref event prNumber status error regressions runs { name } createdAt updatedAt } }": typeof types.BuildListDocument,
    "query Build($id: Int!) {\n      build(id: $id) {\n        id repo commit ref event prNumber status error regressions regressedMetrics summaryMarkdown createdAt updatedAt\n        runs { name status progress { total succeeded failed } startedAt endedAt }\n        reports { id kind target state description status attempts lastError createdAt }\n        delivery { id event action status receivedAt }\n      }\n    }": typeof types.BuildDocument,
    "query DeliveryList($s: DeliveryStatus) { webhookDeliveries(status: $s, limit: 500) { id event action repository status attempts error receivedAt processedAt builds { id status } } }": typeof types.DeliveryListDocument,
    "\n  fragment ComparisonView on Comparison {\n    base { label commit runs } head { label commit runs }\n    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }\n  }\n": typeof types.ComparisonViewFragmentDoc,
    "\n  query CompareRuns($b: String!, $h: String!) { compare: compareRuns(base: $b, head: $h) { ...ComparisonView } }\n": typeof types.CompareRunsDocument,
    "\n  query CompareRefs($d: String!, $h: String!, $b: String) { compare: compareRefs(dataset: $d, head: $h, base: $b) { ...ComparisonView } }\n": typeof types.CompareRefsDocument,
    "query CompareRunNames { runs(limit: 100) { name } }": typeof types.CompareRunNamesDocument,
    "query CompareDefaultBranches { repos { name defaultBranch } }": typeof types.CompareDefaultBranchesDocument,
    "query CompareMeasurements($runs: [String!]) { measurements(runs: $runs, limit: 5000) { metric dataId datasetId } }": typeof types.CompareMeasurementsDocument,
    "query Dashboards { dashboards { slug title owner builtin updatedAt definition } }": typeof types.DashboardsDocument,
    "mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug } }": typeof types.SaveDashboardDocument,
    "query Dashboard($s: String!) { dashboard(slug: $s) { slug title owner builtin updatedAt definition } }": typeof types.DashboardDocument,
    "query Dataset($id: ID!) {\n      dataset(id: $id) { id datasetType run dataId path sizeBytes checksum createdAt }\n      provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel status startedAt endedAt host configHash software { commit dirty } } }\n      measurements(datasetId: $id) { metric value unit }\n    }": typeof types.DatasetDocument,
    "query LinkedCalexps($c: [String!]!, $w: String) { datasets(datasetType: \"calexp\", collections: $c, where: $w, limit: 500) { id dataId } }": typeof types.LinkedCalexpsDocument,
    "query LinkedColumns($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 1) { columns { name type } } }": typeof types.LinkedColumnsDocument,
    "query LinkedSources($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 20000) { rows } }": typeof types.LinkedSourcesDocument,
    "\n  query MetricSeries($m: String!, $d: String!, $b: String!, $id: JSON, $withChangePoints: Boolean!) {\n    series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { commit position n mean std runs } unmeasured { commit position values } }\n    changePoints(metric: $m, dataset: $d, branch: $b, dataId: $id) @include(if: $withChangePoints) { index commit lastGoodCommit pValue meanBefore meanAfter }\n  }\n": typeof types.MetricSeriesDocument,
    "query Metrics($m: String!, $d: String!) {\n      metrics { name unit description }\n      specifications(metric: $m) { name operator metricUnitValue }\n      regressions(metric: $m) { id kind status branch dataset dataId firstBadCommit }\n      measuredDataIds(metric: $m, dataset: $d)\n    }": typeof types.MetricsDocument,
    "query Releases($d: String!, $b: String!) { releases(dataset: $d, branch: $b) { tag commit position } }": typeof types.ReleasesDocument,
    "query OverviewHead { regressions(status: open) { id } runs(limit: 6) { name status purpose createdAt } }": typeof types.OverviewHeadDocument,
    "query OverviewMetrics($b: String!) { metricOverview(branch: $b, points: 30) { metric dataset unit description latest commit run n sparkline specs { name operator value pass failingDataIds worstDataId worstValue } status } }": typeof types.OverviewMetricsDocument,
    "query Regression($id: Int!) { regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } software { before { commit branch tag dirty } after { commit branch tag dirty } } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { id run } after { id run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt } }": typeof types.RegressionDocument,
    "query RegressionContext($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit points { commit position n mean std runs } } }": typeof types.RegressionContextDocument,
    "query RegressionMoved($m: String!, $r: [String!]) { measurements(metric: $m, runs: $r, limit: 5000) { dataId datasetId } }": typeof types.RegressionMovedDocument,
    "query RegressionList($s: RegressionStatus) { regressions(status: $s) { id metric dataset branch dataId kind status firstBadCommit createdAt finding { relativeDelta } } }": typeof types.RegressionListDocument,
    "\n  query ReplayView($id: Int!) {\n    replay(id: $id) {\n      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt\n      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n    }\n  }\n": typeof types.ReplayViewDocument,
    "query ReplayListView { replays(limit: 200) { id owner status instrument codeRef speed createdAt endedAt visits { stage latencyMs } } }": typeof types.ReplayListViewDocument,
    "query ReplayChoices { replays(limit: 200) { id codeRef status instrument } }": typeof types.ReplayChoicesDocument,
    "query ReplayComparisonView($a: Int!, $b: Int!) {\n          replayComparison(a: $a, b: $b) {\n            a { id codeRef visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } } }\n            b { id codeRef }\n            warnings differences { key a b } commonVisits onlyInA onlyInB\n            deltas { name unit a b delta }\n            alerts { matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma }\n            visits {\n              visit latencyDeltaMs alertsMatched alertsOnlyInA alertsOnlyInB\n              a { latencyMs diaSources newDiaObjects alerts timings { processMs } }\n              b { latencyMs diaSources newDiaObjects alerts timings { processMs } }\n            }\n          }\n        }": typeof types.ReplayComparisonViewDocument,
    "\n  fragment ProgressCounts on RunProgress { total pending running succeeded failed blocked }\n": typeof types.ProgressCountsFragmentDoc,
    "\n  fragment TaskGraphView on Run {\n    taskGraph { nodes { id kind label collections progress { total pending running succeeded failed blocked } } edges { source target datasetTypes } }\n  }\n": typeof types.TaskGraphViewFragmentDoc,
    "query Run($n: String!) {\n      run(name: $n) {\n        name owner purpose status pipelineFile inputs where configOverrides software { commit branch tag dirty repo } executor error createdAt startedAt endedAt progress { ...ProgressCounts }\n        ...TaskGraphView\n        quanta(limit: 5000) { id taskLabel dataId status startedAt endedAt host peakMemoryBytes error outputs { id datasetType dataId } }\n      }\n      measurements(runs: [$n], limit: 5000) { metric value unit dataId datasetId }\n    }": typeof types.RunDocument,
    "query Quantum($id: ID!) { quantum(id: $id) { log error configHash } }": typeof types.QuantumDocument,
    "query RunProgressPoll($n: String!) { run(name: $n) { status endedAt progress { ...ProgressCounts } ...TaskGraphView } }": typeof types.RunProgressPollDocument,
    "query RunList($s: RunStatus) { runs(status: $s, limit: 500) { name owner purpose status inputs software { commit branch } createdAt startedAt endedAt progress { total succeeded failed } } }": typeof types.RunListDocument,
    "query SkyMapSummary($c: String!) { skyMap(collection: $c) { finestOrder orders { order pixels sources } hipsPath field: pixels(order: 2, limit: 200) { pixel count raDeg decDeg } } }": typeof types.SkyMapSummaryDocument,
    "query SkyMapPixels($c: String!, $o: Int!, $wo: Int, $wp: Float) { skyMap(collection: $c) { pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 20000) { pixel count meanFlux rmsFlux raDeg decDeg } } }": typeof types.SkyMapPixelsDocument,
    "mutation SetRegressionStatus($id: Int!, $s: RegressionStatus!, $n: String) { setRegressionStatus(id: $id, status: $s, note: $n) { status } }": typeof types.SetRegressionStatusDocument,
    "query PanelSeries($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { position mean runs } } }": typeof types.PanelSeriesDocument,
    "query PanelOverview($b: String!) { metricOverview(branch: $b, points: 1) { metric dataset latest unit status } }": typeof types.PanelOverviewDocument,
    "query PanelRegressions($s: RegressionStatus, $m: String) { regressions(status: $s, metric: $m) { id metric kind status branch } }": typeof types.PanelRegressionsDocument,
    "query PanelRuns($s: RunStatus, $l: Int) { runs(status: $s, limit: $l) { name status createdAt } }": typeof types.PanelRunsDocument,
    "query PanelSeriesPoints($m: String!, $d: String!, $b: String!) { series(metric: $m, dataset: $d, branch: $b) { unit points { commit position } } }": typeof types.PanelSeriesPointsDocument,
    "query PanelMeasurements($m: String!, $d: String!, $c: [String!]) { measurements(metric: $m, dataset: $d, commits: $c, limit: 20000) { value dataId commit } }": typeof types.PanelMeasurementsDocument,
    "query MeasuredDataIds($m: String!, $d: String!) { measuredDataIds(metric: $m, dataset: $d) }": typeof types.MeasuredDataIdsDocument,
};
const documents: Documents = {
    "query MeasuredSeries($m: String) { measuredSeries(metric: $m) { metric dataset branch repo commits lastMeasuredAt } }": types.MeasuredSeriesDocument,
    "query Me { me { name role } }": types.MeDocument,
    "query BuildList($s: BuildStatus) { builds(status: $s, limit: 500) { id repo commit ref event prNumber status error regressions runs { name } createdAt updatedAt } }": types.BuildListDocument,
    "query Build($id: Int!) {\n      build(id: $id) {\n        id repo commit ref event prNumber status error regressions regressedMetrics summaryMarkdown createdAt updatedAt\n        runs { name status progress { total succeeded failed } startedAt endedAt }\n        reports { id kind target state description status attempts lastError createdAt }\n        delivery { id event action status receivedAt }\n      }\n    }": types.BuildDocument,
    "query DeliveryList($s: DeliveryStatus) { webhookDeliveries(status: $s, limit: 500) { id event action repository status attempts error receivedAt processedAt builds { id status } } }": types.DeliveryListDocument,
    "\n  fragment ComparisonView on Comparison {\n    base { label commit runs } head { label commit runs }\n    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }\n  }\n": types.ComparisonViewFragmentDoc,
    "\n  query CompareRuns($b: String!, $h: String!) { compare: compareRuns(base: $b, head: $h) { ...ComparisonView } }\n": types.CompareRunsDocument,
    "\n  query CompareRefs($d: String!, $h: String!, $b: String) { compare: compareRefs(dataset: $d, head: $h, base: $b) { ...ComparisonView } }\n": types.CompareRefsDocument,
    "query CompareRunNames { runs(limit: 100) { name } }": types.CompareRunNamesDocument,
    "query CompareDefaultBranches { repos { name defaultBranch } }": types.CompareDefaultBranchesDocument,
    "query CompareMeasurements($runs: [String!]) { measurements(runs: $runs, limit: 5000) { metric dataId datasetId } }": types.CompareMeasurementsDocument,
    "query Dashboards { dashboards { slug title owner builtin updatedAt definition } }": types.DashboardsDocument,
    "mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug } }": types.SaveDashboardDocument,
    "query Dashboard($s: String!) { dashboard(slug: $s) { slug title owner builtin updatedAt definition } }": types.DashboardDocument,
    "query Dataset($id: ID!) {\n      dataset(id: $id) { id datasetType run dataId path sizeBytes checksum createdAt }\n      provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel status startedAt endedAt host configHash software { commit dirty } } }\n      measurements(datasetId: $id) { metric value unit }\n    }": types.DatasetDocument,
    "query LinkedCalexps($c: [String!]!, $w: String) { datasets(datasetType: \"calexp\", collections: $c, where: $w, limit: 500) { id dataId } }": types.LinkedCalexpsDocument,
    "query LinkedColumns($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 1) { columns { name type } } }": types.LinkedColumnsDocument,
    "query LinkedSources($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 20000) { rows } }": types.LinkedSourcesDocument,
    "\n  query MetricSeries($m: String!, $d: String!, $b: String!, $id: JSON, $withChangePoints: Boolean!) {\n    series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { commit position n mean std runs } unmeasured { commit position values } }\n    changePoints(metric: $m, dataset: $d, branch: $b, dataId: $id) @include(if: $withChangePoints) { index commit lastGoodCommit pValue meanBefore meanAfter }\n  }\n": types.MetricSeriesDocument,
    "query Metrics($m: String!, $d: String!) {\n      metrics { name unit description }\n      specifications(metric: $m) { name operator metricUnitValue }\n      regressions(metric: $m) { id kind status branch dataset dataId firstBadCommit }\n      measuredDataIds(metric: $m, dataset: $d)\n    }": types.MetricsDocument,
    "query Releases($d: String!, $b: String!) { releases(dataset: $d, branch: $b) { tag commit position } }": types.ReleasesDocument,
    "query OverviewHead { regressions(status: open) { id } runs(limit: 6) { name status purpose createdAt } }": types.OverviewHeadDocument,
    "query OverviewMetrics($b: String!) { metricOverview(branch: $b, points: 30) { metric dataset unit description latest commit run n sparkline specs { name operator value pass failingDataIds worstDataId worstValue } status } }": types.OverviewMetricsDocument,
    "query Regression($id: Int!) { regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } software { before { commit branch tag dirty } after { commit branch tag dirty } } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { id run } after { id run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt } }": types.RegressionDocument,
    "query RegressionContext($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit points { commit position n mean std runs } } }": types.RegressionContextDocument,
    "query RegressionMoved($m: String!, $r: [String!]) { measurements(metric: $m, runs: $r, limit: 5000) { dataId datasetId } }": types.RegressionMovedDocument,
    "query RegressionList($s: RegressionStatus) { regressions(status: $s) { id metric dataset branch dataId kind status firstBadCommit createdAt finding { relativeDelta } } }": types.RegressionListDocument,
    "\n  query ReplayView($id: Int!) {\n    replay(id: $id) {\n      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt\n      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n    }\n  }\n": types.ReplayViewDocument,
    "query ReplayListView { replays(limit: 200) { id owner status instrument codeRef speed createdAt endedAt visits { stage latencyMs } } }": types.ReplayListViewDocument,
    "query ReplayChoices { replays(limit: 200) { id codeRef status instrument } }": types.ReplayChoicesDocument,
    "query ReplayComparisonView($a: Int!, $b: Int!) {\n          replayComparison(a: $a, b: $b) {\n            a { id codeRef visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } } }\n            b { id codeRef }\n            warnings differences { key a b } commonVisits onlyInA onlyInB\n            deltas { name unit a b delta }\n            alerts { matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma }\n            visits {\n              visit latencyDeltaMs alertsMatched alertsOnlyInA alertsOnlyInB\n              a { latencyMs diaSources newDiaObjects alerts timings { processMs } }\n              b { latencyMs diaSources newDiaObjects alerts timings { processMs } }\n            }\n          }\n        }": types.ReplayComparisonViewDocument,
    "\n  fragment ProgressCounts on RunProgress { total pending running succeeded failed blocked }\n": types.ProgressCountsFragmentDoc,
    "\n  fragment TaskGraphView on Run {\n    taskGraph { nodes { id kind label collections progress { total pending running succeeded failed blocked } } edges { source target datasetTypes } }\n  }\n": types.TaskGraphViewFragmentDoc,
    "query Run($n: String!) {\n      run(name: $n) {\n        name owner purpose status pipelineFile inputs where configOverrides software { commit branch tag dirty repo } executor error createdAt startedAt endedAt progress { ...ProgressCounts }\n        ...TaskGraphView\n        quanta(limit: 5000) { id taskLabel dataId status startedAt endedAt host peakMemoryBytes error outputs { id datasetType dataId } }\n      }\n      measurements(runs: [$n], limit: 5000) { metric value unit dataId datasetId }\n    }": types.RunDocument,
    "query Quantum($id: ID!) { quantum(id: $id) { log error configHash } }": types.QuantumDocument,
    "query RunProgressPoll($n: String!) { run(name: $n) { status endedAt progress { ...ProgressCounts } ...TaskGraphView } }": types.RunProgressPollDocument,
    "query RunList($s: RunStatus) { runs(status: $s, limit: 500) { name owner purpose status inputs software { commit branch } createdAt startedAt endedAt progress { total succeeded failed } } }": types.RunListDocument,
    "query SkyMapSummary($c: String!) { skyMap(collection: $c) { finestOrder orders { order pixels sources } hipsPath field: pixels(order: 2, limit: 200) { pixel count raDeg decDeg } } }": types.SkyMapSummaryDocument,
    "query SkyMapPixels($c: String!, $o: Int!, $wo: Int, $wp: Float) { skyMap(collection: $c) { pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 20000) { pixel count meanFlux rmsFlux raDeg decDeg } } }": types.SkyMapPixelsDocument,
    "mutation SetRegressionStatus($id: Int!, $s: RegressionStatus!, $n: String) { setRegressionStatus(id: $id, status: $s, note: $n) { status } }": types.SetRegressionStatusDocument,
    "query PanelSeries($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { position mean runs } } }": types.PanelSeriesDocument,
    "query PanelOverview($b: String!) { metricOverview(branch: $b, points: 1) { metric dataset latest unit status } }": types.PanelOverviewDocument,
    "query PanelRegressions($s: RegressionStatus, $m: String) { regressions(status: $s, metric: $m) { id metric kind status branch } }": types.PanelRegressionsDocument,
    "query PanelRuns($s: RunStatus, $l: Int) { runs(status: $s, limit: $l) { name status createdAt } }": types.PanelRunsDocument,
    "query PanelSeriesPoints($m: String!, $d: String!, $b: String!) { series(metric: $m, dataset: $d, branch: $b) { unit points { commit position } } }": types.PanelSeriesPointsDocument,
    "query PanelMeasurements($m: String!, $d: String!, $c: [String!]) { measurements(metric: $m, dataset: $d, commits: $c, limit: 20000) { value dataId commit } }": types.PanelMeasurementsDocument,
    "query MeasuredDataIds($m: String!, $d: String!) { measuredDataIds(metric: $m, dataset: $d) }": types.MeasuredDataIdsDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MeasuredSeries($m: String) { measuredSeries(metric: $m) { metric dataset branch repo commits lastMeasuredAt } }"): typeof import('./graphql.ts').MeasuredSeriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Me { me { name role } }"): typeof import('./graphql.ts').MeDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query BuildList($s: BuildStatus) { builds(status: $s, limit: 500) { id repo commit ref event prNumber status error regressions runs { name } createdAt updatedAt } }"): typeof import('./graphql.ts').BuildListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Build($id: Int!) {\n      build(id: $id) {\n        id repo commit ref event prNumber status error regressions regressedMetrics summaryMarkdown createdAt updatedAt\n        runs { name status progress { total succeeded failed } startedAt endedAt }\n        reports { id kind target state description status attempts lastError createdAt }\n        delivery { id event action status receivedAt }\n      }\n    }"): typeof import('./graphql.ts').BuildDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query DeliveryList($s: DeliveryStatus) { webhookDeliveries(status: $s, limit: 500) { id event action repository status attempts error receivedAt processedAt builds { id status } } }"): typeof import('./graphql.ts').DeliveryListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ComparisonView on Comparison {\n    base { label commit runs } head { label commit runs }\n    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }\n  }\n"): typeof import('./graphql.ts').ComparisonViewFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareRuns($b: String!, $h: String!) { compare: compareRuns(base: $b, head: $h) { ...ComparisonView } }\n"): typeof import('./graphql.ts').CompareRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query CompareRefs($d: String!, $h: String!, $b: String) { compare: compareRefs(dataset: $d, head: $h, base: $b) { ...ComparisonView } }\n"): typeof import('./graphql.ts').CompareRefsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CompareRunNames { runs(limit: 100) { name } }"): typeof import('./graphql.ts').CompareRunNamesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CompareDefaultBranches { repos { name defaultBranch } }"): typeof import('./graphql.ts').CompareDefaultBranchesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query CompareMeasurements($runs: [String!]) { measurements(runs: $runs, limit: 5000) { metric dataId datasetId } }"): typeof import('./graphql.ts').CompareMeasurementsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dashboards { dashboards { slug title owner builtin updatedAt definition } }"): typeof import('./graphql.ts').DashboardsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug } }"): typeof import('./graphql.ts').SaveDashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dashboard($s: String!) { dashboard(slug: $s) { slug title owner builtin updatedAt definition } }"): typeof import('./graphql.ts').DashboardDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Dataset($id: ID!) {\n      dataset(id: $id) { id datasetType run dataId path sizeBytes checksum createdAt }\n      provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel status startedAt endedAt host configHash software { commit dirty } } }\n      measurements(datasetId: $id) { metric value unit }\n    }"): typeof import('./graphql.ts').DatasetDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LinkedCalexps($c: [String!]!, $w: String) { datasets(datasetType: \"calexp\", collections: $c, where: $w, limit: 500) { id dataId } }"): typeof import('./graphql.ts').LinkedCalexpsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LinkedColumns($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 1) { columns { name type } } }"): typeof import('./graphql.ts').LinkedColumnsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query LinkedSources($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 20000) { rows } }"): typeof import('./graphql.ts').LinkedSourcesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query MetricSeries($m: String!, $d: String!, $b: String!, $id: JSON, $withChangePoints: Boolean!) {\n    series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { commit position n mean std runs } unmeasured { commit position values } }\n    changePoints(metric: $m, dataset: $d, branch: $b, dataId: $id) @include(if: $withChangePoints) { index commit lastGoodCommit pValue meanBefore meanAfter }\n  }\n"): typeof import('./graphql.ts').MetricSeriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Metrics($m: String!, $d: String!) {\n      metrics { name unit description }\n      specifications(metric: $m) { name operator metricUnitValue }\n      regressions(metric: $m) { id kind status branch dataset dataId firstBadCommit }\n      measuredDataIds(metric: $m, dataset: $d)\n    }"): typeof import('./graphql.ts').MetricsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Releases($d: String!, $b: String!) { releases(dataset: $d, branch: $b) { tag commit position } }"): typeof import('./graphql.ts').ReleasesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OverviewHead { regressions(status: open) { id } runs(limit: 6) { name status purpose createdAt } }"): typeof import('./graphql.ts').OverviewHeadDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query OverviewMetrics($b: String!) { metricOverview(branch: $b, points: 30) { metric dataset unit description latest commit run n sparkline specs { name operator value pass failingDataIds worstDataId worstValue } status } }"): typeof import('./graphql.ts').OverviewMetricsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Regression($id: Int!) { regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } software { before { commit branch tag dirty } after { commit branch tag dirty } } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { id run } after { id run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt } }"): typeof import('./graphql.ts').RegressionDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RegressionContext($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit points { commit position n mean std runs } } }"): typeof import('./graphql.ts').RegressionContextDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RegressionMoved($m: String!, $r: [String!]) { measurements(metric: $m, runs: $r, limit: 5000) { dataId datasetId } }"): typeof import('./graphql.ts').RegressionMovedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RegressionList($s: RegressionStatus) { regressions(status: $s) { id metric dataset branch dataId kind status firstBadCommit createdAt finding { relativeDelta } } }"): typeof import('./graphql.ts').RegressionListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  query ReplayView($id: Int!) {\n    replay(id: $id) {\n      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt\n      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }\n    }\n  }\n"): typeof import('./graphql.ts').ReplayViewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReplayListView { replays(limit: 200) { id owner status instrument codeRef speed createdAt endedAt visits { stage latencyMs } } }"): typeof import('./graphql.ts').ReplayListViewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReplayChoices { replays(limit: 200) { id codeRef status instrument } }"): typeof import('./graphql.ts').ReplayChoicesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query ReplayComparisonView($a: Int!, $b: Int!) {\n          replayComparison(a: $a, b: $b) {\n            a { id codeRef visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } } }\n            b { id codeRef }\n            warnings differences { key a b } commonVisits onlyInA onlyInB\n            deltas { name unit a b delta }\n            alerts { matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma }\n            visits {\n              visit latencyDeltaMs alertsMatched alertsOnlyInA alertsOnlyInB\n              a { latencyMs diaSources newDiaObjects alerts timings { processMs } }\n              b { latencyMs diaSources newDiaObjects alerts timings { processMs } }\n            }\n          }\n        }"): typeof import('./graphql.ts').ReplayComparisonViewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment ProgressCounts on RunProgress { total pending running succeeded failed blocked }\n"): typeof import('./graphql.ts').ProgressCountsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "\n  fragment TaskGraphView on Run {\n    taskGraph { nodes { id kind label collections progress { total pending running succeeded failed blocked } } edges { source target datasetTypes } }\n  }\n"): typeof import('./graphql.ts').TaskGraphViewFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Run($n: String!) {\n      run(name: $n) {\n        name owner purpose status pipelineFile inputs where configOverrides software { commit branch tag dirty repo } executor error createdAt startedAt endedAt progress { ...ProgressCounts }\n        ...TaskGraphView\n        quanta(limit: 5000) { id taskLabel dataId status startedAt endedAt host peakMemoryBytes error outputs { id datasetType dataId } }\n      }\n      measurements(runs: [$n], limit: 5000) { metric value unit dataId datasetId }\n    }"): typeof import('./graphql.ts').RunDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Quantum($id: ID!) { quantum(id: $id) { log error configHash } }"): typeof import('./graphql.ts').QuantumDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RunProgressPoll($n: String!) { run(name: $n) { status endedAt progress { ...ProgressCounts } ...TaskGraphView } }"): typeof import('./graphql.ts').RunProgressPollDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query RunList($s: RunStatus) { runs(status: $s, limit: 500) { name owner purpose status inputs software { commit branch } createdAt startedAt endedAt progress { total succeeded failed } } }"): typeof import('./graphql.ts').RunListDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SkyMapSummary($c: String!) { skyMap(collection: $c) { finestOrder orders { order pixels sources } hipsPath field: pixels(order: 2, limit: 200) { pixel count raDeg decDeg } } }"): typeof import('./graphql.ts').SkyMapSummaryDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query SkyMapPixels($c: String!, $o: Int!, $wo: Int, $wp: Float) { skyMap(collection: $c) { pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 20000) { pixel count meanFlux rmsFlux raDeg decDeg } } }"): typeof import('./graphql.ts').SkyMapPixelsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetRegressionStatus($id: Int!, $s: RegressionStatus!, $n: String) { setRegressionStatus(id: $id, status: $s, note: $n) { status } }"): typeof import('./graphql.ts').SetRegressionStatusDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PanelSeries($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { position mean runs } } }"): typeof import('./graphql.ts').PanelSeriesDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PanelOverview($b: String!) { metricOverview(branch: $b, points: 1) { metric dataset latest unit status } }"): typeof import('./graphql.ts').PanelOverviewDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PanelRegressions($s: RegressionStatus, $m: String) { regressions(status: $s, metric: $m) { id metric kind status branch } }"): typeof import('./graphql.ts').PanelRegressionsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PanelRuns($s: RunStatus, $l: Int) { runs(status: $s, limit: $l) { name status createdAt } }"): typeof import('./graphql.ts').PanelRunsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PanelSeriesPoints($m: String!, $d: String!, $b: String!) { series(metric: $m, dataset: $d, branch: $b) { unit points { commit position } } }"): typeof import('./graphql.ts').PanelSeriesPointsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query PanelMeasurements($m: String!, $d: String!, $c: [String!]) { measurements(metric: $m, dataset: $d, commits: $c, limit: 20000) { value dataId commit } }"): typeof import('./graphql.ts').PanelMeasurementsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query MeasuredDataIds($m: String!, $d: String!) { measuredDataIds(metric: $m, dataset: $d) }"): typeof import('./graphql.ts').MeasuredDataIdsDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
