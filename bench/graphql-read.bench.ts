/**
 * GraphQL read throughput of a real `vera serve` on PostgreSQL, as an anonymous client sees it:
 * requests per second and p50/p99 latency for `collections`, `datasets` with a where expression,
 * and `series` (a 300-commit git history), each under the same closed-loop load, beside GET
 * /healthz as the baseline (what the HTTP stack alone costs in the same run). The server runs in
 * its own process; the load comes from this one over loopback, bounded in time and count.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createUser } from '../server/auth/index.ts';
import { openDatabase, sql, type Db } from '../server/db/client.ts';
import { createCollection, registerDatasetType, registerDatasets } from '../server/repo/index.ts';
import { insertBenchCam, makeLinearRepo, withBenchDatabase } from './fixtures.ts';
import { percentile, report } from './lib.ts';

const VERA_BIN = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../bin/vera.js');
const N_VISITS = 200;
const N_DETECTORS = 50;
const N_COLLECTIONS = 40;
const N_COMMITS = 300;
const CONCURRENCY = 8;
const SECONDS = 5;
const MAX_REQUESTS = 20_000;

async function seed(db: Db, repoDir: string): Promise<void> {
  const user = await createUser(db, 'bench', 'admin');
  const actor = { id: user.id, name: user.name, role: user.role };
  await insertBenchCam(db, N_VISITS, N_DETECTORS);
  await registerDatasetType(db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, actor);
  for (let c = 0; c < N_COLLECTIONS; c++) {
    const run = `bench/run${c}`;
    await createCollection(db, { name: run, type: 'RUN', doc: `bench run ${c}` }, actor);
    // The first run holds every data ID; the others a visit each, so listing them counts real rows.
    const visits = c === 0 ? N_VISITS : 1;
    for (let v = 1; v <= visits; v++) {
      const batch = Array.from({ length: N_DETECTORS }, (_, detector) => {
        const dataId = { instrument: 'BenchCam', visit: c === 0 ? v : c, detector };
        const p = `${run}/calexp/visit=${dataId.visit}/detector=${detector}.fits`;
        return { datasetType: 'calexp', dataId, path: p, sizeBytes: 1 << 20, checksum: `sha256:${crypto.createHash('sha256').update(p).digest('hex')}` };
      });
      await registerDatasets(db, { run, datasets: batch }, actor);
    }
  }
  const commits = makeLinearRepo(repoDir, N_COMMITS);
  await db.execute(sql`INSERT INTO measurements (metric_name, value, unit, dataset, repo, commit, branch, measured_at)
    SELECT 'bench.m0', 10 + sin(c * 0.1), 'mmag', 'bench/ds', ${repoDir}, (string_to_array(${commits.join(',')}, ','))[c], 'master', now()
    FROM generate_series(1, ${N_COMMITS}) c`);
  await db.execute(sql`ANALYZE`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as net.AddressInfo;
      s.close(() => resolve(port));
    });
    s.on('error', reject);
  });
}

async function startServer(env: NodeJS.ProcessEnv, url: string): Promise<ChildProcess> {
  // BENCH_PROFILE_DIR=<dir> writes a CPU profile of the server there, to see where the time goes.
  const profile = process.env.BENCH_PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_PROFILE_DIR}`] : [];
  const child = spawn(process.execPath, [...profile, VERA_BIN, 'serve'], { env, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let i = 0; i < 600; i++) {
    if (child.exitCode !== null) throw new Error(`vera serve exited with ${child.exitCode}`);
    const up = await fetch(`${url}/healthz`).then((r) => r.ok, () => false);
    if (up) return child;
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error('vera serve did not answer /healthz within 60 s');
}

interface Load {
  perSecond: number;
  p50: number;
  p99: number;
  n: number;
}

/** CONCURRENCY clients, each sending its next request when the last one answered, for SECONDS. */
async function load(send: () => Promise<Response>, check: (body: string) => void): Promise<Load> {
  const latencies: number[] = [];
  const until = performance.now() + SECONDS * 1000;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (performance.now() < until && latencies.length < MAX_REQUESTS) {
        const start = performance.now();
        const res = await send();
        const body = await res.text();
        if (!res.ok) throw new Error(`HTTP ${res.status}: ${body.slice(0, 200)}`);
        check(body);
        latencies.push(performance.now() - start);
      }
    }),
  );
  const elapsed = (performance.now() - t0) / 1000;
  latencies.sort((a, b) => a - b);
  return { perSecond: latencies.length / elapsed, p50: percentile(latencies, 50), p99: percentile(latencies, 99), n: latencies.length };
}

const QUERIES: { name: string; query: string; variables?: Record<string, unknown>; expect: (data: Record<string, unknown>) => boolean }[] = [
  {
    name: 'collections',
    query: '{ collections(pattern: "bench/*") { name type owner datasetCount } }',
    expect: (d) => (d.collections as unknown[]).length === N_COLLECTIONS,
  },
  {
    name: 'datasets with a where',
    query: 'query($w: String!) { datasets(datasetType: "calexp", collections: ["bench/run0"], where: $w, limit: 100) { id dataId path } }',
    variables: { w: "band IN ('g', 'r') AND visit > 100 AND detector < 2" },
    expect: (d) => (d.datasets as unknown[]).length === 100,
  },
  {
    name: 'series (300 commits)',
    query: '{ series(metric: "bench.m0", dataset: "bench/ds", branch: "master") { order points { commit mean } } }',
    expect: (d) => (d.series as { order: string; points: unknown[] }).order === 'git' && (d.series as { points: unknown[] }).points.length === N_COMMITS,
  },
];

async function main() {
  await withBenchDatabase('graphql postgres', async (dbUrl) => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-gql-'));
    let server: ChildProcess | undefined;
    try {
      const database = await openDatabase({ url: dbUrl });
      await seed(database.db, path.join(home, 'pipelines.git'));
      await database.close();

      const port = await freePort();
      const url = `http://127.0.0.1:${port}`;
      const env = { ...process.env, DATABASE_URL: dbUrl, VERA_HOME: home, VERA_PORT: String(port), VERA_LOG_LEVEL: 'warn' };
      server = await startServer(env, url);

      const healthz = await load(() => fetch(`${url}/healthz`), () => {});
      report('graphql postgres', 'GET /healthz (baseline)', healthz.perSecond, 'req/s', `p50 ${healthz.p50.toFixed(1)} ms, p99 ${healthz.p99.toFixed(1)} ms`);
      for (const q of QUERIES) {
        const body = JSON.stringify({ query: q.query, variables: q.variables });
        const send = () => fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
        const check = (text: string) => {
          const parsed = JSON.parse(text) as { data?: Record<string, unknown>; errors?: { message: string }[] };
          if (parsed.errors || !parsed.data || !q.expect(parsed.data)) throw new Error(`${q.name}: unexpected answer ${text.slice(0, 300)}`);
        };
        await load(send, check); // warm-up: JIT, plans, caches
        const r = await load(send, check);
        report('graphql postgres', `${q.name} throughput`, r.perSecond, 'req/s', `${CONCURRENCY} clients, ${r.n} requests, ${(r.perSecond / healthz.perSecond).toFixed(2)}x of /healthz`);
        report('graphql postgres', `${q.name} latency p50`, r.p50, 'ms');
        report('graphql postgres', `${q.name} latency p99`, r.p99, 'ms', r.p99 < 200 ? 'goal p99 < 200 ms: met' : 'goal p99 < 200 ms: NOT met');
      }
    } finally {
      server?.kill('SIGTERM');
      await new Promise((r) => (server && server.exitCode === null ? server.once('exit', r) : r(undefined)));
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
}

await main();
