import type { Logger } from '../log.ts';
import type { RunStatus } from '../runs/types.ts';

/**
 * What domains announce to each other. A domain emits what happened in its own words; the
 * domains that care subscribe in their own module (`subscriptions.ts`), so none of them calls
 * into another through the composition root.
 */
export interface VeraEvents {
  /** A run's execution ended (or recovery ended it): its outputs are registered. */
  'run.finished': { run: string; status: RunStatus };
  /** The Measurement datasets of a finished run became measurements (possibly none). */
  'measurements.ingested': { run: string; status: RunStatus; ingested: number };
  /** A developer asked for a campaign (server/runs/campaigns); it waits for an operator's decision. */
  'campaign.requested': { campaign: string; requester: string; estimatedCoreHours: number; estimatedBytes: number };
  /** An operator approved (its runs are submitted) or rejected a campaign. */
  'campaign.decided': { campaign: string; decision: 'approved' | 'rejected'; by: string; runs: string[] };
  /** A replay's visit was associated and its alerts published (server/replay). */
  'replay.visit': { replay: number; visit: number; seq: number; alerts: number; latencyMs: number };
  /** A replay ended: all its visits published, or it failed or was cancelled. */
  'replay.finished': { replay: number; status: 'succeeded' | 'failed' | 'cancelled' };
}

export type EventName = keyof VeraEvents;
type Handler<E extends EventName> = (payload: VeraEvents[E]) => Promise<void>;

/**
 * An in-process, typed event bus. `emit` awaits every handler in subscription order, so whoever
 * awaits an emit (a run's execution, `RunManager.wait`) knows its consequences are done. A
 * handler's error is logged and does not stop the others: one domain's failure is not another's.
 */
export class EventBus {
  private readonly handlers = new Map<EventName, Handler<EventName>[]>();

  constructor(private readonly log: Logger) {}

  on<E extends EventName>(event: E, handler: Handler<E>): () => void {
    const list = this.handlers.get(event) ?? [];
    list.push(handler as Handler<EventName>);
    this.handlers.set(event, list);
    return () => {
      const i = list.indexOf(handler as Handler<EventName>);
      if (i >= 0) list.splice(i, 1);
    };
  }

  async emit<E extends EventName>(event: E, payload: VeraEvents[E]): Promise<void> {
    for (const handler of [...(this.handlers.get(event) ?? [])]) {
      try {
        await handler(payload);
      } catch (e) {
        this.log.error({ event, payload, err: e }, `a ${event} handler failed`);
      }
    }
  }
}
