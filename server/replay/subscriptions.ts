import type { Database } from '../db/client.ts';
import type { VeraConfig } from '../config.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { Datastore } from '../repo/index.ts';
import { writeReplayMetrics } from './metrics.ts';

/**
 * A replay that succeeded gets its metrics written as a run's Measurement datasets; announced as a
 * finished run, they are ingested by the metrics domain like any run's.
 */
export function subscribeReplayMetrics(events: EventBus, deps: { config: VeraConfig; database: Database; datastore: Datastore; log: Logger }): void {
  events.on('replay.finished', async ({ replay, status }) => {
    if (status !== 'succeeded') return;
    const run = await writeReplayMetrics({ db: deps.database.db, datastore: deps.datastore, events, config: deps.config }, replay);
    if (run) deps.log.info({ replay, run }, 'replay metrics written');
  });
}
