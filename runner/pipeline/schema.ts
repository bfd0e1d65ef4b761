import { z } from 'zod';

/**
 * The pipeline YAML format:
 *
 * ```yaml
 * description: SimCam DRP slice
 * tasks:
 *   isr:
 *     class: ./drp/isr.ts#isr          # module (relative to this file) and export
 *     dimensions: [instrument, visit, detector]
 *     config: { doFlat: true }
 *     connections:
 *       raw:  { kind: input, datasetType: raw, dimensions: [instrument, visit, detector], storageClass: Image }
 *       flat: { kind: calibration, datasetType: flat, dimensions: [instrument, physical_filter, detector], storageClass: Image }
 *       exposure: { kind: output, datasetType: postISRCCD, dimensions: [instrument, visit, detector], storageClass: Exposure, persist: false }
 * ```
 *
 * `subsets: { isrOnly: [isr] }` names selections of tasks (see LoadOptions.selection).
 *
 * Connection kinds: `input` (produced by another task or found in the input collections),
 * `prerequisite` (must already exist in the input collections), `calibration` (a prerequisite
 * looked up in CALIBRATION collections at the quantum's time), `output`.
 */
export const ConnectionSchema = z
  .object({
    kind: z.enum(['input', 'prerequisite', 'calibration', 'output']),
    datasetType: z.string().min(1),
    dimensions: z.array(z.string()).default([]),
    storageClass: z.string().min(1),
    /** Inputs: gather every matching dataset (e.g. all warps of a patch) instead of exactly one. */
    multiple: z.boolean().default(false),
    /** Outputs: false marks an intermediate, deleted when the run ends unless intermediates are saved. */
    persist: z.boolean().default(true),
    doc: z.string().default(''),
  })
  .strict();

export const TaskSchema = z
  .object({
    class: z.string().regex(/^[^#]+#[A-Za-z_$][\w$]*$/, 'class must be "<module path>#<export name>"'),
    dimensions: z.array(z.string()).default([]),
    config: z.record(z.string(), z.unknown()).default({}),
    connections: z.record(z.string().regex(/^[A-Za-z_]\w*$/), ConnectionSchema),
    doc: z.string().default(''),
  })
  .strict();

/** A named selection of tasks, as pipe_base writes it: a list of labels, or `{subset, description}`. */
export const SubsetSchema = z.union([
  z.array(z.string()),
  z.object({ subset: z.array(z.string()), description: z.string().default('') }).strict(),
]);

export const PipelineSchema = z
  .object({
    description: z.string().default(''),
    tasks: z.record(z.string().regex(/^[A-Za-z_]\w*$/, 'task labels are identifiers'), TaskSchema),
    /** Run one with `vera run pipeline.yaml#name` (or `#label,label`). */
    subsets: z.record(z.string().regex(/^[A-Za-z_][\w-]*$/, 'subset names are identifiers'), SubsetSchema).default({}),
  })
  .strict();

export type ConnectionDef = z.infer<typeof ConnectionSchema>;
export type TaskDef = z.infer<typeof TaskSchema>;
export type PipelineDef = z.infer<typeof PipelineSchema>;
