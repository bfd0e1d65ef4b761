import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { printJson } from '../output.ts';
import { graphql } from '../generated/gql.ts';

export function register(program: Command): void {
  program
    .command('provenance')
    .description('print the chain from a dataset back to raw data: producing quanta, configs, software, inputs')
    .argument('<datasetId>', 'dataset UUID')
    .option('--json', 'machine-readable output')
    .action(async (datasetId: string, opts: { json?: boolean }) => {
      const { provenance } = await withClient((c) =>
        c.request(
          graphql(`query Provenance($id: ID!) { provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel configHash status software { commit dirty } } } }`),
          { id: datasetId },
        ),
      );
      if (opts.json) return printJson(provenance);
      const byId = new Map(provenance.map((s) => [s.dataset.id, s]));
      const printed = new Set<string>();
      const show = (id: string, depth: number) => {
        const s = byId.get(id);
        if (!s) return;
        const pad = '  '.repeat(depth);
        const d = s.dataset;
        const label = `${d.datasetType} ${JSON.stringify(d.dataId)} in ${d.run} (${d.id})${s.stored ? '' : ' [not stored]'}`;
        if (printed.has(id)) {
          process.stdout.write(`${pad}${label} (see above)\n`);
          return;
        }
        printed.add(id);
        if (!s.quantum) {
          process.stdout.write(`${pad}${label} [ingested]\n`);
          return;
        }
        const sw = s.quantum.software;
        const version = sw?.commit ? ` @ ${sw.commit.slice(0, 10)}${sw.dirty ? '+dirty' : ''}` : '';
        process.stdout.write(`${pad}${label}\n${pad}  <- ${s.quantum.taskLabel} quantum ${s.quantum.id} config ${s.quantum.configHash?.slice(0, 19) ?? '?'}${version}\n`);
        for (const input of s.inputIds) show(input, depth + 2);
      };
      show(datasetId, 0);
    });
}
