import type { Command } from 'commander';
import { withClient } from '../context.ts';
import { printJson, printTable } from '../output.ts';

interface UserRow {
  name: string;
  role: string;
  createdAt: string;
  disabledAt: string | null;
}

const USER_FIELDS = 'name role createdAt disabledAt';

export function register(program: Command): void {
  const users = program.command('users').description('users and roles (admins): list, create, disable, enable');
  users
    .command('list')
    .description('list users')
    .option('--json', 'machine-readable output')
    .action(async (opts: { json?: boolean }) => {
      const { users: rows } = await withClient((c) => c.request<{ users: UserRow[] }>(`{ users { ${USER_FIELDS} } }`));
      if (opts.json) return printJson(rows);
      printTable(['NAME', 'ROLE', 'CREATED', 'DISABLED'], rows.map((u) => [u.name, u.role, u.createdAt.slice(0, 10), u.disabledAt?.slice(0, 16).replace('T', ' ')]));
    });
  users
    .command('create')
    .description('create a user; give them a token with vera tokens create --user NAME')
    .argument('<name>', 'user name')
    .requiredOption('--role <role>', 'viewer, developer, operator or admin')
    .action(async (name: string, opts: { role: string }) => {
      await withClient((c) => c.request(`mutation($n: String!, $r: Role!) { createUser(name: $n, role: $r) { name } }`, { n: name, r: opts.role }));
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
        await withClient((c) => c.request(`mutation($n: String!) { ${mutation}(name: $n) { name } }`, { n: name }));
        process.stderr.write(`${verb}d user '${name}'\n`);
      });
  }
}
