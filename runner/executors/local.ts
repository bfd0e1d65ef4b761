import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { QuantumJob, QuantumResult } from '../worker-job.ts';

export interface Executor {
  readonly name: string;
  /** How many quanta may run at once. */
  readonly concurrency: number;
  /** Runs a quantum; aborting `signal` stops it at once (its worker thread is terminated and replaced). */
  run(job: QuantumJob, opts?: { signal?: AbortSignal | undefined }): Promise<QuantumResult>;
  close(): Promise<void>;
}

const WORKER = fileURLToPath(new URL('../worker-entry.js', import.meta.url));

/** Quanta in a pool of worker threads, one per core by default. */
export function createLocalExecutor(opts: { threads?: number } = {}): Executor {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  const pool = new Piscina({ filename: WORKER, minThreads: threads, maxThreads: threads, idleTimeout: 30_000 });
  return {
    name: 'local',
    concurrency: threads,
    run: (job, opts) => pool.run(job, { signal: opts?.signal ?? null }) as Promise<QuantumResult>,
    close: () => pool.destroy(),
  };
}
