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
    createdAt: DateTime!
    "Validity of the certification the dataset was found through (CALIBRATION collections)."
    validFrom: DateTime
    validTo: DateTime
  }

  type CreatedToken {
    "Shown once; Vera stores only its hash."
    token: String!
    prefix: String!
    user: String!
  }

  type Query {
    "The user the request acts as."
    me: User!
    users: [User!]!
    dimensions: [Dimension!]!
    storageClasses: [StorageClass!]!
    dimensionRecords(dimension: String!, dataId: JSON): [JSON!]!
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
      limit: Int
    ): [Dataset!]!
    dataset(id: ID!): Dataset
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
    createUser(name: String!, role: Role!): User!
    "A new API token for yourself, or (admins) for another user."
    createToken(name: String!, user: String): CreatedToken!
  }
`;
