import crypto from 'node:crypto';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { executeQuantum } from './execute-quantum.ts';
import { ArrayDescriptionSchema, QUANTUM_FAILED_EXIT, QUANTUM_RESULTS_PATH, type ArrayDescription, type QuantumReport } from './executors/slurm/protocol.ts';
import type { QuantumJob } from './worker-job.ts';

/**
 * The batch-job side of the Slurm executor (`vera exec-quantum`): runs one cluster of a job
 * array's quanta in this process, writes each output to a temporary file in the run's output
 * directory (complete and fsynced before it is named in a report), and reports every quantum to
 * the server over HTTP with the run's credential. The server checks and registers; this process
 * never opens the database.
 */

export class ExecQuantumError extends Error {
  constructor(
    message: string,
    readonly exitCode: number,
  ) {
    super(message);
  }
}

/** Exit codes: 0 all reported ok, QUANTUM_FAILED_EXIT a task failed (reported), 2 bad description, 3 refused, 1 anything else. */
export async function execQuantumCluster(descriptionFile: string, index: number, opts: { fetch?: typeof fetch } = {}): Promise<number> {
  const description = await readDescription(descriptionFile);
  const cluster = description.clusters[index];
  if (!cluster) throw new ExecQuantumError(`${descriptionFile}: no cluster ${index} (it has ${description.clusters.length})`, 2);
  const token = (await fsp.readFile(description.tokenFile, 'utf8')).trim();
  const host = os.hostname();
  let failed = 0;
  for (const k of cluster) {
    const job = description.quanta[k];
    if (!job) throw new ExecQuantumError(`${descriptionFile}: cluster ${index} names quantum ${k}, which is not in the file`, 2);
    const report = await runOne(description, job, host);
    if (!report.ok) failed++;
    await send(description, token, report, opts.fetch ?? fetch);
  }
  return failed > 0 ? QUANTUM_FAILED_EXIT : 0;
}

async function readDescription(file: string): Promise<ArrayDescription> {
  let json: unknown;
  try {
    json = JSON.parse(await fsp.readFile(file, 'utf8'));
  } catch (e) {
    throw new ExecQuantumError(`cannot read the quantum description ${file}: ${(e as Error).message}`, 2);
  }
  const parsed = ArrayDescriptionSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    throw new ExecQuantumError(`${file} is not a quantum description: ${issues}`, 2);
  }
  return parsed.data;
}

async function runOne(description: ArrayDescription, job: QuantumJob, host: string): Promise<QuantumReport> {
  const base = { run: description.run, quantumId: job.quantumId, host };
  let result;
  try {
    result = await executeQuantum(job);
  } catch (e) {
    return { ...base, ok: false, error: e instanceof Error ? (e.stack ?? e.message) : String(e), log: '' };
  }
  const outputs: Extract<QuantumReport, { ok: true }>['outputs'] = [];
  for (const o of result.outputs) {
    // A batch job's quanta name no temporary paths (the description carries none): the bytes come back.
    if (!o.bytes) throw new Error(`output '${o.connection}' was written to ${o.written.tempAbsPath}; a batch job writes its outputs itself`);
    const name = `${job.quantumId}.${o.connection.replace(/[^A-Za-z0-9_-]/g, '_')}.${process.pid}-${crypto.randomBytes(4).toString('hex')}`;
    const file = path.join(description.outDir, name);
    const fh = await fsp.open(file, 'wx', 0o644);
    try {
      await fh.write(o.bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    outputs.push({ connection: o.connection, path: file, sizeBytes: o.bytes.byteLength, checksum: o.checksum });
  }
  return {
    ...base,
    ok: true,
    startedAt: result.startedAt,
    endedAt: result.endedAt,
    peakMemoryBytes: result.peakMemoryBytes,
    timings: result.timings,
    log: result.log,
    outputs,
  };
}

/** Posts a report; retries what may pass later (the server busy or restarting), not a refusal. */
async function send(description: ArrayDescription, token: string, report: QuantumReport, fetchFn: typeof fetch): Promise<void> {
  const url = new URL(QUANTUM_RESULTS_PATH, description.reportUrl);
  let last = '';
  for (let attempt = 0; attempt < 6; attempt++) {
    if (attempt > 0) await new Promise((r) => setTimeout(r, 500 * 2 ** attempt));
    let res: Response;
    try {
      res = await fetchFn(url, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify(report) });
    } catch (e) {
      last = `cannot reach ${url.origin}: ${(e as Error).message}`;
      continue;
    }
    const text = await res.text();
    if (res.ok) return;
    last = `${res.status} ${text.slice(0, 500)}`;
    if (res.status === 401 || res.status === 403) throw new ExecQuantumError(`the server refused the report of quantum ${report.quantumId}: ${last}`, 3);
    if (res.status >= 400 && res.status < 500 && res.status !== 429) throw new ExecQuantumError(`the server refused the report of quantum ${report.quantumId}: ${last}`, 1);
  }
  throw new ExecQuantumError(`could not report quantum ${report.quantumId}: ${last}`, 1);
}
