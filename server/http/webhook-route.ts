import type http from 'node:http';
import type { Vera } from '../app.ts';
import { checkDeliveryHeaders, receiveDelivery } from '../ci/webhooks.ts';
import { readBoundedBody, refuse } from './body.ts';
import { httpStatusOf } from '../errors.ts';

/** GitHub's own limit on a delivery's payload. */
export const GITHUB_MAX_PAYLOAD_BYTES = 25 * 1024 * 1024;

/**
 * POST /webhooks/github: headers checked before the body is read, the body read up to GitHub's
 * limit and its signature verified, stored once, answered 202; then the processor works.
 */
export async function handleGithubWebhook(vera: Vera, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'POST') return refuse(req, res, 405, { error: 'POST only' });
  const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v[0] : v]));
  const secret = vera.config.github.webhookSecret;
  const refused = checkDeliveryHeaders(secret, headers);
  if (refused) return refuse(req, res, refused.status, refused.body);
  const raw = await readBoundedBody(req, GITHUB_MAX_PAYLOAD_BYTES);
  if (raw === undefined) return refuse(req, res, httpStatusOf('PAYLOAD_TOO_LARGE'), { error: `payload over GitHub's limit of 25 MB (${GITHUB_MAX_PAYLOAD_BYTES} bytes)` });
  const result = await receiveDelivery(vera.database.db, secret, headers, raw.toString('utf8'));
  res.writeHead(result.status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(result.body));
  if (result.status === 202) vera.webhooks.kick();
}
