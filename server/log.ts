import { pino, type Logger } from 'pino';
import type { VeraConfig } from './config.ts';

export type { Logger };

/** JSON logs on stderr, so stdout stays clean for CLI output that other programs read. */
export function createLogger(config: Pick<VeraConfig, 'logLevel'>): Logger {
  return pino({ level: config.logLevel, base: { service: 'vera' } }, pino.destination(2));
}
