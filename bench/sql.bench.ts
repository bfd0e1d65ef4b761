import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { writeCatalogParquet } from '../pipelines/io/parquet.ts';
import { closeSqlSandboxes, runSql, type SqlView } from '../server/analysis/sql.ts';
import { percentile, report } from './lib.ts';

/**
 * SQL over Parquet catalogs through Vera's runSql (a DuckDB sandbox with views carrying the
 * collection and data-ID columns, external access off, row limit) against DuckDB's node API used
 * directly on the same files (read_parquet), in the same run: a two-run join of 2 x 48 catalogs
 * of 5000 sources (SimCam-like: 12 visits x 4 detectors), matched-source flux ratios aggregated
 * per visit. Two cases: a first query (Vera makes its sandbox and views; DuckDB a new instance)
 * and a repeated one (Vera reuses its sandbox; DuckDB reuses its connection). Goal: Vera at most
 * 1.2 x DuckDB. Medians of 7 after 2 warm-up runs, of wall time and of CPU time (process.cpuUsage
 * counts DuckDB's threads, which run in this process): CPU time is the fairer comparison on a
 * loaded machine.
 */
const REPEATS = 7;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sql-bench-'));
const runs = ['u/op/prod', 'u/op/exp'];
const views: SqlView[] = [{ name: 'src', files: [] }];
const filesOf: Record<string, string[]> = { 'u/op/prod': [], 'u/op/exp': [] };
let seed = 7;
const uniform = () => ((seed = (Math.imul(seed, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
for (const [r, run] of runs.entries()) {
  for (let visit = 1; visit <= 12; visit++) {
    for (let detector = 0; detector < 4; detector++) {
      const n = 5000;
      const refId = Int32Array.from({ length: n }, (_, i) => i);
      const psfFlux = Float64Array.from({ length: n }, () => 1000 * (1 + uniform()) * (r ? 1.01 : 1));
      const file = path.join(dir, `${r}-${visit}-${detector}.parquet`);
      fs.writeFileSync(file, writeCatalogParquet({ refId, psfFlux }));
      (views[0]!.files as { path: string; columns: Record<string, string | number> }[]).push({ path: file, columns: { collection: run, visit, detector } });
      filesOf[run]!.push(file);
    }
  }
}

const VERA_SQL = `SELECT a.visit, avg(b.psfFlux / a.psfFlux) AS ratio, count(*) AS n
  FROM src a JOIN src b USING (visit, detector, refId)
  WHERE a.collection = 'u/op/prod' AND b.collection = 'u/op/exp' GROUP BY a.visit ORDER BY a.visit`;

const list = (files: string[]) => `[${files.map((f) => `'${f}'`).join(', ')}]`;
// DuckDB directly: the data ID from the file name, as a hand-written notebook query would get it.
const side = (run: string) =>
  `SELECT CAST(split_part(parse_filename(filename, true), '-', 2) AS BIGINT) AS visit, CAST(split_part(parse_filename(filename, true), '-', 3) AS BIGINT) AS detector, refId, psfFlux FROM read_parquet(${list(filesOf[run]!)}, filename = true)`;
const DIRECT_SQL = `SELECT a.visit, avg(b.psfFlux / a.psfFlux) AS ratio, count(*) AS n
  FROM (${side('u/op/prod')}) a JOIN (${side('u/op/exp')}) b USING (visit, detector, refId) GROUP BY a.visit ORDER BY a.visit`;

async function direct(conn?: DuckDBConnection): Promise<number> {
  if (conn) return (await conn.runAndReadAll(DIRECT_SQL)).getRowsJS().length;
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const fresh = await instance.connect();
  try {
    return (await fresh.runAndReadAll(DIRECT_SQL)).getRowsJS().length;
  } finally {
    fresh.closeSync();
    instance.closeSync();
  }
}

async function vera(): Promise<number> {
  return (await runSql(views, VERA_SQL, { maxRows: 10_000, timeoutMs: 300_000 })).rows.length;
}

const cpuMs = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
};

/** Medians of wall and CPU milliseconds; `before` runs untimed ahead of each repeat. */
async function median(fn: () => Promise<number>, before: () => void = () => undefined): Promise<{ wall: number; cpu: number }> {
  for (let i = 0; i < 2; i++) {
    before();
    if ((await fn()) !== 12) throw new Error('wrong row count');
  }
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    before();
    const t = performance.now();
    const c = cpuMs();
    await fn();
    wall.push(performance.now() - t);
    cpu.push(cpuMs() - c);
  }
  return { wall: percentile(wall.sort((a, b) => a - b), 50), cpu: percentile(cpu.sort((a, b) => a - b), 50) };
}

function compare(what: string, d: { wall: number; cpu: number }, v: { wall: number; cpu: number }): void {
  report('sql', `${what}: duckdb direct`, d.wall, 'ms', `cpu ${d.cpu.toFixed(0)} ms`);
  report('sql', `${what}: vera runSql`, v.wall, 'ms', `cpu ${v.cpu.toFixed(0)} ms; wall ${(v.wall / d.wall).toFixed(2)}x, cpu ${(v.cpu / d.cpu).toFixed(2)}x DuckDB direct (goal <= 1.2x)`);
}

try {
  console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')} on ${os.cpus().length} cores`);
  const firstDirect = await median(() => direct());
  const firstVera = await median(vera, closeSqlSandboxes);
  compare('first query (96 files x 5000 rows, join + group)', firstDirect, firstVera);
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  try {
    const againDirect = await median(() => direct(conn));
    const againVera = await median(vera);
    compare('repeated query (same views / connection)', againDirect, againVera);
  } finally {
    conn.closeSync();
    instance.closeSync();
    closeSqlSandboxes();
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
