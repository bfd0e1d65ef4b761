import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { QUANTUM_LOG_MARKER, splitQuantumLog } from '../../quantum-log.ts';
import type { QuantumJob, QuantumResult } from '../../worker-job.ts';
import { QuantumCancelledError, type Executor, type RunContext } from '../executor.ts';
import { resourcesFor, type SlurmConfig } from './config.ts';
import { QUANTUM_FAILED_EXIT, QuantumReportSchema, type ArrayDescription, type QuantumReport } from './protocol.ts';
import { expandIndices, slurmCommands, TERMINAL_STATES, type ElementState, type SlurmCommands } from './slurm-cli.ts';

export { loadSlurmConfig, parseSlurmConfig, type SlurmConfig } from './config.ts';
export { QUANTUM_RESULTS_PATH } from './protocol.ts';

/**
 * The Slurm executor. Quanta handed to it are gathered for a moment (`gatherMilliseconds`) and
 * submitted as one job array per task label: every quantum that became ready together, which is
 * a task level of the graph at the start of a run and a wave of its downstream quanta later (the
 * runner has no level barriers, so neither do the arrays). `quantaPerJob` > 1 clusters quanta:
 * an array element then runs that many quanta of the task in one process, paying Slurm's and
 * Node's start-up once for all of them.
 *
 * Each element runs `vera exec-quantum`, which writes outputs beside the datastore and reports
 * each quantum over HTTP with the run's credential (a random token; only its SHA-256 is kept
 * here, and it is accepted for that run only). `deliver` checks a report and resolves the
 * quantum's promise; the server registers the outputs as for the local executor.
 *
 * Element states are polled with `squeue --json` (and `scontrol show job` for elements squeue has
 * forgotten). An element that ends without reporting all its quanta is resubmitted (`maxRetries`)
 * unless its exit code is in `retryUnlessExit` (by default 10: the task itself failed and said
 * so); elements are submitted with --requeue, so Slurm requeues them itself on a node failure.
 * A run whose execution stops has its arrays cancelled with `scancel`.
 */
export interface SlurmExecutorOptions {
  config: SlurmConfig;
  /** Shared directory for descriptions, credentials, outputs on their way and job logs. */
  workDir: string;
  /** The server's base URL as batch jobs reach it; undefined until the HTTP server listens. */
  reportUrl: () => string | undefined;
  /** Environment of the Slurm commands (SLURM_CONF, PATH); default this process's. */
  env?: NodeJS.ProcessEnv | undefined;
  commands?: SlurmCommands | undefined;
  log?: { warn(obj: object, msg: string): void; info(obj: object, msg: string): void } | undefined;
}

export interface DeliveryAnswer {
  status: number;
  body: { accepted: boolean; error?: string };
}

export interface SlurmExecutor extends Executor {
  /** Checks a quantum report received over HTTP with `token`, and hands it to its waiting run. */
  deliver(token: string, body: unknown): Promise<DeliveryAnswer>;
  /** Job arrays submitted so far, by run (tests, bench): Slurm job ids. */
  arraysOf(run: string): number[];
}

interface Waiting {
  job: QuantumJob;
  session: Session;
  resolve(r: QuantumResult): void;
  reject(e: unknown): void;
  attempt: number;
  history: string[];
  /** A failure the job reported; final when the element's exit says so (retryUnlessExit). */
  reported?: { error: string; log: string };
  done: boolean;
}

interface JobArray {
  id: number;
  session: Session;
  clusters: Waiting[][];
  ended: Set<number>;
}

interface Session {
  run: string;
  dir: string;
  outDir: string;
  tokenFile: string;
  tokenHash: string;
  waiting: Map<string, Waiting>;
  gathered: Map<string, Waiting[]>;
  timer: NodeJS.Timeout | undefined;
  arrays: Set<JobArray>;
  allArrays: number[];
  cancelled: boolean;
  seq: number;
}

const VERA_BIN = fileURLToPath(new URL('../../../bin/vera.js', import.meta.url));

