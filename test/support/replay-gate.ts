import type { SimCam } from '../../pipelines/simcam/index.ts';
import type { VisitProcessor } from '../../server/replay/manager.ts';
import { truthDetections } from './ap-truth.ts';

/**
 * The SimCam truth stand-in (ap-truth.ts) with two test knobs. A replay whose config has
 * `configOverrides.detect.dropEvery = n` loses every n-th DiaSource of each visit (a detection
 * change whose effect is known). And a gate: while held, each visit waits for `release()`, so a
 * test sees visits arrive one at a time, by its own steps rather than by wall-clock races.
 */
export class VisitGate {
  private permits = Number.POSITIVE_INFINITY;
  private readonly waiting: (() => void)[] = [];

  hold(): void {
    this.permits = 0;
  }

  /** Lets `n` more visits through (all, and every later one, when n is Infinity). */
  release(n = 1): void {
    this.permits += n;
    while (this.permits > 0 && this.waiting.length > 0) {
      this.permits--;
      this.waiting.shift()!();
    }
  }

  /** How many visits wait at the gate. */
  get queued(): number {
    return this.waiting.length;
  }

  pass(signal: AbortSignal): Promise<void> {
    if (this.permits > 0) {
      this.permits--;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      this.waiting.push(resolve);
      signal.addEventListener('abort', () => reject(new Error('aborted at the visit gate')), { once: true });
    });
  }
}

export function gatedTruthProcessor(sim: SimCam, gate: VisitGate): VisitProcessor {
  return async (visit, signal) => {
    await gate.pass(signal);
    const dropEvery = Number(visit.config.configOverrides?.detect?.dropEvery ?? 0);
    const sources = truthDetections(sim, visit.visit, visit.midpointMjdTai).map((d) => d.source);
    return { diaSources: dropEvery > 0 ? sources.filter((_, k) => k % dropEvery !== dropEvery - 1) : sources };
  };
}
