/**
 * DRP single-frame speed: isr + characterizeImage on every raw of the default SimCam demo
 * (12 visits × 4 detectors of 512×512), in megapixels per CPU-second on one core, beside our
 * numpy implementation of the same operations (bench/baselines/drp_numpy.py) fed the same raw,
 * bias and flat pixels through float32 files, when python3 with numpy and scipy is present.
 * CPU time rather than wall time: the machine may be shared, and both run on one thread.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { characterizeImageConfig, runCharacterizeImage } from '../pipelines/drp/characterizeImage.ts';
import { isrConfig, runIsr } from '../pipelines/drp/isr.ts';
import type { ImageValue } from '../pipelines/framework/values.ts';
import { biasValue, flatValue, rawValue } from '../pipelines/simcam/datasets.ts';
import { defineSimCam } from '../pipelines/simcam/index.ts';
import { report } from './lib.ts';

const GROUP = 'drp';
const here = path.dirname(fileURLToPath(import.meta.url));
const sim = defineSimCam();
const isrCfg = isrConfig.parse({});
const charCfg = characterizeImageConfig.parse({});

interface Frame {
  raw: ImageValue;
  bias: ImageValue;
  flat: ImageValue;
}
const frames: Frame[] = [];
for (const v of sim.visits) {
  for (const d of sim.detectors) frames.push({ raw: rawValue(sim, v.id, d.id), bias: biasValue(sim, d.id), flat: flatValue(sim, d.id, v.extra.band) });
}
const pixels = frames.length * sim.options.detectorSizePx ** 2;

function cpuMs<T>(fn: () => T): { ms: number; value: T } {
  const c0 = process.cpuUsage();
  const value = fn();
  const c = process.cpuUsage(c0);
  return { ms: (c.user + c.system) / 1000, value };
}

// Warm-up: V8 tiers up the hot loops on the first frames.
for (const f of frames.slice(0, 3)) runCharacterizeImage(runIsr(f.raw, f.bias, f.flat, isrCfg), charCfg);

let isrMs = 0;
let charMs = 0;
let sources = 0;
const t0 = performance.now();
for (const f of frames) {
  const a = cpuMs(() => runIsr(f.raw, f.bias, f.flat, isrCfg));
  const b = cpuMs(() => runCharacterizeImage(a.value, charCfg));
  isrMs += a.ms;
  charMs += b.ms;
  sources += b.value.sources.columns.id!.length;
}
const wallS = (performance.now() - t0) / 1000;
const mpx = pixels / 1e6;
report(GROUP, `isr (${frames.length} raws)`, mpx / (isrMs / 1000), 'Mpx/s', `${(isrMs / frames.length).toFixed(1)} ms per raw, CPU`);
report(GROUP, 'characterizeImage', mpx / (charMs / 1000), 'Mpx/s', `${(charMs / frames.length).toFixed(1)} ms per raw, CPU; ${(sources / frames.length).toFixed(0)} sources per raw`);
const veraRate = mpx / ((isrMs + charMs) / 1000);
report(GROUP, 'isr + characterizeImage', veraRate, 'Mpx/s', `one core, CPU time; wall ${wallS.toFixed(1)} s`);

const hasNumpy = spawnSync('python3', ['-c', 'import numpy, scipy'], { encoding: 'utf8' }).status === 0;
if (!hasNumpy) {
  report(GROUP, 'numpy baseline', Number.NaN, 'Mpx/s', 'python3 with numpy and scipy not available');
} else {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-drp-'));
  try {
    const write = (name: string, data: Float32Array) => {
      const file = path.join(tmp, name);
      fs.writeFileSync(file, Buffer.from(data.buffer, data.byteOffset, data.byteLength));
      return file;
    };
    const manifest = {
      config: { ...isrCfg, ...charCfg },
      frames: frames.map((f, k) => ({
        raw: write(`raw-${k}.f32`, f.raw.image.data),
        bias: write(`bias-${k}.f32`, f.bias.image.data),
        flat: write(`flat-${k}.f32`, f.flat.image.data),
        width: f.raw.image.width,
        height: f.raw.image.height,
        gain: f.raw.metadata.GAIN,
        readNoise: f.raw.metadata.RDNOISE,
        saturationAdu: f.raw.metadata.SATURATE,
        fullWellE: isrCfg.fullWellE,
      })),
    };
    fs.writeFileSync(path.join(tmp, 'manifest.json'), JSON.stringify(manifest));
    const py = spawnSync('python3', [path.join(here, 'baselines', 'drp_numpy.py'), path.join(tmp, 'manifest.json')], { encoding: 'utf8', maxBuffer: 1 << 24 });
    if (py.status !== 0) throw new Error(`numpy baseline failed: ${py.stderr}`);
    const out = JSON.parse(py.stdout) as { isrCpuS: number; charCpuS: number; sources: number[] };
    const npSources = out.sources.reduce((a, b) => a + b, 0) / out.sources.length;
    report(GROUP, 'numpy isr', mpx / out.isrCpuS, 'Mpx/s', `Vera is ${(out.isrCpuS / (isrMs / 1000)).toFixed(2)}x numpy's speed`);
    report(GROUP, 'numpy characterizeImage', mpx / out.charCpuS, 'Mpx/s', `Vera is ${(out.charCpuS / (charMs / 1000)).toFixed(2)}x numpy's speed; numpy finds ${npSources.toFixed(0)} sources per raw`);
    const numpyRate = mpx / (out.isrCpuS + out.charCpuS);
    report(GROUP, 'numpy isr + characterizeImage', numpyRate, 'Mpx/s', `Vera / numpy = ${(veraRate / numpyRate).toFixed(2)}`);
  } finally {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
}
