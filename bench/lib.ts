import fs from 'node:fs';
import { performance } from 'node:perf_hooks';

/** Small helpers shared by benchmarks: timing, percentiles and a uniform result line. */

export async function timeMs<T>(fn: () => Promise<T> | T): Promise<{ ms: number; value: T }> {
  const t0 = performance.now();
  const value = await fn();
  return { ms: performance.now() - t0, value };
}

export function percentile(sortedAscending: number[], p: number): number {
  if (sortedAscending.length === 0) return Number.NaN;
  const idx = Math.min(sortedAscending.length - 1, Math.max(0, Math.ceil((p / 100) * sortedAscending.length) - 1));
  return sortedAscending[idx]!;
}

/** Prints one result as `bench <group> | <name>: <value> <unit>` so results grep well. */
export function report(group: string, name: string, value: number, unit: string, note = ''): void {
  const v = Math.abs(value) >= 100 ? value.toFixed(0) : value.toPrecision(3);
  console.log(`bench ${group} | ${name}: ${v} ${unit}${note ? `  (${note})` : ''}`);
}

/**
 * CPU milliseconds this process's main thread has used (Linux: /proc/self/task/<pid>/stat, in
 * clock ticks of 10 ms), or undefined elsewhere. process.cpuUsage() counts worker threads too.
 */
export function mainThreadCpuMs(): number | undefined {
  return taskCpuMs(`/proc/self/task/${process.pid}/stat`);
}

/** CPU milliseconds of the calling thread (a worker thread's own, not its process's), or undefined off Linux. */
export function threadCpuMs(): number | undefined {
  return taskCpuMs('/proc/thread-self/stat');
}

/**
 * CPU milliseconds of every thread of this process by thread id (Linux), or an empty map
 * elsewhere: tells a pool's worker threads from the main thread and V8's own background threads
 * (JIT compilation, concurrent GC), which process.cpuUsage() lumps together.
 */
export function threadsCpuMs(): Map<number, number> {
  const out = new Map<number, number>();
  let tids: string[];
  try {
    tids = fs.readdirSync('/proc/self/task');
  } catch {
    return out;
  }
  for (const tid of tids) {
    const ms = taskCpuMs(`/proc/self/task/${tid}/stat`);
    if (ms !== undefined) out.set(Number(tid), ms);
  }
  return out;
}

function taskCpuMs(statFile: string): number | undefined {
  try {
    const stat = fs.readFileSync(statFile, 'utf8');
    // Fields after the command name (which may hold spaces) start at state; utime, stime are 14, 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux Node.js supports. */
const CLOCK_TICKS_PER_SECOND = 100;
