import path from 'node:path';
import type { VeraConfig } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { Datastore } from './repo/datastore/index.ts';
import type { Logger } from './log.ts';

/** Everything a face (HTTP, GraphQL, CLI) needs to call the domain: opened once, passed down. */
export interface Vera {
  config: VeraConfig;
  database: Database;
  datastore: Datastore;
  log: Logger;
  close(): Promise<void>;
}

export function embeddedDbDir(config: VeraConfig): string {
  return path.join(config.home, 'db');
}

export async function openVera(config: VeraConfig, log: Logger, opts: { database?: Database } = {}): Promise<Vera> {
  const database = opts.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: embeddedDbDir(config) }));
  const datastore = new Datastore(path.join(config.home, 'datastore'));
  return {
    config,
    database,
    datastore,
    log,
    // A database handed in belongs to the caller, who closes it.
    close: async () => {
      if (!opts.database) await database.close();
    },
  };
}
