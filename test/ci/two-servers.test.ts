import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openVera, type Vera } from '../../server/app.ts';
import { enqueueGithub } from '../../server/ci/outbox.ts';
import { loadConfig } from '../../server/config.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createLogger } from '../../server/log.ts';
import { cliEnv, serveProcess, type ServeProcess } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { startFakeGithub } from '../support/fake-github.ts';
import { postDelivery, webhookExample } from '../support/webhook-client.ts';

/**
 * Two servers on one database share the durable job queues: every webhook delivery is processed
 * once and every GitHub call made once, however the work falls between them. On PostgreSQL the
 * two are `vera serve` processes; on PGlite, which one process owns, two Veras in this process.
 */
const t = useTestDatabase();
const SECRET = 'two-servers-secret';
const N = 300;
const homes: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const c of cleanups.reverse()) await c();
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

const env = (githubUrl: string) => ({ GITHUB_WEBHOOK_SECRET: SECRET, GITHUB_TOKEN: 'ghs_test', GITHUB_API_URL: githubUrl, VERA_LOG_LEVEL: 'warn' });
const newHome = () => {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-two-'));
  homes.push(home);
  return home;
};

async function startServer(githubUrl: string): Promise<string> {
  if (t.url) {
    const server: ServeProcess = await serveProcess(cliEnv(newHome(), t.url, env(githubUrl)));
    cleanups.push(async () => {
      const exited = new Promise((r) => server.child.once('exit', r));
      server.child.kill('SIGTERM');
      await exited;
    });
    return server.url;
  }
  const config = loadConfig({ VERA_HOME: newHome(), ...env(githubUrl), VERA_LOG_LEVEL: 'silent' });
  const vera: Vera = await openVera(config, createLogger(config), { database: t.database });
  vera.webhooks.start(200);
  vera.github!.start(200);
  const http: VeraHttpServer = await startHttpServer(vera, { host: '127.0.0.1', port: 0 });
  cleanups.push(async () => {
    await http.close();
    await vera.close();
  });
  return http.url;
}

async function waitFor(check: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('two servers on one database', () => {
  it(`process each of ${N} webhook deliveries once and make each of ${N} GitHub calls once`, async () => {
    const github = await startFakeGithub();
    cleanups.push(() => github.close());
    // One after the other: the first start makes the admin, the second finds it.
    const a = await startServer(github.url);
    const b = await startServer(github.url);

    // Deliveries to both servers at once, 10 in flight: pings, and pushes of an untracked repository.
    const eventOf = (i: number) => (i % 2 === 0 ? 'ping' : 'push');
    const examples = { ping: webhookExample('ping'), push: webhookExample('push') };
    let next = 0;
    await Promise.all(
      Array.from({ length: 10 }, async () => {
        while (next < N) {
          const i = next++;
          const event = eventOf(i);
          const res = await postDelivery(i % 2 === 0 ? a : b, SECRET, event, examples[event], `delivery-${i}`);
          expect(res.status).toBe(202);
        }
      }),
    );
    // GitHub calls queued as builds queue them; both servers' outboxes drain the one table.
    const shas = Array.from({ length: N }, () => crypto.randomBytes(20).toString('hex'));
    await t.db.transaction(async (tx) => {
      for (const [i, sha] of shas.entries()) {
        await enqueueGithub(tx, { kind: 'status', repoFullName: 'org/pipelines', sha, state: 'success', context: `vera/call-${i}`, description: 'no regression' });
      }
    });

    const count = async (q: ReturnType<typeof sql>) => ((await queryRows<{ n: number }>(t.db, q))[0]!.n);
    await waitFor(async () => (await count(sql`SELECT count(*)::int AS n FROM webhook_deliveries WHERE status IN ('processed', 'ignored')`)) === N, 'the deliveries');
    await waitFor(async () => (await count(sql`SELECT count(*)::int AS n FROM github_outbox WHERE status = 'done'`)) === N, 'the GitHub calls');

    const deliveries = await queryRows<{ id: string; status: string; attempts: number }>(t.db, sql`SELECT id, status, attempts FROM webhook_deliveries`);
    expect(deliveries).toHaveLength(N);
    expect(deliveries.filter((d) => d.attempts !== 1)).toEqual([]);
    // A ping is acted on; a push of a repository Vera does not track is recorded and ignored.
    const unexpected = deliveries.filter((d) => d.status !== (eventOf(Number(d.id.split('-')[1])) === 'ping' ? 'processed' : 'ignored'));
    expect(unexpected).toEqual([]);

    const statusCalls = github.calls.filter((c) => c.method === 'POST' && c.path.includes('/statuses/'));
    expect(statusCalls).toHaveLength(N);
    const perContext = new Map<string, number>();
    for (const c of statusCalls) perContext.set(String(c.body.context), (perContext.get(String(c.body.context)) ?? 0) + 1);
    expect(perContext.size).toBe(N);
    expect([...perContext.values()].every((n) => n === 1)).toBe(true);
    expect(await count(sql`SELECT count(*)::int AS n FROM github_outbox WHERE attempts <> 1`)).toBe(0);
  });
});
