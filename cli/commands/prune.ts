import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';

const PRUNE = graphql(`
  mutation Prune($yes: Boolean, $runs: [String!]) {
    prune(yes: $yes, runs: $runs) {
      dryRun
      bytesFreed
      resumed
      runs { run owner expiresAt datasets files bytes }
      kept { run owner expiresAt reason detail }
      worktrees { repo commit bytes }
    }
  }
`);

/** Bytes for people: 1536 → 1.5 KiB. */
export function formatBytes(n: number): string {
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
  let v = n;
  let i = 0;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${v} B` : `${v.toFixed(1)} ${units[i]}`;
}

export function register(program: Command): void {
  program
    .command('prune')
    .description("delete expired runs' datasets and files, and unused build worktrees (dry run unless --yes)")
    .option('--yes', 'delete; without it, only say what would be deleted and what is kept, and why')
    .option('--run <name...>', 'only these runs (an error names one you may not delete)')
    .option('--json', 'machine-readable output')
    .action(async (opts: { yes?: boolean; run?: string[]; json?: boolean }) => {
      const { prune } = await withClient((c) => c.request(PRUNE, { yes: opts.yes ?? false, runs: opts.run }));
      if (opts.json) return printJson(prune);
      const verb = prune.dryRun ? 'would delete' : 'deleted';
      if (prune.resumed > 0) process.stderr.write(`finished ${prune.resumed} deletion(s) an interrupted prune left\n`);
      if (prune.runs.length > 0) {
        printTable(
          ['RUN', 'OWNER', 'EXPIRED', 'DATASETS', 'FILES', 'BYTES'],
          prune.runs.map((r) => [r.run, r.owner, r.expiresAt.slice(0, 10), r.datasets, r.files, formatBytes(r.bytes)]),
        );
      }
      for (const w of prune.worktrees) process.stdout.write(`worktree ${w.repo}@${w.commit.slice(0, 10)} (${formatBytes(w.bytes)})\n`);
      for (const k of prune.kept) process.stdout.write(`kept ${k.run} (${k.owner}): ${k.reason} — ${k.detail}\n`);
      process.stderr.write(
        `${verb} ${prune.runs.length} run(s) and ${prune.worktrees.length} worktree(s): ${formatBytes(prune.bytesFreed)} (${prune.bytesFreed} bytes)${prune.dryRun ? '; run again with --yes to delete' : ''}\n`,
      );
    });
}
