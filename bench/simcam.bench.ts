/**
 * SimCam rendering speed: the default demo (12 visits × 4 detectors of 512×512) rendered raw,
 * in megapixels per second, beside two baselines measured in the same run on the same pixel
 * count: our own noise floor (one Poisson and one Gaussian draw per pixel, nothing else) and
 * numpy drawing the same (when python3 with numpy is present). Also FITS write/read of a raw.
 */
import { spawnSync } from 'node:child_process';
import { readFits, writeFits } from '../pipelines/io/fits.ts';
import { defineSimCam, renderBias, renderFlat, renderRaw, Rng } from '../pipelines/simcam/index.ts';
import { report, timeMs } from './lib.ts';

const GROUP = 'simcam';

const { ms: defineMs, value: sim } = await timeMs(() => defineSimCam());
report(GROUP, 'defineSimCam (records, refcat, truth)', defineMs, 'ms');

const frames = sim.visits.length * sim.detectors.length;
const pixels = frames * sim.options.detectorSizePx ** 2;
const { ms: renderMs, value: sources } = await timeMs(() => {
  let n = 0;
  for (const v of sim.visits) for (const d of sim.detectors) n += renderRaw(sim, v.id, d.id).truth.sources.id!.length;
  return n;
});
report(GROUP, `render default demo (${frames} raws, ${sources} sources)`, renderMs / 1000, 's');
report(GROUP, 'render throughput', pixels / 1e6 / (renderMs / 1000), 'Mpx/s');

// Baseline 1: the irreducible per-pixel work, Poisson(sky) + Gaussian read noise, same generator.
const sky = sim.truth.visits[1]!.skyEPerPx;
const { ms: noiseMs } = await timeMs(() => {
  const rng = new Rng(1, 'bench');
  const out = new Float32Array(sim.options.detectorSizePx ** 2);
  for (let f = 0; f < frames; f++) for (let i = 0; i < out.length; i++) out[i] = Math.round(rng.poisson(sky) / 1.6 + 1000 + 3 * rng.gaussian());
  return out;
});
report(GROUP, 'noise-floor baseline (Poisson + Gaussian per pixel)', pixels / 1e6 / (noiseMs / 1000), 'Mpx/s', `render takes ${(renderMs / noiseMs).toFixed(2)}x the noise floor`);

// Baseline 2: numpy drawing the same numbers (vectorised C), if available.
const py = spawnSync(
  'python3',
  [
    '-c',
    `import time, numpy as np
rng = np.random.default_rng(1)
t = time.perf_counter()
for _ in range(${frames}):
    x = np.round(rng.poisson(${sky}, ${sim.options.detectorSizePx ** 2}) / 1.6 + 1000 + 3 * rng.standard_normal(${sim.options.detectorSizePx ** 2})).astype(np.float32)
print(time.perf_counter() - t)`,
  ],
  { encoding: 'utf8' },
);
if (py.status === 0) {
  const numpyS = Number(py.stdout.trim());
  report(GROUP, 'numpy noise baseline', pixels / 1e6 / numpyS, 'Mpx/s', `our noise floor is ${(numpyS / (noiseMs / 1000)).toFixed(2)}x numpy's speed`);
} else {
  report(GROUP, 'numpy noise baseline', Number.NaN, 'Mpx/s', 'python3 with numpy not available');
}

const { ms: calibMs } = await timeMs(() => {
  for (const d of sim.detectors) {
    renderBias(sim, d.id);
    for (const band of sim.options.bands) {
      renderFlat(sim, d.id, band, 'prod');
      renderFlat(sim, d.id, band, 'exp-flat-gradient');
    }
  }
});
report(GROUP, 'calibrations (4 biases, 24 flats)', calibMs, 'ms');

const raw = renderRaw(sim, sim.visits[0]!.id, 0);
const header = raw.header;
const data = Uint16Array.from(raw.image.data);
const { ms: writeMs, value: bytes } = await timeMs(() => {
  let b: Uint8Array = new Uint8Array(0);
  for (let k = 0; k < 20; k++) b = writeFits([{ header, data, shape: [raw.image.width, raw.image.height] }]);
  return b;
});
report(GROUP, 'FITS write, 512x512 uint16 raw', (20 * bytes.length) / 1e6 / (writeMs / 1000), 'MB/s');
const { ms: readMs } = await timeMs(() => {
  for (let k = 0; k < 20; k++) readFits(bytes);
});
report(GROUP, 'FITS read, 512x512 uint16 raw', (20 * bytes.length) / 1e6 / (readMs / 1000), 'MB/s');
