/**
 * Seeded standard normals: mulberry32 uniforms through Box–Muller. A full-avalanche generator
 * rather than a bare LCG, because false-alarm rates are measured on series from neighbouring
 * seeds, which must be independent.
 */
export function gaussian(seed: number): () => number {
  let a = seed >>> 0;
  const uniform = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
  };
  return () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
}

/** `n` values of `level + sigma · N(0, 1)`, plus `step` from index `at` on. */
export function stepSeries(seed: number, n: number, opts: { level?: number; sigma?: number; step?: number; at?: number } = {}): number[] {
  const g = gaussian(seed);
  const { level = 10, sigma = 1, step = 0, at = n } = opts;
  return Array.from({ length: n }, (_, i) => level + sigma * g() + (i >= at ? step : 0));
}

/** Every statistical method off, to switch one on at a time. */
export const ONLY = { zscore: false, welch: false, changepoints: false } as const;
