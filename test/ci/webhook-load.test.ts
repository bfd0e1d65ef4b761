import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryRows, sql } from '../../server/db/client.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from '../support/db.ts';
import { postDelivery, webhookExample } from '../support/webhook-client.ts';
import { useTestVera } from '../support/vera.ts';

const SECRET = 'load-test-secret';
const t = useTestDatabase();
const v = useTestVera(t, { GITHUB_WEBHOOK_SECRET: SECRET });
let http: VeraHttpServer;
beforeAll(async () => {
  http = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
});
afterAll(() => http?.close());

describe('webhook load', () => {
  it('500 deliveries on loopback (with repeats) are all accepted and each processed exactly once', async () => {
    const ping = webhookExample('ping');
    const ids = Array.from({ length: 500 }, () => crypto.randomUUID());
    // Every tenth delivery is sent twice, as GitHub does when a response is lost.
    const sends = [...ids, ...ids.filter((_, i) => i % 10 === 0)];
    const results: { status: number }[] = [];
    const CONCURRENCY = 20;
    let next = 0;
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < sends.length) {
          const id = sends[next++]!;
          results.push(await postDelivery(http.url, SECRET, 'ping', ping, id));
        }
      }),
    );
    expect(results.filter((r) => r.status === 202)).toHaveLength(500);
    expect(results.filter((r) => r.status === 200)).toHaveLength(50);
    await v.vera.webhooks.idle();
    const rows = await queryRows<{ status: string; attempts: number; n: number }>(
      t.db,
      sql`SELECT status, attempts, count(*)::int AS n FROM webhook_deliveries GROUP BY status, attempts`,
    );
    expect(rows).toEqual([{ status: 'processed', attempts: 1, n: 500 }]);
  });
});
