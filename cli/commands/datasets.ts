import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { splitList, withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';

/** `--bind k=v` values: integers stay numbers, everything else is a string; `k=a,b` is a list. */
export function parseBind(pairs: string[]): Record<string, string | number | (string | number)[]> {
  const out: Record<string, string | number | (string | number)[]> = {};
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    if (eq <= 0) throw new VeraError('BAD_INPUT', `--bind takes name=value, got '${pair}'`);
    const parse = (v: string) => (/^-?\d+$/.test(v) ? Number(v) : v);
    const raw = pair.slice(eq + 1);
    out[pair.slice(0, eq)] = raw.includes(',') ? splitList(raw).map(parse) : parse(raw);
  }
  return out;
}

export function register(program: Command): void {
  program
    .command('datasets')
    .description('find datasets of a type in a collection search path')
    .argument('<datasetType>', 'dataset type name')
    .requiredOption('--collections <names>', 'search path, comma-separated; chains expand in order')
    .option('--where <expression>', "filter over dimensions, e.g. \"band IN ('g','r') AND visit > 3\"")
    .option('--bind <name=value>', 'bind value for :name in --where (repeatable)', (v: string, acc: string[]) => [...acc, v], [] as string[])
    .option('--time <iso>', 'instant for CALIBRATION collections, e.g. 2026-11-01T02:00:00Z')
    .option('--all', 'every match along the path, not only the first per data ID')
    .option('--limit <n>', 'at most this many')
    .option('--json', 'machine-readable output')
    .action(
      async (
        datasetType: string,
        opts: { collections: string; where?: string; bind: string[]; time?: string; all?: boolean; limit?: string; json?: boolean },
      ) => {
        const variables = {
          datasetType,
          collections: splitList(opts.collections),
          where: opts.where,
          bind: opts.bind.length ? parseBind(opts.bind) : undefined,
          time: opts.time,
          findFirst: !opts.all,
          limit: opts.limit !== undefined ? Number(opts.limit) : undefined,
        };
        const { datasets } = await withClient((c) =>
          c.request(
            graphql(`query Datasets($datasetType: String!, $collections: [String!]!, $where: String, $bind: JSON, $time: DateTime, $findFirst: Boolean, $limit: Int) {
              datasets(datasetType: $datasetType, collections: $collections, where: $where, bind: $bind, time: $time, findFirst: $findFirst, limit: $limit) {
                id run dataId path sizeBytes validFrom validTo
              }
            }`),
            variables,
          ),
        );
        if (opts.json) return printJson(datasets);
        const keys = [...new Set(datasets.flatMap((d) => Object.keys(d.dataId)))];
        const calib = datasets.some((d) => d.validFrom || d.validTo);
        printTable(
          [...keys.map((k) => k.toUpperCase()), 'RUN', 'ID', ...(calib ? ['VALID FROM', 'VALID TO'] : [])],
          datasets.map((d) => [...keys.map((k) => d.dataId[k] as string | number | undefined), d.run, d.id, ...(calib ? [d.validFrom ?? '-inf', d.validTo ?? '+inf'] : [])]),
        );
        process.stderr.write(`${datasets.length} dataset(s)\n`);
      },
    );
}
