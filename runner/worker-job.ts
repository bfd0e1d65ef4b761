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
    /**
     * `checksum`: of the file's bytes as registered; the key of the worker's decoded-dataset cache (none: never cached).
     * `lastUse`: no other quantum of the run is left to read it, so a worker holding it decoded
     * hands this task the cached value itself, and forgets it, instead of a copy.
     */
    datasets: { absPath: string; storageClass: string; dataId: Record<string, string | number>; checksum?: string | undefined; lastUse?: boolean | undefined }[];
  }[];
  /**
   * `handoff`: a later quantum of the run reads this output; the worker keeps it decoded for one that runs there.
   * `tempPath`: the absolute temporary path the server chose for this output, next to its final
   * path in the datastore (local executor): the worker writes the encoded bytes there itself
   * (created with 'wx', never fsynced: the server does that when it registers the file) and
   * hands back only its size and checksum, unless they are small (under 256 KiB,
   * execute-quantum.ts), which come back as bytes. Absent: the bytes come back in the result.
   */
  outputs: { connection: string; storageClass: string; dataId: Record<string, string | number>; handoff?: boolean | undefined; tempPath?: string | undefined }[];
}

/** An output handed back as its encoded bytes (no `tempPath` in the job: batch jobs, tests; or a small output). */
export interface OutputBytes {
  connection: string;
  bytes: Uint8Array;
  checksum: string;
  written?: undefined;
}

/** An output the worker wrote to the job's `tempPath` for it: not yet fsynced, not yet renamed. */
export interface OutputWritten {
  connection: string;
  checksum: string;
  written: { tempAbsPath: string; sizeBytes: number };
  bytes?: undefined;
}

export interface QuantumResult {
  /**
   * Encoded outputs, by connection: written to the job's temporary paths (`written`), or as
   * bytes whose buffers are transferred, not copied. `checksum` (`sha256:<hex>` of the bytes) is
   * computed where the bytes were encoded, so the server's thread does not hash every output again.
   */
  outputs: (OutputBytes | OutputWritten)[];
  startedAt: number;
  endedAt: number;
  peakMemoryBytes: number;
  /**
   * Milliseconds the worker spent on each step around the task, and on the task itself;
   * `writeMs`: writing outputs to their temporary paths, when the job named them.
   */
  timings: { readMs: number; decodeMs: number; computeMs: number; encodeMs: number; writeMs?: number | undefined };
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
