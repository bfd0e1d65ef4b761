import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { Datastore } from '../repo/index.ts';
import { buildSkyMap } from './skymaps.ts';

/** Analysis listens for succeeded runs: their source catalogs become a HEALPix sky-map pyramid. */
export function subscribeAnalysis(events: EventBus, deps: { database: Database; datastore: Datastore; log: Logger }): void {
  events.on('run.finished', async ({ run, status }) => {
    if (status !== 'succeeded') return;
    const sources = await buildSkyMap(deps.database.db, deps.datastore, run);
    if (sources !== null) deps.log.info({ run, sources }, 'sky map pyramid built');
  });
}
