import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { ImageValue } from '../../pipelines/framework/values.ts';
import { cacheKey, DecodedCache, sizeOfValue } from '../../runner/decoded-cache.ts';
import { decodedCache, executeQuantum, setDecodedCache, sha256 } from '../../runner/execute-quantum.ts';
import type { QuantumJob } from '../../runner/worker-job.ts';

const TASKS = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../fixtures/runner/cache-tasks.ts');
let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-decoded-cache-'));
});
afterAll(() => {
  fs.rmSync(dir, { recursive: true, force: true });
});
afterEach(() => setDecodedCache(new DecodedCache(64 << 20)));

/** Side of an image whose encoded file is large enough for the worker to write it (>= 256 KiB: 300² float32 is 352 KiB). */
const BIG = 300;
const image = (fill: number, n = 64): ImageValue => ({ image: { width: n, height: n, data: new Float32Array(n * n).fill(fill) }, metadata: { FILL: fill } });

/** Writes an Image dataset's file; returns its path and checksum, as the registry would give them. */
async function writeImage(name: string, value: ImageValue): Promise<{ absPath: string; checksum: string; bytes: Uint8Array }> {
  const bytes = await codecFor('Image').encode(value);
  const absPath = path.join(dir, name);
  fs.writeFileSync(absPath, bytes);
  return { absPath, checksum: sha256(bytes), bytes };
}

function job(exportName: string, connection: string, file: { absPath: string; checksum: string }, output: { connection: string; storageClass: string; handoff?: boolean; tempPath?: string }): QuantumJob {
  return {
    quantumId: `q-${exportName}-${Math.random()}`,
    taskLabel: exportName,
    modulePath: TASKS,
    exportName,
    config: {},
    dataId: { instrument: 'TestCam', detector: 0 },
    seed: 1,
    inputs: [{ connection, multiple: false, datasets: [{ absPath: file.absPath, storageClass: 'Image', dataId: { instrument: 'TestCam', detector: 0 }, checksum: file.checksum }] }],
    outputs: [{ dataId: { instrument: 'TestCam', detector: 0 }, ...output }],
  };
}

const total = (r: Awaited<ReturnType<typeof executeQuantum>>) => JSON.parse(new TextDecoder().decode(r.outputs[0]!.bytes)) as { sum: number };
const totalOut = { connection: 'total', storageClass: 'StructuredData' };

describe('DecodedCache', () => {
  it('hands back what it holds, misses a different checksum, and keeps its bytes within the bound (least recently used out first)', () => {
    const c = new DecodedCache(3 * 4096 + 1000);
    const v = (k: number) => ({ data: new Float32Array(1024).fill(k) });
    c.set(cacheKey('Image', 'sha256:a'), v(1));
    expect(c.get(cacheKey('Image', 'sha256:a'))!.value).toEqual(v(1));
    expect(c.get(cacheKey('Image', 'sha256:b'))).toBeUndefined();
    expect(c.get(cacheKey('Exposure', 'sha256:a'))).toBeUndefined();
    c.set(cacheKey('Image', 'sha256:b'), v(2));
    c.set(cacheKey('Image', 'sha256:c'), v(3));
    c.get(cacheKey('Image', 'sha256:a')); // a is now the most recently used; b the least
    c.set(cacheKey('Image', 'sha256:d'), v(4));
    expect(c.bytes).toBeLessThanOrEqual(c.maxBytes);
    expect(c.has(cacheKey('Image', 'sha256:b'))).toBe(false);
    for (const k of ['a', 'c', 'd']) expect(c.has(cacheKey('Image', `sha256:${k}`))).toBe(true);
    expect(c.bytes).toBe(3 * sizeOfValue(v(0)));
    c.set(cacheKey('Image', 'sha256:huge'), { data: new Float32Array(1 << 20) });
    expect(c.has(cacheKey('Image', 'sha256:huge'))).toBe(false);
    expect(c.size).toBe(3);
  });
});

