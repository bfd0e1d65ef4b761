import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Piscina } from 'piscina';
import type { QuantumJob, QuantumResult, WarmJob } from '../worker-job.ts';
import type { Executor } from './executor.ts';

export type { Executor } from './executor.ts';

const WORKER = fileURLToPath(new URL('../worker-entry.js', import.meta.url));

/** How many dataset checksums the executor remembers the worker of (outputs and inputs it decoded). */
const HELD_MAX = 20_000;

/**
 * Quanta each worker may hold queued behind the one it runs (Executor.prefetch). The worker
 * starts it the moment the running one ends (worker.ts runs them one after the other) instead of
 * idling until the server's thread, busy registering or sharing the cores with the workers, has
 * read the result and sent the next: measured on the runner bench, 3-4.5 ms per quantum with 2
 * workers on 2 cores, 1.5-2 with 1.
 */
const PREFETCH = 1;

/**
 * Quanta in worker threads, one per core by default. Each thread is a pool of its own, so a
 * quantum can be sent to the thread that already holds its inputs decoded (the outputs of the
 * quanta before it in its chain, see execute-quantum.ts) when that thread is free, or queued
 * there behind its running quantum; otherwise to any free one, so no thread waits while work is ready.
 */
export function createLocalExecutor(opts: { threads?: number } = {}): Executor {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  const workers = Array.from({ length: threads }, () => ({
    pool: new Piscina({ filename: WORKER, minThreads: 1, maxThreads: 1, idleTimeout: 30_000, concurrentTasksPerWorker: 1 + PREFETCH }),
    busy: 0,
  }));
  // Dataset checksum -> the workers that produced or decoded it (one may have evicted it since).
  const held = new Map<string, Set<number>>();
  const remember = (checksum: string, w: number) => {
    const at = held.get(checksum) ?? new Set<number>();
    held.delete(checksum);
    held.set(checksum, at.add(w));
    if (held.size > HELD_MAX) held.delete(held.keys().next().value!);
  };
  /** How many of these checksums each worker holds. */
  const counts = (checksums: readonly string[]): number[] => {
    const n = new Array<number>(threads).fill(0);
    for (const c of checksums) for (const w of held.get(c) ?? []) n[w]!++;
    return n;
  };
  const inputChecksums = (job: QuantumJob) => job.inputs.flatMap((i) => i.datasets.flatMap((d) => (d.checksum ? [d.checksum] : [])));
  const hasRoom = (k: number) => workers[k]!.busy <= PREFETCH;
  return {
    name: 'local',
    concurrency: threads,
    prefetch: PREFETCH,
    // Its threads share the server's filesystem: each writes its outputs to the staged temporary files.
    writesOutputs: true,
    idle: () => workers.filter((x) => x.busy === 0).length,
    async run(job, ctx) {
      // The free worker holding most of the inputs; when none is free, the one with room in its
      // queue holding most (the least loaded of those that tie); when none has room, the least loaded.
      const checksums = inputChecksums(job);
      const n = counts(checksums);
      let w = -1;
      for (let k = 0; k < threads; k++) if (workers[k]!.busy === 0 && (w < 0 || n[k]! > n[w]!)) w = k;
      if (w < 0) {
        for (let k = 0; k < threads; k++) if (hasRoom(k) && (w < 0 || n[k]! > n[w]! || (n[k] === n[w] && workers[k]!.busy < workers[w]!.busy))) w = k;
      }
      if (w < 0) w = workers.reduce((best, x, k) => (x.busy < workers[best]!.busy ? k : best), 0);
      const worker = workers[w]!;
      worker.busy++;
      try {
        // Only a user's cancellation stops a running quantum (its worker is terminated and replaced).
        const result = (await worker.pool.run(job, { signal: ctx.cancel ?? null })) as QuantumResult;
        for (const c of checksums) remember(c, w);
        for (const o of result.outputs) remember(o.checksum, w);
        return result;
      } finally {
        worker.busy--;
      }
    },
    affinity(checksums) {
      const n = counts(checksums);
      const most = Math.max(...n);
      if (most === 0) return 'none';
      const holders = workers.flatMap((x, k) => (n[k] === most ? [k] : []));
      if (holders.some((k) => workers[k]!.busy === 0)) return 'free';
      return holders.some(hasRoom) ? 'room' : 'busy';
    },
    async prepare(work: WarmJob) {
      // Every thread imports the tasks and decodes the datasets, so none pays it on a visit's clock.
      await Promise.all(workers.map((x) => x.pool.run(work)));
      for (const d of work.datasets) for (let w = 0; w < threads; w++) remember(d.checksum, w);
    },
    close: async () => {
      await Promise.all(workers.map((x) => x.pool.destroy()));
    },
  };
}
