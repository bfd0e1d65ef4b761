import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemActor } from '../../server/auth/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createCollection } from '../../server/repo/index.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);

const codeOf = (res: { errors?: { extensions: Record<string, unknown> }[] }) => res.errors?.[0]?.extensions.code;
const me = (token: string) => v.gql<{ me: { name: string } }>('{ me { name } }', {}, token);

describe('token revocation and expiry', () => {
  it('a revoked token is refused from the next request on; revoking is the owner’s or an admin’s', async () => {
    const alice = await v.user('alice', 'developer');
    const bob = await v.user('bob', 'developer');
    expect((await me(alice.token)).data?.me.name).toBe('alice');
    const { data } = await v.gql<{ tokens: { id: number; user: string }[] }>('{ tokens { id user } }', {}, alice.token);
    const aliceTokenId = data!.tokens[0]!.id;
    expect(data!.tokens.every((tok) => tok.user === 'alice')).toBe(true);

    // Bob cannot revoke Alice's token, and is not told it exists.
    const denied = await v.gql(`mutation { revokeToken(id: ${aliceTokenId}) { id } }`, {}, bob.token);
    expect(codeOf(denied)).toBe('NOT_FOUND');
    expect((await me(alice.token)).data?.me.name).toBe('alice');

    const revoked = await v.gql<{ revokeToken: { revokedAt: string } }>(`mutation { revokeToken(id: ${aliceTokenId}) { revokedAt } }`, {}, alice.token);
    expect(revoked.data!.revokeToken.revokedAt).toBeTruthy();
    const after = await me(alice.token);
    expect(codeOf(after)).toBe('UNAUTHENTICATED');
    expect(after.errors![0]!.message).toMatch(/revoked/);
  });

  it('a token stops working at its expiry; an expiry in the past is refused at creation', async () => {
    const carol = await v.user('carol', 'developer');
    const past = await v.gql('mutation { createToken(name: "old", expiresAt: "2020-01-01T00:00:00Z") { token } }', {}, carol.token);
    expect(codeOf(past)).toBe('BAD_INPUT');
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const { data } = await v.gql<{ createToken: { token: string; id: number; expiresAt: string } }>(
      'mutation($e: DateTime) { createToken(name: "ci job", expiresAt: $e) { token id expiresAt } }',
      { e: soon },
      carol.token,
    );
    expect(new Date(data!.createToken.expiresAt).toISOString()).toBe(soon);
    expect((await me(data!.createToken.token)).data?.me.name).toBe('carol');
    // Time passes: the stored expiry moves into the past.
    await t.db.execute(sql`UPDATE api_tokens SET expires_at = now() - interval '1 second' WHERE id = ${data!.createToken.id}`);
    const expired = await me(data!.createToken.token);
    expect(codeOf(expired)).toBe('UNAUTHENTICATED');
    expect(expired.errors![0]!.message).toMatch(/expired/);
  });

  it('only admins list other users’ tokens, and no listing shows a secret or its hash', async () => {
    const dave = await v.user('dave', 'developer');
    const admin = await v.user('root', 'admin');
    expect(codeOf(await v.gql('{ tokens(user: "root") { id } }', {}, dave.token))).toBe('FORBIDDEN');
    expect(codeOf(await v.gql('{ tokens(all: true) { id } }', {}, dave.token))).toBe('FORBIDDEN');
    expect(codeOf(await v.gql('{ tokens { id } }'))).toBe('UNAUTHENTICATED');
    const all = await v.gql<{ tokens: Record<string, unknown>[] }>('{ tokens(all: true) { id user name prefix } }', {}, admin.token);
    expect(all.data!.tokens.map((x) => x.user).sort()).toEqual(['dave', 'root']);
    const schemaFields = await v.gql<{ __type: { fields: { name: string }[] } }>('{ __type(name: "ApiToken") { fields { name } } }');
    expect(schemaFields.data!.__type.fields.map((f) => f.name)).not.toContain('tokenHash');
    expect(JSON.stringify(all.data)).not.toContain(dave.token);
  });
});

describe('disabled users', () => {
  it('a disabled user’s tokens are refused at once and work again when enabled; only admins do it, never to themselves', async () => {
    const erin = await v.user('erin', 'developer');
    const admin = await v.user('boss', 'admin');
    expect(codeOf(await v.gql('mutation { disableUser(name: "boss") { name } }', {}, erin.token))).toBe('FORBIDDEN');
    expect(codeOf(await v.gql('mutation { disableUser(name: "boss") { name } }', {}, admin.token))).toBe('BAD_INPUT');

    const disabled = await v.gql<{ disableUser: { disabledAt: string } }>('mutation { disableUser(name: "erin") { disabledAt } }', {}, admin.token);
    expect(disabled.data!.disableUser.disabledAt).toBeTruthy();
    const refused = await me(erin.token);
    expect(codeOf(refused)).toBe('UNAUTHENTICATED');
    expect(refused.errors![0]!.message).toMatch(/disabled/);

    await v.gql('mutation { enableUser(name: "erin") { name } }', {}, admin.token);
    expect((await me(erin.token)).data?.me.name).toBe('erin');
  });

  it('nobody may create a user named as Vera’s CI user', async () => {
    const admin = await v.user('root', 'admin');
    expect(codeOf(await v.gql('mutation { createUser(name: "vera-ci", role: admin) { name } }', {}, admin.token))).toBe('BAD_INPUT');
  });
});

