import type http from 'node:http';
import type { Vera } from '../app.ts';
import { receiveDelivery } from '../ci/webhooks.ts';

/** GitHub's own limit on a delivery's payload. */
const MAX_BODY_BYTES = 25 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        resolve(undefined);
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

/** POST /webhooks/github: verify, store once, answer 202, then let the processor work. */
export async function handleGithubWebhook(vera: Vera, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  const send = (status: number, body: unknown) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  };
  if (req.method !== 'POST') return send(405, { error: 'POST only' });
  const raw = await readBody(req);
  if (raw === undefined) return send(413, { error: `payload over ${MAX_BODY_BYTES} bytes` });
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const result = await receiveDelivery(vera.database.db, vera.config.github.webhookSecret, headers, raw);
  send(result.status, result.body);
  if (result.status === 202) vera.webhooks.kick();
}
