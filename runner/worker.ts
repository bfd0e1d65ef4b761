import { move, transferableSymbol, valueSymbol } from 'piscina';
import { executeQuantum, warmWorker } from './execute-quantum.ts';
import type { QuantumJob, QuantumResult, WarmJob } from './worker-job.ts';

/**
 * Piscina task: runs a quantum. Outputs the job named temporary paths for were written there by
 * the worker and come back as sizes and checksums; any others are handed back without copying
 * them. Piscina only moves a top-level Transferable, so the result is wrapped in one listing
 * every output buffer: ownership of those bytes passes to the main thread.
 */
export default function runQuantumInWorker(job: QuantumJob | WarmJob): Promise<QuantumResult | Awaited<ReturnType<typeof warmWorker>>> {
  const mine = previous.then(() => runOne(job));
  previous = mine.catch(() => undefined);
  return mine;
}

/**
 * The job before this one in this thread. The local executor may send a job while another runs
 * (it queues one behind it, Executor.prefetch): jobs run one after the other, each starting as
 * soon as the one before ends, never interleaved at their awaits.
 */
let previous: Promise<unknown> = Promise.resolve();

async function runOne(job: QuantumJob | WarmJob): Promise<QuantumResult | Awaited<ReturnType<typeof warmWorker>>> {
  if ('warm' in job) return warmWorker(job);
  const result = await executeQuantum(job);
  const withBytes = result.outputs.flatMap((o) => (o.bytes ? [o] : []));
  if (withBytes.length === 0) return result;
  for (const o of withBytes) {
    // Only a buffer the bytes own alone may be transferred (a pooled Buffer shares its memory).
    if (o.bytes.byteOffset !== 0 || o.bytes.byteLength !== o.bytes.buffer.byteLength) o.bytes = o.bytes.slice();
  }
  const buffers = [...new Set(withBytes.map((o) => o.bytes.buffer as ArrayBuffer))];
  const transferable = { [transferableSymbol]: buffers, [valueSymbol]: result };
  return move(transferable as never) as unknown as QuantumResult;
}
