import type { QuantumTimings, TaskTimings } from '../db/schema/index.ts';

/** The phases every quantum records (QuantumTimings), in the order they happen. */
export const QUANTUM_PHASES = ['queueMs', 'readMs', 'decodeMs', 'computeMs', 'encodeMs', 'writeMs'] as const;

/** Sums of per-quantum timings by task label, kept while a run executes and stored on the run at its end. */
export class TaskTimingTotals {
  private readonly totals: Record<string, TaskTimings>;

  /** Starts from the totals a run already has, so a resumed run adds to them. */
  constructor(previous: Record<string, TaskTimings> = {}) {
    this.totals = structuredClone(previous);
  }

  add(taskLabel: string, t: QuantumTimings, registerMs: number): void {
    const sum = (this.totals[taskLabel] ??= { quanta: 0, queueMs: 0, readMs: 0, decodeMs: 0, computeMs: 0, encodeMs: 0, writeMs: 0, registerMs: 0 });
    sum.quanta++;
    for (const phase of QUANTUM_PHASES) sum[phase] += t[phase];
    sum.registerMs += registerMs;
  }

  toJSON(): Record<string, TaskTimings> {
    return this.totals;
  }
}
