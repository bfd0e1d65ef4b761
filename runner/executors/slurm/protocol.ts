import { z } from 'zod';

/**
 * What a batch job and the server say to each other, both directions checked with these schemas:
 * the description file a job array reads (`vera exec-quantum`), and the report each quantum sends
 * back over HTTP. Shared by runner/exec-quantum.ts (the job side) and the Slurm executor (the
 * server side); neither trusts the other's JSON.
 */

/** The route batch jobs post their quanta's results to, on the server that executes the run. */
export const QUANTUM_RESULTS_PATH = '/executor/quantum-results';

/** `vera exec-quantum` exits with this after reporting a quantum whose task failed (see retryUnlessExit). */
export const QUANTUM_FAILED_EXIT = 10;

const dataId = z.record(z.string(), z.union([z.string(), z.number()]));

export const QuantumJobSchema = z
  .object({
    quantumId: z.string().uuid(),
    taskLabel: z.string().min(1),
    modulePath: z.string().min(1),
    exportName: z.string().min(1),
    config: z.record(z.string(), z.unknown()),
    dataId,
    seed: z.number().int(),
    inputs: z.array(
      z
        .object({
          connection: z.string().min(1),
          multiple: z.boolean(),
          datasets: z.array(z.object({ absPath: z.string().min(1), storageClass: z.string().min(1), dataId, checksum: z.string().min(1).optional() }).strict()),
        })
        .strict(),
    ),
    outputs: z.array(z.object({ connection: z.string().min(1), storageClass: z.string().min(1), dataId, handoff: z.boolean().optional() }).strict()),
  })
  .strict();

/**
 * One job array's description: the quanta it runs, grouped in clusters (element i of the array
 * runs cluster i, its quanta one after the other in one process), and where results go.
 */
export const ArrayDescriptionSchema = z
  .object({
    version: z.literal(1),
    run: z.string().min(1),
    /** Base URL of the server; results go to `${reportUrl}${QUANTUM_RESULTS_PATH}`. */
    reportUrl: z.string().url(),
    /** File holding the run's credential (mode 0600); not in this file, which may be shown in logs. */
    tokenFile: z.string().min(1),
    /** Directory the outputs are written to, under temporary names the report gives. */
    outDir: z.string().min(1),
    quanta: z.array(QuantumJobSchema).min(1),
    clusters: z.array(z.array(z.number().int().min(0)).min(1)).min(1),
  })
  .strict();

export type ArrayDescription = z.infer<typeof ArrayDescriptionSchema>;

const sha256 = z.string().regex(/^sha256:[0-9a-f]{64}$/, 'a checksum is sha256:<64 hex digits>');

export const QuantumReportSchema = z.discriminatedUnion('ok', [
  z
    .object({
      ok: z.literal(true),
      run: z.string().min(1).max(1024),
      quantumId: z.string().uuid(),
      host: z.string().min(1).max(255),
      startedAt: z.number().int().nonnegative(),
      endedAt: z.number().int().nonnegative(),
      peakMemoryBytes: z.number().nonnegative(),
      timings: z.object({ readMs: z.number().nonnegative(), decodeMs: z.number().nonnegative(), computeMs: z.number().nonnegative(), encodeMs: z.number().nonnegative() }).strict(),
      log: z.string().max(1_000_000),
      outputs: z
        .array(z.object({ connection: z.string().min(1).max(255), path: z.string().min(1).max(4096), sizeBytes: z.number().int().nonnegative(), checksum: sha256 }).strict())
        .max(1000),
    })
    .strict(),
  z
    .object({
      ok: z.literal(false),
      run: z.string().min(1).max(1024),
      quantumId: z.string().uuid(),
      host: z.string().min(1).max(255),
      error: z.string().min(1).max(100_000),
      log: z.string().max(1_000_000),
    })
    .strict(),
]);

export type QuantumReport = z.infer<typeof QuantumReportSchema>;
