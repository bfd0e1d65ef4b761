import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { PROJECT_ROOT } from './git-repo.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts/slurm/cluster.sh');

// No vitest here: benches start clusters too (bench/slurm-overhead.bench.ts).

/**
 * Starts a single-node cluster with every file in `dir` (scripts/slurm/cluster.sh, as root; it
 * installs slurm-wlm and munge when missing) and points SLURM_CONF at it, for this process and
 * the commands and jobs it starts.
 */
export function startSlurmCluster(dir: string): void {
  const out = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
  const conf = /export SLURM_CONF=(\S+)/.exec(out)?.[1];
  if (!conf) throw new Error(`scripts/slurm/cluster.sh printed no SLURM_CONF: ${out}`);
  process.env.SLURM_CONF = conf;
}

/** Stops the cluster started in `dir`, by its daemons' PIDs. */
export function stopSlurmCluster(dir: string): void {
  execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit' });
  delete process.env.SLURM_CONF;
}
