/**
 * The p-th percentile (0..100) of values by nearest rank, null for none: what `vera replay status`
 * and `vera replay compare` report for latencies. Dependency-free, so the CLI loads it cheaply.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
