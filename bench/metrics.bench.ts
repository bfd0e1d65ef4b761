/**
 * Metrics at scale, on PostgreSQL: measurements ingested per second through `ingestJob` (Job
 * JSON parsing, unit checks, one transaction per job) beside a plain batched INSERT of the same
 * rows, and series query latency (p50/p99) with 1M measurements, ordered by a 1000-commit
 * first-parent history from a real git repository.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '../server/auth/index.ts';
import { openDatabase, queryRows, sql } from '../server/db/client.ts';
import { measurements } from '../server/db/schema/index.ts';
import { ingestJob } from '../server/metrics/ingest-job.ts';
import { loadSeries } from '../server/metrics/series.ts';
import { makeLinearRepo, withBenchDatabase } from './fixtures.ts';
import { percentile, report, timeMs } from './lib.ts';

const N_COMMITS = 1000;
const N_METRICS = 50;
const N_DATASETS = 20;
const JOB_MEASUREMENTS = 1000;
const N_JOBS = 20;

function jobJson(i: number): string {
  const ms = Array.from({ length: JOB_MEASUREMENTS }, (_, k) => ({
    metric: `bench.m${k % N_METRICS}`,
    value: 10 + Math.sin(i * 7 + k),
    unit: 'mmag',
    identifier: `${i}-${k}`,
    blob_refs: [],
  }));
  return JSON.stringify({ measurements: ms, blobs: [], metrics: [], specs: [], meta: {} });
}

async function main() {
  await withBenchDatabase('metrics postgres', async (url) => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-git-'));
    try {
      const database = await openDatabase({ url });
      const db = database.db;
      try {
        const user = await createUser(db, 'bench', 'admin');
        const actor = { id: user.id, name: 'bench', role: 'admin' as const };

        const jobs = Array.from({ length: N_JOBS }, (_, i) => jobJson(i));
        const ingested = await timeMs(async () => {
          for (const [i, text] of jobs.entries()) await ingestJob(db, text, { dataset: 'bench/ingest', commit: `c${i}`, branch: 'master' }, actor);
        });
        const plainRows = jobs.flatMap((text, i) =>
          (JSON.parse(text) as { measurements: { metric: string; value: number; unit: string }[] }).measurements.map((m) => ({
            metricName: m.metric,
            value: m.value,
            unit: m.unit,
            dataset: 'bench/plain',
            commit: `c${i}`,
            branch: 'master',
          })),
        );
        const plain = await timeMs(async () => {
          for (let i = 0; i < plainRows.length; i += JOB_MEASUREMENTS) {
            await db.transaction(async (tx) => {
              await tx.insert(measurements).values(plainRows.slice(i, i + JOB_MEASUREMENTS));
            });
          }
        });
        const n = N_JOBS * JOB_MEASUREMENTS;
        report('metrics postgres', 'measurements ingested (Job JSON)', n / (ingested.ms / 1000), 'measurements/s');
        report('metrics postgres', 'plain batched INSERT', n / (plain.ms / 1000), 'rows/s');
        report('metrics postgres', 'ingest vs plain INSERT', (100 * plain.ms) / ingested.ms, '%');

        const commits = makeLinearRepo(dir, N_COMMITS);
        // 1M measurements: every metric on every dataset at every commit, generated in the database.
        const loaded = await timeMs(() =>
          db.execute(sql`INSERT INTO measurements (metric_name, value, unit, dataset, repo, commit, branch, measured_at)
            SELECT 'bench.m' || m, 10 + sin(c * 0.1 + m), 'mmag', 'bench/ds' || d, ${dir}, (string_to_array(${commits.join(',')}, ','))[c], 'master', now()
            FROM generate_series(1, ${N_COMMITS}) c, generate_series(0, ${N_METRICS - 1}) m, generate_series(0, ${N_DATASETS - 1}) d`),
        );
        await db.execute(sql`ANALYZE measurements`);
        const [{ count }] = (await queryRows<{ count: number }>(db, sql`SELECT count(*)::int AS count FROM measurements`)) as [{ count: number }];
        report('metrics postgres', 'measurements in table', count, 'rows', `generated in ${(loaded.ms / 1000).toFixed(1)} s`);
        const latencies: number[] = [];
        for (let i = 0; i < 100; i++) {
          const q = { metric: `bench.m${(i * 7) % N_METRICS}`, dataset: `bench/ds${(i * 3) % N_DATASETS}`, branch: 'master' };
          const { ms, value } = await timeMs(() => loadSeries(db, q));
          if (value.points.length !== N_COMMITS) throw new Error(`series has ${value.points.length} points, expected ${N_COMMITS}`);
          latencies.push(ms);
        }
        latencies.sort((a, b) => a - b);
        report('metrics postgres', 'series query (1000 commits of 1M) p50', percentile(latencies, 50), 'ms', 'includes git rev-list');
        report('metrics postgres', 'series query (1000 commits of 1M) p99', percentile(latencies, 99), 'ms');
      } finally {
        await database.close();
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}

await main();
