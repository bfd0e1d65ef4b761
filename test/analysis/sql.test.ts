import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readCatalogParquet } from '../../pipelines/io/parquet.ts';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createLogger } from '../../server/log.ts';
import { findDatasets, tagDatasets, createCollection } from '../../server/repo/index.ts';
import { createRun } from '../../server/runs/create.ts';
import { executeRun } from '../../server/runs/execute.ts';
import { generateSimCam, SIMCAM } from '../../server/simcam/generate.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { DRP, singleFrameDrp } from '../support/drp.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const PROD = 'u/op/prod';
const EXP = 'u/op/exp';
const RELEASE = 'u/op/release-v1';

/** Matched sources (same visit, detector and reference star) of two runs and their flux ratio. */
export const FLUX_RATIO_SQL = `
  SELECT a.visit, a.detector, a.refId, b.psfFlux / a.psfFlux AS ratio
  FROM src a JOIN src b USING (visit, detector, refId)
  WHERE a.collection = '${PROD}' AND b.collection = '${EXP}' AND a.refId >= 0
  ORDER BY a.visit, a.detector, a.refId`;

let executor: Executor;
let server: VeraHttpServer;
let token: string;
let home: string;
let env: NodeJS.ProcessEnv;

beforeAll(() => {
  executor = createLocalExecutor({ threads: 2 });
});

/** Two single-frame runs of SimCam (prod and experimental flat), a release, a server. */
async function setUp(): Promise<void> {
  const { actor: op, token: opToken } = await v.user('op', 'operator');
  token = opToken;
  await generateSimCam(t.db, v.vera.datastore, { nVisits: 2, bands: ['r'], detectorGrid: [2, 1] }, op);
  const yaml = singleFrameDrp(); // what makes `src`
  const log = createLogger({ logLevel: 'silent' });
  for (const [output, input] of [
    [PROD, SIMCAM.defaults],
    [EXP, SIMCAM.defaultsExpFlat],
  ] as const) {
    await createRun(t.db, { pipelineFile: DRP, pipelineYaml: yaml, inputs: [input], output, executor: 'local' }, op);
    expect(await executeRun({ db: t.db, datastore: v.vera.datastore, executor, log }, output)).toBe('succeeded');
  }
  // A release: the prod run's src catalogs, tagged.
  await createCollection(t.db, { name: RELEASE, type: 'TAGGED', doc: 'a release' }, op);
  const prodSrc = await findDatasets(t.db, { datasetType: 'src', collections: [PROD] });
  await tagDatasets(t.db, RELEASE, prodSrc.map((d) => d.id), op);
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sql-cli-'));
  env = cliEnv(home, undefined, { VERA_URL: server.url, VERA_TOKEN: token });
}

