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
    order: SeriesOrder!
    points: [SeriesPoint!]!
    "Commits whose measurements could not be made (NaN, infinities): failed points, apart from the statistics."
    unmeasured: [UnmeasuredPoint!]!
  }

  enum SeriesOrder {
    "The branch's first-parent history."
    git
    "No repository known: when each commit was first measured."
    time
  }

  type UnmeasuredPoint {
    commit: String!
    position: Int!
    "Measurements at this commit with no finite value."
    n: Int!
    "NaN, Infinity, -Infinity, or null (no value recorded)."
    values: [String!]!
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

  enum ChangeDirection {
    regression
    improvement
  }

  "What one detection method saw, in the series unit."
  type Evidence {
    kind: FindingKind!
    "The reference the change is measured from: a window's mean or median, the segment before, or the spec's threshold (spec)."
    baseline: Float!
    "The changed value: the first bad point, or the mean of the window or segment after."
    value: Float!
    "value − baseline."
    delta: Float!
    "delta / |baseline| (0.1 = 10 %); null when the baseline is 0."
    relativeDelta: Float
    "Two-sided p-value (zscore, welch: Student t; changepoint: Otava's)."
    pValue: Float
    zScore: Float
    "Otava's change magnitude (changepoint)."
    magnitude: Float
    "Fully qualified specification name (spec)."
    spec: String
    direction: ChangeDirection!
    message: String!
  }

  "A detected change: the strongest evidence at one point of a series, and who else saw it."
  type Finding {
    kind: FindingKind!
    baseline: Float!
    value: Float!
    delta: Float!
    "delta / |baseline|; null when the baseline is 0."
    relativeDelta: Float
    pValue: Float
    zScore: Float
    magnitude: Float
    spec: String
    direction: ChangeDirection!
    message: String!
    "Index (into the series points) of the first bad point."
    index: Int!
    "Index of the last good point; null when the series starts bad."
    lastGoodIndex: Int
    commit: String!
    lastGoodCommit: String
    "Other methods that found a change at the same point in the same direction, strongest first."
    alsoFoundBy: [Evidence!]!
  }

  type ExplainedCommit {
    sha: String!
    author: String!
    "Author date, ISO 8601."
    date: String!
    subject: String!
  }

  type SoftwareChange {
    before: SoftwareVersion
    after: SoftwareVersion
  }

  "A leaf field of a task's config that differs; before and after are the config values (any JSON)."
  type ConfigChange {
    task: String!
    "Dotted path inside the task's config."
    field: String!
    before: JSON
    after: JSON
  }

  type InputCollections {
    before: [String!]!
    after: [String!]!
  }

  type InputVersion {
    id: ID!
    run: String!
    checksum: String!
  }

  "An input dataset (raw, calibration, another run's output) that differs between the two runs."
  type InputChange {
    datasetType: String!
    dataId: JSON!
    isCalibration: Boolean!
    before: InputVersion
    after: InputVersion
  }

  "A task's quanta, matched by data ID: how many produced different bytes."
  type QuantumChange {
    task: String!
    total: Int!
    changed: Int!
  }

  "A data ID's value of the metric in the good and the bad run."
  type DataIdMove {
    dataId: JSON!
    before: Float
    after: Float
    delta: Float
  }

  "What differed between the last good and the first bad point of a series."
  type Explanation {
    goodRun: String
    badRun: String
    "Commits between the two points, oldest first."
    commits: [ExplainedCommit!]!
    software: SoftwareChange!
    configChanges: [ConfigChange!]!
    "Null when a run did not record them."
    inputCollections: InputCollections
    inputChanges: [InputChange!]!
    quanta: [QuantumChange!]!
    "Data IDs where the metric moved most, largest first."
    dataIds: [DataIdMove!]!
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
    "What the strongest detection method saw at the first bad commit."
    finding: Finding!
    "Commits, config changes, input and calibration changes, changed quanta, data IDs that moved most."
    explanation: Explanation
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
