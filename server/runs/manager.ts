import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import type { Db } from '../db/client.ts';
import { VeraError } from '../errors.ts';
import type { Logger } from '../log.ts';
import type { Datastore } from '../repo/index.ts';
import { executeRun } from './execute.ts';
import type { RunStatus } from './types.ts';

/**
 * Executes runs in the background of a server (or of an in-process CLI), one executor shared by
 * all of them. Knows which runs this process is executing, so a resume cannot start a second
 * execution of the same run.
 */
export class RunManager {
  private executor: Executor | undefined;
  private readonly active = new Map<string, Promise<RunStatus>>();
  private readonly abort = new AbortController();

  constructor(
    private readonly deps: {
      db: Db;
      datastore: Datastore;
      log: Logger;
      executorName: 'local' | 'slurm';
      threads?: number | undefined;
      /** Called after each execution ends (measurement ingest, reporting); its errors are logged. */
      afterRun?: ((run: string, status: RunStatus) => Promise<void>) | undefined;
    },
  ) {}

  private getExecutor(): Executor {
    if (this.deps.executorName !== 'local') {
      throw new VeraError('CONFIG_INVALID', `executor '${this.deps.executorName}' is not available in this version; use VERA_EXECUTOR=local`);
    }
    this.executor ??= createLocalExecutor({ threads: this.deps.threads });
    return this.executor;
  }

  isActive(run: string): boolean {
    return this.active.has(run);
  }

  /** Starts executing a run in the background; its outcome is in the database (and `wait`). */
  start(run: string): void {
    if (this.active.has(run)) throw new VeraError('RUN_ACTIVE', `run '${run}' is already being executed by this server`, { run });
    const executor = this.getExecutor();
    const execution = executeRun({ ...this.deps, executor }, run, { signal: this.abort.signal })
      .catch((e: Error) => {
        this.deps.log.error({ run, err: e }, 'run execution failed');
        return 'failed' as RunStatus;
      })
      .then(async (status) => {
        await this.deps.afterRun?.(run, status).catch((e: Error) => this.deps.log.error({ run, err: e }, 'after-run step failed'));
        return status;
      });
    this.active.set(run, execution);
    void execution.finally(() => this.active.delete(run));
  }

  async wait(run: string): Promise<RunStatus | undefined> {
    return this.active.get(run);
  }

  /** Stops starting quanta, lets running ones finish and register, then stops the workers. */
  async close(): Promise<void> {
    this.abort.abort();
    await Promise.all(this.active.values());
    await this.executor?.close();
  }
}
