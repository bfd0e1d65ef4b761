/** Scalars, and the root types every domain module extends. */
export const commonTypeDefs = /* GraphQL */ `
  "Arbitrary JSON: data IDs, dimension records, bind values."
  scalar JSON

  "An instant, as an ISO 8601 string with a time zone (2026-11-01T02:00:00Z)."
  scalar DateTime

  "Reads: each domain module adds its fields with extend type Query."
  type Query

  "Writes: each domain module adds its fields with extend type Mutation."
  type Mutation
`;
