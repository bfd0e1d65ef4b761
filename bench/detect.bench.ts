import { detectChangePoints } from '../server/metrics/changepoints/index.ts';
import { detectRegressions, seriesFromValues, type DetectionConfigInput } from '../server/metrics/detect/index.ts';
import { ThresholdSpecification, parseUnit } from '../server/metrics/verify/index.ts';
import { report } from './lib.ts';

/**
 * `detectRegressions` with every method on (specification, percent, absolute, z-score, Welch,
 * Otava's change points) on 1k and 10k points, against E-divisive change points alone on the
 * same series, measured in the same run: the ratio is what the other methods cost on top.
 * Medians at steady state (after 20 warm-up runs, as bench/changepoints.bench.ts does).
 */
const REPEATS = 7;

/** A PA1-like series (mmag): steps every ~150 points over Gaussian noise; seeded LCG. */
function series(n: number, seed: number): number[] {
  let s = seed >>> 0;
  const uniform = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
  const gauss = () => Math.sqrt(-2 * Math.log(uniform())) * Math.cos(2 * Math.PI * uniform());
  const out: number[] = [];
  let level = 4;
  for (let i = 0; i < n; i++) {
    if (i > 0 && uniform() < 1 / 150) level += (uniform() < 0.5 ? -1 : 1) * (0.2 + 0.6 * uniform());
    out.push(level + 0.1 * gauss());
  }
  return out;
}

function measure(fn: () => unknown): { ms: number; coldMs: number } {
  const t = performance.now();
  fn();
  const coldMs = performance.now() - t;
  for (let r = 0; r < 20; r++) fn();
  const times: number[] = [];
  for (let r = 0; r < REPEATS; r++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return { ms: times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!, coldMs };
}

const spec = new ThresholdSpecification({
  name: 'validate_drp.PA1.design_gri',
  package: 'validate_drp',
  metric: 'PA1',
  spec: 'design_gri',
  threshold: { value: 5, unit: parseUnit('mmag'), operator: '<=' },
  metadataQuery: {},
  tags: [],
  extra: {},
});
const config: DetectionConfigInput = {
  direction: 'lower_is_better',
  specs: [spec.name],
  percent: { threshold: 10 },
  absolute: { threshold: 0.5, unit: 'mmag' },
};

for (const n of [1_000, 10_000]) {
  const values = series(n, 20260502 + n);
  const points = seriesFromValues(values);
  const opts = { unit: 'mmag', metric: 'validate_drp.PA1', specs: [spec] };
  const all = measure(() => detectRegressions(points, config, opts));
  const cpOnly = measure(() => detectChangePoints(values));
  const found = detectRegressions(points, config, opts);
  const regressions = found.filter((f) => f.direction === 'regression').length;
  const label = `detectRegressions, all methods, ${n / 1000}k points`;
  report('detect', label, all.ms, 'ms', `${found.length} findings (${regressions} regressions); first, cold run ${all.coldMs.toPrecision(3)} ms`);
  report('detect', `E-divisive alone, ${n / 1000}k points (baseline)`, cpOnly.ms, 'ms');
  report('detect', `${label}, ratio to E-divisive alone`, all.ms / cpOnly.ms, 'x');
}
