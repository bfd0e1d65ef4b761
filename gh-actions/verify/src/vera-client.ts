/**
 * A small GraphQL client for Vera: bearer token, retries with exponential backoff on network
 * failures (and on 429/502/503/504, which proxies answer while Vera restarts), and errors that
 * say what Vera said. Retrying requestBuild is safe: Vera keeps one build per (repo, commit, ref).
 */

import type { TypedDocumentString } from './generated/graphql.ts';

export class VeraRequestError extends Error {
  override readonly name = 'VeraRequestError';
  constructor(
    message: string,
    /** Vera's error code (GraphQL `extensions.code`), `HTTP_<status>`, or `NETWORK`. */
    readonly code: string,
    readonly httpStatus?: number,
  ) {
    super(message);
  }
}

export interface VeraClientOptions {
  url: string;
  token: string;
  /** Attempts in all, the first included. */
  attempts?: number;
  /** Delay before the first retry; doubled for each next one. */
  retryDelayMs?: number;
  requestTimeoutMs?: number;
  /** Where retry notices go. */
  log?: (line: string) => void;
}

interface GraphQLError {
  message?: string;
  path?: (string | number)[];
  extensions?: { code?: string };
}

const RETRY_STATUSES = new Set([429, 502, 503, 504]);

function describeNetworkError(e: unknown): string {
  const err = e as Error & { cause?: { code?: string; message?: string } };
  if (err.name === 'TimeoutError' || err.name === 'AbortError') return 'no answer in time';
  // undici's "fetch failed" hides the reason in `cause` (ECONNREFUSED, ENOTFOUND, ...).
  const cause = err.cause;
  if (cause?.code) return cause.message?.includes(cause.code) ? cause.message : `${cause.code}${cause.message ? ` (${cause.message})` : ''}`;
  return cause?.message ?? err.message;
}

function describeGraphQLErrors(errors: GraphQLError[]): { code: string; message: string } {
  const first = errors[0] ?? {};
  const code = first.extensions?.code ?? 'GRAPHQL_ERROR';
  const more = errors.length > 1 ? ` (and ${errors.length - 1} more error${errors.length > 2 ? 's' : ''})` : '';
  return { code, message: `[${code}] ${first.message ?? 'unknown error'}${more}` };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export class VeraClient {
  private readonly attempts: number;
  private readonly retryDelayMs: number;
  private readonly requestTimeoutMs: number;

  constructor(private readonly opts: VeraClientOptions) {
    this.attempts = opts.attempts ?? 5;
    this.retryDelayMs = opts.retryDelayMs ?? 2000;
    this.requestTimeoutMs = opts.requestTimeoutMs ?? 120_000;
  }

  /** Runs a query or mutation; `what` names it in errors ("requesting the build"). */
  async request<T, V>(what: string, query: TypedDocumentString<T, V>, variables: V): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      let reason: string;
      try {
        return await this.once(what, query, variables);
      } catch (e) {
        if (e instanceof VeraRequestError && !(e.httpStatus !== undefined && RETRY_STATUSES.has(e.httpStatus))) throw e;
        reason = e instanceof VeraRequestError ? e.message : describeNetworkError(e);
        if (attempt >= this.attempts) {
          throw new VeraRequestError(`${what}: cannot reach Vera at ${this.opts.url} after ${attempt} attempts: ${reason}`, e instanceof VeraRequestError ? e.code : 'NETWORK', (e as VeraRequestError).httpStatus);
        }
      }
      const delayMs = this.retryDelayMs * 2 ** (attempt - 1);
      this.opts.log?.(`Vera did not answer (${reason}); retrying in ${delayMs < 1000 ? `${delayMs} ms` : `${+(delayMs / 1000).toFixed(1)} s`} (attempt ${attempt + 1} of ${this.attempts})`);
      await sleep(delayMs);
    }
  }

  private async once<T, V>(what: string, query: TypedDocumentString<T, V>, variables: V): Promise<T> {
    const res = await fetch(this.opts.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: `Bearer ${this.opts.token}` },
      body: JSON.stringify({ query: query.toString(), variables }),
      signal: AbortSignal.timeout(this.requestTimeoutMs),
    });
    const text = await res.text();
    let body: { data?: T | null; errors?: GraphQLError[] } | undefined;
    try {
      body = JSON.parse(text) as typeof body;
    } catch {
      body = undefined;
    }
    if (!res.ok) {
      const said = body?.errors?.length ? describeGraphQLErrors(body.errors).message : text.trim().slice(0, 300) || '(empty body)';
      const code = body?.errors?.[0]?.extensions?.code ?? `HTTP_${res.status}`;
      throw new VeraRequestError(`${what}: Vera answered HTTP ${res.status} ${res.statusText}: ${said}`, code, res.status);
    }
    if (!body) throw new VeraRequestError(`${what}: Vera's answer is not JSON: ${text.slice(0, 300)}`, 'BAD_RESPONSE', res.status);
    if (body.errors?.length) {
      const { code, message } = describeGraphQLErrors(body.errors);
      throw new VeraRequestError(`${what}: Vera refused: ${message}`, code, res.status);
    }
    if (!body.data) throw new VeraRequestError(`${what}: Vera's answer has no data`, 'BAD_RESPONSE', res.status);
    return body.data;
  }
}
