/** Analysis: SQL over the Parquet catalogs of collections, without ingest (server/analysis). */
export const analysisTypeDefs = /* GraphQL */ `
  "A column of an SQL result."
  type SqlColumn {
    name: String!
    "DuckDB's type name: DOUBLE, BIGINT, VARCHAR, ..."
    type: String!
  }

  "A view the query could read: a Catalog dataset type over the collections asked for."
  type SqlView {
    name: String!
    "Parquet files (datasets) behind the view."
    files: Int!
  }

  type SqlResult {
    columns: [SqlColumn!]!
    "One list of values per row, in column order (integers beyond 2^53 as strings)."
    rows: [JSON!]!
    "More rows matched than the limit; only the first were returned."
    truncated: Boolean!
    views: [SqlView!]!
  }

  "What an ingest of catalogs into PostgreSQL did."
  type IngestCatalogsResult {
    "Schema-qualified table, e.g. catalogs.src."
    table: String!
    "Datasets (Parquet files) loaded by this call."
    datasets: Int!
    rows: Int!
    "The table already held exactly these datasets (with append: all of them); nothing was loaded."
    unchanged: Boolean!
  }

  extend type Mutation {
    """
    Loads the Parquet catalogs of a Catalog dataset type in collections into the PostgreSQL table
    catalogs.<table> (default: the dataset type's name in lower case), with collection and data-ID
    columns, by batched COPY in one transaction: the table is replaced whole (or, with append, the
    datasets not yet in it are added), never left half-loaded. Needs role developer or above.
    """
    ingestCatalogs(datasetType: String!, collections: [String!]!, where: String, table: String, append: Boolean = false): IngestCatalogsResult!
  }

  extend type Query {
    """
    Runs one read-only SELECT (or WITH ... SELECT) with DuckDB over the Parquet catalogs of the
    collections (RUN, TAGGED or CHAINED): each Catalog dataset type is a view with a collection
    column and its data-ID columns. Anything but one SELECT is refused (SQL_REFUSED); the query
    reads only those files, stops after timeoutSeconds (SQL_TIMEOUT) and returns at most limit rows.
    """
    sql(query: String!, collections: [String!]!, limit: Int, timeoutSeconds: Int = 30): SqlResult!

    "Any number of runs, releases (TAGGED) and chains, metric by metric: each after the first against the first, in order."
    compareCollections(collections: [String!]!): [Comparison!]!
  }
`;