export function createSlurmExecutor(opts: SlurmExecutorOptions): SlurmExecutor {
  const { config } = opts;
  const slurm = opts.commands ?? slurmCommands(opts.env);
  const sessions = new Map<string, Session>();
  const byTokenHash = new Map<string, Session>();
  let poller: NodeJS.Timeout | undefined;
  let polling: Promise<void> | undefined;

  const hashToken = (token: string) => crypto.createHash('sha256').update(token).digest('hex');

  const openSession = (ctx: RunContext): Session => {
    fs.mkdirSync(opts.workDir, { recursive: true });
    const dir = fs.mkdtempSync(path.join(opts.workDir, `run-${crypto.createHash('sha256').update(ctx.run).digest('hex').slice(0, 12)}-`));
    fs.chmodSync(dir, 0o700);
    const outDir = path.join(dir, 'out');
    fs.mkdirSync(outDir);
    fs.mkdirSync(path.join(dir, 'logs'));
    const token = crypto.randomBytes(32).toString('base64url');
    const tokenFile = path.join(dir, 'token');
    fs.writeFileSync(tokenFile, token, { mode: 0o600 });
    const s: Session = {
      run: ctx.run,
      dir: fs.realpathSync(dir),
      outDir: fs.realpathSync(outDir),
      tokenFile,
      tokenHash: hashToken(token),
      waiting: new Map(),
      gathered: new Map(),
      timer: undefined,
      arrays: new Set(),
      allArrays: [],
      cancelled: false,
      seq: 0,
    };
    sessions.set(ctx.run, s);
    byTokenHash.set(s.tokenHash, s);
    ctx.signal?.addEventListener('abort', () => void cancelSession(s), { once: true });
    return s;
  };

  const gather = (w: Waiting) => {
    const s = w.session;
    const list = s.gathered.get(w.job.taskLabel) ?? [];
    list.push(w);
    s.gathered.set(w.job.taskLabel, list);
    s.timer ??= setTimeout(() => {
      s.timer = undefined;
      const groups = [...s.gathered.values()];
      s.gathered.clear();
      for (const g of groups) void submit(s, g);
    }, config.gatherMilliseconds);
  };

  const submit = async (s: Session, group: Waiting[]) => {
    if (s.cancelled) return group.forEach((w) => settleCancelled(w));
    const clusters: Waiting[][] = [];
    for (let i = 0; i < group.length; i += config.quantaPerJob) clusters.push(group.slice(i, i + config.quantaPerJob));
    try {
      const reportUrl = opts.reportUrl();
      if (!reportUrl) throw new Error('the Slurm executor needs the URL batch jobs reach the server at: start the HTTP server (`vera serve`) or set VERA_SLURM_REPORT_URL');
      const description: ArrayDescription = {
        version: 1,
        run: s.run,
        reportUrl,
        tokenFile: s.tokenFile,
        outDir: s.outDir,
        quanta: group.map((w) => w.job),
        clusters: clusters.map((c) => c.map((w) => group.indexOf(w))),
      };
      const file = path.join(s.dir, `array-${++s.seq}.json`);
      await fsp.writeFile(`${file}.tmp`, JSON.stringify(description), { mode: 0o600 });
      await fsp.rename(`${file}.tmp`, file);
      const label = group[0]!.job.taskLabel;
      const { cpus, memoryMB } = resourcesFor(config, label);
      const args = [
        `--array=0-${clusters.length - 1}`,
        `--job-name=vera-${label.replace(/[^A-Za-z0-9_.-]/g, '_')}`,
        `--output=${path.join(s.dir, 'logs', '%A_%a.out')}`,
        `--cpus-per-task=${cpus}`,
        `--mem=${memoryMB}M`,
        '--ntasks=1',
        '--requeue',
        '--export=ALL',
        ...(config.partition ? [`--partition=${config.partition}`] : []),
        ...config.sbatchArgs,
        `--wrap=exec ${shellQuote(process.execPath)} ${shellQuote(VERA_BIN)} exec-quantum --description ${shellQuote(file)}`,
      ];
      const id = await slurm.sbatch(args, s.dir);
      const array: JobArray = { id, session: s, clusters, ended: new Set() };
      s.arrays.add(array);
      s.allArrays.push(id);
      for (const w of group) w.history.push(`attempt ${w.attempt}: Slurm job ${id}_${clusters.findIndex((c) => c.includes(w))}`);
      ensurePolling();
      // Cancelled while sbatch ran: the new array goes too.
      if (s.cancelled) await slurm.scancel([String(id)]);
    } catch (e) {
      for (const w of group) settle(w, () => w.reject(e));
    }
  };

  const settle = (w: Waiting, f: () => void) => {
    if (w.done) return;
    w.done = true;
    w.session.waiting.delete(w.job.quantumId);
    f();
  };
  const settleCancelled = (w: Waiting) => settle(w, () => w.reject(new QuantumCancelledError(`run '${w.session.run}' stopped executing; quantum ${w.job.quantumId} was cancelled`)));

  const ensurePolling = () => {
    poller ??= setInterval(() => {
      polling ??= poll()
        .catch((e: unknown) => opts.log?.warn({ err: e }, 'polling Slurm failed; trying again'))
        .finally(() => (polling = undefined));
    }, config.pollSeconds * 1000);
  };

  const poll = async () => {
    const active = [...sessions.values()].flatMap((s) => [...s.arrays]);
    if (active.length === 0) {
      clearInterval(poller);
      poller = undefined;
      return;
    }
    const listed = await slurm.squeue();
    const byArray = new Map<number, ElementState[]>();
    for (const e of listed) {
      const list = byArray.get(e.arrayJobId) ?? [];
      list.push(e);
      byArray.set(e.arrayJobId, list);
    }
    for (const array of active) {
      const records = byArray.get(array.id) ?? [];
      const pending = new Set(records.flatMap((r) => (r.index === undefined ? expandIndices(r.pendingIndices) : [])));
      for (let index = 0; index < array.clusters.length; index++) {
        if (array.ended.has(index) || pending.has(index)) continue;
        let st = records.find((r) => r.index === index);
        // Gone from squeue (MinJobAge passed, or never listed between two polls): ask scontrol.
        st ??= await slurm.scontrolElement(array.id, index);
        if (st && !TERMINAL_STATES.has(st.state)) continue;
        array.ended.add(index);
        elementEnded(array, index, st);
      }
      if (array.ended.size === array.clusters.length) array.session.arrays.delete(array);
    }
  };

  const elementEnded = (array: JobArray, index: number, st: ElementState | undefined) => {
    const s = array.session;
    const what = st ? `${st.state}, exit ${st.exitCode ?? '?'}${st.signal ? ` signal ${st.signal}` : ''}` : 'unknown to Slurm';
    const retry: Waiting[] = [];
    for (const w of array.clusters[index]!) {
      if (w.done) continue;
      if (s.cancelled) {
        settleCancelled(w);
        continue;
      }
      const final = st?.exitCode !== undefined && config.retryUnlessExit.includes(st.exitCode) && !st.signal;
      w.history.push(`  ended ${what}${w.reported ? ' (the task failed)' : ''}`);
      if (final || w.attempt > config.maxRetries) {
        // A reported error may carry the task's log after QUANTUM_LOG_MARKER: the job's history
        // goes with the error, before the marker, and every log after it.
        const reported = w.reported ? splitQuantumLog(w.reported.error) : undefined;
        const why = reported?.error ?? `Slurm job ${array.id}_${index} ended ${what} without reporting the quantum`;
        const tried = final ? '' : ` (tried ${w.attempt} times)`;
        // The job's own output goes with the run's directory: its end is kept in the log.
        const output = w.reported ? '' : tail(path.join(s.dir, 'logs', `${array.id}_${index}.out`));
        const logs = [reported?.log, w.reported?.log, output ? `job output (end):\n${output}` : ''].filter(Boolean);
        settle(w, () => w.reject(new Error(`${why}${tried}\n${w.history.join('\n')}${logs.length ? `${QUANTUM_LOG_MARKER}${logs.join('\n')}` : ''}`)));
        continue;
      }
      w.attempt++;
      w.reported = undefined;
      retry.push(w);
    }
    if (retry.length > 0) {
      opts.log?.info({ run: s.run, job: `${array.id}_${index}`, state: what, quanta: retry.length }, 'batch job ended without its results; resubmitting its quanta');
      for (const w of retry) gather(w);
    }
  };

  const cancelSession = async (s: Session) => {
    if (s.cancelled) return;
    s.cancelled = true;
    clearTimeout(s.timer);
    s.timer = undefined;
    const ids = [...s.arrays].map((a) => String(a.id));
    s.arrays.clear();
    for (const list of s.gathered.values()) list.forEach(settleCancelled);
    s.gathered.clear();
    for (const w of [...s.waiting.values()]) settleCancelled(w);
    await slurm.scancel(ids).catch((e: unknown) => opts.log?.warn({ err: e, run: s.run }, 'scancel failed'));
  };

  const endRun = async (run: string) => {
    const s = sessions.get(run);
    if (!s) return;
    await cancelSession(s);
    sessions.delete(run);
    byTokenHash.delete(s.tokenHash);
    await fsp.rm(s.dir, { recursive: true, force: true });
  };

  const deliver = async (token: string, body: unknown): Promise<DeliveryAnswer> => {
    const refuse = (status: number, error: string): DeliveryAnswer => ({ status, body: { accepted: false, error } });
    const s = token ? byTokenHash.get(hashToken(token)) : undefined;
    if (!s) return refuse(401, 'unknown or expired run credential');
    const parsed = QuantumReportSchema.safeParse(body);
    if (!parsed.success) return refuse(400, `not a quantum report: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`);
    const report = parsed.data;
    if (report.run !== s.run) return refuse(403, `this credential is for another run, not for run '${report.run}'`);
    const w = s.waiting.get(report.quantumId);
    if (!w || w.done) return refuse(409, `quantum ${report.quantumId} is not awaiting results in run '${s.run}' (unknown, or already reported)`);
    if (!report.ok) {
      w.reported = { error: report.error, log: report.log };
      return { status: 200, body: { accepted: true } };
    }
    let outputs: QuantumResult['outputs'];
    try {
      outputs = await readOutputs(s, w.job, report);
    } catch (e) {
      return refuse(400, (e as Error).message);
    }
    const history = w.attempt > 1 ? `slurm: ${w.history.join('\n')}\n` : '';
    settle(w, () =>
      w.resolve({
        outputs,
        startedAt: report.startedAt,
        endedAt: report.endedAt,
        peakMemoryBytes: report.peakMemoryBytes,
        timings: report.timings,
        log: `${history}${report.log}`,
        host: report.host,
      }),
    );
    return { status: 200, body: { accepted: true } };
  };

  return {
    name: 'slurm',
    concurrency: config.maxQueued,
    run(job, ctx) {
      const s = sessions.get(ctx.run) ?? openSession(ctx);
      if (s.cancelled) return Promise.reject(new QuantumCancelledError(`run '${ctx.run}' stopped executing`));
      return new Promise<QuantumResult>((resolve, reject) => {
        const w: Waiting = { job, session: s, resolve, reject, attempt: 1, history: [], done: false };
        s.waiting.set(job.quantumId, w);
        gather(w);
      });
    },
    endRun,
    deliver,
    arraysOf: (run) => [...(sessions.get(run)?.allArrays ?? [])],
    async close() {
      for (const run of [...sessions.keys()]) await endRun(run);
      clearInterval(poller);
      poller = undefined;
      await polling;
    },
  };
}

