import { and, inArray, isNotNull } from 'drizzle-orm';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { createSlurmExecutor, loadSlurmConfig, type DeliveryAnswer, type SlurmExecutor } from '../../runner/executors/slurm/index.ts';
import type { WarmJob } from '../../runner/worker-job.ts';
import type { Db } from '../db/client.ts';
import { runs } from '../db/schema/index.ts';
import type { EventBus } from '../events/bus.ts';
import { VeraError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Datastore } from '../repo/index.ts';
import { executeRun } from './execute.ts';
import { claimRun, refreshHeartbeat, type LeaseOptions } from './lease.ts';
import { getRun } from './queries.ts';
import type { RunStatus } from './types.ts';

/** One run this process executes: its lease on the run, and how to stop it. */
interface Execution {
  runId: number | undefined;
  /** The claim token (lease.ts); undefined until the claim is made. */
  token: Date | undefined;
  /** Set when another process took the run over: this one stops and leaves the run to it. */
  lost: boolean;
  abort: AbortController;
  /** Aborted by a cancellation (cancel.ts): running quanta are stopped too. */
  cancel: AbortController;
  done: Promise<RunStatus | undefined>;
}

export interface RunManagerDeps extends LeaseOptions {
  db: Db;
  datastore: Datastore;
  log: Logger;
  executorName: 'local' | 'slurm';
  threads?: number | undefined;
  /** The Slurm executor's settings (VERA_EXECUTOR=slurm); see VeraConfig.slurm. */
  slurm?: { configFile: string | undefined; dir: string; reportUrl: string | undefined } | undefined;
  /** Where the end of each execution is announced (`run.finished`). */
  events: EventBus;
  /** How often heartbeats of executing runs are refreshed; default a quarter of the lease. */
  heartbeatMs?: number | undefined;
  /** How often the database is asked whether an executing run was cancelled from another process; default 1 s. */
  cancelPollMs?: number | undefined;
}

/**
 * Executes runs in the background of a server (or of an in-process CLI), one executor shared by
 * all of them. Each run is claimed first (a lease on its row, see lease.ts) and its heartbeat is
 * refreshed while it executes, so other servers on the database know it is alive and a run whose
 * server died can be taken over. Knows which runs this process is executing, so a resume cannot
 * start a second execution of the same run.
 */
export class RunManager {
  private executor: Executor | undefined;
  private slurm: SlurmExecutor | undefined;
  /** The URL this process's HTTP server listens at, where batch jobs report (unless configured). */
  private listeningAt: string | undefined;
  private readonly active = new Map<string, Execution>();
  private readonly abort = new AbortController();
  private heartbeat: NodeJS.Timeout | undefined;
  private beating: Promise<void> | undefined;
  private cancelPoll: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;

  constructor(private readonly deps: RunManagerDeps) {}

  private getExecutor(): Executor {
    if (this.executor) return this.executor;
    if (this.deps.executorName === 'slurm') {
      const settings = this.deps.slurm;
      if (!settings) throw new VeraError('CONFIG_INVALID', 'VERA_EXECUTOR=slurm needs the Slurm settings (VERA_SLURM_DIR, VERA_SLURM_CONFIG)');
      let config;
      try {
        config = loadSlurmConfig(settings.configFile);
      } catch (e) {
        throw new VeraError('CONFIG_INVALID', (e as Error).message, { file: settings.configFile ?? null }, { cause: e });
      }
      this.slurm = createSlurmExecutor({ config, workDir: settings.dir, reportUrl: () => settings.reportUrl ?? this.listeningAt, log: this.deps.log });
      this.executor = this.slurm;
    } else {
      this.executor = createLocalExecutor({ threads: this.deps.threads });
    }
    return this.executor;
  }

  /**
   * Readies the executor's workers before work arrives (a replay before its clock starts): task
   * modules imported and read-only datasets decoded in each. Executors that keep no workers
   * between jobs (Slurm) do nothing.
   */
  async prepareExecutor(work: WarmJob): Promise<void> {
    await this.getExecutor().prepare?.(work);
  }

  /** Tells batch executors where this process's HTTP server listens (their jobs report there). */
  setListeningUrl(url: string): void {
    this.listeningAt = url;
  }

  /** The Slurm executor, once a run has started on it (tests and the bench look at its job arrays). */
  get slurmExecutor(): SlurmExecutor | undefined {
    return this.slurm;
  }

  /**
   * A quantum's result, posted by a batch job with its run's credential: checked by the executor
   * that submitted it and handed to the run's execution, which registers the outputs.
   */
  async deliverQuantumResult(token: string, body: unknown): Promise<DeliveryAnswer> {
    if (!this.slurm) return { status: 401, body: { accepted: false, error: 'this server executes no runs on a batch executor; unknown run credential' } };
    return this.slurm.deliver(token, body);
  }

  isActive(run: string): boolean {
    return this.active.has(run);
  }

  /** Names of the runs this process is executing. */
  activeRuns(): string[] {
    return [...this.active.keys()];
  }

