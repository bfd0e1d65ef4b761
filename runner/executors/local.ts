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
 * Quanta in worker threads, one per core by default. Each thread is a pool of its own, so a
 * quantum can be sent to the thread that already holds its inputs decoded (the outputs of the
 * quanta before it in its chain, see execute-quantum.ts) when that thread is free; otherwise to
 * any free one, so no thread waits while work is ready.
 */
export function createLocalExecutor(opts: { threads?: number } = {}): Executor {
  const threads = Math.max(1, opts.threads ?? os.availableParallelism());
  const workers = Array.from({ length: threads }, () => ({
    pool: new Piscina({ filename: WORKER, minThreads: 1, maxThreads: 1, idleTimeout: 30_000 }),
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
  return {
    name: 'local',
    concurrency: threads,
    // Its threads share the server's filesystem: each writes its outputs to the staged temporary files.
    writesOutputs: true,
    async run(job, ctx) {
      // The free worker holding most of the inputs; when none is free, the least loaded.
      const checksums = inputChecksums(job);
      const n = counts(checksums);
      let w = -1;
      for (let k = 0; k < threads; k++) if (workers[k]!.busy === 0 && (w < 0 || n[k]! > n[w]!)) w = k;
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
      return n.some((c, k) => c === most && workers[k]!.busy === 0) ? 'free' : 'busy';
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
