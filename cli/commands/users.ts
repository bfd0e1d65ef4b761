import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';
import { graphql } from '../generated/gql.ts';
import type { Role } from '../generated/graphql.ts';

const DISABLE_USER = graphql(`mutation DisableUser($n: String!) { disableUser(name: $n) { name } }`);
const ENABLE_USER = graphql(`mutation EnableUser($n: String!) { enableUser(name: $n) { name } }`);

export function register(program: Command): void {
  const users = program.command('users').description('users and roles (admins): list, create, disable, enable');
  users
    .command('list')
    .description('list users')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { users: rows } = await withClient((c) => c.request(graphql(`query Users { users { name role createdAt disabledAt } }`)));
      if (opts.json) return printJson(rows);
      printTable(['NAME', 'ROLE', 'CREATED', 'DISABLED'], rows.map((u) => [u.name, u.role, u.createdAt?.slice(0, 10), u.disabledAt?.slice(0, 16).replace('T', ' ')]));
    });
  users
    .command('create')
    .description('create a user; give them a token with vera tokens create --user NAME')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', 'viewer, developer, operator or admin')
    .action(async (name: string, opts: { role: string }) => {
      await withClient((c) => c.request(graphql(`mutation CreateUser($n: String!, $r: Role!) { createUser(name: $n, role: $r) { name } }`), { n: name, r: opts.role as Role }));
      process.stderr.write(`created user '${name}' (${opts.role})\n`);
    });
  for (const [verb, mutation] of [
    ['disable', 'disableUser'],
    ['enable', 'enableUser'],
  ] as const) {
    users
      .command(verb)
      .description(verb === 'disable' ? "disable a user: their tokens are refused at once; what they own stays" : 'enable a disabled user again')
      .argument('<name>', 'user name')
      .action(async (name: string) => {
        await withClient(async (c) => {
          if (mutation === 'disableUser') await c.request(DISABLE_USER, { n: name });
          else await c.request(ENABLE_USER, { n: name });
        });
        process.stderr.write(`${verb}d user '${name}'\n`);
      });
  }
}
