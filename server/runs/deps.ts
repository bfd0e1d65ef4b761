import type { VeraConfig } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { RunManager } from './manager.ts';

/** What the run lifecycle's entry points use (submit, resume, rerun, recovery). */
export interface RunDeps {
  config: VeraConfig;
  database: Database;
  runs: RunManager;
  log: Logger;
}
