import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';

export function register(program: Command): void {
  program
    .command('grant')
    .description('let another user prune your runs (--revoke takes it back; no user: list grants)')
    .argument('[user]', 'who may prune your runs')
    .option('--revoke', 'take the grant back')
    .option('--owner <name>', "grant on another user's behalf (admins)")
    .option('--json', 'machine-readable output')
    .action(async (user: string | undefined, opts: { revoke?: boolean; owner?: string; json?: boolean }) => {
      await withClient(async (c) => {
        if (user === undefined) {
          const { grants } = await c.request(graphql(`query Grants { grants { owner grantee createdAt } }`));
          if (opts.json) return printJson(grants);
          return printTable(['OWNER', 'GRANTEE', 'SINCE'], grants.map((g) => [g.owner, g.grantee, g.createdAt.slice(0, 16).replace('T', ' ')]));
        }
        if (opts.revoke) {
          const { revokeGrant } = await c.request(graphql(`mutation RevokeGrant($u: String!, $o: String) { revokeGrant(user: $u, owner: $o) }`), { u: user, o: opts.owner });
          if (opts.json) return printJson({ revoked: revokeGrant });
          process.stderr.write(revokeGrant ? `'${user}' may no longer prune those runs\n` : `'${user}' had no grant\n`);
          return;
        }
        const { grant } = await c.request(graphql(`mutation Grant($u: String!, $o: String) { grant(user: $u, owner: $o) { owner grantee createdAt } }`), { u: user, o: opts.owner });
        if (opts.json) return printJson(grant);
        process.stderr.write(`'${grant.grantee}' may now prune runs of '${grant.owner}'\n`);
      });
    });
}
