import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startVera } from '../../server/serve.ts';

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve GraphQL, webhooks, metrics and the dashboard (embedded database unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on (default: VERA_PORT or 4000)')
    .option('--host <host>', 'address to bind (default: VERA_HOST or 127.0.0.1)')
    .action(async (opts: { port?: string; host?: string }) => {
      const config = loadConfig(process.env, {
        ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
        ...(opts.host !== undefined ? { host: opts.host } : {}),
      });
      const log = createLogger(config);
      const running = await startVera(config, log);
      const db = running.vera.database;
      process.stderr.write(
        [
          `Vera serving on ${running.http.url}  (GraphQL: ${running.http.url}/graphql)`,
          `database: ${db.driver === 'pglite' ? `embedded PGlite at ${db.location}` : `PostgreSQL ${db.location}`}`,
          `datastore: ${running.vera.datastore.root}`,
          ...(running.adminTokenFile ? [`created user 'admin'; its API token is in ${running.adminTokenFile} (keep it secret)`] : []),
          '',
        ].join('\n'),
      );
      await new Promise<void>((resolve) => {
        const stop = (signal: string) => {
          process.stderr.write(`${signal}: stopping Vera\n`);
          resolve();
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
      });
      // Closing the embedded database cleanly flushes it; do it before exiting.
      await running.stop();
    });
}
