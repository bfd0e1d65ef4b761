/** The message a worker receives to execute one quantum, and what it sends back. */
export interface QuantumJob {
  quantumId: string;
  taskLabel: string;
  /** Absolute real path of the task module (checked when the run was created) and export name. */
  modulePath: string;
  exportName: string;
  config: Record<string, unknown>;
  dataId: Record<string, string | number>;
  seed: number;
  inputs: {
    connection: string;
    multiple: boolean;
    /** `checksum`: of the file's bytes as registered; the key of the worker's decoded-dataset cache (none: never cached). */
    datasets: { absPath: string; storageClass: string; dataId: Record<string, string | number>; checksum?: string | undefined }[];
  }[];
  /** `handoff`: a later quantum of the run reads this output; the worker keeps it decoded for one that runs there. */
  outputs: { connection: string; storageClass: string; dataId: Record<string, string | number>; handoff?: boolean | undefined }[];
}

export interface QuantumResult {
  /**
   * Encoded output files, by connection; their buffers are transferred, not copied. `checksum`
   * (`sha256:<hex>` of `bytes`) is computed where the bytes were encoded, so the server's thread
   * does not hash every output again.
   */
  outputs: { connection: string; bytes: Uint8Array; checksum: string }[];
  startedAt: number;
  endedAt: number;
  peakMemoryBytes: number;
  /** Milliseconds the worker spent on each step around the task, and on the task itself. */
  timings: { readMs: number; decodeMs: number; computeMs: number; encodeMs: number };
  log: string;
  /** The machine it ran on, when not this process's (a batch job's node). */
  host?: string | undefined;
}

/** What a worker readies before the first quantum (Executor.prepare): task modules to import, read-only datasets to decode. */
export interface WarmJob {
  warm: true;
  modules: { modulePath: string; exportName: string }[];
  datasets: { absPath: string; storageClass: string; checksum: string }[];
}
