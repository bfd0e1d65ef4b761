/**
 * Background work drained one pass at a time: `kick` starts a pass, or, during one, makes
 * exactly one more follow it; `start` also kicks on a timer, for retries that become due.
 * Used by the webhook processor and the GitHub outbox.
 */
export class DrainLoop {
  private running: Promise<void> | undefined;
  private again = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly drain: () => Promise<void>,
    private readonly onError: (e: Error) => void,
  ) {}

  kick(): void {
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.drain()
      .catch((e: Error) => this.onError(e))
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.kick(), intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** Resolves once `hasWork` finds nothing waiting, kicking passes until then (tests, shutdown). */
  async idle(hasWork: () => Promise<boolean>): Promise<void> {
    for (;;) {
      await this.running;
      if (!(await hasWork())) return;
      this.kick();
      await new Promise((r) => setTimeout(r, 20));
    }
  }
}
