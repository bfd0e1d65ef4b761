import { limitDoc } from '../limits.ts';

/** Tracked git repositories and CI builds (server/ci). */
export const ciTypeDefs = /* GraphQL */ `
  enum BuildStatus {
    queued
    running
    succeeded
    failed
    error
  }

  enum GitRefKind {
    branch
    tag
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

  extend type Query {
    repos: [Repo!]!
    builds(repo: String, status: BuildStatus, ${limitDoc('Query.builds')} limit: Int): [Build!]!
    build(id: Int!): Build
  }

  extend type Mutation {
    "Tracks a git repository (URL or path): a bare mirror under VERA_HOME (operators)."
    addRepo(url: String!, name: String, githubFullName: String): Repo!
    fetchRepo(name: String!): Repo!
    """
    Builds a commit of a tracked repository (by name, or GitHub owner/name): the runs its vera.yaml
    lists for the event, or the given pipeline on the given dataset. One build per commit and ref.
    """
    requestBuild(repo: String!, commit: String!, ref: String, event: String = "api", prNumber: Int, headBranch: String, pipeline: String, dataset: String): Build!
  }
`;
