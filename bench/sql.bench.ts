import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { writeCatalogParquet } from '../pipelines/io/parquet.ts';
import { runSql, type SqlView } from '../server/analysis/sql.ts';
import { percentile, report } from './lib.ts';

/**
 * SQL over Parquet catalogs through Vera's runSql (fresh DuckDB, views with collection and
 * data-ID columns, external access off, row limit) against DuckDB's node API used directly on
 * the same files (read_parquet), in the same run: a two-run join of 2 x 48 catalogs of 5000
 * sources (SimCam-like: 12 visits x 4 detectors), matched-source flux ratios aggregated per
 * visit. Goal: Vera's time at most 1.2 x DuckDB's. Medians of 7 after 2 warm-up runs.
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

async function direct(): Promise<number> {
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const conn = await instance.connect();
  const r = await conn.runAndReadAll(DIRECT_SQL);
  const n = r.getRowsJS().length;
  conn.closeSync();
  instance.closeSync();
  return n;
}

async function vera(): Promise<number> {
  return (await runSql(views, VERA_SQL, { maxRows: 10_000, timeoutMs: 300_000 })).rows.length;
}

async function median(fn: () => Promise<number>): Promise<number> {
  for (let i = 0; i < 2; i++) if ((await fn()) !== 12) throw new Error('wrong row count');
  const ms: number[] = [];
  for (let i = 0; i < REPEATS; i++) {
    const t = performance.now();
    await fn();
    ms.push(performance.now() - t);
  }
  return percentile(ms.sort((a, b) => a - b), 50);
}

try {
  const d = await median(direct);
  const v = await median(vera);
  report('sql', 'duckdb direct (read_parquet, 96 files x 5000 rows, join + group)', d, 'ms');
  report('sql', 'vera runSql (views, sandbox, same query)', v, 'ms', `${(v / d).toFixed(2)}x DuckDB direct (goal <= 1.2x)`);
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
