import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { PROJECT_ROOT } from './git-repo.ts';

const SCRIPT = path.join(PROJECT_ROOT, 'scripts/slurm/cluster.sh');

/**
 * A real single-node Slurm cluster for the test file: scripts/slurm/cluster.sh installs
 * slurm-wlm and munge when missing (apt-get, as root) and starts munged, slurmctld and slurmd in
 * a temp directory; afterAll stops them by their PIDs and removes the directory. SLURM_CONF is
 * set for this process, so the executor's sbatch/squeue/scancel and the jobs find the cluster.
 */
export function useSlurmCluster(): { readonly dir: string } {
  let dir = '';
  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-slurm-'));
    const out = execFileSync('bash', [SCRIPT, 'start', dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 900_000 });
    const conf = /export SLURM_CONF=(\S+)/.exec(out)?.[1];
    if (!conf) throw new Error(`scripts/slurm/cluster.sh printed no SLURM_CONF: ${out}`);
    process.env.SLURM_CONF = conf;
  }, 900_000);
  afterAll(() => {
    if (!dir) return;
    execFileSync('bash', [SCRIPT, 'stop', dir], { stdio: 'inherit' });
    delete process.env.SLURM_CONF;
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
  };
}

/** Every element of the given job arrays as `squeue --json` lists it (pending elements aggregated). */
export function squeueElements(arrayIds: number[]): { jobId: string; state: string }[] {
  const doc = JSON.parse(execFileSync('squeue', ['--json'], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as {
    jobs: { array_job_id: number; array_task_id: number | null; job_state: string | string[] }[];
  };
  return doc.jobs
    .filter((j) => arrayIds.includes(j.array_job_id) && j.array_task_id !== null)
    .map((j) => ({ jobId: `${j.array_job_id}_${j.array_task_id}`, state: Array.isArray(j.job_state) ? j.job_state[0]! : j.job_state }));
}
