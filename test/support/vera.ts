import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { openVera, type OpenOptions, type Vera } from '../../server/app.ts';
import { createToken, type Actor } from '../../server/auth/index.ts';
import { loadConfig } from '../../server/config.ts';
import { createGraphQL, type VeraYoga } from '../../server/graphql/yoga.ts';
import { createLogger } from '../../server/log.ts';
import type { TestDatabase } from './db.ts';
import { makeActor } from './factories.ts';
import { PROJECT_ROOT } from './git-repo.ts';

export interface TestVera {
  readonly vera: Vera;
  readonly yoga: VeraYoga;
  /** A user with that role and a token for it. */
  user(name: string, role: Actor['role']): Promise<{ actor: Actor; token: string }>;
  /** A GraphQL request through the real yoga pipeline (no socket). */
  gql<T = Record<string, unknown>>(
    query: string,
    variables?: Record<string, unknown>,
    token?: string,
  ): Promise<{ data?: T; errors?: { message: string; extensions: Record<string, unknown> }[] }>;
}

/** A Vera over the test file's database, with a temp VERA_HOME for its datastore. */
/**
 * `homeInProject` puts VERA_HOME under the project's `.test-tmp/`, so pipeline code checked out
 * into its worktrees resolves `zod` and Vera's framework as a real installation's would.
 * `open` goes to openVera (a cheaper replay processor, say).
 */
export function useTestVera(t: TestDatabase, env: Record<string, string> = {}, opts: { homeInProject?: boolean; open?: Omit<OpenOptions, 'database'> } = {}): TestVera {
  let vera: Vera | undefined;
  let yoga: VeraYoga | undefined;
  let home: string;
  beforeAll(async () => {
    const parent = opts.homeInProject ? path.join(PROJECT_ROOT, '.test-tmp') : os.tmpdir();
    fs.mkdirSync(parent, { recursive: true });
    home = fs.mkdtempSync(path.join(parent, 'vera-home-'));
    const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', ...env });
    vera = await openVera(config, createLogger(config), { ...opts.open, database: t.database });
    yoga = createGraphQL(vera);
  });
  afterAll(async () => {
    await vera?.close();
    fs.rmSync(home, { recursive: true, force: true });
  });
  return {
    get vera() {
      return vera!;
    },
    get yoga() {
      return yoga!;
    },
    async user(name, role) {
      const actor = await makeActor(t.db, name, role);
      const { token } = await createToken(t.db, actor.id, 'test');
      return { actor, token };
    },
    async gql(query, variables, token) {
      const res = await yoga!.fetch('http://test/graphql', {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
        body: JSON.stringify({ query, variables }),
      });
      return res.json();
    },
  };
}
