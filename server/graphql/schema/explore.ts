import { LIST_LIMITS, limitDoc } from '../limits.ts';

/**
 * Schema for the web app: what has been measured (for pickers and the overview), raw
 * measurements (per data ID), releases (git tags) and dashboards. Extends the other domain modules.
 */
export const exploreTypeDefs = /* GraphQL */ `
  "A metric measured on a dataset along a branch label, as the runs recorded it."
  type MeasuredSeries {
    metric: String!
    dataset: String!
    branch: String
    "The git repository of the measured software, when known."
    repo: String
    measurements: Int!
    commits: Int!
    lastMeasuredAt: DateTime!
  }

  type SpecCheck {
    name: String!
    operator: String!
    "The threshold, in the metric's unit."
    value: Float!
    unit: String!
    "Met by the latest point and by each of its data IDs."
    pass: Boolean!
    failingDataIds: Int!
    "The failing data ID farthest beyond the threshold."
    worstDataId: JSON
    worstValue: Float
  }

  "How a value fares against the specifications that apply to it."
  enum SpecOutcome {
    "Every spec met."
    pass
    "Some specs met, not all."
    partial
    "No spec met."
    fail
    "No spec applies."
    none
  }

  "A metric's latest point on a branch against its specifications."
  type MetricSummary {
    metric: String!
    dataset: String!
    branch: String!
    unit: String!
    description: String!
    latest: Float!
    commit: String!
    position: Int!
    run: String
    n: Int!
    "The last point means, oldest first."
    sparkline: [Float!]!
    specs: [SpecCheck!]!
    status: SpecOutcome!
  }

  type Measurement {
    id: ID!
    metric: String!
    value: Float
    unit: String!
    dataset: String!
    dataId: JSON!
    commit: String
    branch: String
    run: String
    "The Measurement dataset that holds it (runs); null for posted jobs."
    datasetId: ID
    measuredAt: DateTime!
  }

  "A git tag of the pipeline code."
  type Release {
    tag: String!
    commit: String!
    date: DateTime
    subject: String!
    "Index of the commit in the branch's first-parent history; null when off it."
    position: Int
  }

  type Dashboard {
    slug: String!
    title: String!
    "Variables and rows of panels (see server/dashboards/model.ts)."
    definition: JSON!
    "Null for a builtin nobody has edited."
    owner: String
    builtin: Boolean!
    createdAt: DateTime!
    updatedAt: DateTime!
  }

  type DashboardDeletion {
    slug: String!
    "True when a builtin dashboard was restored to its shipped version instead of deleted."
    restored: Boolean!
  }

  enum TaskGraphNodeKind {
    task
    "A dataset type the run reads from outside itself."
    input
    "A dataset type the run produces."
    output
  }

  "A node of a run's task graph: a task, an input dataset type from outside the run, or a product."
  type TaskGraphNode {
    id: String!
    kind: TaskGraphNodeKind!
    label: String!
    "A task's quanta by status; null for dataset types."
    progress: RunProgress
    "Inputs: the collections their datasets come from."
    collections: [String!]!
  }

  type TaskGraphEdge {
    source: String!
    target: String!
    datasetTypes: [String!]!
  }

  "A run's tasks and how dataset types flow between them, from the quanta's plans."
  type TaskGraph {
    nodes: [TaskGraphNode!]!
    edges: [TaskGraphEdge!]!
  }

  extend type Run {
    taskGraph: TaskGraph!
  }

  extend type Specification {
    "The threshold in its metric's unit; null when the metric is unknown."
    metricUnitValue: Float
  }

  extend type Query {
    "Series that have measurements, optionally of one metric."
    measuredSeries(metric: String): [MeasuredSeries!]!
    "Distinct data IDs a metric was measured at on a dataset."
    measuredDataIds(metric: String!, dataset: String!, ${limitDoc('Query.measuredDataIds')} limit: Int): [JSON!]!
    "Every measured metric's latest value on a branch against its specifications, with a sparkline."
    metricOverview(branch: String = "master", ${limitDoc('Query.metricOverview')} points: Int = ${LIST_LIMITS['Query.metricOverview'].default}): [MetricSummary!]!
    "Measurements, newest first."
    measurements(metric: String, dataset: String, runs: [String!], datasetId: ID, commits: [String!], ${limitDoc('Query.measurements')} limit: Int = ${LIST_LIMITS['Query.measurements'].default}): [Measurement!]!
    "Tags of repo (a tracked repository's name or GitHub owner/name), or of the repository the measurements on dataset record; oldest first; with a branch, placed on its history."
    releases(repo: String, dataset: String, branch: String): [Release!]!
    dashboards: [Dashboard!]!
    dashboard(slug: String!): Dashboard
  }

  extend type Mutation {
    "Creates or replaces a dashboard (your own; admins: any)."
    saveDashboard(definition: JSON!): Dashboard!
    "Deletes a dashboard (your own; admins: any); a builtin one is restored to its shipped version."
    deleteDashboard(slug: String!): DashboardDeletion!
  }
`;
