/** Stopping runs (server/runs/cancel.ts); resumeRun, in runs.ts, continues them. */
export const runControlTypeDefs = /* GraphQL */ `
  extend type Mutation {
    """
    Cancels a pending or running run (its owner, or an operator): no quantum of it starts any more,
    running ones are stopped, finished ones are kept, and the run ends cancelled; resumeRun
    continues it. Returns the run as it is then: cancelled, or still running for a moment while
    another server executing it stops it.
    """
    cancelRun(name: String!): Run!
  }
`;
