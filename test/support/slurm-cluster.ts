import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import path from 'node:path';
import { PROJECT_ROOT } from './git-repo.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts/slurm/cluster.sh');

// No vitest here: benches start clusters too (bench/slurm-overhead.bench.ts).

// Awaited, not execFileSync: starting the daemons can take over a minute on a loaded machine, and
// a test fork blocked that long misses vitest's 60 s worker RPC deadline.
const run = promisify(execFile);

/**
 * Starts a single-node cluster with every file in `dir` (scripts/slurm/cluster.sh, as root; it
 * installs slurm-wlm and munge when missing) and points SLURM_CONF at it, for this process and
 * the commands and jobs it starts.
 */
export async function startSlurmCluster(dir: string): Promise<void> {
  const { stdout: out } = await run('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', timeout: 900_000, maxBuffer: 16 * 1024 * 1024 });
  const conf = /export SLURM_CONF=(\S+)/.exec(out)?.[1];
  if (!conf) throw new Error(`scripts/slurm/cluster.sh printed no SLURM_CONF: ${out}`);
  process.env.SLURM_CONF = conf;
}

/** Stops the cluster started in `dir`, by its daemons' PIDs. */
export async function stopSlurmCluster(dir: string): Promise<void> {
  const { stdout, stderr } = await run('bash', [SCRIPT, 'stop', dir], { encoding: 'utf8' });
  process.stderr.write(stdout + stderr);
  delete process.env.SLURM_CONF;
}
