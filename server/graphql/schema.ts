import { limitDoc } from './limits.ts';

/**
 * The GraphQL schema. Resolvers (resolvers/*.ts) only parse, authorize and call server/<area>.
 * Names follow DESIGN.md §4: dataset type, collection, run, dimension, data ID.
 */
export const typeDefs = /* GraphQL */ `
  "Arbitrary JSON: data IDs, dimension records, bind values."
  scalar JSON
  "An instant, as an ISO 8601 string with a time zone (2026-11-01T02:00:00Z)."
  scalar DateTime

  enum CollectionType {
    RUN
    TAGGED
    CHAINED
    CALIBRATION
  }

  enum RunStatus {
    pending
    running
    succeeded
    failed
    partial
    cancelled
  }

  enum QuantumStatus {
    pending
    running
    succeeded
    failed
    blocked
  }

  enum BuildStatus {
    queued
    running
    succeeded
    failed
    error
  }

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

  enum GitRefKind {
    branch
    tag
  }

  enum Role {
    viewer
    developer
    operator
    admin
  }

  type User {
    id: Int!
    name: String!
    role: Role!
    createdAt: DateTime
    "Set when an admin disabled the user: their tokens are refused."
    disabledAt: DateTime
  }

  "An API token as its owner sees it: never the secret."
  type ApiToken {
    id: Int!
    user: String!
    name: String!
    "The first characters of the token, to tell tokens apart."
    prefix: String!
    createdAt: DateTime!
    lastUsedAt: DateTime
    expiresAt: DateTime
    revokedAt: DateTime
  }

  type Dimension {
    name: String!
    keyType: String!
    requires: [String!]!
    implies: [String!]!
    doc: String!
  }

  type StorageClass {
    name: String!
    extension: String!
    mediaType: String!
    doc: String!
  }

  type DatasetType {
    name: String!
    "Every dimension, required and implied, in universe order."
    dimensions: [String!]!
    "The data ID keys."
    requiredDimensions: [String!]!
    storageClass: String!
    isCalibration: Boolean!
  }

  type Collection {
    name: String!
    type: CollectionType!
    owner: String!
    doc: String!
    createdAt: DateTime!
    "Direct children in search order (CHAINED only)."
    children: [String!]!
    "Datasets held directly: written to a RUN, tagged, or certified."
    datasetCount: Int!
  }

  type Dataset {
    id: ID!
    datasetType: String!
    run: String!
    "Values of the type's required dimensions."
    dataId: JSON!
    "Required and implied dimension values."
    dims: JSON!
    "Relative to the datastore root."
    path: String!
    sizeBytes: Float!
    checksum: String!
    quantumId: ID
    "The quantum that produced it; null for ingested datasets."
    producer: Quantum
    createdAt: DateTime!
    "Validity of the certification the dataset was found through (CALIBRATION collections)."
    validFrom: DateTime
    validTo: DateTime
  }

  enum RunPurpose {
    ci
    developer
    operator
    replay
  }

  "The version of the pipeline code a run or quantum ran."
  type SoftwareVersion {
    "Where the code was checked out (a tracked repository's mirror, or a local checkout)."
    repo: String!
    commit: String
    branch: String
    tag: String
    "Whether the checkout had uncommitted changes."
    dirty: Boolean!
    "SHA-256 of the uncommitted changes, so two dirty runs can be told apart."
    diffHash: String
  }

  type RunProgress {
    total: Int!
    pending: Int!
    running: Int!
    succeeded: Int!
    failed: Int!
    blocked: Int!
  }

  """
  Where a quantum's time went, in milliseconds: waiting for a worker after being handed to the
  executor, reading and decoding its input files, the task's own computation, encoding its outputs,
  and writing the output files with their checksums.
  """
  type QuantumTimings {
    queueMs: Float!
    readMs: Float!
    decodeMs: Float!
    computeMs: Float!
    encodeMs: Float!
    writeMs: Float!
  }

  "A task's quanta in one run: how many ran, and their time per phase summed, registration included."
  type TaskTimings {
    taskLabel: String!
    quanta: Int!
    queueMs: Float!
    readMs: Float!
    decodeMs: Float!
    computeMs: Float!
    encodeMs: Float!
    writeMs: Float!
    "Recording the outputs and provenance in the database."
    registerMs: Float!
  }

  "A processing run: a pipeline executed on input collections into its own RUN collection."
  type Run {
    name: String!
    owner: String!
    purpose: RunPurpose!
    status: RunStatus!
    pipelineFile: String!
    inputs: [String!]!
    where: String!
    configOverrides: JSON!
    "Commit, branch, tag and dirty flag of the pipeline code."
    software: SoftwareVersion
    executor: String!
    seed: Int!
    saveIntermediates: Boolean!
    error: String
    createdAt: DateTime!
    startedAt: DateTime
    endedAt: DateTime
    expiresAt: DateTime
    "Refreshed while a server executes the run; a running run whose heartbeat stopped moving lost its server."
    heartbeatAt: DateTime
    progress: RunProgress!
    "Per task, where the executed quanta's time went (summed over the run's executions, resumes included)."
    taskTimings: [TaskTimings!]!
    quanta(status: QuantumStatus, task: String, ${limitDoc('Run.quanta')} limit: Int): [Quantum!]!
  }

  "One execution of one task on one data ID, with its provenance."
  type Quantum {
    id: ID!
    run: String!
    taskLabel: String!
    taskClass: String
    dataId: JSON!
    status: QuantumStatus!
    config: JSON
    configHash: String
    software: SoftwareVersion
    executor: String
    host: String
    startedAt: DateTime
    endedAt: DateTime
    peakMemoryBytes: Float
    "Recorded for quanta executed by Vera; null for imported provenance."
    timings: QuantumTimings
    log: String
    error: String
    inputs: [Dataset!]!
    outputs: [Dataset!]!
  }

  type ProvenanceStep {
    dataset: Dataset!
    "False for intermediates whose file was not kept."
    stored: Boolean!
    quantum: Quantum
    inputIds: [ID!]!
  }

  type RunSubmission {
    run: Run!
    "Quanta left out because their inputs cannot exist."
    skipped: Int!
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

  "A git repository Vera tracks (a bare mirror)."
  type Repo {
    name: String!
    url: String!
    githubFullName: String
    defaultBranch: String!
    fetchedAt: DateTime
    refs: [GitRef!]!
  }

  type GitRef {
    name: String!
    kind: GitRefKind!
    sha: String!
  }

  "A CI build: a commit on a ref, its runs, and what they showed."
  type Build {
    id: Int!
    repo: String!
    commit: String!
    ref: String!
    event: String!
    prNumber: Int
    status: BuildStatus!
    error: String
    "Metrics that regressed against the base, once the build has finished."
    regressions: Int
    "Names of the metrics that regressed."
    regressedMetrics: [String!]
    "The comparison as Markdown (what the PR comment and the Action's step summary show)."
    summaryMarkdown: String
    runs: [Run!]!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  "A raw file sent by its content: the server takes no paths, and may be on another machine."
  input RawFileInput {
    "The file's name as the user knows it; problems name it."
    name: String!
    contentBase64: String!
  }

  type RawIngest {
    run: String!
    ingested: Int!
    "Visit ids (Float: they exceed 32 bits, e.g. day_obs * 100000 + sequence)."
    visits: [Float!]!
    detectors: [Int!]!
    "Visit and detector records created; the others were already there and matched the headers."
    newVisits: Int!
    newDetectors: Int!
  }

  type SimCamSummary {
    visits: Int!
    detectors: Int!
    raws: Int!
    collections: [String!]!
  }

  type CreatedToken {
    "Shown once; Vera stores only its hash."
    token: String!
    prefix: String!
    user: String!
    id: Int!
    expiresAt: DateTime
  }

  type Query {
    "The user the request acts as."
    me: User!
    users: [User!]!
    "Your API tokens; admins: another user's (user), or everyone's (all)."
    tokens(user: String, all: Boolean = false): [ApiToken!]!
    dimensions: [Dimension!]!
    storageClasses: [StorageClass!]!
    dimensionRecords(dimension: String!, dataId: JSON): [JSON!]!
    "The repository as a \`butler export\` YAML file: dimension records, the collections (default all), their dataset types and datasets."
    butlerExport(collections: [String!]): String!
    datasetTypes: [DatasetType!]!
    datasetType(name: String!): DatasetType
    "Collections, optionally filtered by a glob (* and ?) and types."
    collections(pattern: String, types: [CollectionType!]): [Collection!]!
    collection(name: String!): Collection
    """
    Datasets of a type in a collection search path (chains expand in order; the first collection
    with a dataset for a data ID wins unless findFirst is false), filtered by a where expression
    over dimensions, e.g. "band IN ('g', 'r') AND visit > :v" with bind {"v": 10}.
    """
    datasets(
      datasetType: String!
      collections: [String!]!
      where: String
      bind: JSON
      time: DateTime
      findFirst: Boolean = true
      ${limitDoc('Query.datasets')}
      limit: Int
    ): [Dataset!]!
    dataset(id: ID!): Dataset
    run(name: String!): Run
    "Runs, newest first."
    runs(owner: String, status: RunStatus, ${limitDoc('Query.runs')} limit: Int): [Run!]!
    quantum(id: ID!): Quantum
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
    "Two runs, metric by metric: head against base."
    compareRuns(base: String!, head: String!): Comparison!
    "A branch or tag against its merge base with base (default: the repository's default branch, main or master) on a dataset; repo (a tracked repository) orders commits, default the one the measurements record."
    compareRefs(dataset: String!, head: String!, base: String, repo: String): Comparison!
    detectionConfig(metric: String!): JSON!
    repos: [Repo!]!
    builds(repo: String, status: BuildStatus, ${limitDoc('Query.builds')} limit: Int): [Build!]!
    build(id: Int!): Build
    "From a dataset back to raw data: each dataset with the quantum that produced it."
    provenance(datasetId: ID!): [ProvenanceStep!]!
  }

  type ButlerImportRecords {
    element: String!
    count: Int!
    "False for elements Vera keeps only as Butler records (no table of its own)."
    veraTable: Boolean!
  }

  type ButlerImport {
    records: [ButlerImportRecords!]!
    "Fields with no Vera column, kept for export (element.field)."
    keptFields: [String!]!
    collections: Int!
    datasetTypes: Int!
    datasets: Int!
    filesCopied: Int!
  }

  type Mutation {
    registerDatasetType(name: String!, dimensions: [String!]!, storageClass: String!, isCalibration: Boolean = false): DatasetType!
    createCollection(name: String!, type: CollectionType!, doc: String): Collection!
    "Creates a CHAINED collection or replaces its children."
    setChain(name: String!, children: [String!]!, doc: String): Collection!
    tagDatasets(collection: String!, datasetIds: [ID!]!): Collection!
    untagDatasets(collection: String!, datasetIds: [ID!]!): Collection!
    certifyDatasets(collection: String!, datasetIds: [ID!]!, validFrom: DateTime, validTo: DateTime): Collection!
    insertDimensionRecords(dimension: String!, records: [JSON!]!, skipExisting: Boolean = false): Int!
    """
    Imports a \`butler export\` YAML file (operators), all or nothing: dimension records, collections, dataset
    types, datasets, associations. \`universe\` is the text of a daf_butler dimensions.yaml, needed for elements
    Vera has no table for; \`datastoreRoot\` a server directory inside VERA_IMPORT_ROOTS holding the files.
    """
    importButlerExport(yaml: String!, file: String, universe: String, universeFile: String, datastoreRoot: String): ButlerImport!
    createUser(name: String!, role: Role!): User!
    "A new API token for yourself, or (admins) for another user; it stops working at expiresAt."
    createToken(name: String!, user: String, expiresAt: DateTime): CreatedToken!
    "Revokes a token at once (your own; admins: anyone's)."
    revokeToken(id: Int!): ApiToken!
    "Disables a user: their tokens are refused from the next request on (admins)."
    disableUser(name: String!): User!
    "Enables a disabled user again (admins)."
    enableUser(name: String!): User!
    """
    Creates a run of a pipeline and starts executing it; poll run(name) for progress.
    pipelineFile names the pipeline inside a pipeline root (Vera's checkout or
    VERA_PIPELINE_ROOTS), relative to a root or absolute; it is read there unless pipelineYaml
    sends its text, and its task classes resolve relative to it. config: {task: {field: value}}.
    """
    submitRun(
      pipelineFile: String!
      pipelineYaml: String
      inputs: [String!]!
      output: String!
      where: String
      bind: JSON
      config: JSON
      purpose: RunPurpose = developer
      saveIntermediates: Boolean = false
      seed: Int = 0
      expiresAt: DateTime
    ): RunSubmission!
    "Generates the SimCam synthetic instrument's data: raws, truth, refcat, calibrations, skymap (operators)."
    generateSimCam(visits: Int = 12, bands: [String!] = ["g", "r", "i"], seed: Int = 1, detectorGrid: [Int!], detectorSizePx: Int): SimCamSummary!
    """
    Ingests raw FITS files of an instrument (operators): its definition maps header keywords to
    visit, detector, filter and day records. All files or none: a bad file refuses the request
    with every problem listed per file. Default run: <instrument>/raw/all.
    """
    ingestRaws(instrument: String!, run: String, files: [RawFileInput!]!): RawIngest!
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
    "Tracks a git repository (URL or path): a bare mirror under VERA_HOME (operators)."
    addRepo(url: String!, name: String, githubFullName: String): Repo!
    fetchRepo(name: String!): Repo!
    """
    Builds a commit of a tracked repository (by name, or GitHub owner/name): the runs its vera.yaml
    lists for the event, or the given pipeline on the given dataset. One build per commit and ref.
    """
    requestBuild(repo: String!, commit: String!, ref: String, event: String = "api", prNumber: Int, headBranch: String, pipeline: String, dataset: String): Build!
    "Resumes a run whose execution stopped: finished quanta are kept, the rest run."
    resumeRun(name: String!): Run!
    "Rebuilds the sub-pipeline that produced a dataset from its recorded inputs, as a new run."
    rerun(datasetId: ID!, output: String!, saveIntermediates: Boolean = false, config: JSON): Run!
  }
`;
