import { limitDoc } from '../limits.ts';

/** Processing runs and their quanta (server/runs). */
export const runsTypeDefs = /* GraphQL */ `
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

  type RunSubmission {
    run: Run!
    "Quanta left out because their inputs cannot exist."
    skipped: Int!
  }

  extend type Query {
    run(name: String!): Run
    "Runs, newest first."
    runs(owner: String, status: RunStatus, ${limitDoc('Query.runs')} limit: Int): [Run!]!
    quantum(id: ID!): Quantum
  }

  extend type Mutation {
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
    "Resumes a run whose execution stopped: finished quanta are kept, the rest run."
    resumeRun(name: String!): Run!
    "Rebuilds the sub-pipeline that produced a dataset from its recorded inputs, as a new run."
    rerun(datasetId: ID!, output: String!, saveIntermediates: Boolean = false, config: JSON): Run!
  }
`;
