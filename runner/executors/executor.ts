import type { QuantumJob, QuantumResult, WarmJob } from '../worker-job.ts';

/** The run a quantum belongs to, as an executor that keeps per-run state needs it. */
export interface RunContext {
  run: string;
  /** Aborted when the run's execution stops (server closing, run taken over): batch jobs are cancelled. */
  signal?: AbortSignal | undefined;
  /**
   * Aborted when a user cancels the run (cancelRun): running quanta are stopped at once (a local
   * worker thread is terminated and replaced), and go back to pending.
   */
  cancel?: AbortSignal | undefined;
}

/** Where quanta execute: worker threads of this process (local) or batch jobs (slurm). */
export interface Executor {
  readonly name: string;
  /** How many quanta may be handed over at once (running or queued in the batch system). */
  readonly concurrency: number;
  /**
   * Its workers write each output to the temporary path the job names for it
   * (`QuantumJob.outputs[].tempPath`, on the datastore's filesystem), so only sizes and checksums
   * come back; otherwise the jobs name none and the result carries the bytes.
   */
  readonly writesOutputs?: boolean;
  run(job: QuantumJob, ctx: RunContext): Promise<QuantumResult>;
  /**
   * How many more quanta each of its `concurrency` workers may hold queued behind the one it
   * runs, to start the next as soon as one ends, without a round trip through the server's
   * thread (0 when absent). The scheduler queues them only while every worker is busy and
   * plenty more is ready, so no quantum waits behind another while a worker idles.
   */
  readonly prefetch?: number;
  /** How many workers run nothing now, for an executor that queues on its workers (`prefetch`). */
  idle?(): number;
  /**
   * Where the datasets of these checksums are held decoded: on a worker free now, on one that is
   * busy but may queue another quantum (`prefetch`), only on full ones, or nowhere. The scheduler
   * prefers a ready quantum whose inputs the worker it would go to holds.
   */
  affinity?(checksums: readonly string[]): 'free' | 'room' | 'busy' | 'none';
  /**
   * Readies every worker before work arrives: imports the task modules and decodes the read-only
   * datasets named (into each worker's cache). Executors whose workers do not outlive a job do nothing.
   */
  prepare?(work: WarmJob): Promise<void>;
  /** The run's execution ended: drop what is kept for it (queued batch jobs are cancelled). */
  endRun?(run: string): Promise<void>;
  close(): Promise<void>;
}

/**
 * The quantum was not executed because its run's execution stopped (cancelled): it is pending
 * again, not failed, and a resume runs it.
 */
export class QuantumCancelledError extends Error {
  override readonly name = 'QuantumCancelledError';
}
