/** Replay vs replay (server/replay/compare.ts, docs/alert-production.md "Comparing replays"). */
export const replayCompareTypeDefs = /* GraphQL */ `
  "One visit in two replays; a side is null when that replay does not have the visit."
  type ReplayVisitComparison {
    visit: Float!
    a: ReplayVisit
    b: ReplayVisit
    "Latency of b minus a, milliseconds."
    latencyDeltaMs: Float
    "Alerts of b minus a."
    alertsDelta: Int
    "Alerts matched one to one by position; null until both replays published the visit."
    alertsMatched: Int
    alertsOnlyInA: Int
    alertsOnlyInB: Int
  }

  "A replay over the visits both compared replays have."
  type ReplaySummary {
    visitsPublished: Int!
    latencyP50Ms: Float
    latencyP95Ms: Float
    latencyMaxMs: Float
    diaSources: Int!
    newDiaObjects: Int!
    alerts: Int!
    "Mean milliseconds per visit in each stage."
    meanStageMs: ReplayStageTimings!
  }

  type ReplaySummaryDelta {
    name: String!
    "ms or count."
    unit: String!
    a: Float
    b: Float
    "b minus a."
    delta: Float
  }

  "A setting the two replays were run with differently: codeRef, instrument, speed, or config.<key>."
  type ReplayDifference {
    key: String!
    a: String
    b: String
  }

  type ReplayUnmatchedAlert {
    visit: Float!
    diaSourceId: String!
    ra: Float!
    dec: Float!
    psfFlux: Float
  }

  "The two replays' alerts matched by visit and position."
  type ReplayAlertComparison {
    matchRadiusArcsec: Float!
    matched: Int!
    onlyInA: Int!
    onlyInB: Int!
    "Over matched pairs: |psfFlux b - a| in units of their combined error."
    medianFluxDiffSigma: Float
    maxFluxDiffSigma: Float
    "The first (at most 200) alerts of each side without a match."
    listedOnlyInA: [ReplayUnmatchedAlert!]!
    listedOnlyInB: [ReplayUnmatchedAlert!]!
  }

  type ReplayComparison {
    a: Replay!
    b: Replay!
    "Why the comparison is partial: different instruments or visit sets, a replay still running."
    warnings: [String!]!
    differences: [ReplayDifference!]!
    "Visits both replays have; summaries, deltas and alerts cover these."
    commonVisits: [Float!]!
    onlyInA: [Float!]!
    onlyInB: [Float!]!
    visits: [ReplayVisitComparison!]!
    summaryA: ReplaySummary!
    summaryB: ReplaySummary!
    deltas: [ReplaySummaryDelta!]!
    alerts: ReplayAlertComparison!
  }

  extend type Query {
    "Replay b against replay a (the reference): visit by visit, summaries with deltas (b - a), settings that differ, alerts matched. NOT_FOUND for an unknown id."
    replayComparison(a: Int!, b: Int!, matchRadiusArcsec: Float): ReplayComparison!
  }
`;
