import { bootstrapAdmin } from './auth/index.ts';
import { openVera, type Vera } from './app.ts';
import type { VeraConfig } from './config.ts';
import { loadDefaultDashboards } from './dashboards/index.ts';
import { startHttpServer, type VeraHttpServer } from './http/server.ts';
import type { Logger } from './log.ts';
import { startScheduler } from './ci/schedule.ts';
import { recoverOrphanedRuns, startRunRecovery } from './runs/recovery.ts';

export interface RunningVera {
  vera: Vera;
  http: VeraHttpServer;
  /** Where the bootstrap admin token was written, when this start created it. */
  adminTokenFile: string | undefined;
  stop(): Promise<void>;
}

/** Opens the database (migrating it), bootstraps the first admin, and serves HTTP. */
export async function startVera(config: VeraConfig, log: Logger, opts: { beforeListen?: (vera: Vera) => Promise<void> } = {}): Promise<RunningVera> {
  const vera = await openVera(config, log);
  try {
    const adminTokenFile = await bootstrapAdmin(vera.database.db, config.home);
    await loadDefaultDashboards(vera.database.db);
    // Temp files of writers killed mid-write are garbage; sweeping them needs no one to wait.
    void vera.datastore
      .sweepStaleTemps()
      .then((n) => n > 0 && log.info({ removed: n }, 'removed temporary files left by killed writers'))
      .catch((e: Error) => log.warn({ err: e }, 'could not sweep datastore temporary files'));
    // Runs whose server died (this one, killed, or a peer on the same PostgreSQL) are taken over
    // before anything else starts runs; on PostgreSQL, peers that die later are noticed by the
    // periodic check. PGlite has no peers: every run still running at start is orphaned.
    const recovered = await recoverOrphanedRuns(vera);
    if (recovered.resumed.length + recovered.failed.length > 0) log.warn(recovered, 'took over runs whose server stopped');
    const recovery = vera.database.driver === 'pg' ? startRunRecovery(vera) : undefined;
    // Deliveries and GitHub calls left over from a previous process are picked up at once.
    vera.webhooks.start();
    vera.webhooks.kick();
    vera.github?.start();
    vera.github?.kick();
    if (opts.beforeListen) {
      // Fail on a busy port now, not after minutes of preparation.
      await (await startHttpServer(vera, { host: config.host, port: config.port })).close();
      await opts.beforeListen(vera);
    }
    const http = await startHttpServer(vera, { host: config.host, port: config.port });
    const stopScheduler = startScheduler(vera);
    return {
      vera,
      http,
      adminTokenFile,
      stop: async () => {
        stopScheduler();
        await recovery?.stop();
        await http.close();
        await vera.close();
      },
    };
  } catch (e) {
    await vera.close();
    throw e;
  }
}
