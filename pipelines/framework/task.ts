import type { z } from 'zod';

/**
 * A pipeline task: a pure function of its inputs and config. No database, no file paths, no
 * clock; randomness comes from `ctx.seed`. That is what makes reruns bit-identical.
 *
 * Inputs arrive decoded by storage class (an Exposure as pixels and metadata, a Catalog as
 * columns, a Measurement as JSON); outputs are returned the same way and encoded by the runner.
 */
export type DataIdValue = string | number;
export type DataId = Readonly<Record<string, DataIdValue>>;

/** One dataset handed to a task: its data ID (required and implied values) and decoded content. */
export interface InputDataset<T = unknown> {
  dataId: DataId;
  value: T;
}

/** Inputs by connection name: one dataset, or a list for `multiple: true` connections. */
export type TaskInputs = Readonly<Record<string, InputDataset | readonly InputDataset[]>>;

/**
 * Outputs by connection name: the value for the quantum's own data ID, or, for connections
 * whose data IDs differ per dataset (multiple), a list with explicit data IDs.
 */
export type TaskOutputs = Record<string, unknown>;

export interface TaskContext {
  /** The quantum's data ID, required and implied values. */
  dataId: DataId;
  /** Deterministic per quantum: derived from the run's seed, the task label and the data ID. */
  seed: number;
  /** The data IDs each output connection must be written with. */
  outputDataIds: Readonly<Record<string, readonly DataId[]>>;
  log(message: string): void;
}

/** How a task uses one named connection: what the pipeline YAML must wire to it. */
export interface ConnectionSpec {
  kind: 'input' | 'prerequisite' | 'calibration' | 'output';
  storageClass: string;
  /** Inputs gathered over several data IDs (a visit's detectors, a patch's warps). */
  multiple?: boolean;
  /**
   * The task never writes into this input's value (calibrations and prerequisites are read-only
   * without saying so): the runner may hand it the same decoded value it handed earlier quanta
   * instead of reading and decoding the file again. A task that writes into it fails.
   */
  readOnly?: boolean;
}

export interface Task<C = unknown> {
  /** Human-readable description for `--help` style listings. */
  description: string;
  /**
   * The connections `run` reads and returns, by name. When declared, the pipeline loader checks
   * the YAML against them: a misspelled or missing connection, or a different kind or storage
   * class, fails when the pipeline is loaded, not in a worker.
   */
  connections?: Readonly<Record<string, ConnectionSpec>>;
  /** Strict schema with defaults: unknown fields are errors, absent fields take defaults. */
  config: z.ZodType<C>;
  run(inputs: TaskInputs, config: C, ctx: TaskContext): TaskOutputs | Promise<TaskOutputs>;
}

export function defineTask<C>(task: Task<C>): Task<C> {
  return task;
}

/** The single dataset of a connection, or an error naming it when a list was given. */
export function single<T>(inputs: TaskInputs, name: string): InputDataset<T> {
  const v = inputs[name];
  if (v === undefined) throw new Error(`missing input connection '${name}'`);
  if (Array.isArray(v)) throw new Error(`input connection '${name}' holds ${v.length} datasets; expected one`);
  return v as InputDataset<T>;
}

export function many<T>(inputs: TaskInputs, name: string): readonly InputDataset<T>[] {
  const v = inputs[name];
  if (v === undefined) throw new Error(`missing input connection '${name}'`);
  return (Array.isArray(v) ? v : [v]) as readonly InputDataset<T>[];
}
