import path from 'node:path';
import type { VeraConfig } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { Datastore } from './repo/datastore/index.ts';
import type { Logger } from './log.ts';
import { ingestRunMeasurements } from './metrics/ingest.ts';
import { RunManager } from './runs/manager.ts';

/** Everything a face (HTTP, GraphQL, CLI) needs to call the domain: opened once, passed down. */
export interface Vera {
  config: VeraConfig;
  database: Database;
  datastore: Datastore;
  runs: RunManager;
  log: Logger;
  close(): Promise<void>;
}

export function embeddedDbDir(config: VeraConfig): string {
  return path.join(config.home, 'db');
}

export async function openVera(config: VeraConfig, log: Logger, opts: { database?: Database } = {}): Promise<Vera> {
  const database = opts.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: embeddedDbDir(config) }));
  const datastore = new Datastore(path.join(config.home, 'datastore'));
  const runs = new RunManager({
    db: database.db,
    datastore,
    log,
    executorName: config.executor,
    threads: config.threads,
    afterRun: async (run) => {
      const { ingested, skipped } = await ingestRunMeasurements(database.db, datastore, run);
      for (const s of skipped) log.warn({ run, dataset: s.datasetId }, `measurement not ingested: ${s.reason}`);
      if (ingested > 0) log.info({ run, ingested }, 'measurements ingested');
    },
  });
  return {
    config,
    database,
    datastore,
    runs,
    log,
    close: async () => {
      await runs.close();
      // A database handed in belongs to the caller, who closes it.
      if (!opts.database) await database.close();
    },
  };
}
