import type { SoftwareVersion, TaskTimings } from '../db/schema/index.ts';

export type RunPurpose = 'ci' | 'developer' | 'operator' | 'replay';
export type RunStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'partial' | 'cancelled';
export type QuantumStatus = 'pending' | 'running' | 'succeeded' | 'failed' | 'blocked';

export interface RunProgress {
  total: number;
  pending: number;
  running: number;
  succeeded: number;
  failed: number;
  blocked: number;
}

export interface RunInfo {
  id: number;
  name: string;
  owner: string;
  purpose: RunPurpose;
  status: RunStatus;
  pipelineFile: string;
  inputs: string[];
  where: string;
  configOverrides: Record<string, Record<string, unknown>>;
  software: SoftwareVersion | null;
  executor: string;
  seed: number;
  saveIntermediates: boolean;
  error: string | null;
  createdAt: Date;
  startedAt: Date | null;
  endedAt: Date | null;
  expiresAt: Date | null;
  /** Last sign of life of the process executing it (see lease.ts); followers watch it. */
  heartbeatAt: Date | null;
  /** Per task label: quanta executed and milliseconds per phase, summed (see QuantumTimings). */
  taskTimings: Record<string, TaskTimings>;
  progress: RunProgress;
}
