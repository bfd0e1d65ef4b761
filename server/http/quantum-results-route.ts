import type http from 'node:http';
import type { Vera } from '../app.ts';
import { readBoundedBody, refuse } from './body.ts';

/**
 * POST /executor/quantum-results: a batch job's report of one quantum (runner/executors/slurm/
 * protocol.ts), with its run's credential as a bearer token. The run's executor checks the
 * credential (that run only), every field and the output files; the run's execution registers.
 */
export async function handleQuantumResult(vera: Vera, req: http.IncomingMessage, res: http.ServerResponse): Promise<void> {
  if (req.method !== 'POST') return send(res, 405, { accepted: false, error: 'POST a quantum report' });
  const auth = req.headers.authorization ?? '';
  const m = /^Bearer ([A-Za-z0-9_-]{16,256})$/.exec(auth);
  if (!m) return send(res, 401, { accepted: false, error: 'a run credential is required (Authorization: Bearer <token>)' });
  const body = await readBoundedBody(req, vera.config.maxBodyBytes);
  if (body === undefined) return refuse(req, res, 413, { accepted: false, error: `report over ${vera.config.maxBodyBytes} bytes (VERA_MAX_BODY_BYTES)` });
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    return send(res, 400, { accepted: false, error: 'the report is not JSON' });
  }
  const answer = await vera.runs.deliverQuantumResult(m[1]!, json);
  send(res, answer.status, answer.body);
}

function send(res: http.ServerResponse, status: number, body: unknown) {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}
