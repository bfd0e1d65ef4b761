import type { Command } from 'commander';
import { COMPARISON_HEADERS, comparisonMarkdown, comparisonTableRows } from '../../server/metrics/compare-format.ts';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import type { VeraClient } from '../client.ts';
import { graphql } from '../generated/gql.ts';
import type { ComparisonFieldsFragment } from '../generated/graphql.ts';

/** What `vera compare` prints of a comparison, by either query. */
export const COMPARISON_FIELDS = graphql(`
  fragment ComparisonFields on Comparison {
    base { label commit runs } head { label commit runs }
    rows { metric unit dataId base head delta relativeDelta pValue significant status specs { spec base head failingDataIds worstDataId worstValue } }
  }
`);

const RUNS_QUERY = graphql(`
  query CompareRuns($base: String!, $head: String!) { compare: compareRuns(base: $base, head: $head) { ...ComparisonFields } }
`);

const REFS_QUERY = graphql(`
  query CompareRefs($dataset: String!, $head: String!, $base: String, $repo: String) {
    compare: compareRefs(dataset: $dataset, head: $head, base: $base, repo: $repo) { ...ComparisonFields }
  }
`);

export function register(program: Command): void {
  program
    .command('compare')
    .description("compare two runs, or a branch (or tag) with its merge base on the default branch, metric by metric")
    .option('--runs <base,head>', 'two run names')
    .option('--dataset <name>', 'what was processed (the runs\' input collections, comma-joined)')
    .option('--head <ref>', 'branch or tag to compare')
    .option('--base <ref>', "base branch (default: the repository's default branch, main or master)")
    .option('--repo <name>', "tracked repository of the pipeline code (its name or GitHub owner/name); default: the one the dataset's measurements record")
    .option('--per-data-id', 'also a row per data ID (visit, patch, ...)')
    .option('--json', 'machine-readable output')
    .option('--markdown', 'Markdown, as for a pull-request comment')
    .option('--fail-on-regression', 'exit with status 1 when a metric regressed')
    .action(async (opts: { runs?: string; dataset?: string; head?: string; base?: string; repo?: string; perDataId?: boolean; json?: boolean; markdown?: boolean; failOnRegression?: boolean }) => {
      let ask: (c: VeraClient) => Promise<{ compare: ComparisonFieldsFragment }>;
      if (opts.runs) {
        const [baseRun, headRun] = opts.runs.split(',');
        if (!baseRun || !headRun) throw new VeraError('BAD_INPUT', '--runs takes two run names: base,head');
        ask = (c) => c.request(RUNS_QUERY, { base: baseRun, head: headRun });
      } else if (opts.dataset && opts.head) {
        const { dataset, head } = opts;
        ask = (c) => c.request(REFS_QUERY, { dataset, head, base: opts.base, repo: opts.repo });
      } else {
        throw new VeraError('BAD_INPUT', 'give --runs base,head, or --dataset and --head (with --base, and --repo naming a tracked repository)');
      }
      const { compare } = await withClient(ask);
      if (opts.json) printJson(compare);
      else if (opts.markdown) process.stdout.write(comparisonMarkdown(compare, { perDataId: opts.perDataId }));
      else {
        process.stderr.write(`head ${compare.head.label} ${compare.head.commit?.slice(0, 10) ?? ''} vs base ${compare.base.label} ${compare.base.commit?.slice(0, 10) ?? ''}\n`);
        printTable(COMPARISON_HEADERS, comparisonTableRows(compare, { perDataId: opts.perDataId }));
      }
      if (opts.failOnRegression && compare.rows.some((r) => r.dataId === null && r.status === 'regression')) {
        throw new VeraError('RUN_FAILED', 'a metric regressed');
      }
    });
}
