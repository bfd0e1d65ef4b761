import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { stringify } from 'yaml';
import pg from 'pg';
import type { Db } from '../server/db/client.ts';
import { insertDimensionRecords } from '../server/repo/index.ts';

/**
 * A pipeline of one almost-empty task per raw (`scale` of the toy pipeline), for benches of the
 * runner's own per-quantum cost. Named as if it lay next to the toy pipeline, so its task class
 * resolves there.
 */
export const NOOP_PIPELINE = {
  pipelineFile: path.join(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..'), 'test/fixtures/pipelines/noop.yaml'),
  pipelineYaml: stringify({
    description: 'one almost-empty task per raw',
    tasks: {
      scale: {
        class: './toy-tasks.ts#scale',
        dimensions: ['instrument', 'visit', 'detector'],
        connections: {
          raw: { kind: 'input', datasetType: 'raw', dimensions: ['instrument', 'visit', 'detector'], storageClass: 'StructuredData' },
          scaled: { kind: 'output', datasetType: 'scaled', dimensions: ['instrument', 'visit', 'detector'], storageClass: 'StructuredData' },
        },
      },
    },
  }),
};

/** BenchCam: bands g, r, i; `nVisits` 30 s visits a minute apart on one night; `nDetectors` detectors. */
export async function insertBenchCam(db: Db, nVisits: number, nDetectors: number): Promise<void> {
  await insertDimensionRecords(db, 'instrument', [{ name: 'BenchCam' }]);
  await insertDimensionRecords(db, 'physical_filter', ['g', 'r', 'i'].map((b) => ({ instrument: 'BenchCam', name: `BenchCam-${b}`, band: b })));
  await insertDimensionRecords(db, 'day_obs', [{ instrument: 'BenchCam', id: 20261101 }]);
  const t0 = Date.UTC(2026, 10, 1);
  await insertDimensionRecords(
    db,
    'visit',
    Array.from({ length: nVisits }, (_, i) => ({
      instrument: 'BenchCam',
      id: i + 1,
      physicalFilter: `BenchCam-${'gri'[i % 3]}`,
      dayObs: 20261101,
      beginTime: new Date(t0 + i * 60_000),
      endTime: new Date(t0 + i * 60_000 + 30_000),
      exposureTimeS: 30,
      raDeg: 150,
      decDeg: 2,
      region: [[149.9, 1.9], [150.1, 1.9], [150.1, 2.1], [149.9, 2.1]],
    })),
  );
  await insertDimensionRecords(db, 'detector', Array.from({ length: nDetectors }, (_, i) => ({ instrument: 'BenchCam', id: i, fullName: `D${i}` })));
}

/** A repository with `nCommits` commits on master, written with fast-import (seconds, not minutes); SHAs oldest first. */
export function makeLinearRepo(dir: string, nCommits: number): string[] {
  execFileSync('git', ['init', '-q', '--initial-branch=master', dir]);
  let stream = '';
  for (let i = 0; i < nCommits; i++) {
    const msg = `commit ${i}`;
    stream += `commit refs/heads/master\nmark :${i + 1}\ncommitter Bench <b@example.org> ${1_700_000_000 + i * 60} +0000\ndata ${msg.length}\n${msg}\n`;
    if (i > 0) stream += `from :${i}\n`;
    stream += `M 644 inline f.txt\ndata ${String(i).length}\n${i}\n\n`;
  }
  execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: stream });
  return execFileSync('git', ['-C', dir, 'rev-list', '--reverse', 'master']).toString().trim().split('\n');
}

/** The PostgreSQL server benches measure against (the machine's own, as CI's). */
export const BENCH_PG_URL = process.env.BENCH_DATABASE_URL ?? process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/**
 * Runs `fn` with the URL of a scratch database created on BENCH_PG_URL's server and dropped after,
 * whatever `fn` does. When the server cannot be reached, prints "bench <group> | skipped" and
 * returns: a bench on a machine without PostgreSQL still reports its PGlite numbers.
 */
export async function withBenchDatabase(group: string, fn: (url: string) => Promise<void>): Promise<void> {
  const admin = new pg.Client({ connectionString: BENCH_PG_URL });
  try {
    await admin.connect();
  } catch (e) {
    console.log(`bench ${group} | skipped: cannot connect to ${BENCH_PG_URL} (${(e as Error).message})`);
    return;
  }
  const name = `vera_bench_${group.replace(/\W+/g, '_')}_${process.pid}`;
  try {
    await admin.query(`CREATE DATABASE "${name}"`);
    const url = new URL(BENCH_PG_URL);
    url.pathname = `/${name}`;
    await fn(url.toString());
  } finally {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.end();
  }
}