/**
 * The outputs a report names, checked: exactly the quantum's output connections, each a regular
 * file directly in the run's output directory, named for this quantum, with the size and SHA-256
 * reported. Read into memory and removed; the server stages them into the datastore.
 */
async function readOutputs(s: Session, job: QuantumJob, report: Extract<QuantumReport, { ok: true }>): Promise<QuantumResult['outputs']> {
  const expected = new Set(job.outputs.map((o) => o.connection));
  const seen = new Set<string>();
  for (const o of report.outputs) {
    if (!expected.has(o.connection)) throw new Error(`quantum ${job.quantumId} (${job.taskLabel}) has no output connection '${o.connection}'`);
    if (seen.has(o.connection)) throw new Error(`output '${o.connection}' is reported twice`);
    seen.add(o.connection);
  }
  const missing = [...expected].filter((c) => !seen.has(c));
  if (missing.length > 0) throw new Error(`the report of quantum ${job.quantumId} lacks output(s) ${missing.join(', ')}`);
  const out: QuantumResult['outputs'] = [];
  for (const o of report.outputs) {
    const abs = path.resolve(o.path);
    if (path.dirname(abs) !== s.outDir || !path.basename(abs).startsWith(`${job.quantumId}.`)) {
      throw new Error(`output '${o.connection}' path ${o.path} is not a file of this quantum in the run's output directory`);
    }
    const st = await fsp.lstat(abs).catch(() => undefined);
    if (!st?.isFile()) throw new Error(`output '${o.connection}' file ${o.path} does not exist or is not a regular file`);
    const bytes = await fsp.readFile(abs);
    const checksum = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
    if (bytes.byteLength !== o.sizeBytes || checksum !== o.checksum) {
      throw new Error(`output '${o.connection}' file ${o.path} has ${bytes.byteLength} bytes and ${checksum}; the report says ${o.sizeBytes} bytes and ${o.checksum}`);
    }
    out.push({ connection: o.connection, bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength), checksum });
  }
  await Promise.all(report.outputs.map((o) => fsp.rm(o.path, { force: true })));
  return out;
}

/** The last few kilobytes of a job's output file; empty when there is none. */
function tail(file: string, bytes = 4000): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text.length > bytes ? `…${text.slice(-bytes)}` : text;
  } catch {
    return '';
  }
}

function shellQuote(s: string): string {
  return `'${s.replace(/'/g, `'\\''`)}'`;
}

export { QUANTUM_FAILED_EXIT };
