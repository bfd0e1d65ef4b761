import type { Command } from 'commander';
import { VeraError } from '../../server/errors.ts';
import { connect } from '../client.ts';
import { loadConfig } from '../../server/config.ts';
import { graphql } from '../generated/gql.ts';
import { profileName, saveProfile } from '../profiles.ts';

/** `vera login URL` / `vera logout`: the stored server URL and token of a profile (cli/profiles.ts). */

const WHO = graphql(`
  query LoginCheck { me { name role } }
`);

function parseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new VeraError('BAD_INPUT', `'${value}' is not a URL; give the server's address, e.g. https://vera.example.org`, { url: value });
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new VeraError('BAD_INPUT', `'${value}': only http and https URLs`, { url: value });
  return url.origin + url.pathname.replace(/\/+$/, '');
}

async function readToken(): Promise<string> {
  if (process.stdin.isTTY) {
    throw new VeraError('BAD_INPUT', 'give the API token on standard input, e.g. vera login URL < token-file (vera tokens create prints one); it is not taken as an argument, which shell history would keep');
  }
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  const token = Buffer.concat(chunks).toString('utf8').trim();
  if (!token || /\s/.test(token)) throw new VeraError('BAD_INPUT', 'standard input held no API token (one line, no spaces)');
  return token;
}

export function register(program: Command): void {
  program
    .command('login')
    .description('store a server URL and an API token (read from standard input) in a profile, checked against the server')
    .argument('<url>', "the server's URL, e.g. https://vera.example.org", parseUrl)
    .action(async (url: string) => {
      const token = await readToken();
      const client = await connect({ ...loadConfig(), url, token });
      const { me } = await client.request(WHO).catch((e: unknown) => {
        if (e instanceof VeraError && e.code === 'UNAUTHENTICATED') throw new VeraError('UNAUTHENTICATED', `${url} does not accept this token: ${e.message}`, { url });
        throw e;
      });
      if (me.name === 'anonymous') throw new VeraError('UNAUTHENTICATED', `${url} did not recognise this token`, { url });
      const name = profileName();
      const file = await saveProfile(name, { url, token });
      process.stderr.write(`logged in to ${url} as '${me.name}' (${me.role}); profile '${name}' saved in ${file}\n`);
    });

  program
    .command('logout')
    .description("forget a profile's stored URL and token")
    .action(async () => {
      const name = profileName();
      const file = await saveProfile(name, undefined);
      process.stderr.write(`profile '${name}' removed from ${file}\n`);
    });
}
