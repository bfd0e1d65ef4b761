/** Alert-production replays (server/replay, docs/alert-production.md). */
export const replayTypeDefs = /* GraphQL */ `
  enum ReplayStatus {
    pending
    running
    succeeded
    failed
    cancelled
  }

  enum ReplayVisitStage {
    pending
    associated
    published
  }

  "Milliseconds per stage of one visit."
  type ReplayStageTimings {
    processMs: Float
    associateMs: Float
    packageMs: Float
    publishMs: Float
  }

  type ReplayVisit {
    seq: Int!
    visit: Float!
    shutterCloseAt: DateTime!
    midpointMjdTai: Float!
    stage: ReplayVisitStage!
    "The shutter close on the replay's clock."
    scaledShutterCloseAt: DateTime
    publishedAt: DateTime
    "Alert published minus scaled shutter close, milliseconds."
    latencyMs: Float
    timings: ReplayStageTimings!
    diaSources: Int
    newDiaObjects: Int
    alerts: Int
  }

  type Replay {
    id: Int!
    owner: String!
    status: ReplayStatus!
    instrument: String!
    codeRef: String!
    associationRadiusArcsec: Float!
    "Collections each visit's AP run reads (raws, calibrations, refcats, templates)."
    inputs: [String!]!
    "The AP pipeline run per visit."
    pipeline: String!
    "Observatory seconds per wall second; null: as fast as possible."
    speed: Float
    "JetStream subject of its alerts; null when alerts are only stored."
    alertSubject: String
    error: String
    createdAt: DateTime!
    startedAt: DateTime
    endedAt: DateTime
    visits: [ReplayVisit!]!
  }

  extend type Query {
    "Replays, newest first."
    replays(limit: Int): [Replay!]!
    replay(id: Int!): Replay
  }

  extend type Mutation {
    """
    Records a replay of an instrument's visits (all, or those listed) and starts it (operators).
    Each visit runs the AP pipeline (default pipelines/ap.yaml) over inputs: raws, calibrations,
    refcats and the templates collection.
    """
    startReplay(
      instrument: String!
      codeRef: String!
      inputs: [String!]!
      pipeline: String
      visits: [Float!]
      speed: Float
      associationRadiusArcsec: Float
    ): Replay!
  }
`;