  /**
   * Claims a run and starts executing it in the background; resolves once it is claimed (its
   * outcome is in the database, and in `wait`). Refused with RUN_ACTIVE while another process's
   * lease on the run is alive. `claimed` is the token of a claim the caller already made (the
   * recovery of orphaned runs).
   */
  async start(run: string, opts: { claimed?: Date } = {}): Promise<void> {
    if (this.active.has(run)) throw new VeraError('RUN_ACTIVE', `run '${run}' is already being executed by this server`, { run });
    const executor = this.getExecutor();
    let settle!: (status: RunStatus | undefined) => void;
    const execution: Execution = { runId: undefined, token: undefined, lost: false, abort: new AbortController(), cancel: new AbortController(), done: new Promise((r) => (settle = r)) };
    // Registered before the first await, so two starts of one run in this process cannot both claim it.
    this.active.set(run, execution);
    try {
      const info = await getRun(this.deps.db, run);
      execution.runId = info.id;
      execution.token = opts.claimed ?? (await claimRun(this.deps.db, info.id, this.deps));
      if (!execution.token) {
        const last = (await getRun(this.deps.db, run)).heartbeatAt;
        throw new VeraError(
          'RUN_ACTIVE',
          `run '${run}' is being executed by another server (last heartbeat ${last?.toISOString() ?? 'unknown'}); if that server is gone, it is taken over once its heartbeat is ${Math.round(this.deps.leaseMs / 1000)} s old`,
          { run, heartbeatAt: last?.toISOString() ?? null },
        );
      }
    } catch (e) {
      this.active.delete(run);
      settle(undefined);
      throw e;
    }
    this.ensureHeartbeat();
    void this.execute(run, execution, executor).then(settle);
  }

  private async execute(run: string, execution: Execution, executor: Executor): Promise<RunStatus> {
    try {
      const signal = AbortSignal.any([this.abort.signal, execution.abort.signal, execution.cancel.signal]);
      const status = await executeRun({ ...this.deps, executor }, run, { signal, cancel: execution.cancel.signal, isLost: () => execution.lost }).catch((e: Error) => {
        this.deps.log.error({ run, err: e }, 'run execution failed');
        return 'failed' as RunStatus;
      });
      // A run taken over by another server is that server's to finish and report.
      if (!execution.lost) await this.runEnded(run, status);
      return status;
    } finally {
      this.active.delete(run);
    }
  }

  /**
   * Announces that a run ended, also for runs that ended without executing here (failed by
   * recovery); resolves once every subscriber (ingest, build reports) is done.
   */
  async runEnded(run: string, status: RunStatus): Promise<void> {
    await this.deps.events.emit('run.finished', { run, status });
  }

  /**
   * Cancels a run this process executes: no quantum starts any more, running ones are stopped;
   * resolves once the run is marked `cancelled`. False when this process does not execute it.
   */
  async cancel(run: string): Promise<boolean> {
    const execution = this.active.get(run);
    if (!execution) return false;
    execution.cancel.abort();
    await execution.done;
    return true;
  }

  async wait(run: string): Promise<RunStatus | undefined> {
    return this.active.get(run)?.done;
  }

  private ensureHeartbeat(): void {
    if (this.heartbeat) return;
    this.heartbeat = setInterval(() => {
      // A slow database must not pile refreshes up: one pass at a time.
      this.beating ??= this.beat().finally(() => (this.beating = undefined));
    }, this.deps.heartbeatMs ?? this.deps.leaseMs / 4);
    this.heartbeat.unref();
    // Cancellations made through another process reach this one through the database.
    this.cancelPoll = setInterval(() => {
      this.polling ??= this.pollCancellations().finally(() => (this.polling = undefined));
    }, this.deps.cancelPollMs ?? 1000);
    this.cancelPoll.unref();
  }

  private async pollCancellations(): Promise<void> {
    const ids = [...this.active.values()].flatMap((e) => (e.runId === undefined || e.cancel.signal.aborted ? [] : [e.runId]));
    if (ids.length === 0) return;
    try {
      const rows = await this.deps.db.select({ id: runs.id }).from(runs).where(and(inArray(runs.id, ids), isNotNull(runs.cancelRequestedAt)));
      for (const { id } of rows) {
        for (const [run, execution] of this.active) {
          if (execution.runId !== id || execution.cancel.signal.aborted) continue;
          this.deps.log.info({ run }, 'run cancelled; stopping its quanta');
          execution.cancel.abort();
        }
      }
    } catch (e) {
      this.deps.log.warn({ err: e }, 'could not check executing runs for cancellations');
    }
  }

  /** Refreshes the heartbeat of every run executing here; stops those another process took over. */
  private async beat(): Promise<void> {
    for (const [run, execution] of this.active) {
      if (!execution.token || execution.runId === undefined || execution.lost) continue;
      try {
        const token = await refreshHeartbeat(this.deps.db, execution.runId, execution.token);
        if (token) {
          execution.token = token;
        } else if (this.active.get(run) === execution) {
          execution.lost = true;
          execution.abort.abort();
          this.deps.log.error({ run }, 'another server took this run over (its heartbeat here was not refreshed within the lease); stopping its execution here');
        }
      } catch (e) {
        this.deps.log.warn({ run, err: e }, 'could not refresh the heartbeat of a run');
      }
    }
  }

  /** Stops starting quanta, lets running ones finish and register, then stops the workers. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all([...this.active.values()].map((e) => e.done));
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.cancelPoll) clearInterval(this.cancelPoll);
    await this.beating;
    await this.polling;
    await this.executor?.close();
  }
}
