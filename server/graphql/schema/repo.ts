import { limitDoc } from '../limits.ts';

/** The data repository: dimensions, dataset types, collections, datasets, provenance, butler export (server/repo). */
export const repoTypeDefs = /* GraphQL */ `
  enum CollectionType {
    RUN
    TAGGED
    CHAINED
    CALIBRATION
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

  type ProvenanceStep {
    dataset: Dataset!
    "False for intermediates whose file was not kept."
    stored: Boolean!
    quantum: Quantum
    inputIds: [ID!]!
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

  extend type Query {
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
    "From a dataset back to raw data: each dataset with the quantum that produced it."
    provenance(datasetId: ID!): [ProvenanceStep!]!
  }

  extend type Mutation {
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
  }
`;
