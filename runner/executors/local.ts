import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { QuantumResult } from '../worker-job.ts';
import type { Executor } from './executor.ts';

export type { Executor } from './executor.ts';

const WORKER = fileURLToPath(new URL('../worker-entry.js', import.meta.url));

/** Quanta in a pool of worker threads, one per core by default. */
export function createLocalExecutor(opts: { threads?: number } = {}): Executor {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  const pool = new Piscina({ filename: WORKER, minThreads: threads, maxThreads: threads, idleTimeout: 30_000 });
  return {
    name: 'local',
    concurrency: threads,
    // Only a user's cancellation stops a running quantum (its worker is terminated and replaced).
    run: (job, ctx) => pool.run(job, { signal: ctx.cancel ?? null }) as Promise<QuantumResult>,
    close: () => pool.destroy(),
  };
}
