import type { Command } from 'commander';
import { splitList, withClient } from '../context.ts';
import { graphql } from '../generated/gql.ts';
import { printJson } from '../output.ts';

const INGEST_CATALOGS = graphql(`
  mutation IngestCatalogs($datasetType: String!, $collections: [String!]!, $where: String, $table: String, $append: Boolean) {
    ingestCatalogs(datasetType: $datasetType, collections: $collections, where: $where, table: $table, append: $append) { table datasets rows unchanged }
  }
`);

export function register(program: Command): void {
  program
    .command('ingest-catalogs')
    .description('load the Parquet catalogs of a dataset type in collections into a PostgreSQL table catalogs.<name> (batched COPY, all or nothing)')
    .argument('<datasetType>', 'a Catalog dataset type, e.g. src')
    .requiredOption('--collections <names>', 'collections (RUN, TAGGED, CHAINED), comma-separated')
    .option('--where <expr>', 'only datasets whose data ID matches, e.g. "visit = 1 AND detector IN (0, 1)"')
    .option('--table <name>', 'table in the catalogs schema (default: the dataset type in lower case)')
    .option('--append', 'add the datasets not yet in the table instead of replacing it')
    .option('--json', 'machine-readable output')
    .action(async (datasetType: string, opts: { collections: string; where?: string; table?: string; append?: boolean; json?: boolean }) => {
      const { ingestCatalogs: r } = await withClient((c) =>
        c.request(INGEST_CATALOGS, { datasetType, collections: splitList(opts.collections), where: opts.where, table: opts.table, append: Boolean(opts.append) }),
      );
      if (opts.json) return printJson(r);
      process.stderr.write(r.unchanged ? `${r.table} already holds these datasets: nothing loaded\n` : `${r.rows} rows of ${r.datasets} datasets into ${r.table}\n`);
    });
}
