/**
 * The app's only way to the server: GraphQL over POST /graphql. A token saved in this browser
 * (localStorage `vera.token`) is sent as `Authorization: Bearer`; without one the app reads
 * anonymously, as VERA_ANONYMOUS_READ allows by default.
 */
import type { TypedDocumentString } from './generated/graphql.ts';

const TOKEN_KEY = 'vera.token';

export class GraphQLRequestError extends Error {
  readonly code: string;
  constructor(message: string, code: string) {
    super(message);
    this.name = 'GraphQLRequestError';
    this.code = code;
  }
}

interface Response<T> {
  data?: T;
  errors?: { message: string; extensions?: { code?: string } }[];
}

export function savedToken(): string | null {
  try {
    return localStorage.getItem(TOKEN_KEY);
  } catch {
    return null;
  }
}

export function saveToken(token: string | null): void {
  if (token) localStorage.setItem(TOKEN_KEY, token);
  else localStorage.removeItem(TOKEN_KEY);
}

/** Runs an operation written with `graphql(...)`: its result and variables are typed from the schema. */
export async function gql<T, V>(query: TypedDocumentString<T, V>, variables: V, signal?: AbortSignal): Promise<T> {
  const token = savedToken();
  const res = await fetch('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query: query.toString(), variables }),
    ...(signal ? { signal } : {}),
  });
  let body: Response<T>;
  try {
    body = (await res.json()) as Response<T>;
  } catch {
    throw new GraphQLRequestError(`the server answered HTTP ${res.status} without JSON`, 'INTERNAL');
  }
  const err = body.errors?.[0];
  if (err) throw new GraphQLRequestError(err.message, err.extensions?.code ?? 'INTERNAL');
  if (!body.data) throw new GraphQLRequestError('the server answered with neither data nor errors', 'INTERNAL');
  return body.data;
}
