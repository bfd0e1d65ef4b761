import { characterizeImageConfig, runCharacterizeImage } from '../pipelines/drp/characterizeImage.ts';
import { isrConfig, runIsr } from '../pipelines/drp/isr.ts';
import type { MessagePort } from 'node:worker_threads';
import type { ImageValue } from '../pipelines/framework/values.ts';
import { biasValue, flatValue, rawValue } from '../pipelines/simcam/datasets.ts';
import { defineSimCam } from '../pipelines/simcam/index.ts';
import { threadCpuMs } from './lib.ts';

/**
 * The science of the runner bench without the runner: `isr` + `characterizeImage` on the default
 * SimCam frames, held in memory. The same functions run in the bench's process (compute per raw,
 * as drp.bench.ts measures it) and in plain worker threads (compute-control-worker.js), the
 * control the runner's 1 -> 2 worker scaling is judged against.
 */
const sim = defineSimCam();
const isrCfg = isrConfig.parse({});
const charCfg = characterizeImageConfig.parse({});
export const FRAMES = sim.visits.length * sim.detectors.length;
const frameIds = sim.visits.flatMap((v) => sim.detectors.map((d) => ({ visit: v.id, detector: d.id, band: v.extra.band })));
const calibs = new Map<string, ImageValue>();

function calib(key: string, make: () => ImageValue): ImageValue {
  let v = calibs.get(key);
  if (!v) calibs.set(key, (v = make()));
  return v;
}

/** Renders frame `k` (not timed: the runner reads it from disk instead). */
export function frame(k: number): { raw: ImageValue; bias: ImageValue; flat: ImageValue } {
  const f = frameIds[k % FRAMES]!;
  return {
    raw: rawValue(sim, f.visit, f.detector),
    bias: calib(`bias ${f.detector}`, () => biasValue(sim, f.detector)),
    flat: calib(`flat ${f.detector} ${f.band}`, () => flatValue(sim, f.detector, f.band)),
  };
}

/** The two tasks' compute on one frame. */
export function compute(f: { raw: ImageValue; bias: ImageValue; flat: ImageValue }): number {
  return runCharacterizeImage(runIsr(f.raw, f.bias, f.flat, isrCfg), charCfg).sources.columns.id!.length;
}

/**
 * Body of control worker thread `thread` of `threads`: renders its share of the frames (every
 * `threads`-th, so the threads together compute each frame once per round, as the runner does
 * each raw) and computes each once (not timed), says ready, and on `go` computes them `rounds`
 * times and posts the wall and this thread's CPU milliseconds that took.
 */
export async function controlWorker(port: MessagePort, thread: number, threads: number, rounds: number): Promise<void> {
  const mine = Array.from({ length: FRAMES }, (_, k) => k).filter((k) => k % threads === thread).map(frame);
  // One untimed round: V8 tiers up the science on every frame before the clock starts, as a warm
  // pool's workers have (the runner bench judges a pool's second run).
  for (const f of mine) compute(f);
  port.postMessage('ready');
  await new Promise<void>((resolve) => port.once('message', () => resolve()));
  const t0 = performance.now();
  const c0 = threadCpuMs();
  for (let r = 0; r < rounds; r++) for (const f of mine) compute(f);
  const c1 = threadCpuMs();
  port.postMessage({ ms: performance.now() - t0, cpuMs: c0 === undefined || c1 === undefined ? undefined : c1 - c0 });
}