afterAll(async () => {
  await server?.close();
  await executor?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

/** The same ratios computed from the Parquet files with Vera's own reader, not DuckDB. */
async function expectedRatios(): Promise<{ visit: number; detector: number; refId: number; ratio: number }[]> {
  const load = async (run: string) => {
    const out = new Map<string, number>();
    for (const d of await findDatasets(t.db, { datasetType: 'src', collections: [run] })) {
      const cat = await readCatalogParquet(await v.vera.datastore.read(d.path));
      const refId = cat.columns.refId as Int32Array;
      const flux = cat.columns.psfFlux as Float64Array;
      for (let k = 0; k < refId.length; k++) if (refId[k]! >= 0) out.set(`${d.dataId.visit}/${d.dataId.detector}/${refId[k]}`, flux[k]!);
    }
    return out;
  };
  const [a, b] = [await load(PROD), await load(EXP)];
  const rows = [];
  for (const [key, fa] of a) {
    const fb = b.get(key);
    if (fb === undefined) continue;
    const [visit, detector, refId] = key.split('/').map(Number) as [number, number, number];
    rows.push({ visit, detector, refId, ratio: fb / fa });
  }
  return rows.sort((x, y) => x.visit - y.visit || x.detector - y.detector || x.refId - y.refId);
}

/** joins two runs' src catalogs and returns matched-source flux ratios, as the files hold them */
async function joinsTwoRuns(): Promise<void> {
    const r = await runCli(['sql', FLUX_RATIO_SQL, '--collections', `${PROD},${EXP}`, '--format', 'json', '--limit', '100000'], env);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const rows = JSON.parse(r.stdout) as { visit: number; detector: number; refId: number; ratio: number }[];
    const expected = await expectedRatios();
    expect(expected.length).toBeGreaterThan(20);
    expect(rows.map((x) => [x.visit, x.detector, x.refId])).toEqual(expected.map((x) => [x.visit, x.detector, x.refId]));
    rows.forEach((x, i) => expect(x.ratio).toBeCloseTo(expected[i]!.ratio, 12));
    // The experimental flat changes fluxes: the ratios are not all 1.
    expect(rows.some((x) => Math.abs(x.ratio - 1) > 1e-3)).toBe(true);
}

/** shows a TAGGED release under its own name, with the data-ID columns and implied dimensions */
async function taggedRelease(): Promise<void> {
    const q = 'SELECT collection, visit, detector, band, count(*) AS n FROM src GROUP BY ALL ORDER BY collection, visit, detector';
    const r = await runCli(['sql', q, '--collections', `${RELEASE},${PROD}`, '--format', 'csv'], env);
    expect(r.code, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('collection,visit,detector,band,n');
    const release = lines.filter((l) => l.startsWith(`${RELEASE},`)).map((l) => l.split(',').slice(1).join(','));
    const prod = lines.filter((l) => l.startsWith(`${PROD},`)).map((l) => l.split(',').slice(1).join(','));
    expect(release).toHaveLength(4);
    expect(release).toEqual(prod);
    expect(release.every((l) => l.split(',')[2] === 'r')).toBe(true);
}

/** refuses anything but one SELECT, and reads no file it was not given */
async function refusesWrites(): Promise<void> {
    for (const [q, why] of [
      ["DELETE FROM src", /only a SELECT .* this is DELETE/],
      ["COPY (SELECT 1) TO '/tmp/vera-sql-copy.csv'", /only a SELECT .* this is COPY/],
      ["ATTACH '/tmp/vera-sql.db' AS x", /only a SELECT .* this is ATTACH/],
      ['INSTALL httpfs', /only a SELECT .* this is INSTALL/],
      ['SET enable_external_access = true', /only a SELECT .* this is SET/],
      ['SELECT 1; SELECT 2', /exactly one SQL statement/],
      ["SELECT * FROM read_csv('/etc/passwd')", /may read only the catalogs .*\/etc\/passwd/],
      ["SELECT * FROM glob('/etc/*')", /may read only the catalogs/],
      ["SELECT * FROM read_parquet('https://example.com/x.parquet')", /may read only the catalogs/],
    ] as const) {
      const r = await runCli(['sql', q, '--collections', PROD], env);
      expect(r.code, `${q}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(why);
    }
    expect(fs.existsSync('/tmp/vera-sql-copy.csv')).toBe(false);
    const gql = await v.gql('query ($q: String!) { sql(query: $q, collections: ["u/op/prod"]) { rows } }', { q: 'DROP VIEW src' });
    expect(gql.errors?.[0]?.extensions.code).toBe('SQL_REFUSED');
}

/** bounds rows and time, and answers anonymous readers when the server allows them */
async function boundsRowsAndTime(): Promise<void> {
    const limited = await v.gql('{ sql(query: "SELECT * FROM src", collections: ["u/op/prod"], limit: 5) { columns { name type } rows truncated views { name files } } }');
    const sql = (limited.data as { sql: { columns: { name: string; type: string }[]; rows: unknown[][]; truncated: boolean; views: { name: string; files: number }[] } }).sql;
    expect(sql.rows).toHaveLength(5);
    expect(sql.truncated).toBe(true);
    expect(sql.columns[0]!.name).toBe('collection');
    expect(sql.columns.map((c) => c.name)).toEqual(expect.arrayContaining(['collection', 'visit', 'detector', 'psfFlux', 'refId']));
    expect(sql.views).toEqual(expect.arrayContaining([{ name: 'src', files: 4 }, { name: 'icSrc', files: 4 }]));
    const slow = await v.gql('{ sql(query: "SELECT count(*) FROM range(100000000000) a", collections: ["u/op/prod"], timeoutSeconds: 1) { rows } }');
    expect(slow.errors?.[0]?.extensions.code).toBe('SQL_TIMEOUT');
}

/** writes Parquet, and queries a local directory of Parquet files */
async function parquetAndLocalDir(): Promise<void> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-sql-dir-'));
    try {
      const out = path.join(dir, 'ratios.parquet');
      const r = await runCli(['sql', FLUX_RATIO_SQL, '--collections', `${PROD},${EXP}`, '--format', 'parquet', '--output', out, '--limit', '100000'], env);
      expect(r.code, r.stderr).toBe(0);
      const written = await readCatalogParquet(fs.readFileSync(out));
      const expected = await expectedRatios();
      expect(Array.from(written.columns.ratio as Float64Array)).toEqual(expected.map((x) => x.ratio));
      // The written file is now a local view named after it.
      const local = await runCli(['sql', 'SELECT collection, count(*) AS n, min(ratio) AS lo FROM ratios GROUP BY ALL', '--dir', dir, '--format', 'json'], env);
      expect(local.code, local.stderr).toBe(0);
      expect(JSON.parse(local.stdout)).toEqual([{ collection: path.basename(dir), n: expected.length, lo: Math.min(...expected.map((x) => x.ratio)) }]);
      const outside = await runCli(['sql', "SELECT * FROM read_csv('/etc/passwd')", '--dir', dir], env);
      expect(outside.code).toBe(2);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
}

describe('vera sql over the Parquet catalogs of collections', () => {
  // One test: the database is emptied before each, and the two DRP runs are the costly part.
  it("joins two runs' src catalogs (flux ratios as the files hold them), shows releases, refuses non-SELECT and foreign files, bounds rows and time, writes Parquet, reads a local directory", async () => {
    await setUp();
    await joinsTwoRuns();
    await taggedRelease();
    await refusesWrites();
    await boundsRowsAndTime();
    await parquetAndLocalDir();
  }, 900_000);
});
