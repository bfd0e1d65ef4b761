/**
 * Webhook intake on loopback: deliveries per second accepted by POST /webhooks/github (signature
 * check, store once, 202) and the p50/p99 acceptance latency, with processing running beside it;
 * on embedded PGlite and on PostgreSQL. Bounded: 2000 deliveries, 20 concurrent senders.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openVera } from '../server/app.ts';
import { loadConfig } from '../server/config.ts';
import { openDatabase, type Database } from '../server/db/client.ts';
import { startHttpServer } from '../server/http/server.ts';
import { createLogger } from '../server/log.ts';
import { postDelivery, webhookExample } from '../test/support/webhook-client.ts';
import { percentile, report } from './lib.ts';
import { withBenchDatabase } from './fixtures.ts';

const N = 2000;
const CONCURRENCY = 20;
const SECRET = 'bench-secret';

async function bench(label: string, database: Database, home: string) {
  const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', GITHUB_WEBHOOK_SECRET: SECRET });
  const vera = await openVera(config, createLogger(config), { database });
  const http = await startHttpServer(vera, { host: '127.0.0.1', port: 0 });
  try {
    const ping = webhookExample('ping');
    const latencies: number[] = [];
    let next = 0;
    const t0 = performance.now();
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next++ < N) {
          const r = await postDelivery(http.url, SECRET, 'ping', ping, crypto.randomUUID());
          if (r.status !== 202) throw new Error(`delivery refused: ${r.status}`);
          latencies.push(r.ms);
        }
      }),
    );
    const accepted = performance.now() - t0;
    await vera.webhooks.idle();
    const processed = performance.now() - t0;
    latencies.sort((a, b) => a - b);
    report(`webhooks ${label}`, 'deliveries accepted', N / (accepted / 1000), 'deliveries/s');
    report(`webhooks ${label}`, 'deliveries accepted and processed', N / (processed / 1000), 'deliveries/s');
    report(`webhooks ${label}`, 'acceptance latency p50', percentile(latencies, 50), 'ms');
    report(`webhooks ${label}`, 'acceptance latency p99', percentile(latencies, 99), 'ms');
  } finally {
    await http.close();
    await vera.close();
  }
}

const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-wh-'));
try {
  const lite = await openDatabase({ dataDir: path.join(home, 'db') });
  await bench('pglite', lite, home);
  await lite.close();
  await withBenchDatabase('webhooks postgres', async (url) => {
    const server = await openDatabase({ url });
    try {
      await bench('postgres', server, home);
    } finally {
      await server.close();
    }
  });
} finally {
  fs.rmSync(home, { recursive: true, force: true });
}
