import type { Command } from 'commander';
import { splitList, withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { CollectionType } from '../generated/graphql.ts';

export function register(program: Command): void {
  program
    .command('collections')
    .description('list collections (RUN, TAGGED, CHAINED, CALIBRATION)')
    .argument('[pattern]', "glob on names, e.g. 'SimCam/*'")
    .option('--type <types>', 'only these types, comma-separated')
    .option('--json', 'machine-readable output')
    .action(async (pattern: string | undefined, opts: { type?: string; json?: boolean }) => {
      const types = opts.type ? splitList(opts.type).map((t) => t.toUpperCase() as CollectionType) : undefined;
      const { collections } = await withClient((c) =>
        c.request(
          graphql(`query Collections($pattern: String, $types: [CollectionType!]) { collections(pattern: $pattern, types: $types) { name type owner children datasetCount doc } }`),
          { pattern, types },
        ),
      );
      if (opts.json) return printJson(collections);
      printTable(
        ['NAME', 'TYPE', 'OWNER', 'DATASETS', 'CHILDREN'],
        collections.map((c) => [c.name, c.type, c.owner, c.type === 'CHAINED' ? null : c.datasetCount, c.children.join(', ')]),
      );
    });
}
