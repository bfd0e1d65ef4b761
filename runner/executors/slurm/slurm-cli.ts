import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * The few Slurm commands the executor uses, with their output parsed. `squeue --json` (Slurm
 * 21.08 and later; Debian 12 ships 22.05) lists every job the controller still holds; 22.05
 * ignores most filters with --json, so callers pick their arrays out of the list. Elements that
 * left squeue (MinJobAge) are looked up with `scontrol show job`.
 */

/** One array element's state as Slurm reports it. */
export interface ElementState {
  arrayJobId: number;
  /** Undefined for the record that stands for the array's still-pending elements. */
  index: number | undefined;
  /** `1-3,7` for the pending record; empty otherwise. */
  pendingIndices: string;
  state: string;
  /** The process exit status, or the signal that ended it. */
  exitCode: number | undefined;
  signal: number | undefined;
  restarts: number;
  reason: string;
}

export const TERMINAL_STATES = new Set(['COMPLETED', 'FAILED', 'CANCELLED', 'TIMEOUT', 'NODE_FAIL', 'OUT_OF_MEMORY', 'PREEMPTED', 'BOOT_FAIL', 'DEADLINE', 'SPECIAL_EXIT']);

export interface SlurmCommands {
  sbatch(args: string[], cwd: string): Promise<number>;
  squeue(): Promise<ElementState[]>;
  scontrolElement(arrayJobId: number, index: number): Promise<ElementState | undefined>;
  scancel(ids: string[]): Promise<void>;
}

export function slurmCommands(env: NodeJS.ProcessEnv = process.env): SlurmCommands {
  const opts = { env, maxBuffer: 256 * 1024 * 1024 };
  return {
    async sbatch(args, cwd) {
      const { stdout } = await run('sbatch', ['--parsable', ...args], { ...opts, cwd }).catch((e: Error & { stderr?: string }) => {
        throw new Error(`sbatch failed: ${(e.stderr ?? '').trim() || e.message}`);
      });
      // --parsable prints "jobid" or "jobid;cluster".
      const id = Number(stdout.trim().split(';')[0]);
      if (!Number.isSafeInteger(id) || id <= 0) throw new Error(`sbatch printed no job id: ${stdout.trim()}`);
      return id;
    },
    async squeue() {
      const { stdout } = await run('squeue', ['--json'], opts);
      return parseSqueueJson(stdout);
    },
    async scontrolElement(arrayJobId, index) {
      try {
        const { stdout } = await run('scontrol', ['show', 'job', '-o', `${arrayJobId}_${index}`], opts);
        return parseScontrolLine(stdout.trim().split('\n')[0] ?? '');
      } catch (e) {
        // "Invalid job id specified": the controller forgot the job (or never had it).
        if (/Invalid job id/i.test((e as { stderr?: string }).stderr ?? '')) return undefined;
        throw e;
      }
    },
    async scancel(ids) {
      if (ids.length === 0) return;
      await run('scancel', ids, opts).catch((e: Error & { stderr?: string }) => {
        // Cancelling a job that already ended is not an error worth stopping for.
        if (!/Invalid job id|already completing or completed/i.test(e.stderr ?? '')) throw e;
      });
    },
  };
}

interface SqueueJob {
  job_id: number;
  array_job_id?: number | { number?: number; set?: boolean };
  array_task_id?: number | null | { number?: number; set?: boolean };
  array_task_string?: string;
  job_state?: string | string[];
  exit_code?: number | { status?: string | string[]; return_code?: number | { number?: number }; signal?: { id?: number | { number?: number } } };
  restart_cnt?: number;
  state_reason?: string;
}

function num(v: unknown): number | undefined {
  if (typeof v === 'number') return v;
  if (v && typeof v === 'object' && 'number' in v && (v as { set?: boolean }).set !== false) return num((v as { number: unknown }).number);
  return undefined;
}

/** `squeue --json` of Slurm 22.05 (plain numbers, wait-status exit codes) and of 23.02+ (objects). */
export function parseSqueueJson(text: string): ElementState[] {
  const doc = JSON.parse(text) as { jobs?: SqueueJob[] };
  return (doc.jobs ?? []).map((j) => {
    const state = Array.isArray(j.job_state) ? (j.job_state[0] ?? 'UNKNOWN') : (j.job_state ?? 'UNKNOWN');
    let exitCode: number | undefined;
    let signal: number | undefined;
    if (typeof j.exit_code === 'number') {
      // A wait(2) status: exit code in the high byte, terminating signal in the low bits.
      exitCode = (j.exit_code >> 8) & 0xff;
      signal = j.exit_code & 0x7f || undefined;
    } else if (j.exit_code) {
      exitCode = num(j.exit_code.return_code);
      signal = num(j.exit_code.signal?.id) || undefined;
    }
    const arrayJobId = num(j.array_job_id) || j.job_id;
    const index = num(j.array_task_id);
    return {
      arrayJobId,
      index,
      pendingIndices: index === undefined ? (j.array_task_string ?? '') : '',
      state,
      exitCode,
      signal,
      restarts: j.restart_cnt ?? 0,
      reason: j.state_reason ?? '',
    };
  });
}

/** One line of `scontrol show job -o`. */
export function parseScontrolLine(line: string): ElementState | undefined {
  const fields = new Map<string, string>();
  for (const m of line.matchAll(/(\w+)=(\S*)/g)) if (!fields.has(m[1]!)) fields.set(m[1]!, m[2]!);
  if (!fields.has('JobState')) return undefined;
  const [code, sig] = (fields.get('ExitCode') ?? '0:0').split(':').map(Number);
  const index = fields.get('ArrayTaskId');
  return {
    arrayJobId: Number(fields.get('ArrayJobId') ?? fields.get('JobId')),
    index: index && /^\d+$/.test(index) ? Number(index) : undefined,
    pendingIndices: '',
    state: fields.get('JobState')!,
    exitCode: code,
    signal: sig || undefined,
    restarts: Number(fields.get('Restarts') ?? 0),
    reason: fields.get('Reason') ?? '',
  };
}

/** Expands Slurm's index list syntax (`0-3,7,9-11%2`) into numbers. */
export function expandIndices(spec: string): number[] {
  const out: number[] = [];
  for (const part of spec.split('%')[0]!.split(',')) {
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?(?::(\d+))?$/.exec(part);
    if (!m) continue;
    const from = Number(m[1]);
    const to = m[2] ? Number(m[2]) : from;
    const step = m[3] ? Number(m[3]) : 1;
    for (let i = from; i <= to; i += step) out.push(i);
  }
  return out;
}