describe('decoded inputs kept by the worker between quanta', () => {
  it('serves a calibration from the cache the second time, and a file with other bytes (a new checksum) is a miss', async () => {
    const calib = await writeImage('bias-a.fits', image(2));
    const first = await executeQuantum(job('readCalib', 'calib', calib, totalOut));
    expect(total(first).sum).toBe(2 * 64 * 64);
    expect(first.log).not.toMatch(/from this worker's cache/);
    // The file is gone: only the cache can give the second quantum its input.
    fs.rmSync(calib.absPath);
    const second = await executeQuantum(job('readCalib', 'calib', calib, totalOut));
    expect(total(second).sum).toBe(2 * 64 * 64);
    expect(second.log).toMatch(/1 of 1 inputs taken decoded from this worker's cache/);
    expect(second.outputs[0]!.checksum).toBe(first.outputs[0]!.checksum);

    const changed = await writeImage('bias-a.fits', image(3));
    const third = await executeQuantum(job('readCalib', 'calib', changed, totalOut));
    expect(total(third).sum).toBe(3 * 64 * 64);
    expect(third.log).not.toMatch(/from this worker's cache/);
  });

  it('fails a task that writes into a read-only input, and the next quantum gets the value as it was', async () => {
    const calib = await writeImage('bias-b.fits', image(1));
    await executeQuantum(job('readCalib', 'calib', calib, totalOut));
    expect(decodedCache()!.has(cacheKey('Image', calib.checksum))).toBe(true);
    await expect(executeQuantum(job('scribbleOnCalib', 'calib', calib, totalOut))).rejects.toThrow(/'scribbleOnCalib' wrote into its read-only input 'calib'/);
    expect(decodedCache()!.has(cacheKey('Image', calib.checksum))).toBe(false);
    const after = await executeQuantum(job('readCalib', 'calib', calib, totalOut));
    expect(total(after).sum).toBe(64 * 64);
  });

  it('hands an output to a dependent quantum on the same worker without reading its file, as a copy the task may write into', async () => {
    const raw = await writeImage('raw.fits', image(5, BIG));
    // The worker writes the output to the path the job names (as for the local executor), and hands back its size and checksum.
    const doubledOut = { connection: 'doubled', storageClass: 'Image', handoff: true, tempPath: path.join(dir, 'doubled.fits') };
    const produced = await executeQuantum(job('doubleImage', 'image', raw, doubledOut));
    const out = produced.outputs[0]!;
    expect(out.bytes).toBeUndefined();
    const written = fs.readFileSync(doubledOut.tempPath);
    expect(out.written).toEqual({ tempAbsPath: doubledOut.tempPath, sizeBytes: written.byteLength });
    expect(out.checksum).toBe(sha256(written));
    const doubled = { absPath: doubledOut.tempPath, checksum: out.checksum };

    // Reference: the dependent quantum as it ran before, reading and decoding the file.
    setDecodedCache(null);
    const fromFile = await executeQuantum(job('scribbleOnInput', 'image', doubled, totalOut));
    setDecodedCache(new DecodedCache(64 << 20));
    fs.rmSync(doubled.absPath);
    await executeQuantum(job('doubleImage', 'image', raw, doubledOut));
    expect(fs.readFileSync(doubled.absPath)).toEqual(written);

    fs.rmSync(doubled.absPath);
    const handed = await executeQuantum(job('scribbleOnInput', 'image', doubled, totalOut));
    expect(handed.log).toMatch(/1 of 1 inputs taken decoded from this worker's cache/);
    expect(total(handed).sum).toBe(10 * BIG * BIG);
    expect(handed.outputs[0]!.bytes).toEqual(fromFile.outputs[0]!.bytes);
    // scribbleOnInput overwrote its copy: the cache still holds the decoded output unchanged.
    const again = await executeQuantum(job('scribbleOnInput', 'image', doubled, totalOut));
    expect(total(again).sum).toBe(10 * BIG * BIG);
  });

  it('hands the last reader of an output the cached value itself, not a copy, and forgets it: a later reader decodes the file', async () => {
    const raw = await writeImage('raw-last.fits', image(7, BIG));
    const doubledOut = { connection: 'doubled', storageClass: 'Image', handoff: true, tempPath: path.join(dir, 'last-doubled.fits') };
    const out = (await executeQuantum(job('doubleImage', 'image', raw, doubledOut))).outputs[0]!;
    const doubled = { absPath: doubledOut.tempPath, checksum: out.checksum };
    const key = cacheKey('Image', out.checksum);
    const cached = decodedCache()!.get(key)!.value as ImageValue;

    const last = job('scribbleOnInput', 'image', doubled, totalOut);
    last.inputs[0]!.datasets[0]!.lastUse = true;
    const handed = await executeQuantum(last);
    expect(handed.log).toMatch(/1 of 1 inputs taken decoded from this worker's cache/);
    expect(total(handed).sum).toBe(14 * BIG * BIG);
    // The task wrote into the very value the cache held (no copy was made), which the cache no longer holds.
    expect(cached.image.data[0]).toBe(-1);
    expect(decodedCache()!.has(key)).toBe(false);
    // Another reader (a rerun, say) decodes the file, untouched by the task.
    const again = await executeQuantum(job('scribbleOnInput', 'image', doubled, totalOut));
    expect(again.log).not.toMatch(/taken decoded/);
    expect(total(again).sum).toBe(14 * BIG * BIG);
  });

  it('writes outputs to the temporary paths the job names, never over an existing file, and removes them when the quantum fails', async () => {
    const raw = await writeImage('raw-w.fits', image(2, BIG));
    const first = path.join(dir, 'w-doubled.fits.tmp-1');
    const second = path.join(dir, 'w-missing.fits.tmp-1');
    // doubleImage returns 'doubled' only: the second output fails the quantum after the first was written.
    const failing = job('doubleImage', 'image', raw, { connection: 'doubled', storageClass: 'Image', tempPath: first });
    failing.outputs.push({ connection: 'missing', storageClass: 'Image', dataId: { instrument: 'TestCam', detector: 0 }, tempPath: second });
    await expect(executeQuantum(failing)).rejects.toThrow(/returned no output 'missing'/);
    expect(fs.existsSync(first)).toBe(false);
    expect(fs.existsSync(second)).toBe(false);
    // A file already at the path is not overwritten ('wx'): the quantum fails and the file stays as it was.
    fs.writeFileSync(first, 'someone else');
    await expect(executeQuantum(job('doubleImage', 'image', raw, { connection: 'doubled', storageClass: 'Image', tempPath: first }))).rejects.toThrow(/EEXIST/);
    expect(fs.readFileSync(first, 'utf8')).toBe('someone else');
  });

  it('encodes written outputs into a buffer it reuses: a smaller output after a larger one has exactly its own bytes', async () => {
    const reference = async (fill: number, n: number) => codecFor('Image').encode({ image: { width: n, height: n, data: new Float32Array(n * n).fill(2 * fill) }, metadata: { FILL: fill, DOUBLED: true } });
    for (const [fill, n] of [[3, BIG + 100], [4, BIG]] as const) {
      const raw = await writeImage(`raw-${n}.fits`, image(fill, n));
      const tempPath = path.join(dir, `doubled-${n}.fits.tmp-1`);
      const out = (await executeQuantum(job('doubleImage', 'image', raw, { connection: 'doubled', storageClass: 'Image', tempPath }))).outputs[0]!;
      const want = await reference(fill, n);
      expect(new Uint8Array(fs.readFileSync(tempPath))).toEqual(new Uint8Array(want));
      expect(out.checksum).toBe(sha256(want));
    }
  });

  it('hands small outputs back as bytes even where the job names a path, and never as a view of the reused buffer', async () => {
    const small = await writeImage('raw-s.fits', image(6, 16));
    const big = await writeImage('raw-b.fits', image(7, BIG + 100));
    const tempPath = path.join(dir, 'small.fits.tmp-1');
    const out = (await executeQuantum(job('doubleImage', 'image', small, { connection: 'doubled', storageClass: 'Image', tempPath }))).outputs[0]!;
    expect(fs.existsSync(tempPath)).toBe(false);
    expect(out.written).toBeUndefined();
    const want = new Uint8Array(await codecFor('Image').encode({ image: { width: 16, height: 16, data: new Float32Array(16 * 16).fill(12) }, metadata: { FILL: 6, DOUBLED: true } }));
    expect(new Uint8Array(out.bytes!)).toEqual(want);
    // A larger output encoded next (into the thread's buffer) leaves the small one's bytes as they were.
    await executeQuantum(job('doubleImage', 'image', big, { connection: 'doubled', storageClass: 'Image', tempPath: path.join(dir, 'big.fits.tmp-1') }));
    expect(new Uint8Array(out.bytes!)).toEqual(want);
    expect(out.checksum).toBe(sha256(want));
  });

  it('keeps nothing when turned off (VERA_DECODED_CACHE_MB=0)', async () => {
    setDecodedCache(null);
    const calib = await writeImage('bias-c.fits', image(4));
    await executeQuantum(job('readCalib', 'calib', calib, totalOut));
    fs.rmSync(calib.absPath);
    await expect(executeQuantum(job('readCalib', 'calib', calib, totalOut))).rejects.toThrow(/ENOENT/);
  });
});
