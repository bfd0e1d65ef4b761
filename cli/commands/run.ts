import path from 'node:path';
import type { Command } from 'commander';
import { mergeConfig, parseOverrideFile, parseOverrideOptions } from '../../runner/pipeline/config.ts';
import { splitPipelineRef } from '../../runner/pipeline/pipe-base.ts';
import { VeraError } from '../../server/errors.ts';
import { splitList, withClient } from '../context.ts';
import { readLocalFile } from '../files.ts';
import { followRun } from '../follow.ts';
import { printJson } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { RunPurpose, SubmitRunMutationVariables } from '../generated/graphql.ts';
import { parseBind } from './datasets.ts';
import { parseExpiry } from './tokens.ts';

const SUBMIT_RUN = graphql(`
  mutation SubmitRun($pipelineFile: String!, $pipelineYaml: String, $inputs: [String!]!, $output: String!, $where: String, $bind: JSON, $config: JSON, $purpose: RunPurpose, $saveIntermediates: Boolean, $seed: Int, $expiresAt: DateTime) {
    submitRun(pipelineFile: $pipelineFile, pipelineYaml: $pipelineYaml, inputs: $inputs, output: $output, where: $where, bind: $bind, config: $config, purpose: $purpose, saveIntermediates: $saveIntermediates, seed: $seed, expiresAt: $expiresAt) {
      run { name progress { total } } skipped
    }
  }
`);

const RESUME_RUN = graphql(`
  mutation ResumeRun($name: String!) { resumeRun(name: $name) { name } }
`);

const RERUN = graphql(`
  mutation Rerun($id: ID!, $output: String!, $s: Boolean, $config: JSON) { rerun(datasetId: $id, output: $output, saveIntermediates: $s, config: $config) { name } }
`);

const collect = (v: string, acc: string[]) => [...acc, v];

/** `-c` options and `--config-file`s merged: files first, in order, then `-c`. */
export function configOverrides(files: string[], options: string[]) {
  const layers = files.map((f) => parseOverrideFile(readLocalFile(f, 'config file'), f));
  const merged: Record<string, Record<string, unknown>> = {};
  for (const layer of [...layers, parseOverrideOptions(options)]) {
    for (const [label, fields] of Object.entries(layer)) merged[label] = mergeConfig(merged[label] ?? {}, fields);
  }
  return merged;
}

async function finish(name: string, opts: { json?: boolean; wait?: boolean }, follow: () => Promise<{ status: string; error: string | null }>) {
  if (opts.wait === false) {
    process.stderr.write(`run '${name}' submitted\n`);
    return;
  }
  const final = await follow();
  if (opts.json) printJson(final);
  else process.stderr.write(`run '${name}' ${final.status}${final.error ? `: ${final.error}` : ''}\n`);
  if (final.status !== 'succeeded') throw new VeraError('RUN_FAILED', `run '${name}' ${final.status}`, { run: name });
}

/**
 * The pipeline is sent as its text; its absolute path tells the server where it lives (inside
 * Vera's checkout or VERA_PIPELINE_ROOTS), which is what its task classes are relative to.
 */
function submitVariables(pipeline: string, opts: Record<string, unknown>): SubmitRunMutationVariables {
  // `pipeline.yaml#subset` or `#label,label` runs only those tasks; the server makes the selection.
  const { file: named, selection } = splitPipelineRef(pipeline);
  const file = path.resolve(named);
  return {
    pipelineFile: selection ? `${file}#${selection.join(',')}` : file,
    pipelineYaml: readLocalFile(file, 'pipeline'),
    inputs: splitList(opts.input as string),
    output: opts.output as string,
    where: opts.where as string | undefined,
    bind: (opts.bind as string[]).length ? parseBind(opts.bind as string[]) : undefined,
    config: configOverrides(opts.configFile as string[], opts.config as string[]),
    purpose: opts.purpose as RunPurpose,
    saveIntermediates: Boolean(opts.saveIntermediates),
    seed: Number(opts.seed),
    expiresAt: opts.expires ? parseExpiry(opts.expires as string) : undefined,
  };
}

