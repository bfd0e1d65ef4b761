import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from './db.ts';
import { startSlurmCluster, stopSlurmCluster } from './slurm-cluster.ts';
import { useTestVera } from './vera.ts';

/**
 * A real single-node Slurm cluster for the test file: scripts/slurm/cluster.sh installs
 * slurm-wlm and munge when missing (apt-get, as root) and starts munged, slurmctld and slurmd in
 * a temp directory; afterAll stops them by their PIDs and removes the directory. SLURM_CONF is
 * set for this process, so the executor's sbatch/squeue/scancel and the jobs find the cluster.
 */
export function useSlurmCluster(): { readonly dir: string } {
  let dir = '';
  beforeAll(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-slurm-'));
    await startSlurmCluster(dir);
  }, 900_000);
  afterAll(async () => {
    if (!dir) return;
    await stopSlurmCluster(dir);
    fs.rmSync(dir, { recursive: true, force: true });
  });
  return {
    get dir() {
      return dir;
    },
  };
}

/**
 * A Vera on the Slurm executor for a test file: a cluster (useSlurmCluster), a test database, the
 * executor's settings (`settingsYaml`) and its job directory in a temp `work` directory, and the
 * HTTP server the batch jobs report to. afterAll closes the server and removes `work`.
 */
export function useSlurmVera(prefix: string, settingsYaml: string) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const settings = path.join(work, 'slurm.yaml');
  fs.writeFileSync(settings, settingsYaml);
  const cluster = useSlurmCluster();
  const t = useTestDatabase();
  const v = useTestVera(t, { VERA_EXECUTOR: 'slurm', VERA_SLURM_CONFIG: settings, VERA_SLURM_DIR: path.join(work, 'jobs') });
  let http: VeraHttpServer | undefined;
  beforeAll(async () => {
    http = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  });
  afterAll(async () => {
    await http?.close();
    fs.rmSync(work, { recursive: true, force: true });
  });
  return {
    work,
    cluster,
    t,
    v,
    get http(): VeraHttpServer {
      if (!http) throw new Error('the HTTP server starts in beforeAll');
      return http;
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
