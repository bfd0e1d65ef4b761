import type { VeraConfig } from '../config.ts';
import type { Database } from '../db/client.ts';
import type { Logger } from '../log.ts';
import type { RunManager } from '../runs/manager.ts';
import type { GithubOutbox } from './outbox.ts';

/** What CI's functions use: no more. The composition root (server/app.ts) provides it. */
export interface CiDeps {
  config: VeraConfig;
  database: Database;
  runs: Pick<RunManager, 'start'>;
  /** Calls to GitHub (statuses, PR comments), when GITHUB_TOKEN is set. */
  github: GithubOutbox | undefined;
  log: Logger;
}
