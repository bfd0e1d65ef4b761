import http from 'node:http';
import { sign } from '@octokit/webhooks-methods';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { GITHUB_MAX_PAYLOAD_BYTES } from '../../server/http/webhook-route.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';
import { postDelivery } from '../support/webhook-client.ts';

/**
 * Request bodies are bounded while they stream in: an oversized body gets a real 413 that the
 * client reads (the connection is closed after the answer, not reset before it), /graphql is
 * bounded by VERA_MAX_BODY_BYTES, webhooks by GitHub's 25 MB, and a webhook without a signature
 * is refused before its body is read.
 */
const MAX = 64 * 1024;
const SECRET = 'It is a secret to everybody';
const t = useTestDatabase();
const v = useTestVera(t, { VERA_MAX_BODY_BYTES: String(MAX), GITHUB_WEBHOOK_SECRET: SECRET });
let server: VeraHttpServer;

beforeAll(async () => {
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
});
afterAll(async () => {
  await server?.close();
});

interface Upload {
  status: number | undefined;
  headers: http.IncomingHttpHeaders;
  body: string;
  /** Body bytes the client had handed to its socket when the answer came. */
  sentBeforeAnswer: number;
  errors: Error[];
}

/**
 * POSTs `total` bytes in chunks, as a careful client does: it stops sending once the server has
 * answered. `declare` sends Content-Length (else chunked); `hold` sends no body byte at all
 * before the answer.
 */
function upload(path: string, total: number, opts: { headers?: Record<string, string>; declare?: boolean; hold?: boolean; body?: Buffer } = {}): Promise<Upload> {
  const url = new URL(path, server.url);
  return new Promise((resolve) => {
    const out: Upload = { status: undefined, headers: {}, body: '', sentBeforeAnswer: 0, errors: [] };
    let answered = false;
    let sent = 0;
    const req = http.request(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...opts.headers, ...(opts.declare !== false ? { 'content-length': String(total) } : {}) },
    });
    req.on('error', (e) => out.errors.push(e));
    // An old server that waits for a body never sent would hang the test: fail it instead.
    req.setTimeout(20_000, () => req.destroy(new Error('no answer within 20 s')));
    req.on('response', (res) => {
      answered = true;
      out.sentBeforeAnswer = sent;
      out.status = res.statusCode;
      out.headers = res.headers;
      res.setEncoding('utf8');
      res.on('data', (c: string) => (out.body += c));
      res.on('error', (e) => out.errors.push(e));
    });
    req.on('close', () => resolve(out));
    const chunk = Buffer.alloc(64 * 1024, 0x20);
    // One chunk at a time, each after the last was handed to the socket, so that an answer is
    // seen between chunks.
    const pump = () => {
      if (answered) return;
      if (sent >= total) return void req.end();
      const piece = opts.body ? opts.body.subarray(sent, sent + chunk.length) : chunk.subarray(0, Math.min(chunk.length, total - sent));
      sent += piece.length;
      req.write(piece, () => setImmediate(pump));
    };
    if (opts.hold) req.flushHeaders();
    else pump();
  });
}

describe('/graphql body limit', () => {
  it('answers 413 to a body declared too large, before reading it', async () => {
    const r = await upload('/graphql', MAX + 1, { hold: true });
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(413);
    expect(r.sentBeforeAnswer).toBe(0);
    expect(r.headers.connection).toBe('close');
    expect(JSON.parse(r.body)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE', maxBytes: MAX } }] });
  });

  it('answers 413 to a chunked body once it passes the limit; the client reads the answer, no reset', async () => {
    const r = await upload('/graphql', 16 * MAX, { declare: false });
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(413);
    expect(r.sentBeforeAnswer).toBeLessThan(16 * MAX);
    expect(JSON.parse(r.body)).toMatchObject({ errors: [{ extensions: { code: 'PAYLOAD_TOO_LARGE' } }] });
  });

  it('a client that hangs up halfway through its body leaves the server answering', async () => {
    await new Promise<void>((resolve) => {
      const req = http.request(new URL('/graphql', server.url), { method: 'POST', headers: { 'content-type': 'application/json', 'content-length': '1000' } });
      req.on('error', () => resolve());
      req.write('{"query": "{ me', () => setImmediate(() => req.destroy()));
      req.on('close', () => resolve());
    });
    const res = await fetch(`${server.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query: '{ me { name } }' }) });
    expect(await res.json()).toEqual({ data: { me: { name: 'anonymous' } } });
  });

  it('still answers a query whose body is within the limit', async () => {
    const body = Buffer.from(JSON.stringify({ query: '{ me { name } }', variables: { padding: 'x'.repeat(MAX - 200) } }));
    expect(body.length).toBeLessThanOrEqual(MAX);
    const r = await upload('/graphql', body.length, { body });
    expect(r.status).toBe(200);
    expect(JSON.parse(r.body)).toEqual({ data: { me: { name: 'anonymous' } } });
  });
});

describe('/webhooks/github', () => {
  const headers = (signature: string) => ({ 'x-github-event': 'push', 'x-github-delivery': 'd-1', 'x-hub-signature-256': signature });

  it('answers 413 to a payload declared over 25 MB without reading it, and to one streamed past it', async () => {
    const declared = await upload('/webhooks/github', GITHUB_MAX_PAYLOAD_BYTES + 1, { headers: headers('sha256=00'), hold: true });
    expect(declared.errors).toEqual([]);
    expect(declared.status).toBe(413);
    expect(declared.sentBeforeAnswer).toBe(0);

    const streamed = await upload('/webhooks/github', GITHUB_MAX_PAYLOAD_BYTES + 1024 * 1024, { headers: headers('sha256=00'), declare: false });
    expect(streamed.errors).toEqual([]);
    expect(streamed.status).toBe(413);
    expect(JSON.parse(streamed.body)).toMatchObject({ error: expect.stringContaining('25') });
    expect(await countRows(t.db, 'webhook_deliveries')).toBe(0);
  });

  it('refuses a delivery without signature headers before reading its body', async () => {
    const r = await upload('/webhooks/github', 1024 * 1024, { headers: { 'x-github-event': 'push', 'x-github-delivery': 'd-2' }, hold: true });
    expect(r.errors).toEqual([]);
    expect(r.status).toBe(400);
    expect(r.sentBeforeAnswer).toBe(0);
    expect(JSON.parse(r.body).error).toMatch(/X-Hub-Signature-256/);
  });

  it('verifies the signature of the bounded body: a wrong one is 401 and nothing is stored', async () => {
    const body = JSON.stringify({ zen: 'Keep it logically awesome.' });
    const r = await upload('/webhooks/github', body.length, { headers: headers(await sign('wrong secret', body)), body: Buffer.from(body) });
    expect(r.status).toBe(401);
    expect(await countRows(t.db, 'webhook_deliveries')).toBe(0);
  });

  it('answers 400 to signed payloads that are JSON but not an object', async () => {
    for (const payload of [null, 5, [1, 2], 'text']) {
      const r = await postDelivery(server.url, SECRET, 'push', payload);
      expect(r.status, JSON.stringify(payload)).toBe(400);
      expect(r.body).toEqual({ error: 'payload is not a JSON object' });
    }
    expect(await countRows(t.db, 'webhook_deliveries')).toBe(0);
    // A real object is still accepted.
    expect((await postDelivery(server.url, SECRET, 'ping', { zen: 'Design for failure.' })).status).toBe(202);
  });
});
