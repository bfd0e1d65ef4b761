import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import { sign } from '@octokit/webhooks-methods';

const require = createRequire(import.meta.url);
type Example = { name: string; examples: Record<string, unknown>[] };
const EXAMPLES = require('@octokit/webhooks-examples') as Example[];

/** A real GitHub payload from @octokit/webhooks-examples (a copy, free to edit). */
export function webhookExample(event: string, action?: string): Record<string, unknown> {
  const e = EXAMPLES.find((x) => x.name === event)?.examples.find((x) => action === undefined || x.action === action);
  if (!e) throw new Error(`no example of ${event}${action ? ` ${action}` : ''}`);
  return structuredClone(e);
}

/** POSTs a signed delivery as GitHub does; returns status, body and acceptance latency. */
export async function postDelivery(baseUrl: string, secret: string, event: string, payload: unknown, id: string = crypto.randomUUID()) {
  const body = JSON.stringify(payload);
  const started = performance.now();
  const res = await fetch(`${baseUrl}/webhooks/github`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-github-event': event, 'x-github-delivery': id, 'x-hub-signature-256': await sign(secret, body) },
    body,
  });
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, body: json, ms: performance.now() - started };
}
