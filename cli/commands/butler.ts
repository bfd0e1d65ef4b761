import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { splitList, withClient } from '../context.ts';
import { graphql } from '../generated/gql.ts';
import { readLocalFile } from '../files.ts';
import { printJson } from '../output.ts';

/** `vera import` and `vera export`: the Butler's `butler export` YAML format, in and out. */
export function register(program: Command): void {
  program
    .command('import')
    .description('import a `butler export` YAML file: dimension records, collections, dataset types, datasets (operators)')
    .argument('<export.yaml>', 'the export file')
    .option('--universe <dimensions.yaml>', "daf_butler's dimensions.yaml, for elements Vera has no table for (exposure, visit_detector_region, ...)")
    .option('--datastore-root <dir>', 'directory holding the files the export names (on the server, inside VERA_IMPORT_ROOTS)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: { universe?: string; datastoreRoot?: string; json?: boolean }) => {
      const yaml = readLocalFile(file, 'export file');
      const universe = opts.universe ? readLocalFile(opts.universe, 'dimension universe') : undefined;
      const { importButlerExport: r } = await withClient((c) =>
        c.request(
          graphql(`mutation ImportButlerExport($yaml: String!, $file: String, $universe: String, $universeFile: String, $root: String) {
            importButlerExport(yaml: $yaml, file: $file, universe: $universe, universeFile: $universeFile, datastoreRoot: $root) {
              records { element count veraTable } keptFields collections datasetTypes datasets filesCopied
            }
          }`),
          { yaml, file: path.basename(file), universe, universeFile: opts.universe ? path.basename(opts.universe) : undefined, root: opts.datastoreRoot ? path.resolve(opts.datastoreRoot) : undefined },
        ),
      );
      if (opts.json) return printJson(r);
      const records = r.records.map((x) => `${x.element} ${x.count}${x.veraTable ? '' : ' (kept)'}`).join(', ');
      process.stdout.write(`records: ${records || 'none'}\n`);
      process.stdout.write(`${r.collections} collections, ${r.datasetTypes} dataset types, ${r.datasets} datasets (${r.filesCopied} files copied)\n`);
      if (r.keptFields.length > 0) process.stdout.write(`kept fields with no Vera column: ${r.keptFields.join(', ')}\n`);
    });

  program
    .command('export')
    .description('write the repository as a `butler export` YAML file')
    .option('--collections <names>', 'collections to export, comma-separated (default: all)')
    .option('-o, --output <file>', 'write to this file instead of standard output')
    .action(async (opts: { collections?: string; output?: string }) => {
      const { butlerExport } = await withClient((c) =>
        c.request(graphql(`query ButlerExport($collections: [String!]) { butlerExport(collections: $collections) }`), {
          collections: opts.collections ? splitList(opts.collections) : undefined,
        }),
      );
      if (!opts.output) return void process.stdout.write(butlerExport);
      // Written whole under a temporary name, then renamed: never half a file under the real name.
      const temp = `${opts.output}.tmp-${process.pid}`;
      fs.writeFileSync(temp, butlerExport);
      fs.renameSync(temp, opts.output);
    });
}
