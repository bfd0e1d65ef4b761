import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Cold start of the `vera` command, as a CI script or an Otava user meets it: wall time, CPU
 * time (user + system, of all the process's threads) and peak memory (the process's max RSS, from
 * the kernel) of `vera --help` and of `vera changepoints` on a 10,000-point CSV, beside
 * `node -e 0` (the floor of any Node program) and `python3 -c 'import numpy, scipy.stats'` (the
 * floor of any numpy-based tool such as Otava). The commands run in turn, RUNS rounds after one
 * warm-up each (the CLI build, file caches), so that a change in the machine's load hits them
 * alike; medians are printed. On a loaded machine wall time stretches much more than CPU time:
 * compare CPU time there. Goals (idle): --help <= 150 ms; changepoints <= 300 ms and <= 100 MiB.
 */
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const VERA = path.join(ROOT, 'bin', 'vera.js');
const RUNS = 11;

interface Sample {
  wallMs: number;
  cpuMs: number;
  peakMiB: number;
}

/** GNU time reports the kernel's max RSS of the command it runs; Node has no API for a child's. */
const GNU_TIME = '/usr/bin/time';
const hasGnuTime = fs.existsSync(GNU_TIME);

/** One cold run: wall time from spawn to exit, CPU time and peak memory (max RSS). */
function once(cmd: string, args: string[]): Promise<Sample> {
  const report = path.join(home, `time-${process.pid}.txt`);
  const [file, argv] = hasGnuTime ? [GNU_TIME, ['-f', '%U %S %M', '-o', report, cmd, ...args]] : [cmd, args];
  return new Promise((resolve, reject) => {
    const t0 = process.hrtime.bigint();
    const child = spawn(file, argv, { stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, VERA_HOME: home, VERA_PORT: '1' } });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('exit', (code) => {
      const wallMs = Number(process.hrtime.bigint() - t0) / 1e6;
      if (code !== 0) return reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}: ${stderr}`));
      if (!hasGnuTime) return resolve({ wallMs, cpuMs: Number.NaN, peakMiB: Number.NaN });
      const [user, system, maxRssKiB] = fs.readFileSync(report, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      resolve({ wallMs, cpuMs: (user! + system!) * 1000, peakMiB: maxRssKiB! / 1024 });
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

/** Each command once per round, RUNS rounds after a warm-up of each; the medians of each command. */
async function measureInTurn(commands: [string, string[]][]): Promise<Sample[]> {
  for (const [cmd, args] of commands) await once(cmd, args); // warm-up: builds the CLI if stale, fills file caches
  const samples: Sample[][] = commands.map(() => []);
  for (let round = 0; round < RUNS; round++) {
    for (const [i, [cmd, args]] of commands.entries()) samples[i]!.push(await once(cmd, args));
  }
  return samples.map((s) => ({ wallMs: median(s.map((x) => x.wallMs)), cpuMs: median(s.map((x) => x.cpuMs)), peakMiB: median(s.map((x) => x.peakMiB)) }));
}

function hasNumpy(): Promise<boolean> {
  return new Promise((resolve) => {
    const p = spawn('python3', ['-c', 'import numpy, scipy.stats'], { stdio: 'ignore' });
    p.on('error', () => resolve(false));
    p.on('exit', (code) => resolve(code === 0));
  });
}

if (!hasGnuTime) console.log(`note: ${GNU_TIME} (GNU time) not found; CPU time and peak memory are not measured`);
const numpy = await hasNumpy();
if (!numpy) console.log("note: python3 with numpy and scipy not found; the numpy/scipy baseline is skipped");
const commands: [string, string, string[]][] = [
  ['node -e 0', process.execPath, ['-e', '0']],
  ...(numpy ? [["python3 -c 'import numpy, scipy.stats'", 'python3', ['-c', 'import numpy, scipy.stats']] as [string, string, string[]]] : []),
  ['vera --help', process.execPath, [VERA, '--help']],
  ['vera changepoints (10,000 points)', process.execPath, [VERA, 'changepoints', csv]],
];
const samples = await measureInTurn(commands.map(([, cmd, args]) => [cmd, args]));
const byName = new Map(commands.map(([name], i) => [name, samples[i]!]));
const help = byName.get('vera --help')!;
const cp = byName.get('vera changepoints (10,000 points)')!;
const notes: Record<string, string> = {
  'node -e 0': 'baseline',
  "python3 -c 'import numpy, scipy.stats'": 'baseline (numpy-based tools such as Otava)',
  'vera --help': `goal <= 150 ms: ${help.wallMs <= 150 ? 'met' : 'NOT met'}`,
  'vera changepoints (10,000 points)': `goal <= 300 ms and <= 100 MiB: ${cp.wallMs <= 300 && cp.peakMiB <= 100 ? 'met' : 'NOT met'}`,
};

const base = samples[0]!;
console.log(`cold start, median of ${RUNS} rounds after a warm-up (${os.cpus().length} CPUs, load ${os.loadavg()[0]!.toFixed(1)})`);
console.log(`${'command'.padEnd(42)} ${'wall ms'.padStart(8)} ${'x node'.padStart(7)} ${'CPU ms'.padStart(7)} ${'x node'.padStart(7)} ${'peak MiB'.padStart(9)}  note`);
for (const [name, s] of byName) {
  console.log(
    `${name.padEnd(42)} ${s.wallMs.toFixed(0).padStart(8)} ${(s.wallMs / base.wallMs).toFixed(2).padStart(7)} ${s.cpuMs.toFixed(0).padStart(7)} ${(s.cpuMs / base.cpuMs).toFixed(2).padStart(7)} ${s.peakMiB.toFixed(1).padStart(9)}  ${notes[name]}`,
  );
}
fs.rmSync(home, { recursive: true, force: true });
