import type { Command } from 'commander';
import { loadConfig } from '../../server/config.ts';
import { createLogger } from '../../server/log.ts';
import { startVera } from '../../server/serve.ts';
import { ensureDemo } from '../../server/demo.ts';
import type { Vera } from '../../server/app.ts';
import cliProgress from 'cli-progress';

/** Runs the demo set-up with a progress bar (a line per change when stderr is not a terminal). */
async function prepareDemo(vera: Vera, visits: number): Promise<void> {
  const bar = process.stderr.isTTY
    ? new cliProgress.SingleBar({ format: 'demo DRP run [{bar}] {value}/{total} quanta | {duration_formatted}', stream: process.stderr }, cliProgress.Presets.shades_classic)
    : undefined;
  let started = false;
  let last = -1;
  const outcome = await ensureDemo(vera, {
    visits,
    onStage: (m) => process.stderr.write(`demo: ${m}\n`),
    onProgress: (p) => {
      const done = p.succeeded + p.failed + p.blocked;
      if (bar) {
        if (!started) bar.start(p.total, done);
        started = true;
        bar.update(done);
      } else if (done !== last && (done === p.total || done % 25 === 0)) {
        process.stderr.write(`demo DRP run: ${done}/${p.total} quanta\n`);
      }
      last = done;
    },
  });
  bar?.stop();
  if (outcome !== 'present') process.stderr.write('demo: ready\n');
}

export function register(program: Command): void {
  program
    .command('serve')
    .description('serve GraphQL, webhooks, metrics and the dashboard (embedded database unless DATABASE_URL is set)')
    .option('-p, --port <port>', 'port to listen on (default: VERA_PORT or 4000)')
    .option('--host <host>', 'address to bind (default: VERA_HOST or 127.0.0.1)')
    .option('--demo', 'on an empty VERA_HOME, first generate SimCam data and run the DRP pipeline once')
    .option('--demo-visits <n>', 'visits of the demo data', '12')
    .action(async (opts: { port?: string; host?: string; demo?: boolean; demoVisits: string }) => {
      const config = loadConfig(process.env, {
        ...(opts.port !== undefined ? { port: Number(opts.port) } : {}),
        ...(opts.host !== undefined ? { host: opts.host } : {}),
      });
      const log = createLogger(config);
      const running = await startVera(config, log, { beforeListen: opts.demo ? (vera) => prepareDemo(vera, Number(opts.demoVisits)) : undefined });
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
