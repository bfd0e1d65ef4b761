/**
 * The p-th percentile (0..100) of values, null for none: linear interpolation between the order
 * statistics, numpy's default (`numpy.percentile(values, p)`, "linear", Hyndman & Fan type 7),
 * what Rubin's lsst tools compute. Sorted ascending, the percentile sits at rank
 * h = (n − 1)·p/100 and is s[⌊h⌋] + (h − ⌊h⌋)·(s[⌊h⌋+1] − s[⌊h⌋]); e.g. p95 of [100, 250, 400] is
 * 250 + 0.9·150 = 385. The one definition of replay latency percentiles: the replay's metrics
 * (AlertLatencyP50/P95), `vera replay status`, `vera replay compare` and GraphQL
 * replayComparison, the AP replay bench; the dashboard's replay page has a copy (it imports
 * nothing from the server). Dependency-free, so the CLI loads it cheaply.
 */
export function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = ((s.length - 1) * Math.min(100, Math.max(0, p))) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}