export function register(program: Command): void {
  program
    .command('run')
    .description('run a pipeline on input collections into a new RUN collection (or resume one)')
    .argument('[pipeline]', 'pipeline YAML file, optionally #subset or #label,label to run only those tasks')
    .option('-i, --input <collections>', 'input collections, comma-separated (search order)')
    .option('-o, --output <run>', 'name of the new RUN collection, e.g. u/alice/isr-test')
    .option('-d, --where <expression>', "data query, e.g. \"visit IN (1..4) AND band = 'g'\"")
    .option('--bind <name=value>', 'bind value for :name in --where (repeatable)', collect, [])
    .option('-c, --config <task:field=value>', 'config override (repeatable)', collect, [])
    .option('-C, --config-file <file>', 'YAML file of config overrides {task: {field: value}} (repeatable)', collect, [])
    .option('--save-intermediates', 'keep intermediate datasets (persist: false); otherwise each is dropped once every quantum reading it has succeeded')
    .option('--purpose <purpose>', 'ci, developer, operator or replay', 'developer')
    .option('--expires <when>', 'when vera prune may delete its outputs: 12h, 30d, 8w from now or an ISO 8601 instant (default by purpose)')
    .option('--seed <n>', 'seed of the run (quanta derive theirs from it)', '0')
    .option('--resume <run>', 'resume a run whose execution stopped; finished quanta are kept')
    .option('--no-wait', 'return once the run is submitted')
    .option('--json', 'print the final run state as JSON')
    .action(async (pipeline: string | undefined, opts: Record<string, unknown>) => {
      if (!opts.resume && (!pipeline || !opts.input || !opts.output)) throw new VeraError('BAD_INPUT', 'vera run needs a pipeline file, --input and --output (or --resume <run>)');
      // Local files are read before connecting, so a wrong name fails at once.
      const variables = opts.resume ? undefined : submitVariables(pipeline!, opts);
      await withClient(async (client, config) => {
        if (!variables) {
          const name = opts.resume as string;
          await client.request(RESUME_RUN, { name });
          return finish(name, opts, () => followRun(client, name, { quiet: Boolean(opts.json), leaseMs: config.runLeaseMs }));
        }
        const { submitRun } = await client.request(SUBMIT_RUN, variables);
        if (!opts.json) {
          process.stderr.write(`run '${submitRun.run.name}': ${submitRun.run.progress.total} quanta${submitRun.skipped ? ` (${submitRun.skipped} left out: inputs missing)` : ''}\n`);
        }
        return finish(submitRun.run.name, opts, () => followRun(client, submitRun.run.name, { quiet: Boolean(opts.json), leaseMs: config.runLeaseMs }));
      });
    });

  program
    .command('rerun')
    .description('rebuild the sub-pipeline that produced a dataset from its recorded inputs, into a new run')
    .requiredOption('--from <datasetId>', 'the dataset to rebuild')
    .requiredOption('-o, --output <run>', 'name of the new RUN collection')
    .option('-c, --config <task:field=value>', 'config override (repeatable)', collect, [])
    .option('--save-intermediates', 'keep intermediate datasets')
    .option('--no-wait', 'return once the run is submitted')
    .option('--json', 'print the final run state as JSON')
    .action(async (opts: { from: string; output: string; config: string[]; saveIntermediates?: boolean; wait?: boolean; json?: boolean }) => {
      await withClient(async (client, config) => {
        await client.request(RERUN, {
          id: opts.from,
          output: opts.output,
          s: Boolean(opts.saveIntermediates),
          config: parseOverrideOptions(opts.config),
        });
        return finish(opts.output, opts, () => followRun(client, opts.output, { quiet: Boolean(opts.json), leaseMs: config.runLeaseMs }));
      });
    });
}
