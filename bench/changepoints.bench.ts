import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { detectChangePoints } from '../server/metrics/changepoints/index.ts';
import { report } from './lib.ts';

/**
 * E-divisive change-point detection (Otava's algorithm, default options) on 1k and 10k points,
 * against our numpy implementation of the same algorithm (bench/baselines/ediv_numpy.py) on the
 * same series, when python3 with numpy is available. Times are medians; the speed-up compares
 * CPU time, which a machine shared with other work disturbs far less than wall time (numpy runs
 * these operations on one thread, as we do).
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const REPEATS = 9;

/** A metric series with a step change every ~150 points over Gaussian noise; seeded LCG. */
function series(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const out: number[] = [];
  let level = 100;
  for (let i = 0; i < n; i++) {
    if (i > 0 && uniform() < 1 / 150) level += (uniform() < 0.5 ? -1 : 1) * (2 + 6 * uniform());
    out.push(level + gauss());
  }
  return out;
}

/**
 * Median wall and CPU milliseconds of `fn` at steady state: V8 needs ~15-20 runs of the 10k
 * detection to tier up its hot loops (a cold first run, as a one-off CLI call pays, is ~10x).
 */
function measure(fn: () => unknown): { wallMs: number; cpuMs: number; coldMs: number } {
  const t = performance.now();
  fn();
  const coldMs = performance.now() - t;
  for (let r = 0; r < 20; r++) fn();
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  const mid = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  return { wallMs: mid(wall), cpuMs: mid(cpu), coldMs };
}

const hasNumpy = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) console.log('python3 with numpy not found: skipping the numpy baseline and the ratio');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-changepoints-'));
try {
  for (const n of [1_000, 10_000]) {
    const values = series(n, 20260501 + n);
    const ours = measure(() => detectChangePoints(values));
    const found = detectChangePoints(values).map((c) => c.index);
    const label = `E-divisive ${n / 1000}k points`;
    const note = `${found.length} change points; CPU ${ours.cpuMs.toPrecision(3)} ms; first, cold run ${ours.coldMs.toPrecision(3)} ms`;
    report('changepoints', label, ours.wallMs, 'ms', note);
    if (!hasNumpy) continue;
    const file = path.join(tmp, `series-${n}.json`);
    fs.writeFileSync(file, JSON.stringify(values));
    const r = spawnSync('python3', [path.join(here, 'baselines/ediv_numpy.py'), file, '--repeat', '5'], { encoding: 'utf8' });
    if (r.status !== 0) {
      console.log(`numpy baseline failed: ${r.stderr.trim()}`);
      continue;
    }
    const base = JSON.parse(r.stdout) as { indices: number[]; seconds: number; cpuSeconds: number };
    const same = base.indices.length === found.length && base.indices.every((v, i) => v === found[i]);
    const baseNote = `${same ? 'same change points' : `${base.indices.length} change points`}; CPU ${(base.cpuSeconds * 1000).toPrecision(3)} ms`;
    report('changepoints', `${label}, numpy baseline`, base.seconds * 1000, 'ms', baseNote);
    report('changepoints', `${label}, speed-up over numpy (CPU time)`, (base.cpuSeconds * 1000) / ours.cpuMs, 'x');
  }
} finally {
  fs.rmSync(tmp, { recursive: true, force: true });
}
