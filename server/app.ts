import path from 'node:path';
import type { VeraConfig } from './config.ts';
import { openDatabase, type Database } from './db/client.ts';
import { Datastore } from './repo/datastore/index.ts';
import { finishDeletions } from './runs/lifecycle/index.ts';
import type { Logger } from './log.ts';
import type { CiDeps } from './ci/deps.ts';
import { GithubOutbox } from './ci/outbox.ts';
import { subscribeCi } from './ci/subscriptions.ts';
import { WebhookProcessor } from './ci/webhooks.ts';
import { EventBus } from './events/bus.ts';
import { subscribeMetrics } from './metrics/subscriptions.ts';
import { subscribeAnalysis } from './analysis/subscriptions.ts';
import { subscribeReplayMetrics } from './replay/subscriptions.ts';
import { RunManager } from './runs/manager.ts';
import { ReplayManager, type VisitProcessor } from './replay/manager.ts';
import { NatsAlertSink, type AlertSink } from './replay/stream.ts';
import { apVisitProcessor } from './replay/ap-processor.ts';

/** The services of one Vera: configuration, database, datastore, run execution, GitHub, events. */
export interface VeraCore extends CiDeps {
  datastore: Datastore;
  runs: RunManager;
  replays: ReplayManager;
  events: EventBus;
}

/** Everything a face (HTTP, GraphQL, CLI) needs to call the domain: opened once, passed down. */
export interface Vera extends VeraCore {
  webhooks: WebhookProcessor;
  close(): Promise<void>;
}

export function embeddedDbDir(config: VeraConfig): string {
  return path.join(config.home, 'db');
}

export interface OpenOptions {
  /** A database opened by the caller, who closes it. */
  database?: Database;
  /** How often executing runs' heartbeats are refreshed (tests); default a quarter of the lease. */
  runHeartbeatMs?: number;
  /**
   * The per-visit processing step of replays; default: the AP pipeline run per visit on the
   * executor pool (server/replay/ap-processor.ts). Tests of the server side give a cheaper one.
   */
  replayProcessor?: VisitProcessor;
  /** Where replays send alerts instead of the VERA_ALERT_STREAM connection (tests wrap it). */
  openAlertSink?: () => Promise<AlertSink>;
}

export async function openVera(config: VeraConfig, log: Logger, opts: OpenOptions = {}): Promise<Vera> {
  const database = opts.database ?? (await openDatabase({ url: config.databaseUrl, dataDir: embeddedDbDir(config) }));
  const datastore = new Datastore(path.join(config.home, 'datastore'));
  const github = config.github.token ? new GithubOutbox(database.db, log, { token: config.github.token, apiUrl: config.github.apiUrl }) : undefined;
  const events = new EventBus(log);
  const runs = new RunManager({
    db: database.db,
    datastore,
    log,
    executorName: config.executor,
    threads: config.threads,
    slurm: config.slurm,
    leaseMs: config.runLeaseMs,
    singleProcess: database.driver === 'pglite',
    heartbeatMs: opts.runHeartbeatMs,
    events,
  });
  // A prune killed midway left files in its trash or rows to delete: finished before anything reads them.
  await finishDeletions(database.db, datastore).catch((err: unknown) => log.error({ err }, 'finishing an interrupted prune failed; the next prune retries'));
  const alertStream = config.alertStream;
  const replays = new ReplayManager({
    db: database.db,
    log,
    events,
    processor: opts.replayProcessor ?? apVisitProcessor({ db: database.db, datastore, runs, config }),
    openSink: opts.openAlertSink ?? (alertStream ? () => NatsAlertSink.open(alertStream) : undefined),
    leaseMs: config.runLeaseMs,
  });
  const core: VeraCore = { config, database, datastore, runs, replays, github, log, events };
  // Domains talk through events: each subscribes in its own module; this file only wires.
  subscribeMetrics(events, core);
  subscribeCi(events, core);
  subscribeAnalysis(events, core);
  subscribeReplayMetrics(events, core);
  const webhooks = new WebhookProcessor(core);
  // Replays a dead process left running continue here (their heartbeat is older than the lease).
  void replays.resumeOrphaned();
  const vera: Vera = {
    ...core,
    webhooks,
    close: async () => {
      await webhooks.stop();
      await replays.close();
      await runs.close();
      await github?.stop();
      // A database handed in belongs to the caller, who closes it.
      if (!opts.database) await database.close();
    },
  };
  return vera;
}
