import type { Command } from 'commander';
import { COMPARISON_HEADERS, comparisonMarkdown, comparisonTableRows } from '../../server/metrics/compare-format.ts';
import { VeraError } from '../../server/errors.ts';
import { splitList, withClient } from '../context.ts';
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

const COLLECTIONS_QUERY = graphql(`
  query CompareCollections($collections: [String!]!) { compare: compareCollections(collections: $collections) { ...ComparisonFields } }
`);

const REFS_QUERY = graphql(`
  query CompareRefs($dataset: String!, $head: String!, $base: String, $repo: String) {
    compare: compareRefs(dataset: $dataset, head: $head, base: $base, repo: $repo) { ...ComparisonFields }
  }
`);

export function register(program: Command): void {
  program
    .command('compare')
    .description('compare runs, releases and chains (each against the first), or a branch (or tag) with its merge base on the default branch, metric by metric')
    .option('--runs <base,head,...>', 'two or more runs, releases (TAGGED) or chains (CHAINED); each after the first is compared with the first')
    .option('--dataset <name>', 'what was processed (the runs\' input collections, comma-joined)')
    .option('--head <ref>', 'branch or tag to compare')
    .option('--base <ref>', "base branch (default: the repository's default branch, main or master)")
    .option('--repo <name>', "tracked repository of the pipeline code (its name or GitHub owner/name); default: the one the dataset's measurements record")
    .option('--per-data-id', 'also a row per data ID (visit, patch, ...)')
    .option('--json', 'machine-readable output')
    .option('--markdown', 'Markdown, as for a pull-request comment')
    .option('--fail-on-regression', 'exit with status 1 when a metric regressed')
    .action(async (opts: { runs?: string; dataset?: string; head?: string; base?: string; repo?: string; perDataId?: boolean; json?: boolean; markdown?: boolean; failOnRegression?: boolean }) => {
      let ask: (c: VeraClient) => Promise<{ compare: ComparisonFieldsFragment | ComparisonFieldsFragment[] }>;
      if (opts.runs) {
        const names = splitList(opts.runs);
        if (names.length < 2) throw new VeraError('BAD_INPUT', '--runs takes two or more names: base,head[,head...]');
        ask = names.length === 2 ? (c) => c.request(RUNS_QUERY, { base: names[0]!, head: names[1]! }) : (c) => c.request(COLLECTIONS_QUERY, { collections: names });
      } else if (opts.dataset && opts.head) {
        const { dataset, head } = opts;
        ask = (c) => c.request(REFS_QUERY, { dataset, head, base: opts.base, repo: opts.repo });
      } else {
        throw new VeraError('BAD_INPUT', 'give --runs base,head[,head...], or --dataset and --head (with --base, and --repo naming a tracked repository)');
      }
      const { compare: answer } = await withClient(ask);
      // Two sides print as before (one object in --json); more print one comparison per head.
      const comparisons = Array.isArray(answer) ? answer : [answer];
      if (opts.json) printJson(answer);
      else if (opts.markdown) process.stdout.write(comparisons.map((c) => comparisonMarkdown(c, { perDataId: opts.perDataId })).join('\n'));
      else {
        for (const compare of comparisons) {
          process.stderr.write(`head ${compare.head.label} ${compare.head.commit?.slice(0, 10) ?? ''} vs base ${compare.base.label} ${compare.base.commit?.slice(0, 10) ?? ''}\n`);
          if (comparisons.length > 1) process.stdout.write(`== ${compare.head.label} vs ${compare.base.label}\n`);
          printTable(COMPARISON_HEADERS, comparisonTableRows(compare, { perDataId: opts.perDataId }));
        }
      }
      if (opts.failOnRegression && comparisons.some((compare) => compare.rows.some((r) => r.dataId === null && r.status === 'regression'))) {
        throw new VeraError('RUN_FAILED', 'a metric regressed');
      }
    });
}
