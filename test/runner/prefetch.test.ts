import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import { sha256 } from '../../runner/execute-quantum.ts';
import { createLocalExecutor } from '../../runner/executors/local.ts';
import type { QuantumJob } from '../../runner/worker-job.ts';

const fixtures = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures');
const TOY_TASKS = path.join(fixtures, 'pipelines/toy-tasks.ts');
const CACHE_TASKS = path.join(fixtures, 'runner/cache-tasks.ts');
const dataId = { instrument: 'TestCam', visit: 1, detector: 0 };
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-prefetch-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});

/** A dataset file of this storage class holding `value`, with the checksum the registry would record. */
async function dataset(name: string, storageClass: string, value: unknown): Promise<{ absPath: string; storageClass: string; dataId: typeof dataId; checksum: string }> {
  const bytes = await codecFor(storageClass).encode(value);
  const absPath = path.join(dir, name);
  fs.writeFileSync(absPath, bytes);
  return { absPath, storageClass, dataId, checksum: sha256(bytes) };
}

function job(modulePath: string, exportName: string, config: Record<string, unknown>, input: { connection: string; dataset: QuantumJob['inputs'][number]['datasets'][number] }, output: QuantumJob['outputs'][number]): QuantumJob {
  return { quantumId: `q-${exportName}`, taskLabel: exportName, modulePath, exportName, config, dataId, seed: 1, inputs: [{ connection: input.connection, multiple: false, datasets: [input.dataset] }], outputs: [output] };
}

describe('the local executor queues a quantum on a busy worker', () => {
  it('which starts it when its running quantum ends, without the server thread', async () => {
    const executor = createLocalExecutor({ threads: 1 });
    try {
      const gate = path.join(dir, 'gate');
      const written = path.join(dir, 'doubled.fits.tmp-1');
      const raw = await dataset('raw.json', 'StructuredData', { value: 3 });
      // 300x300 float32: large enough that the worker writes the output file itself.
      const n = 300;
      const image = await dataset('image.fits', 'Image', { image: { width: n, height: n, data: new Float32Array(n * n).fill(2) }, metadata: {} });
      await executor.prepare!({ warm: true, modules: [{ modulePath: TOY_TASKS, exportName: 'scale' }, { modulePath: CACHE_TASKS, exportName: 'doubleImage' }], datasets: [] });

      // The first waits (in the worker) for the gate; the second goes to the same, busy worker.
      const first = executor.run(job(TOY_TASKS, 'scale', { waitForFile: gate }, { connection: 'raw', dataset: raw }, { connection: 'scaled', storageClass: 'StructuredData', dataId }), { run: 'r' });
      expect(executor.idle!()).toBe(0);
      const second = executor.run(job(CACHE_TASKS, 'doubleImage', {}, { connection: 'image', dataset: image }, { connection: 'doubled', storageClass: 'Image', dataId, tempPath: written }), { run: 'r' });
      await new Promise((resolve) => setImmediate(resolve));

      // From here this thread never yields: the second quantum's file can only appear if the
      // worker held it and started it by itself once the first ended.
      fs.writeFileSync(gate, '');
      const deadline = Date.now() + 120_000;
      while (!fs.existsSync(written) && Date.now() < deadline) {
        // Spin: no event loop turn, so nothing reaches the worker from this thread.
      }
      expect(fs.existsSync(written)).toBe(true);
      const [a, b] = await Promise.all([first, second]);
      expect(b.startedAt).toBeGreaterThanOrEqual(a.endedAt);
      expect(b.outputs[0]!.written?.tempAbsPath).toBe(written);
      expect(executor.idle!()).toBe(1);
    } finally {
      await executor.close();
    }
  });
});
