import { getIntrospectionQuery } from 'graphql';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera, type TestVera } from '../support/vera.ts';

/**
 * CORS is off unless origins are configured (yoga's default reflected any origin, with
 * credentials), and who may introspect the schema and open GraphiQL follows VERA_INTROSPECTION
 * (default: everyone in development, authenticated users in production).
 */
const t = useTestDatabase();
const dev = useTestVera(t);
const allowList = useTestVera(t, { VERA_CORS_ORIGINS: 'https://ok.example, https://also.example' });
const production = useTestVera(t, { NODE_ENV: 'production' });
const off = useTestVera(t, { VERA_INTROSPECTION: 'off' });
const servers: VeraHttpServer[] = [];
let devUrl: string;
let allowListUrl: string;
let offUrl: string;

beforeAll(async () => {
  for (const v of [dev, allowList, off]) servers.push(await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 }));
  [devUrl, allowListUrl, offUrl] = servers.map((s) => s.url) as [string, string, string];
});
afterAll(async () => {
  for (const s of servers) await s.close();
});

const query = JSON.stringify({ query: '{ me { name } }' });

async function fromOrigin(url: string, origin: string, method: 'POST' | 'OPTIONS' = 'POST') {
  return fetch(`${url}/graphql`, {
    method,
    headers:
      method === 'POST'
        ? { origin, 'content-type': 'application/json' }
        : { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, authorization' },
    ...(method === 'POST' ? { body: query } : {}),
  });
}

describe('CORS', () => {
  it('is off by default: no origin is allowed, whatever it sends', async () => {
    for (const method of ['POST', 'OPTIONS'] as const) {
      const res = await fromOrigin(devUrl, 'https://evil.example', method);
      expect(res.headers.get('access-control-allow-origin'), method).toBeNull();
      expect(res.headers.get('access-control-allow-credentials'), method).toBeNull();
    }
  });

  it('allows exactly the configured origins', async () => {
    for (const origin of ['https://ok.example', 'https://also.example']) {
      const res = await fromOrigin(allowListUrl, origin);
      expect(res.headers.get('access-control-allow-origin')).toBe(origin);
      expect(res.headers.get('vary')).toMatch(/Origin/);
      const preflight = await fromOrigin(allowListUrl, origin, 'OPTIONS');
      expect(preflight.headers.get('access-control-allow-origin')).toBe(origin);
      expect(preflight.headers.get('access-control-allow-headers')).toMatch(/authorization/i);
    }
    for (const method of ['POST', 'OPTIONS'] as const) {
      const res = await fromOrigin(allowListUrl, 'https://evil.example', method);
      expect(res.headers.get('access-control-allow-origin'), method).toBeNull();
    }
  });
});

describe('introspection and GraphiQL', () => {
  const introspect = (v: TestVera, token?: string) => v.gql(getIntrospectionQuery(), {}, token);
  const typeQuery = (v: TestVera, token?: string) => v.gql('{ __type(name: "Run") { fields { name } } }', {}, token);

  it('development: everyone may introspect, and GraphiQL is served', async () => {
    const r = await introspect(dev);
    expect(r.errors).toBeUndefined();
    expect(r.data).toHaveProperty('__schema');
    const page = await fetch(`${devUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/graphiql/i);
  });

  it('production: anonymous introspection is refused with INTROSPECTION_DISABLED; a token may', async () => {
    for (const r of [await introspect(production), await typeQuery(production)]) {
      expect(r.data ?? null).toBeNull();
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'INTROSPECTION_DISABLED' });
    }
    // __typename is not introspection of the schema, and ordinary queries still work.
    expect((await production.gql('{ __typename me { name } }')).errors).toBeUndefined();
    const { token } = await production.user('reader', 'viewer');
    const r = await introspect(production, token);
    expect(r.errors).toBeUndefined();
    expect(r.data).toHaveProperty('__schema');
  });

  it('production: field suggestions do not leak the schema to anonymous callers', async () => {
    const r = await production.gql('{ run(name: "x") { nam } }');
    expect(r.errors![0]!.message).not.toMatch(/Did you mean/);
  });

  it('off: nobody may introspect, and GraphiQL is not served', async () => {
    const { token } = await off.user('admin1', 'admin');
    for (const r of [await introspect(off), await introspect(off, token)]) {
      expect(r.errors![0]!.extensions).toMatchObject({ code: 'INTROSPECTION_DISABLED' });
    }
    const page = await fetch(`${offUrl}/graphql`, { headers: { accept: 'text/html' } });
    expect(await page.text()).not.toMatch(/graphiql/i);
  });
});
