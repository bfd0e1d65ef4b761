import fs from 'node:fs/promises';
import v8 from 'node:v8';
import { codecFor } from '../pipelines/framework/codecs.ts';
import type { InputDataset, Task, TaskInputs } from '../pipelines/framework/task.ts';
import { recordedTaskModuleUrl } from './pipeline/roots.ts';
import type { QuantumJob, QuantumResult } from './worker-job.ts';

const taskCache = new Map<string, Task>();

async function loadTask(job: QuantumJob): Promise<Task> {
  const key = `${job.modulePath}#${job.exportName}`;
  let task = taskCache.get(key);
  if (!task) {
    const mod = (await import(recordedTaskModuleUrl(job.modulePath))) as Record<string, Task>;
    task = mod[job.exportName];
    if (!task || typeof task.run !== 'function') throw new Error(`${key} is not a task`);
    taskCache.set(key, task);
  }
  return task;
}

/**
 * Executes one quantum: reads and decodes its inputs, runs the task, encodes its outputs.
 * Runs in a worker thread (local executor) or a batch job (`vera exec-quantum`); it never
 * touches the database: the server registers what it returns.
 */
export async function executeQuantum(job: QuantumJob): Promise<QuantumResult> {
  const startedAt = Date.now();
  const task = await loadTask(job);
  const lines: string[] = [];
  const inputs: Record<string, InputDataset | InputDataset[]> = {};
  for (const input of job.inputs) {
    const values = await Promise.all(
      input.datasets.map(async (d) => ({ dataId: d.dataId, value: await codecFor(d.storageClass).decode(new Uint8Array(await fs.readFile(d.absPath))) })),
    );
    inputs[input.connection] = input.multiple ? values : values[0]!;
  }
  const config = task.config.parse(job.config);
  const outputDataIds = Object.fromEntries(job.outputs.map((o) => [o.connection, [o.dataId]]));
  const produced = await task.run(inputs as TaskInputs, config, {
    dataId: job.dataId,
    seed: job.seed,
    outputDataIds,
    log: (message) => lines.push(message),
  });
  const outputs: QuantumResult['outputs'] = [];
  for (const o of job.outputs) {
    if (!(o.connection in produced)) throw new Error(`task '${job.taskLabel}' returned no output '${o.connection}'`);
    outputs.push({ connection: o.connection, bytes: await codecFor(o.storageClass).encode(produced[o.connection]) });
  }
  // Per-isolate memory (heap plus typed-array backing stores) while the outputs are still alive:
  // worker threads share one process, so its RSS would mix every quantum running at once.
  const heap = v8.getHeapStatistics() as v8.HeapInfo & { external_memory?: number };
  const peakMemoryBytes = Math.max(heap.used_heap_size + (heap.external_memory ?? 0), heap.peak_malloced_memory);
  return { outputs, startedAt, endedAt: Date.now(), peakMemoryBytes, log: lines.join('\n') };
}
