import { loadConfig, type VeraConfig } from '../server/config.ts';
import { connect, type VeraClient } from './client.ts';

/** Runs a command body with a connected client, closing it however the body ends. */
export async function withClient<T>(fn: (client: VeraClient, config: VeraConfig) => Promise<T>): Promise<T> {
  const config = loadConfig();
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
