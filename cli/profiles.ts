import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { VeraError } from '../server/errors.ts';

/**
 * Stored logins (`vera login`): named profiles, each a server URL and an API token, in
 * `$XDG_CONFIG_HOME/vera/config.yaml` (default ~/.config/vera/config.yaml), mode 0600:
 *
 *     profiles:
 *       default: { url: https://vera.example.org, token: vera_... }
 *       ci: { url: http://127.0.0.1:8080, token: vera_... }
 *
 * The profile is `--profile NAME`, else VERA_PROFILE, else `default`. VERA_URL and VERA_TOKEN,
 * when set, win over what the profile says.
 */
export interface Profile {
  url: string;
  token: string;
}

const NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;
let selected: string | undefined;

/** `--profile NAME` (main.ts): the profile of this invocation. */
export function selectProfile(name: string | undefined): void {
  if (name !== undefined) checkProfileName(name);
  selected = name;
}

export function profileName(env: NodeJS.ProcessEnv = process.env): string {
  const name = selected ?? (env.VERA_PROFILE || 'default');
  checkProfileName(name);
  return name;
}

function checkProfileName(name: string): void {
  if (!NAME.test(name)) throw new VeraError('BAD_INPUT', `profile name '${name}': use letters, digits, '.', '_' and '-' (at most 64)`, { profile: name });
}

export function configFile(env: NodeJS.ProcessEnv = process.env): string {
  const base = env.XDG_CONFIG_HOME && path.isAbsolute(env.XDG_CONFIG_HOME) ? env.XDG_CONFIG_HOME : path.join(os.homedir(), '.config');
  return path.join(base, 'vera', 'config.yaml');
}

type Profiles = Record<string, Profile>;

async function readProfiles(file: string): Promise<Profiles> {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  const { parse } = await import('yaml');
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new VeraError('BAD_INPUT', `${file}: not valid YAML: ${(e as Error).message.split('\n')[0]}`, { file });
  }
  const profiles = (doc as { profiles?: unknown } | null)?.profiles ?? {};
  if (typeof profiles !== 'object' || profiles === null || Array.isArray(profiles)) throw new VeraError('BAD_INPUT', `${file}: 'profiles' must map profile names to {url, token}`, { file });
  for (const [name, p] of Object.entries(profiles as Record<string, unknown>)) {
    const { url, token } = (p ?? {}) as Partial<Profile>;
    if (typeof url !== 'string' || typeof token !== 'string') throw new VeraError('BAD_INPUT', `${file}: profile '${name}' needs a url and a token (run vera login again)`, { file, profile: name });
  }
  return profiles as Profiles;
}

/** The selected profile, if the config file has it. */
export async function currentProfile(env: NodeJS.ProcessEnv = process.env): Promise<(Profile & { name: string }) | undefined> {
  const name = profileName(env);
  const profile = (await readProfiles(configFile(env)))[name];
  if (!profile) {
    if (selected !== undefined || env.VERA_PROFILE) throw new VeraError('NOT_FOUND', `no profile '${name}' in ${configFile(env)}; create it with vera login URL --profile ${name}`, { profile: name });
    return undefined;
  }
  return { name, ...profile };
}

/** Writes the config file with `profile` set (or removed, when undefined): a 0600 temp file renamed over it. */
export async function saveProfile(name: string, profile: Profile | undefined, env: NodeJS.ProcessEnv = process.env): Promise<string> {
  checkProfileName(name);
  const file = configFile(env);
  const profiles = await readProfiles(file);
  if (profile) profiles[name] = profile;
  else delete profiles[name];
  const { stringify } = await import('yaml');
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o600);
  try {
    fs.writeSync(fd, `# vera login: server URLs and API tokens. Keep this file private (mode 0600).\n${stringify({ profiles })}`);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  return file;
}
