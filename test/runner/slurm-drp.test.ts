import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { createLocalExecutor } from '../../runner/executors/local.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { makeActor } from '../support/factories.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';
import { useSlurmVera } from '../support/slurm.ts';

/**
 * The DRP on SimCam (two r-band visits, two detectors) through VERA_EXECUTOR=slurm on a real
 * single-node cluster gives byte-identical outputs to the same run on the local executor.
 */
// Per-task requests from the settings file (isr gets more memory than the default), and quanta
// clustered two to an array element.
const slurmVera = useSlurmVera('vera-slurm-drp-', 'default: { cpus: 1, memoryMB: 600 }\ntasks:\n  isr: { memoryMB: 800 }\nquantaPerJob: 2\npollSeconds: 0.5\ngatherMilliseconds: 100\n');
const { work, cluster, t, v } = slurmVera;

const DRP = path.join(PROJECT_ROOT, 'pipelines/drp.yaml');

async function outputs(run: string): Promise<Map<string, string>> {
  const rows = await queryRows<{ type: string; data_id: unknown; checksum: string }>(
    t.db,
    sql`SELECT dt.name AS type, d.data_id, d.checksum FROM datasets d JOIN collections c ON c.id = d.run_id JOIN dataset_types dt ON dt.id = d.dataset_type_id WHERE c.name = ${run}`,
  );
  return new Map(rows.map((r) => [`${r.type} ${JSON.stringify(r.data_id)}`, r.checksum]));
}

describe('the DRP on Slurm', () => {
  it('gives the same bytes as on the local executor, every quantum executed by a batch job', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await generateSimCam(t.db, v.vera.datastore, { nVisits: 2, bands: ['r'], detectorGrid: [2, 1] }, op);
    const drp = fs.readFileSync(DRP, 'utf8');
    for (const output of ['u/op/local', 'u/op/slurm']) {
      await createRun(t.db, { pipelineFile: DRP, pipelineYaml: drp, inputs: [SIMCAM.defaults], output, executor: output.endsWith('slurm') ? 'slurm' : 'local' }, op);
    }
    const local = createLocalExecutor({ threads: 2 });
    const tl = Date.now();
    try {
      expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor: local, log: createLogger({ logLevel: 'silent' }) }, 'u/op/local')).toBe('succeeded');
    } finally {
      await local.close();
    }
    console.log(`DRP on local: ${((Date.now() - tl) / 1000).toFixed(0)} s`);
    const t0 = Date.now();
    await v.vera.runs.start('u/op/slurm');
    expect(await v.vera.runs.wait('u/op/slurm')).toBe('succeeded');
    console.log(`DRP on Slurm: ${((Date.now() - t0) / 1000).toFixed(0)} s`);

    const a = await outputs('u/op/local');
    const b = await outputs('u/op/slurm');
    expect(a.size).toBeGreaterThan(10);
    expect([...a.keys()].some((k) => k.startsWith('calexp '))).toBe(true);
    expect([...a.keys()].some((k) => k.startsWith('deepCoadd '))).toBe(true);
    expect([...b.keys()].sort()).toEqual([...a.keys()].sort());
    for (const [key, checksum] of a) expect(b.get(key), key).toBe(checksum);

    const quanta = await queryRows<{ executor: string; host: string; n: number }>(
      t.db,
      sql`SELECT q.executor, q.host, count(*)::int AS n FROM quanta q JOIN collections c ON c.id = q.run_id WHERE c.name = 'u/op/slurm' GROUP BY q.executor, q.host`,
    );
    expect(quanta.map((q) => q.executor)).toEqual(['slurm']);
    expect(quanta[0]!.host).toBe(os.hostname());
    // Slurm's own record of the jobs: named by task, with the memory the settings ask for that task.
    const jobs = fs.readFileSync(path.join(cluster.dir, 'log/jobcomp.txt'), 'utf8').trim().split('\n');
    const isr = jobs.filter((j) => j.includes(' Name=vera-isr '));
    const calibrate = jobs.filter((j) => j.includes(' Name=vera-calibrate '));
    // Four isr quanta, two to an element.
    expect(isr).toHaveLength(2);
    expect(isr.every((j) => /Tres=cpu=1,mem=800M/.test(j) && /JobState=COMPLETED/.test(j))).toBe(true);
    expect(calibrate.length).toBeGreaterThan(0);
    expect(calibrate.every((j) => /Tres=cpu=1,mem=600M/.test(j))).toBe(true);
    // The run's credential, descriptions and outputs on their way are gone with its execution.
    expect(fs.readdirSync(path.join(work, 'jobs'))).toEqual([]);
    // Two runs of some 60 quanta, each batch job starting Node: minutes on a shared two-core
    // machine. A limit that only catches a hang.
  }, 1_800_000);
});
