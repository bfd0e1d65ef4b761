/**
 * The task API: everything pipeline code needs from Vera, as one stable module. Pipelines that
 * live in their own repositories import it as `vera/task` (a package export of Vera, and a name
 * Vera resolves for task modules wherever they are); nothing else of Vera is theirs to import.
 * `z` is zod, the schema library task configs are written in, so a pipeline needs no copy of its own.
 */
export { z } from 'zod';
export { defineTask, single, many } from './task.ts';
export type { ConnectionSpec, DataId, DataIdValue, InputDataset, Task, TaskContext, TaskInputs, TaskOutputs } from './task.ts';
export { MASK } from './values.ts';
export type { CatalogValue, ExposureValue, ImageValue, MeasurementValue, Scalar, StructuredValue } from './values.ts';
export { CodedError, PipelineError, type PipelineErrorCode } from './errors.ts';
