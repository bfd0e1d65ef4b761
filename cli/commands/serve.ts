import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startVera } from '../../server/serve.ts';
import { ensureDemo } from '../../server/demo/index.ts';
import type { Vera } from '../../server/app.ts';
import cliProgress from 'cli-progress';

/**
 * Builds the demo (docs/demo.md) with progress: a line per stage and per CI build, and a bar of
 * the current build's quanta on a terminal.
 */
async function prepareDemo(vera: Vera, visits: number | undefined): Promise<void> {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'demo CI build [{bar}] {value}/{total} quanta | {duration_formatted}', stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic)
    : undefined;
  let barOn = false;
  const began = Date.now();
  const outcome = await ensureDemo(vera, {
    ...(visits !== undefined ? { visits } : {}),
    onStage: (m) => {
      if (barOn) bar?.stop();
      barOn = false;
      process.stderr.write(`demo: ${m}\n`);
    },
    onQuanta: (done, total) => {
      if (!bar || total === 0) return;
      if (!barOn) bar.start(total, done);
      barOn = true;
      bar.setTotal(total);
      bar.update(done);
    },
    onBuild: (done, total) => {
      if (barOn) bar?.stop();
      barOn = false;
      process.stderr.write(`demo: ${done}/${total} builds done (${Math.round((Date.now() - began) / 1000)} s)\n`);
    },
  });
  if (barOn) bar?.stop();
  if (outcome !== 'present') process.stderr.write(`demo: ready in ${Math.round((Date.now() - began) / 1000)} s\n`);
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve GraphQL, webhooks, metrics and the dashboard (embedded database unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on (default: VERA_PORT or 4000)')
    .option('--host <host>', 'address to bind (default: VERA_HOST or 127.0.0.1)')
    .option('--demo', 'first build the demo (once per VERA_HOME): SimCam data and a pipelines repository with a history, built commit by commit through CI')
    .option('--demo-visits <n>', 'visits of the demo data (default 4)')
    .action(async (opts: { port?: string; host?: string; demo?: boolean; demoVisits?: string }) => {
      const config = loadConfig(process.env, {
        ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
        ...(opts.host !== undefined ? { host: opts.host } : {}),
      });
      const log = createLogger(config);
      const running = await startVera(config, log, { beforeListen: opts.demo ? (vera) => prepareDemo(vera, opts.demoVisits !== undefined ? Number(opts.demoVisits) : undefined) : undefined });
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
