import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { readMetricsTree } from '../../server/metrics/verify/index.ts';
import { withClient } from '../context.ts';
import { readLocalFile } from '../files.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { JobIngestFieldsFragment } from '../generated/graphql.ts';

graphql(`
  fragment JobIngestFields on JobIngest { jobId ingested measuredAt definitionChanges }
`);

function reportIngest(r: JobIngestFieldsFragment): void {
  process.stderr.write(`job ${r.jobId}: ${r.ingested} measurements ingested, measured at ${r.measuredAt}\n`);
  for (const change of r.definitionChanges) process.stderr.write(`  ${change}\n`);
}

export function register(program: Command): void {
  const metrics = program.command('metrics').description('lsst.verify metrics, specifications and measurements');
  metrics
    .command('import')
    .description('import a verify_metrics-style directory (metrics/*.yaml and specs/) as it is')
    .argument('<dir>', 'the package root, holding metrics/ and/or specs/')
    .option('--json', 'machine-readable output')
    .action(async (dir: string, opts: { json?: boolean }) => {
      // Read here and sent as content: the server takes no paths, and may be on another machine.
      const files = readMetricsTree(path.resolve(dir));
      const { importMetrics } = await withClient((c) =>
        c.request(
          graphql(`mutation ImportMetrics($files: [MetricsFileInput!]!) { importMetrics(files: $files) { metrics specifications problems } }`),
          { files },
        ),
      );
      if (opts.json) return printJson(importMetrics);
      process.stderr.write(`imported ${importMetrics.metrics} metrics and ${importMetrics.specifications} specifications\n`);
      for (const p of importMetrics.problems) process.stderr.write(`  note: ${p}\n`);
    });
  metrics
    .command('detection')
    .description('set how regressions are detected per metric, from YAML (metric: {direction, specs, zscore, welch, changepoints, ...})')
    .argument('<file>', 'YAML mapping of metric name to detection config')
    .action(async (file: string) => {
      const { importDetectionConfigs } = await withClient((c) =>
        c.request(graphql(`mutation ImportDetectionConfigs($yaml: String!, $file: String) { importDetectionConfigs(yaml: $yaml, file: $file) }`), {
          yaml: fs.readFileSync(file, 'utf8'),
          file,
        }),
      );
      process.stderr.write(`detection configured for ${importDetectionConfigs} metric(s)\n`);
    });
  metrics
    .command('list')
    .description('list metrics')
    .option('--package <name>', 'only this package')
    .option('--json', 'machine-readable output')
    .action(async (opts: { package?: string; json?: boolean }) => {
      const { metrics: rows } = await withClient((c) =>
        c.request(graphql(`query Metrics($p: String) { metrics(package: $p) { name unit description } }`), { p: opts.package }),
      );
      if (opts.json) return printJson(rows);
      printTable(['METRIC', 'UNIT', 'DESCRIPTION'], rows.map((m) => [m.name, m.unit, m.description.split('\n')[0]!.slice(0, 80)]));
    });
  metrics
    .command('post-job')
    .description('ingest an lsst.verify Job JSON file for a dataset at a commit')
    .argument('<file>', 'Job JSON (as lsst.verify Job.write produces)')
    .requiredOption('--dataset <name>', 'what was processed, e.g. validation_data_hsc')
    .option('--commit <sha>', 'software commit')
    .option('--branch <name>', 'branch')
    .option('--repo <name>', 'tracked repository of the software (its name or GitHub owner/name)')
    .option('--import-definitions', 'also import the metrics and specifications the job carries (what changed is listed)')
    .option('--json', 'machine-readable output')
    .action(async (file: string, opts: { dataset: string; commit?: string; branch?: string; repo?: string; importDefinitions?: boolean; json?: boolean }) => {
      const { postJob } = await withClient((c) =>
        c.request(
          graphql(`mutation PostJob($job: String!, $dataset: String!, $commit: String, $branch: String, $repo: String, $defs: Boolean) { postJob(job: $job, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo, importDefinitions: $defs) { ...JobIngestFields } }`),
          { job: readLocalFile(file, 'Job JSON'), dataset: opts.dataset, commit: opts.commit, branch: opts.branch, repo: opts.repo, defs: Boolean(opts.importDefinitions) },
        ),
      );
      if (opts.json) return printJson(postJob);
      reportIngest(postJob);
    });
  metrics
    .command('post-measurements')
    .description('ingest butler metricvalue YAML files (lsst.verify.Measurement, one per file) for a dataset at a commit')
    .argument('<files...>', 'metricvalue_*.yaml files')
    .requiredOption('--dataset <name>', 'what was processed')
    .option('--commit <sha>', 'software commit')
    .option('--branch <name>', 'branch')
    .option('--repo <name>', 'tracked repository of the software (its name or GitHub owner/name)')
    .option('--json', 'machine-readable output')
    .action(async (files: string[], opts: { dataset: string; commit?: string; branch?: string; repo?: string; json?: boolean }) => {
      const { postMeasurements } = await withClient((c) =>
        c.request(
          graphql(`mutation PostMeasurements($files: [MetricsFileInput!]!, $dataset: String!, $commit: String, $branch: String, $repo: String) { postMeasurements(files: $files, dataset: $dataset, commit: $commit, branch: $branch, repo: $repo) { ...JobIngestFields } }`),
          { files: files.map((f) => ({ path: f, text: readLocalFile(f, 'measurement file') })), dataset: opts.dataset, commit: opts.commit, branch: opts.branch, repo: opts.repo },
        ),
      );
      if (opts.json) return printJson(postMeasurements);
      reportIngest(postMeasurements);
    });
}
