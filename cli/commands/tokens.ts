import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { TokensQuery } from '../generated/graphql.ts';

type TokenRow = TokensQuery['tokens'][number];

const UNITS_MS: Record<string, number> = { h: 3_600_000, d: 86_400_000, w: 7 * 86_400_000 };

/** `--expires 30d` (hours, days, weeks from now) or an ISO 8601 instant, as an ISO string. */
export function parseExpiry(value: string, now = Date.now()): string {
  const rel = /^(\d+)([hdw])$/.exec(value);
  if (rel) return new Date(now + Number(rel[1]) * UNITS_MS[rel[2]!]!).toISOString();
  const at = new Date(value);
  if (!/^\d{4}-\d\d-\d\d/.test(value) || Number.isNaN(at.getTime())) {
    throw new VeraError('BAD_INPUT', `--expires '${value}': give a duration such as 12h, 30d or 8w, or an instant such as 2027-01-31T00:00:00Z`, { value });
  }
  return at.toISOString();
}

const day = (iso: string | null) => (iso ? iso.slice(0, 16).replace('T', ' ') : '');

function state(t: TokenRow, now = Date.now()): string {
  if (t.revokedAt) return 'revoked';
  if (t.expiresAt && Date.parse(t.expiresAt) <= now) return 'expired';
  return 'active';
}

export function register(program: Command): void {
  const tokens = program.command('tokens').description('API tokens: list, create, revoke');
  tokens
    .command('list')
    .description('list your tokens (admins: --user NAME or --all)')
    .option('--user <name>', "another user's tokens (admins)")
    .option('--all', "every user's tokens (admins)")
    .option('--json', 'machine-readable output')
    .action(async (opts: { user?: string; all?: boolean; json?: boolean }) => {
      const { tokens: rows } = await withClient((c) =>
        c.request(graphql(`query Tokens($u: String, $a: Boolean) { tokens(user: $u, all: $a) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }`), { u: opts.user, a: opts.all ?? false }),
      );
      if (opts.json) return printJson(rows);
      printTable(
        ['ID', 'USER', 'NAME', 'PREFIX', 'STATE', 'CREATED', 'LAST USED', 'EXPIRES'],
        rows.map((t) => [t.id, t.user, t.name, `${t.prefix}…`, state(t), day(t.createdAt), day(t.lastUsedAt), day(t.expiresAt)]),
      );
    });
  tokens
    .command('create')
    .description('create a token (shown once; Vera keeps only its hash)')
    .argument('<name>', 'what the token is for, e.g. "github-action"')
    .option('--user <name>', 'for another user (admins)')
    .option('--expires <when>', 'expiry: 12h, 30d, 8w from now, or an ISO 8601 instant')
    .option('--json', 'machine-readable output')
    .action(async (name: string, opts: { user?: string; expires?: string; json?: boolean }) => {
      const expiresAt = opts.expires ? parseExpiry(opts.expires) : undefined;
      const { createToken } = await withClient((c) =>
        c.request(
          graphql(`mutation CreateToken($n: String!, $u: String, $e: DateTime) { createToken(name: $n, user: $u, expiresAt: $e) { token id user expiresAt } }`),
          { n: name, u: opts.user, e: expiresAt },
        ),
      );
      if (opts.json) return printJson(createToken);
      process.stderr.write(`token ${createToken.id} for '${createToken.user}'${createToken.expiresAt ? `, expires ${createToken.expiresAt}` : ''}; it is shown only now:\n`);
      process.stdout.write(`${createToken.token}\n`);
    });
  tokens
    .command('revoke')
    .description('revoke tokens at once (yours; admins: anyone\'s)')
    .argument('<ids...>', 'token ids, from vera tokens list')
    .action(async (ids: string[]) => {
      const numbers = ids.map((id) => {
        if (!/^\d+$/.test(id)) throw new VeraError('BAD_INPUT', `token id '${id}' is not a number; see vera tokens list`, { id });
        return Number(id);
      });
      await withClient(async (c) => {
        for (const id of numbers) {
          const { revokeToken } = await c.request(graphql(`mutation RevokeToken($id: Int!) { revokeToken(id: $id) { id user name prefix createdAt lastUsedAt expiresAt revokedAt } }`), { id });
          process.stderr.write(`revoked token ${revokeToken.id} (${revokeToken.name}) of '${revokeToken.user}'\n`);
        }
      });
    });
}
