import type { DataId } from '../../repo/index.ts';

/** A dataset in a quantum graph: already in the input collections, or to be produced. */
export interface DatasetNode {
  key: string;
  datasetType: string;
  storageClass: string;
  /** Values of the type's required dimensions. */
  dataId: DataId;
  /** Registry id when the dataset exists in the input collections. */
  existingId?: string;
  /** Index into `quanta` of the producer, for datasets this graph makes. */
  producer?: number;
  /** False for intermediates (`persist: false`) that are deleted when the run ends. */
  persist: boolean;
}

export interface QuantumNode {
  id: string;
  taskLabel: string;
  /** Every dimension of the task, required and implied. */
  dataId: DataId;
  inputs: { connection: string; keys: string[]; multiple: boolean }[];
  outputs: { connection: string; key: string }[];
}

export interface QuantumGraph {
  quanta: QuantumNode[];
  datasets: Map<string, DatasetNode>;
  /** Quanta that could not be made, e.g. because an upstream quantum had no inputs. */
  skipped: { taskLabel: string; dataId: DataId; reason: string }[];
}
