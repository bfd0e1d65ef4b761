import fs from 'node:fs';
import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';

function readJsonFile(file: string): unknown {
  let text: string;
  try {
    text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new VeraError('NOT_FOUND', `cannot read ${file}: ${(e as Error).message}`, { file });
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new VeraError('BAD_INPUT', `${file} is not JSON: ${(e as Error).message}`, { file });
  }
}

export function register(program: Command): void {
  const dashboards = program.command('dashboards').description('dashboards of the web app: list, export to JSON, import from JSON, delete');
  dashboards
    .command('list')
    .description('list dashboards')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { dashboards: rows } = await withClient((c) => c.request(graphql(`query Dashboards { dashboards { slug title owner builtin updatedAt } }`)));
      if (opts.json) return printJson(rows);
      printTable(['SLUG', 'TITLE', 'OWNER', 'UPDATED'], rows.map((d) => [d.slug, d.title, d.builtin && !d.owner ? '(builtin)' : d.owner, d.updatedAt.slice(0, 19).replace('T', ' ')]));
    });
  dashboards
    .command('export')
    .description('print a dashboard as JSON (the format `vera dashboards import` reads)')
    .argument('<slug>', 'the dashboard, e.g. verification')
    .action(async (slug: string) => {
      const { dashboard } = await withClient((c) => c.request(graphql(`query Dashboard($s: String!) { dashboard(slug: $s) { definition } }`), { s: slug }));
      if (!dashboard) throw new VeraError('NOT_FOUND', `no dashboard '${slug}'`, { slug });
      printJson(dashboard.definition);
    });
  dashboards
    .command('import')
    .description('create or replace dashboards from JSON files (your own; admins: any)')
    .argument('<files...>', 'dashboard JSON files; - reads standard input')
    .action(async (files: string[]) => {
      const definitions = files.map(readJsonFile);
      await withClient(async (c) => {
        for (const definition of definitions) {
          const { saveDashboard } = await c.request(
            graphql(`mutation SaveDashboard($d: JSON!) { saveDashboard(definition: $d) { slug title } }`),
            { d: definition },
          );
          process.stderr.write(`saved dashboard ${saveDashboard.slug} (${saveDashboard.title})\n`);
        }
      });
    });
  dashboards
    .command('delete')
    .description('delete a dashboard; a builtin one is restored to its shipped version')
    .argument('<slug>', 'the dashboard')
    .action(async (slug: string) => {
      const { deleteDashboard } = await withClient((c) =>
        c.request(graphql(`mutation DeleteDashboard($s: String!) { deleteDashboard(slug: $s) { slug restored } }`), { s: slug }),
      );
      process.stderr.write(deleteDashboard.restored ? `restored builtin dashboard ${slug}\n` : `deleted dashboard ${slug}\n`);
    });
}
