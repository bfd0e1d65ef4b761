import { readAdminToken } from '../server/auth/admin-token-file.ts';
import type { Vera } from '../server/app.ts';
import { homeId, type VeraConfig } from '../server/config.ts';
import { VeraError, type ErrorCode } from '../server/errors.ts';
import type { VeraYoga } from '../server/graphql/yoga.ts';
import type { TypedDocumentString } from './generated/graphql.ts';

/**
 * How CLI commands reach Vera: always through GraphQL, so the CLI acts as a user exactly as any
 * other client does. The transport is HTTP to a running server (VERA_URL, or a local `vera serve`
 * for the same VERA_HOME), or, when none is running, an in-process server on the same database.
 * The server's modules (database drivers, GraphQL) are imported only for the in-process case,
 * so a command that talks HTTP starts without them.
 */
/** An operation's variables: optional when it has none or all are optional. */
export type VariablesOf<V> = Record<string, never> extends V ? [variables?: V] : [variables: V];

export interface VeraClient {
  /** Runs an operation written with `graphql(...)`: its result and variables are typed from the schema. */
  request<T, V>(query: TypedDocumentString<T, V>, ...variables: VariablesOf<V>): Promise<T>;
  /** "http://..." or "in-process (<database>)", for messages. */
  target: string;
  close(): Promise<void>;
}

interface GraphQLResponse<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } & Record<string, unknown> }[];
}

function unwrap<T>(body: GraphQLResponse<T>): T {
  const err = body.errors?.[0];
  if (err) {
    const { code, http: _http, ...details } = err.extensions ?? {};
    throw new VeraError((code ?? 'INTERNAL') as ErrorCode, err.message, details);
  }
  if (!body.data) throw new VeraError('INTERNAL', 'GraphQL response had neither data nor errors');
  return body.data;
}

async function post<T, V>(fetcher: (init: RequestInit) => Promise<Response>, token: string | undefined, query: TypedDocumentString<T, V>, variables?: V) {
  const res = await fetcher({
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: query.toString(), variables }),
  });
  const text = await res.text();
  let body: GraphQLResponse<T>;
  try {
    body = JSON.parse(text) as GraphQLResponse<T>;
  } catch {
    throw new VeraError('INTERNAL', `Vera answered HTTP ${res.status} with a non-JSON body: ${text.slice(0, 200)}`);
  }
  return unwrap(body);
}

export async function connect(config: VeraConfig): Promise<VeraClient> {
  const url = config.url ?? (await localServerFor(config));
  if (url) {
    const token = config.token ?? readAdminToken(config.home);
    const endpoint = new URL('/graphql', url).toString();
    return {
      target: url,
      request: (query, ...[variables]) =>
        post((init) => fetch(endpoint, init).catch((e: Error) => {
          throw new VeraError('INTERNAL', `cannot reach Vera at ${url}: ${e.message}`);
        }), token, query, variables),
      close: async () => {},
    };
  }
  const [{ bootstrapAdmin }, { openVera }, { createGraphQL }, { createLogger }] = await Promise.all([
    import('../server/auth/bootstrap.ts'),
    import('../server/app.ts'),
    import('../server/graphql/yoga.ts'),
    import('../server/log.ts'),
  ]);
  const token = config.token ?? readAdminToken(config.home);
  const log = createLogger({ logLevel: config.logLevel === 'info' ? 'warn' : config.logLevel });
  const vera: Vera = await openVera(config, log);
  // First use of a fresh home, as with `vera serve`: an admin and its token, so the CLI can act.
  const created = await bootstrapAdmin(vera.database.db, config.home);
  if (created) process.stderr.write(`created user 'admin'; its API token is in ${created} (keep it secret)\n`);
  const yoga: VeraYoga = createGraphQL(vera);
  const localToken = token ?? readAdminToken(config.home);
  return {
    target: `in-process (${vera.database.location})`,
    request: (query, ...[variables]) => post((init) => Promise.resolve(yoga.fetch('http://in-process/graphql', init)), localToken, query, variables),
    close: () => vera.close(),
  };
}

/** A `vera serve` on this machine's port serving the same VERA_HOME, if one is up. */
async function localServerFor(config: VeraConfig): Promise<string | undefined> {
  const url = `http://127.0.0.1:${config.port}`;
  try {
    const res = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(500) });
    const body = (await res.json()) as { homeId?: string };
    return body.homeId === homeId(config.home) ? url : undefined;
  } catch {
    return undefined;
  }
}
