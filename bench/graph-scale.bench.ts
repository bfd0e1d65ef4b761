/**
 * Quantum-graph build at campaign scale: 10^4, 10^5 and 10^6 quanta of simulated data IDs (the
 * toy pipeline: `scale` per visit and detector, `sumVisit` gathering a visit's 99 detectors),
 * each size in its own child process so its peak memory is its own. The build is the part after
 * the registry query (server/runs/graph/build.ts graphFromSpace): the data ID space and the input
 * datasets are simulated in memory. Each line also gives the baseline of the same child: making
 * the simulated inputs, and the memory they hold before the build starts.
 *
 * Goal (issue 16): 10^6 quanta in <= 60 s and <= 4 GB peak.
 *
 *   npm run bench -- graph-scale
 *   VERA_BENCH_GRAPH_SIZES=10000,100000 npm run bench -- graph-scale
 */
import { spawnSync } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { loadPipelineText } from '../runner/pipeline/load.ts';
import type { DatasetRef } from '../server/repo/index.ts';
import { graphFromSpace, type Row } from '../server/runs/graph/build.ts';
import { TOY_PIPELINE, toyPipelineText } from '../test/support/runs.ts';
import { report } from './lib.ts';

const DETECTORS = 99;
const GOAL_MS = 60_000;
const GOAL_BYTES = 4 * 1024 ** 3;
const SIZES = (process.env.VERA_BENCH_GRAPH_SIZES ?? '10000,100000,1000000').split(',').map(Number);

interface ChildResult {
  quanta: number;
  datasets: number;
  inputMs: number;
  inputRssBytes: number;
  buildMs: number;
  /** CPU time of the build (all threads: the garbage collector's too); on a busy machine the steadier number. */
  buildCpuMs: number;
  peakRssBytes: number;
}

async function child(nQuanta: number): Promise<ChildResult> {
  const pipeline = await loadPipelineText(toyPipelineText(), TOY_PIPELINE);
  const t0 = performance.now();
  // Per visit: DETECTORS scale quanta and one sumVisit quantum.
  const visits = Math.max(1, Math.round(nQuanta / (DETECTORS + 1)));
  const rows: Row[] = [];
  const raws: DatasetRef[] = [];
  const created = new Date();
  for (let visit = 1; visit <= visits; visit++) {
    for (let detector = 0; detector < DETECTORS; detector++) {
      const dataId = { instrument: 'SimCam', visit, detector };
      // The space carries what a visit implies (its filter and night), as the registry gives it.
      const dims = { instrument: 'SimCam', band: 'r', physical_filter: 'SimCam-r', day_obs: 20261201 + Math.floor(visit / 500), visit, detector };
      rows.push(dims);
      const id = `00000000-0000-4000-8000-${(visit * 1000 + detector).toString(16).padStart(12, '0')}`;
      raws.push({ id, datasetType: 'raw', run: 'SimCam/raw', dataId, dims, path: `raw/${visit}/${detector}.json`, sizeBytes: 100, checksum: 'sha256:0', quantumId: null, createdAt: created });
    }
  }
  const inputMs = performance.now() - t0;
  const inputRssBytes = process.memoryUsage().rss;
  const t1 = performance.now();
  const cpu0 = process.cpuUsage();
  const graph = await graphFromSpace(pipeline, rows, new Map([['raw', raws]]), () => {
    throw new Error('the toy pipeline has no prerequisites');
  });
  const buildMs = performance.now() - t1;
  const cpu = process.cpuUsage(cpu0);
  const buildCpuMs = (cpu.user + cpu.system) / 1000;
  const expected = visits * (DETECTORS + 1);
  if (graph.quanta.length !== expected) throw new Error(`built ${graph.quanta.length} quanta, expected ${expected}`);
  return { quanta: graph.quanta.length, datasets: graph.datasets.size, inputMs, inputRssBytes, buildMs, buildCpuMs, peakRssBytes: process.resourceUsage().maxRSS * 1024 };
}

const childArg = process.argv.indexOf('--child');
if (childArg >= 0) {
  const r = await child(Number(process.argv[childArg + 1]));
  process.stdout.write(`${JSON.stringify(r)}\n`);
} else {
  for (const n of SIZES) {
    // A heap large enough to measure past the goal rather than die at it.
    const r = spawnSync(process.execPath, ['--max-old-space-size=12288', '--import', 'tsx', fileURLToPath(import.meta.url), '--child', String(n)], { encoding: 'utf8', maxBuffer: 1 << 20 });
    if (r.status !== 0) {
      console.log(`bench graph-scale | ${n} quanta: child exited with ${r.status ?? r.signal}: ${r.stderr.trim().split('\n').slice(-3).join(' / ')}`);
      process.exitCode = 1;
      continue;
    }
    const res = JSON.parse(r.stdout.trim().split('\n').pop()!) as ChildResult;
    const label = `${res.quanta} quanta`;
    report('graph-scale', `${label} build time`, res.buildMs, 'ms', `${((res.buildMs * 1000) / res.quanta).toFixed(2)} µs/quantum, CPU ${res.buildCpuMs.toFixed(0)} ms; baseline: simulating the inputs took ${res.inputMs.toFixed(0)} ms`);
    report('graph-scale', `${label} peak RSS`, res.peakRssBytes / 1024 ** 2, 'MB', `baseline: ${(res.inputRssBytes / 1024 ** 2).toFixed(0)} MB held before the build; ${res.datasets} dataset nodes`);
    if (res.quanta >= 1_000_000) {
      const ok = res.buildMs <= GOAL_MS && res.peakRssBytes <= GOAL_BYTES;
      console.log(`bench graph-scale | goal 10^6 quanta in <= 60 s and <= 4096 MB: ${ok ? 'met' : 'MISSED'}`);
    }
  }
}