describe('collection namespaces', () => {
  it('u/<user>/ is that user’s; ci/ and releases/ are Vera CI’s; other names are shared', async () => {
    const alice = await v.user('alice', 'developer');
    const admin = await v.user('root', 'admin');
    const create = (name: string, token: string) => v.gql(`mutation($n: String!) { createCollection(name: $n, type: TAGGED) { name owner } }`, { n: name }, token);

    expect((await create('u/alice/picks', alice.token)).errors).toBeUndefined();
    for (const name of ['u/bob/picks', 'ci/pipelines/master/abc/drp', 'releases/pipelines/v1.0', 'u']) {
      const res = await create(name, alice.token);
      expect(codeOf(res), name).toBe('NAMESPACE_RESERVED');
    }
    // A chain or a run in someone else's namespace is refused the same way.
    expect(codeOf(await v.gql('mutation { setChain(name: "u/bob/chain", children: ["u/alice/picks"]) { name } }', {}, alice.token))).toBe('NAMESPACE_RESERVED');
    expect((await create('shared/picks', alice.token)).errors).toBeUndefined();
    // Admins manage anyone's namespace; only the system writes ci/ and releases/.
    expect((await create('u/bob/set-up-for-bob', admin.token)).errors).toBeUndefined();
    expect(codeOf(await create('ci/by-admin', admin.token))).toBe('NAMESPACE_RESERVED');
    const system = await systemActor(t.db);
    await expect(createCollection(t.db, { name: 'ci/pipelines/master/abc/drp', type: 'RUN' }, system)).resolves.toMatchObject({ owner: 'vera-ci' });
    await expect(createCollection(t.db, { name: 'releases/pipelines/v1.0', type: 'TAGGED' }, system)).resolves.toMatchObject({ owner: 'vera-ci' });
  });
});

describe('vera tokens and vera users', () => {
  let http: VeraHttpServer;
  beforeAll(async () => {
    http = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  });
  afterAll(() => http.close());

  it('creates a token with an expiry, lists it, revokes it; the revoked token is refused', async () => {
    const admin = await v.user('root', 'admin');
    await v.user('frank', 'developer');
    const env = cliEnv(v.vera.config.home, undefined, { VERA_URL: http.url, VERA_TOKEN: admin.token });
    const created = await runCli(['tokens', 'create', 'github-action', '--user', 'frank', '--expires', '30d', '--json'], env);
    expect(created.code, created.stderr).toBe(0);
    const token = JSON.parse(created.stdout) as { token: string; id: number; expiresAt: string };
    const days = (Date.parse(token.expiresAt) - Date.now()) / 86_400_000;
    expect(days).toBeGreaterThan(29.9);
    expect(days).toBeLessThan(30.1);

    const listed = await runCli(['tokens', 'list', '--user', 'frank'], env);
    expect(listed.code, listed.stderr).toBe(0);
    expect(listed.stdout).toMatch(new RegExp(`^\\s*${token.id}\\s+frank\\s+github-action\\s+vera_\\S+\\s+active`, 'm'));

    const frankEnv = cliEnv(v.vera.config.home, undefined, { VERA_URL: http.url, VERA_TOKEN: token.token });
    expect((await runCli(['tokens', 'list'], frankEnv)).code).toBe(0);
    const revoked = await runCli(['tokens', 'revoke', String(token.id)], env);
    expect(revoked.code, revoked.stderr).toBe(0);
    const after = await runCli(['tokens', 'list'], frankEnv);
    expect(after.code).toBe(3);
    expect(after.stderr).toContain('[UNAUTHENTICATED]');
    expect(after.stderr).not.toMatch(/\n\s+at /); // one line, no stack trace

    const bad = await runCli(['tokens', 'create', 'x', '--expires', 'next tuesday'], env);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("--expires 'next tuesday'");

    const disable = await runCli(['users', 'disable', 'frank'], env);
    expect(disable.code, disable.stderr).toBe(0);
    const users = JSON.parse((await runCli(['users', 'list', '--json'], env)).stdout) as { name: string; disabledAt: string | null }[];
    expect(users.find((u) => u.name === 'frank')!.disabledAt).toBeTruthy();
  });
});
