import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
  /** When the call arrived (epoch ms). */
  at: number;
}

/** A refusal to send instead of answering: status and headers, as GitHub's rate limits answer. */
export interface Refusal {
  status: number;
  headers: Record<string, string>;
  message: string;
}

/**
 * A local HTTP server standing in for the GitHub REST API: it answers the calls Vera makes
 * (commit statuses, issue comments) as GitHub does and records them. `failNext(n)` makes the next
 * n calls fail with 502, to exercise retries; `refuseNext` answers the next call with a rate-limit
 * refusal; `deleteComment` removes a comment, so editing it answers 404 as GitHub does.
 */
export async function startFakeGithub() {
  const calls: RecordedCall[] = [];
  let failures = 0;
  let nextCommentId = 1000;
  const deleted = new Set<number>();
  const refusals: Refusal[] = [];
  const refused: { at: number; path: string }[] = [];
  const server = http.createServer((req, res) => {
    let raw = '';
    req.on('data', (c: Buffer) => (raw += c.toString()));
    req.on('end', () => {
      const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : {};
      const send = (status: number, data: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(data));
      };
      if (failures > 0) {
        failures--;
        send(502, { message: 'Server Error' });
        return;
      }
      const path = (req.url ?? '').split('?')[0]!;
      const refusal = refusals.shift();
      if (refusal) {
        refused.push({ at: Date.now(), path });
        res.writeHead(refusal.status, { 'content-type': 'application/json', ...refusal.headers });
        res.end(JSON.stringify({ message: refusal.message, documentation_url: 'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api' }));
        return;
      }
      calls.push({ method: req.method ?? '', path, body, at: Date.now() });
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/.test(path)) return send(201, { id: calls.length, state: body.state, context: body.context });
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) return send(201, { id: nextCommentId++, body: body.body });
      if (req.method === 'PATCH' && /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/.test(path)) {
        const id = Number(path.split('/').pop());
        if (deleted.has(id)) return send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest/issues/comments#update-an-issue-comment' });
        return send(200, { id, body: body.body });
      }
      send(404, { message: 'Not Found', documentation_url: 'https://docs.github.com/rest' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    failNext(n: number) {
      failures = n;
    },
    refuseNext(refusal: Refusal) {
      refusals.push(refusal);
    },
    refused,
    deleteComment(id: number) {
      deleted.add(id);
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
