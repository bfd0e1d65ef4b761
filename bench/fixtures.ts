import { execFileSync } from 'node:child_process';
import type { Db } from '../server/db/client.ts';
import { insertDimensionRecords } from '../server/repo/index.ts';

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
