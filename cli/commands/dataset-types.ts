import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';

export function register(program: Command): void {
  program
    .command('dataset-types')
    .description('list registered dataset types')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { datasetTypes } = await withClient((c) =>
        c.request(graphql(`query DatasetTypes { datasetTypes { name dimensions requiredDimensions storageClass isCalibration } }`)),
      );
      if (opts.json) return printJson(datasetTypes);
      printTable(
        ['NAME', 'DIMENSIONS', 'STORAGE CLASS', 'CALIBRATION'],
        datasetTypes.map((t) => [t.name, `{${t.requiredDimensions.join(', ')}}`, t.storageClass, t.isCalibration ? 'yes' : '']),
      );
    });
}
