import { loadConfig, type VeraConfig } from '../server/config.ts';
import { connect, type VeraClient } from './client.ts';
import { currentProfile } from './profiles.ts';

/**
 * The configuration a command connects with: the environment (server/config.ts), with the URL
 * and token of the stored login (`vera login`, profiles.ts) where the environment gives none.
 */
export async function cliConfig(env: NodeJS.ProcessEnv = process.env): Promise<VeraConfig> {
  const config = loadConfig(env);
  const profile = await currentProfile(env);
  if (!profile) return config;
  return { ...config, url: config.url ?? profile.url, token: config.token ?? (config.url ? undefined : profile.token) };
}

/** Runs a command body with a connected client, closing it however the body ends. */
export async function withClient<T>(fn: (client: VeraClient, config: VeraConfig) => Promise<T>): Promise<T> {
  const config = await cliConfig();
  const client = await connect(config);
  try {
    return await fn(client, config);
  } finally {
    await client.close();
  }
}

export function splitList(value: string): string[] {
  return value
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
