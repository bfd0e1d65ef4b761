import type { Database } from '../db/client.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import type { Datastore } from '../repo/index.ts';
import { ingestRunMeasurements } from './ingest.ts';

/** Metrics listen for finished runs: their Measurement datasets become measurements. */
export function subscribeMetrics(events: EventBus, deps: { database: Database; datastore: Datastore; log: Logger }): void {
  events.on('run.finished', async ({ run, status }) => {
    const { ingested, skipped, unknownMetrics, definitionsProblem } = await ingestRunMeasurements(deps.database.db, deps.datastore, run);
    for (const s of skipped) deps.log.warn({ run, dataset: s.datasetId }, `measurement not ingested: ${s.reason}`);
    if (definitionsProblem) deps.log.warn({ run }, `metric definitions shipped with the pipeline not loaded: ${definitionsProblem}`);
    if (unknownMetrics.length) deps.log.warn({ run, metrics: unknownMetrics }, 'measurements of metrics without a definition: stored, flagged, not judged');
    if (ingested > 0) deps.log.info({ run, ingested }, 'measurements ingested');
    await events.emit('measurements.ingested', { run, status, ingested });
  });
}
