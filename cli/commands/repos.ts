import fs from 'node:fs';
import path from 'node:path';
import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { followRun } from '../follow.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { BuildStatus, BuildQuery } from '../generated/graphql.ts';

type BuildRow = NonNullable<BuildQuery['build']>;

export function register(program: Command): void {
  const repos = program.command('repos').description('git repositories Vera tracks (bare mirrors under VERA_HOME/git)');
  repos
    .command('add')
    .description('track a repository: mirror it and record its branches, tags and commits')
    .argument('<url-or-path>', 'clone URL or local path')
    .option('--name <name>', 'name in Vera (default: owner/name for GitHub, else the directory name)')
    .option('--github <owner/name>', 'the GitHub repository webhooks and reports refer to')
    .action(async (url: string, opts: { name?: string; github?: string }) => {
      const source = fs.existsSync(url) ? path.resolve(url) : url;
      const { addRepo } = await withClient((c) =>
        c.request(graphql(`mutation AddRepo($url: String!, $name: String, $gh: String) { addRepo(url: $url, name: $name, githubFullName: $gh) { name url githubFullName defaultBranch fetchedAt } }`), {
          url: source,
          name: opts.name,
          gh: opts.github,
        }),
      );
      process.stderr.write(`tracking '${addRepo.name}' (${addRepo.url}), default branch ${addRepo.defaultBranch}\n`);
    });
  repos
    .command('list')
    .description('list tracked repositories')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { repos: rows } = await withClient((c) => c.request(graphql(`query Repos { repos { name url githubFullName defaultBranch fetchedAt } }`)));
      if (opts.json) return printJson(rows);
      printTable(['NAME', 'URL', 'GITHUB', 'DEFAULT BRANCH', 'FETCHED'], rows.map((r) => [r.name, r.url, r.githubFullName, r.defaultBranch, r.fetchedAt]));
    });
  repos
    .command('fetch')
    .description('fetch a tracked repository now')
    .argument('<name>')
    .action(async (name: string) => {
      await withClient((c) => c.request(graphql(`mutation FetchRepo($name: String!) { fetchRepo(name: $name) { name } }`), { name }));
      process.stderr.write(`fetched '${name}'\n`);
    });

  program
    .command('builds')
    .description('list CI builds')
    .option('--repo <name>', 'only this repository')
    .option('--status <status>', 'queued, running, succeeded, failed or error')
    .option('--json', 'machine-readable output')
    .action(async (opts: { repo?: string; status?: BuildStatus; json?: boolean }) => {
      const { builds } = await withClient((c) =>
        c.request(graphql(`query Builds($repo: String, $status: BuildStatus) { builds(repo: $repo, status: $status) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }`), { repo: opts.repo, status: opts.status }),
      );
      if (opts.json) return printJson(builds);
      printTable(['ID', 'REPO', 'COMMIT', 'REF', 'EVENT', 'STATUS', 'REGRESSIONS'], builds.map((b) => [b.id, b.repo, b.commit.slice(0, 10), b.ref, b.event, b.status, b.regressions]));
    });

  program
    .command('build')
    .description('build a commit of a tracked repository (runs from its vera.yaml, or --pipeline on --dataset) and wait for it')
    .argument('<repo>', 'tracked repository name (or GitHub owner/name)')
    .argument('<commit>', 'commit SHA, branch or tag')
    .option('--ref <ref>', 'ref being built, e.g. refs/tags/v1.0 (default: the tag or branch <commit> names, else the commit)')
    .option('--pipeline <file>', 'pipeline file in the repository')
    .option('--dataset <collections>', 'input collections, comma-separated')
    .option('--no-wait', 'return once the build is requested')
    .option('--json', 'print the final build as JSON')
    .action(async (repo: string, commit: string, opts: { ref?: string; pipeline?: string; dataset?: string; wait?: boolean; json?: boolean }) => {
      await withClient(async (c, config) => {
        const { requestBuild } = await c.request(
          graphql(`mutation RequestBuild($repo: String!, $commit: String!, $ref: String, $pipeline: String, $dataset: String) { requestBuild(repo: $repo, commit: $commit, ref: $ref, pipeline: $pipeline, dataset: $dataset) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }`),
          { repo, commit, ref: opts.ref, pipeline: opts.pipeline, dataset: opts.dataset },
        );
        process.stderr.write(`build ${requestBuild.id} of ${requestBuild.commit.slice(0, 10)}: ${requestBuild.runs.length} run(s)\n`);
        if (opts.wait === false) return;
        for (const r of requestBuild.runs) await followRun(c, r.name, { quiet: Boolean(opts.json), leaseMs: config.runLeaseMs });
        let final: BuildRow | null = null;
        for (let i = 0; i < 600; i++) {
          final = (await c.request(graphql(`query Build($id: Int!) { build(id: $id) { id repo commit ref event status regressions summaryMarkdown runs { name status } } }`), { id: requestBuild.id })).build;
          if (final && final.status !== 'queued' && final.status !== 'running') break;
          await new Promise((r) => setTimeout(r, 300));
        }
        if (opts.json) return printJson(final);
        if (final?.summaryMarkdown) process.stdout.write(final.summaryMarkdown);
        process.stderr.write(`build ${requestBuild.id} ${final?.status}${final?.regressions ? `, ${final.regressions} regression(s)` : ''}\n`);
      });
    });
}
