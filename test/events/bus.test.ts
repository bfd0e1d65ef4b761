import { describe, expect, it } from 'vitest';
import { EventBus } from '../../server/events/bus.ts';
import { createLogger } from '../../server/log.ts';

describe('the event bus', () => {
  it('awaits every handler in subscription order, so an emit’s consequences are done when it resolves', async () => {
    const bus = new EventBus(createLogger({ logLevel: 'silent' }));
    const seen: string[] = [];
    bus.on('run.finished', async ({ run }) => {
      await new Promise((r) => setTimeout(r, 20));
      seen.push(`ingest ${run}`);
      await bus.emit('measurements.ingested', { run, status: 'succeeded', ingested: 3 });
    });
    bus.on('measurements.ingested', async ({ run, ingested }) => {
      seen.push(`report ${run} (${ingested})`);
    });
    await bus.emit('run.finished', { run: 'u/a/r', status: 'succeeded' });
    expect(seen).toEqual(['ingest u/a/r', 'report u/a/r (3)']);
  });

  it('a failing handler is logged and does not stop the others; unsubscribing stops delivery', async () => {
    const logged: unknown[] = [];
    const log = createLogger({ logLevel: 'silent' });
    log.error = ((obj: unknown) => void logged.push(obj)) as typeof log.error;
    const bus = new EventBus(log);
    const seen: string[] = [];
    bus.on('run.finished', async () => {
      throw new Error('ingest broke');
    });
    const off = bus.on('run.finished', async ({ run }) => void seen.push(run));
    await bus.emit('run.finished', { run: 'one', status: 'failed' });
    off();
    await bus.emit('run.finished', { run: 'two', status: 'failed' });
    expect(seen).toEqual(['one']);
    // The failing handler stays subscribed: it failed (and was logged) at both emits.
    expect(logged.map((l) => (l as { err: Error; event: string }).err.message)).toEqual(['ingest broke', 'ingest broke']);
  });
});
