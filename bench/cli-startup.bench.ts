import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Cold start of the `vera` command, as a CI script or an Otava user meets it: wall time and peak
 * memory (the process's max RSS, from the kernel) of `vera --help` and of `vera changepoints` on
 * a 10,000-point CSV, beside `node -e 0` (the floor of any Node program) and
 * `python3 -c 'import numpy, scipy.stats'` (the floor of any numpy-based tool such as Otava).
 * Each command runs 5 times after one warm-up (the CLI build, file caches); medians are printed.
 * Goals: --help <= 150 ms; changepoints <= 300 ms and <= 100 MiB.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERA = path.join(ROOT, 'bin', 'vera.js');
const RUNS = 5;

interface Sample {
  wallMs: number;
  peakMiB: number;
}

/** GNU time reports the kernel's max RSS of the command it runs; Node has no API for a child's. */
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);

/** One cold run: wall time from spawn to exit, and peak memory (max RSS). */
function once(cmd: string, args: string[]): Promise<Sample> {
  const rss = path.join(home, `rss-${process.pid}.txt`);
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%M', '-o', rss, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VERA_HOME: home, VERA_PORT: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr}`));
      resolve({ wallMs, peakMiB: hasGnuTime ? Number(fs.readFileSync(rss, 'utf8').trim().split('\n').pop()) / 1024 : Number.NaN });
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-cli-'));
const csv = path.join(home, 'series.csv');
{
  // A deterministic series with two shifts, as a benchmark's history would have.
  let s = 1;
  const rand = () => ((s = (s * 16807) % 2147483647) / 2147483647);
  const lines = ['commit,value'];
  for (let i = 0; i < 10_000; i++) lines.push(`c${i},${(i < 4000 ? 100 : i < 7000 ? 103 : 98) + rand() * 2}`);
  fs.writeFileSync(csv, `${lines.join('\n')}\n`);
}

async function measure(cmd: string, args: string[]): Promise<Sample> {
  await once(cmd, args); // warm-up: builds the CLI if stale, fills file caches
  const samples: Sample[] = [];
  for (let i = 0; i < RUNS; i++) samples.push(await once(cmd, args));
  return { wallMs: median(samples.map((s) => s.wallMs)), peakMiB: median(samples.map((s) => s.peakMiB)) };
}

function hasNumpy(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('python3', ['-c', 'import numpy, scipy.stats'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}

if (!hasGnuTime) console.log(`note: ${GNU_TIME} (GNU time) not found; peak memory is not measured`);
const rows: [string, Sample, string][] = [];
rows.push(['node -e 0', await measure(process.execPath, ['-e', '0']), 'baseline']);
if (await hasNumpy()) rows.push(["python3 -c 'import numpy, scipy.stats'", await measure('python3', ['-c', 'import numpy, scipy.stats']), 'baseline (numpy-based tools such as Otava)']);
else console.log("note: python3 with numpy and scipy not found; the numpy/scipy baseline is skipped");
const help = await measure(process.execPath, [VERA, '--help']);
rows.push(['vera --help', help, `goal <= 150 ms: ${help.wallMs <= 150 ? 'met' : 'NOT met'}`]);
const cp = await measure(process.execPath, [VERA, 'changepoints', csv]);
rows.push(['vera changepoints (10,000 points)', cp, `goal <= 300 ms and <= 100 MiB: ${cp.wallMs <= 300 && cp.peakMiB <= 100 ? 'met' : 'NOT met'}`]);

const base = rows[0]![1];
console.log(`cold start, median of ${RUNS} runs after a warm-up (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)})`);
console.log(`${'command'.padEnd(42)} ${'wall ms'.padStart(8)} ${'x node'.padStart(7)} ${'peak MiB'.padStart(9)}  note`);
for (const [name, s, note] of rows) {
  console.log(`${name.padEnd(42)} ${s.wallMs.toFixed(0).padStart(8)} ${(s.wallMs / base.wallMs).toFixed(2).padStart(7)} ${s.peakMiB.toFixed(1).padStart(9)}  ${note}`);
}
fs.rmSync(home, { recursive: true, force: true });
