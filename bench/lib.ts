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
