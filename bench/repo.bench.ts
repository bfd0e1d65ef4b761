/**
 * Data repository throughput: datasets registered per second through `registerDatasets`
 * (validation, data ID expansion, duplicate checks, one transaction per batch) beside a plain
 * batched INSERT of the same rows on the same database, and find-first query latency over
 * 100k datasets. Runs on embedded PGlite and, when reachable, on PostgreSQL.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createUser } from '../server/auth/index.ts';
import { openDatabase, sql, type Database } from '../server/db/client.ts';
import { datasets } from '../server/db/schema/index.ts';
import {
  createCollection,
  findDatasets,
  getCollection,
  getDatasetType,
  registerDatasetType,
  registerDatasets,
} from '../server/repo/index.ts';
import { insertBenchCam, withBenchDatabase } from './fixtures.ts';
import { percentile, report, timeMs } from './lib.ts';

const N_VISITS = 1000;
const N_DETECTORS = 100;
const BATCH = 1000;
const N_QUERIES = 300;

async function seed(database: Database) {
  const db = database.db;
  const user = await createUser(db, 'bench', 'admin');
  const actor = { id: user.id, name: user.name, role: user.role };
  await insertBenchCam(db, N_VISITS, N_DETECTORS);
  await registerDatasetType(db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, actor);
  await createCollection(db, { name: 'bench/registered', type: 'RUN' }, actor);
  await createCollection(db, { name: 'bench/plain', type: 'RUN' }, actor);
  return actor;
}

function* dataIds() {
  for (let visit = 1; visit <= N_VISITS; visit++) for (let detector = 0; detector < N_DETECTORS; detector++) yield { instrument: 'BenchCam', visit, detector };
}

function fileFacts(run: string, d: { visit: number; detector: number }) {
  const p = `${run}/calexp/instrument=BenchCam/visit=${d.visit}/detector=${d.detector}.fits`;
  return { path: p, sizeBytes: 1 << 20, checksum: `sha256:${crypto.createHash('sha256').update(p).digest('hex')}` };
}

async function benchDriver(label: string, database: Database) {
  const actor = await seed(database);
  const db = database.db;
  const all = [...dataIds()];

  const registered = await timeMs(async () => {
    for (let i = 0; i < all.length; i += BATCH) {
      const batch = all.slice(i, i + BATCH).map((dataId) => ({ datasetType: 'calexp', dataId, ...fileFacts('bench/registered', dataId) }));
      await registerDatasets(db, { run: 'bench/registered', datasets: batch }, actor);
    }
  });

  // The baseline: the same rows, already expanded, as multi-row INSERTs in one transaction per batch.
  const type = await getDatasetType(db, 'calexp');
  const run = await getCollection(db, 'bench/plain');
  const bandOf = (visit: number) => 'gri'[(visit - 1) % 3]!;
  const plain = await timeMs(async () => {
    for (let i = 0; i < all.length; i += BATCH) {
      const rows = all.slice(i, i + BATCH).map((d) => ({
        id: crypto.randomUUID(),
        datasetTypeId: type.id,
        runId: run.id,
        dataId: d,
        dims: { ...d, band: bandOf(d.visit), physical_filter: `BenchCam-${bandOf(d.visit)}`, day_obs: 20261101 },
        ...fileFacts('bench/plain', d),
      }));
      await db.transaction(async (tx) => {
        await tx.insert(datasets).values(rows);
      });
    }
  });
  const regRate = all.length / (registered.ms / 1000);
  const plainRate = all.length / (plain.ms / 1000);
  report(`repo ${label}`, 'datasets registered', regRate, 'datasets/s', `${all.length} in ${(registered.ms / 1000).toFixed(1)} s`);
  report(`repo ${label}`, 'plain batched INSERT', plainRate, 'rows/s');
  report(`repo ${label}`, 'registration vs plain INSERT', (100 * regRate) / plainRate, '%', 'goal >= 50%');

  // Steady state: autovacuum analyzes a table after bulk loads; do it now rather than wait for it,
  // so the planner has statistics (without them it scans the whole run for a visit query).
  await db.execute(sql`ANALYZE datasets`);
  const latencies = async (where: (i: number) => string) => {
    const ms: number[] = [];
    for (let i = 0; i < N_QUERIES; i++) {
      ms.push((await timeMs(() => findDatasets(db, { datasetType: 'calexp', collections: ['bench/registered'], where: where(i) }))).ms);
    }
    return ms.sort((a, b) => a - b);
  };
  const rnd = (n: number, i: number) => (i * 7919) % n;
  const one = await latencies((i) => `instrument = 'BenchCam' AND visit = ${1 + rnd(N_VISITS, i)} AND detector = ${rnd(N_DETECTORS, i * 31)}`);
  report(`repo ${label}`, 'data-ID query (1 of 100k) p50', percentile(one, 50), 'ms');
  report(`repo ${label}`, 'data-ID query (1 of 100k) p99', percentile(one, 99), 'ms');
  const visit = await latencies((i) => `visit = ${1 + rnd(N_VISITS, i)} AND band IN ('g', 'r', 'i')`);
  report(`repo ${label}`, 'visit query (100 of 100k) p50', percentile(visit, 50), 'ms');
  report(`repo ${label}`, 'visit query (100 of 100k) p99', percentile(visit, 99), 'ms');
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-'));
  try {
    const lite = await openDatabase({ dataDir: path.join(dir, 'db') });
    try {
      await benchDriver('pglite', lite);
    } finally {
      await lite.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }

  await withBenchDatabase('repo postgres', async (url) => {
    const server = await openDatabase({ url });
    try {
      await benchDriver('postgres', server);
    } finally {
      await server.close();
    }
  });
}

await main();
