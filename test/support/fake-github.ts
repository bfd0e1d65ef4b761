import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedCall {
  method: string;
  path: string;
  body: Record<string, unknown>;
}

/**
 * A local HTTP server standing in for the GitHub REST API: it answers the calls Vera makes
 * (commit statuses, issue comments) as GitHub does and records them. `failNext(n)` makes the next
 * n calls fail with 502, to exercise retries.
 */
export async function startFakeGithub() {
  const calls: RecordedCall[] = [];
  let failures = 0;
  let nextCommentId = 1000;
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
      calls.push({ method: req.method ?? '', path, body });
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/statuses\/[0-9a-f]{40}$/.test(path)) return send(201, { id: calls.length, state: body.state, context: body.context });
      if (req.method === 'POST' && /^\/repos\/[^/]+\/[^/]+\/issues\/\d+\/comments$/.test(path)) return send(201, { id: nextCommentId++, body: body.body });
      if (req.method === 'PATCH' && /^\/repos\/[^/]+\/[^/]+\/issues\/comments\/\d+$/.test(path)) return send(200, { id: Number(path.split('/').pop()), body: body.body });
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
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
