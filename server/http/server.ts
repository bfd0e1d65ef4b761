import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Vera } from '../app.ts';
import { homeId } from '../config.ts';
import { httpStatusOf, VeraError } from '../errors.ts';
import { createGraphQL, type VeraYoga } from '../graphql/yoga.ts';
import { readBoundedBody, refuse } from './body.ts';
import { createHttpMetrics } from './metrics.ts';
import { landingPage } from './landing.ts';
import { createStaticFiles } from './static.ts';
import { handleQuantumResult } from './quantum-results-route.ts';
import { DATASET_FILE_PATH, handleDatasetFile } from './dataset-route.ts';
import { handleHips, HIPS_PATH } from './hips-route.ts';
import { handleGithubWebhook } from './webhook-route.ts';
import { QUANTUM_RESULTS_PATH } from '../../runner/executors/slurm/protocol.ts';

export const VERSION = '0.1.0';

export interface VeraHttpServer {
  server: http.Server;
  url: string;
  close(): Promise<void>;
}

/**
 * Routes: POST/GET /graphql (GraphiQL on GET from a browser), POST /webhooks/github,
 * POST /executor/quantum-results (batch jobs' reports, with a run credential), GET /healthz,
 * GET /metrics (Prometheus text), GET /datasets/<id>/file (a dataset's bytes), GET /hips/<collection>/<statistic>/...
 * (a sky map's HiPS, read-only), and the web app at /.
 */
export function createRequestHandler(vera: Vera, opts: { dashboardDir?: string } = {}): http.RequestListener {
  const yoga = createGraphQL(vera);
  const app = createStaticFiles(opts.dashboardDir);
  const metrics = createHttpMetrics();
  const database = vera.database.driver === 'pglite' ? 'embedded' : 'postgres';
  const home = homeId(vera.config.home);

  return (req, res) => {
    const started = process.hrtime.bigint();
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = url.pathname === '/graphql' ? 'graphql' : url.pathname === '/healthz' ? 'healthz' : url.pathname === '/metrics' ? 'metrics' : 'other';
    res.on('finish', () => metrics.observe(route, req.method ?? 'GET', res.statusCode, Number(process.hrtime.bigint() - started) / 1e9));

    if (route === 'graphql') {
      graphqlRoute(yoga, vera.config.maxBodyBytes, req, res).catch((e: Error) => {
        // A client that hangs up while sending its body is no server error.
        if (req.destroyed && !req.complete) return vera.log.debug({ err: e }, 'GraphQL request aborted by the client');
        vera.log.error({ err: e }, 'GraphQL request failed');
        if (!res.headersSent) sendJson(res, 500, { errors: [{ message: 'internal error', extensions: { code: 'INTERNAL' } }] });
      });
      return;
    }
    if (url.pathname === '/webhooks/github') {
      handleGithubWebhook(vera, req, res).catch((e: Error) => {
        if (req.destroyed && !req.complete) return vera.log.debug({ err: e }, 'webhook delivery aborted by the client');
        vera.log.error({ err: e }, 'webhook delivery failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'could not store the delivery' });
      });
      return;
    }
    if (url.pathname === QUANTUM_RESULTS_PATH) {
      handleQuantumResult(vera, req, res).catch((e: Error) => {
        if (req.destroyed && !req.complete) return vera.log.debug({ err: e }, 'quantum report aborted by the client');
        vera.log.error({ err: e }, 'quantum report failed');
        if (!res.headersSent) sendJson(res, 500, { accepted: false, error: 'internal error' });
      });
      return;
    }
    if (route === 'healthz') {
      sendJson(res, 200, { status: 'ok', version: VERSION, database, homeId: home });
      return;
    }
    if (route === 'metrics') {
      metrics.registry
        .metrics()
        .then((text) => {
          res.writeHead(200, { 'content-type': metrics.registry.contentType });
          res.end(text);
        })
        .catch((e: Error) => sendJson(res, 500, { error: e.message }));
      return;
    }
    const datasetFile = DATASET_FILE_PATH.exec(url.pathname);
    if (datasetFile) {
      handleDatasetFile(vera, req, res, datasetFile[1]!).catch((e: Error) => {
        vera.log.error({ err: e }, 'dataset file request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    const hips = HIPS_PATH.exec(url.pathname);
    if (hips) {
      handleHips(vera, req, res, hips).catch((e: Error) => {
        vera.log.error({ err: e }, 'HiPS request failed');
        if (!res.headersSent) sendJson(res, 500, { error: 'internal error' });
      });
      return;
    }
    if (app.serve(req, res, url.pathname)) return;
    if (url.pathname === '/' && (req.method === 'GET' || req.method === 'HEAD')) {
      // The web app is not built (a checkout without `npm run build`): say so.
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
      res.end(landingPage(VERSION));
      return;
    }
    sendJson(res, 404, { error: `no route for ${req.method} ${url.pathname}` });
  };
}

/**
 * /graphql, its body bounded by VERA_MAX_BODY_BYTES: read here as it streams in (refused with
 * 413 on its Content-Length or as soon as it passes the limit), then handed to yoga, which takes
 * a body already read from `req.body`.
 */
async function graphqlRoute(yoga: VeraYoga, maxBytes: number, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    const body = await readBoundedBody(req, maxBytes);
    if (body === undefined) {
      const message = `request body over ${maxBytes} bytes (VERA_MAX_BODY_BYTES)`;
      return refuse(req, res, httpStatusOf('PAYLOAD_TOO_LARGE'), { errors: [{ message, extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes } }] });
    }
    Object.assign(req, { body });
  }
  await yoga(req, res);
}

function sendJson(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** How long an idle keep-alive connection stays open: past the 60 s of common proxies. */
export const KEEP_ALIVE_MS = 65_000;

export async function startHttpServer(vera: Vera, opts: { host: string; port: number; dashboardDir?: string }): Promise<VeraHttpServer> {
  const server = http.createServer(createRequestHandler(vera, { dashboardDir: opts.dashboardDir }));
  // An idle keep-alive connection is closed by whichever end times out first, and a request the
  // other end sends on it at that moment fails with ECONNRESET (nodejs/undici#3141). Node's 5 s
  // default loses that race to any client that pauses 5 s, and to every proxy in front: nginx's
  // upstream keep-alive and cloud load balancers idle for 60 s. So the server waits longer than
  // they do, and they close first, between requests (the usual advice behind a proxy).
  server.keepAliveTimeout = KEEP_ALIVE_MS;
  // Kept above the keep-alive wait (the usual pairing, nodejs/node#27363) and still bounded: a
  // client trickling its headers (slowloris) is cut off after about a minute.
  server.headersTimeout = KEEP_ALIVE_MS + 1_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', (e: NodeJS.ErrnoException) =>
      reject(
        e.code === 'EADDRINUSE'
          ? new VeraError('CONFIG_INVALID', `port ${opts.port} on ${opts.host} is already in use: stop what serves there, or set VERA_PORT (or --port)`, { port: opts.port })
          : e,
      ),
    );
    server.listen(opts.port, opts.host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address() as AddressInfo;
  const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
  vera.runs.setListeningUrl(`http://${host}:${addr.port}`);
  return {
    server,
    url: `http://${host}:${addr.port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((e) => (e ? reject(e) : resolve()));
        server.closeAllConnections();
      }),
  };
}
