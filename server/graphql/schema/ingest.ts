/** Raw-data ingest (server/ingest). */
export const ingestTypeDefs = /* GraphQL */ `
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

  extend type Mutation {
    """
    Ingests raw FITS files of an instrument (operators): its definition maps header keywords to
    visit, detector, filter and day records. All files or none: a bad file refuses the request
    with every problem listed per file. Default run: <instrument>/raw/all.
    """
    ingestRaws(instrument: String!, run: String, files: [RawFileInput!]!): RawIngest!
  }
`;
