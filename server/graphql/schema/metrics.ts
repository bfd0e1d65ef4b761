/** Metrics, specifications, series, regressions and comparisons (server/metrics). */
export const metricsTypeDefs = /* GraphQL */ `
  enum RegressionStatus {
    open
    acknowledged
    fixed
    false_alarm
  }

  "Which detection method found a change."
  enum FindingKind {
    spec
    percent
    absolute
    zscore
    welch
    changepoint
  }

  "A metric's head against its base: worse, better, no significant change, or too little data (missing: one side has none)."
  enum ComparisonStatus {
    regression
    improvement
    unchanged
    insufficient
    missing
  }

  "An lsst.verify metric: package.metric, unit, description."
  type Metric {
    name: String!
    package: String!
    unit: String!
    description: String!
    tags: [String!]!
    reference: JSON!
    specifications: [Specification!]!
  }

  "A threshold specification (lsst.verify), inheritance resolved."
  type Specification {
    name: String!
    metricName: String!
    operator: String!
    value: Float!
    unit: String!
    metadataQuery: JSON!
    tags: [String!]!
  }

  "One file of a metrics package, by its path inside the package (relative, no ..)."
  input MetricsFileInput {
    path: String!
    text: String!
  }

  type MetricsImport {
    metrics: Int!
    specifications: Int!
    "Specs of metrics the package does not define, and specs defined twice."
    problems: [String!]!
  }

  type JobIngest {
    "The job's identity: a hash of its content (layout and whitespace do not count)."
    jobId: String!
    ingested: Int!
    "When the measurements were made: the job's meta.env.date when present, else the ingest time."
    measuredAt: DateTime!
    "With importDefinitions: the metrics and specifications the job added or changed, one line each."
    definitionChanges: [String!]!
  }

  "One commit of a series: its measurements aggregated (values in the series unit)."
  type SeriesPoint {
    commit: String!
    position: Int!
    n: Int!
    mean: Float!
    median: Float!
    std: Float
    min: Float!
    max: Float!
    values: [Float!]!
    "Runs that measured this commit."
    runs: [String!]!
    "Why the measurements behind this point count as they do (branch history or a developer's)."
    standingReasons: [String!]!
  }

  "branch: the branch's history (CI builds of clean commits, runs marked as such); developer: everything else."
  enum Standing {
    branch
    developer
  }

  type RunStanding {
    countsAs: Standing!
    reason: String!
  }

  type RunAgainstBranch {
    branch: String!
    standing: RunStanding!
    base: CompareSide!
    head: CompareSide!
    rows: [CompareRow!]!
  }

  type RegressionEvent {
    fromStatus: RegressionStatus!
    toStatus: RegressionStatus!
    actor: String!
    note: String!
    at: DateTime!
  }

  type Series {
    metric: String!
    dataset: String!
    branch: String!
    standing: Standing!
    "False when the metric has no definition: its points are shown but never judged."
    defined: Boolean!
    unit: String!
    "git: first-parent history order; time: no repository known."
    order: String!
    points: [SeriesPoint!]!
  }

  type ChangePoint {
    index: Int!
    commit: String!
    lastGoodCommit: String
    pValue: Float!
    meanBefore: Float!
    meanAfter: Float!
    magnitude: Float!
  }

  type Regression {
    id: Int!
    metric: String!
    dataset: String!
    branch: String!
    dataId: JSON!
    kind: FindingKind!
    status: RegressionStatus!
    firstBadCommit: String!
    lastGoodCommit: String
    finding: JSON!
    "Commits, config changes, input and calibration changes, changed quanta, data IDs that moved most."
    explanation: JSON
    note: String!
    "Triage steps, oldest first: who changed the status, when and why."
    history: [RegressionEvent!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type SpecStatus {
    spec: String!
    "Met by the pooled value and by every data ID (docs/metrics.md, Specifications)."
    base: Boolean
    head: Boolean
    "Head side: how many data IDs fail the spec."
    failingDataIds: Int!
    "Head side: the failing data ID farthest beyond the threshold."
    worstDataId: JSON
    worstValue: Float
  }

  type CompareRow {
    metric: String!
    unit: String!
    "Null for the metric aggregated over data IDs."
    dataId: JSON
    base: Float
    head: Float
    delta: Float
    relativeDelta: Float
    pValue: Float
    significant: Boolean!
    status: ComparisonStatus!
    specs: [SpecStatus!]!
  }

  type CompareSide {
    label: String!
    commit: String
    runs: [String!]!
  }

  type Comparison {
    base: CompareSide!
    head: CompareSide!
    rows: [CompareRow!]!
  }

  extend type Query {
    metrics(package: String): [Metric!]!
    specifications(metric: String): [Specification!]!
    "A metric on a dataset (and data ID) along a branch, one point per commit; in the history of repo (a tracked repository's name or GitHub owner/name), else of the repository the measurements record."
    series(metric: String!, dataset: String!, branch: String!, dataId: JSON, repo: String, standing: Standing = branch): Series!
    "A run against its branch's history at its commit (or the latest commit before it with a branch point); the branch's series is not touched."
    compareRunWithBranch(run: String!, branch: String): RunAgainstBranch!
    "E-divisive change points (as Apache Otava) of a series; defaults are Otava's."
    changePoints(metric: String!, dataset: String!, branch: String!, dataId: JSON, window: Int, maxPValue: Float, minMagnitude: Float): [ChangePoint!]!
    regressions(status: RegressionStatus, metric: String): [Regression!]!
    regression(id: Int!): Regression
    "Two runs, releases (TAGGED) or chains, metric by metric: head against base."
    compareRuns(base: String!, head: String!): Comparison!
    "A branch or tag against its merge base with base (default: the repository's default branch, main or master) on a dataset; repo (a tracked repository) orders commits, default the one the measurements record."
    compareRefs(dataset: String!, head: String!, base: String, repo: String): Comparison!
    detectionConfig(metric: String!): JSON!
  }

  extend type Mutation {
    """
    Imports a verify_metrics-style package sent as its files (metrics/<package>.yaml and
    specs/<package>/.../<name>.yaml); \`vera metrics import DIR\` reads a directory and sends it.
    """
    importMetrics(files: [MetricsFileInput!]!): MetricsImport!
    "Ingests an lsst.verify Job JSON (measurements, metrics, specs, meta) for a dataset at a commit of repo (a tracked repository's name or GitHub owner/name)."
    postJob(job: String!, dataset: String!, repo: String, commit: String, branch: String, importDefinitions: Boolean = false): JobIngest!
    "Ingests butler metricvalue YAML files (one lsst.verify.Measurement each) as one job; all files or none."
    postMeasurements(files: [MetricsFileInput!]!, dataset: String!, repo: String, commit: String, branch: String): JobIngest!
    "Runs detection on a series and records the regressions it finds, with explanations; repo as for series."
    scanSeries(metric: String!, dataset: String!, branch: String!, dataId: JSON, repo: String): [Regression!]!
    "Triage: acknowledge, mark fixed, reopen (open) or call a false alarm, saying why; recorded with who did it."
    setRegressionStatus(id: Int!, status: RegressionStatus!, note: String): Regression!
    "Marks a clean run as its branch's history (mark: false undoes it); its owner or an operator."
    markRunAsBranchHistory(run: String!, mark: Boolean = true): RunStanding!
    "Sets a metric's detection config (direction, specs, percent, absolute, zscore, welch, changepoints)."
    setDetectionConfig(metric: String!, config: JSON!): JSON!
    "Sets detection configs from YAML (metric name: config); all or nothing."
    importDetectionConfigs(yaml: String!, file: String): Int!
  }
`;
