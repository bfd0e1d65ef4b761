import { createHash } from 'node:crypto';
import path from 'node:path';
import { z } from 'zod';
import { VeraError } from './errors.ts';

/**
 * The environment, parsed once at start. Nothing else reads `process.env`; everything that needs
 * a setting receives this object. Defaults here are the ones the README documents.
 */
const boolish = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const EnvSchema = z.object({
  DATABASE_URL: z.string().url().optional(),
  VERA_HOME: z.string().default('./.vera'),
  VERA_PORT: z.coerce.number().int().min(0).max(65535).default(4000),
  VERA_HOST: z.string().default('127.0.0.1'),
  VERA_EXECUTOR: z.enum(['local', 'slurm']).default('local'),
  VERA_THREADS: z.coerce.number().int().min(1).optional(),
  VERA_SLURM_CONFIG: z.string().optional(),
  VERA_SLURM_DIR: z.string().optional(),
  VERA_SLURM_REPORT_URL: z.string().url().optional(),
  VERA_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  VERA_ANONYMOUS_READ: boolish.default(true),
  VERA_URL: z.string().url().optional(),
  VERA_TOKEN: z.string().optional(),
  GITHUB_WEBHOOK_SECRET: z.string().optional(),
  GITHUB_TOKEN: z.string().optional(),
  GITHUB_API_URL: z.string().url().default('https://api.github.com'),
  NODE_ENV: z.string().optional(),
  VERA_INTROSPECTION: z.enum(['everyone', 'authenticated', 'off']).optional(),
  VERA_CORS_ORIGINS: z.string().optional(),
  VERA_PIPELINE_ROOTS: z.string().optional(),
  VERA_IMPORT_ROOTS: z.string().optional(),
  VERA_ORPHANED_RUNS: z.enum(['resume', 'fail']).default('resume'),
  VERA_RUN_LEASE_SECONDS: z.coerce.number().int().min(5).max(86_400).default(60),
  VERA_MAX_BODY_BYTES: z.coerce.number().int().min(1024).default(4 * 1024 * 1024),
  VERA_RUN_LIFETIME_DAYS: z.string().optional(),
  VERA_WORKTREE_KEEP_DAYS: z.coerce.number().min(0).default(14),
  VERA_QUOTA_CORE_HOURS: z.coerce.number().min(0).default(10_000),
  VERA_QUOTA_BYTES: z.coerce.number().int().min(0).default(10 * 1024 ** 4),
  VERA_ALERT_STREAM: z.string().url().optional(),
});

/** Days a run of each purpose lives when its submitter names no expiry (VERA_RUN_LIFETIME_DAYS overrides). */
export type RunLifetimes = Record<'developer' | 'replay' | 'ci' | 'operator', number>;

export const DEFAULT_RUN_LIFETIMES: RunLifetimes = { developer: 28, replay: 28, ci: 90, operator: 365 };

/** Parses VERA_RUN_LIFETIME_DAYS, e.g. `developer=28,ci=90`: purposes not named keep their default. */
export function parseRunLifetimes(text: string | undefined): RunLifetimes {
  const out = { ...DEFAULT_RUN_LIFETIMES };
  if (!text?.trim()) return out;
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(\d+(?:\.\d+)?)\s*$/.exec(part);
    if (!m || !(m[1]! in out) || Number(m[2]) <= 0) {
      throw new VeraError('CONFIG_INVALID', `VERA_RUN_LIFETIME_DAYS: '${part.trim()}' is not <purpose>=<days> with purpose one of ${Object.keys(out).join(', ')} and days > 0`, {
        part,
      });
    }
    out[m[1] as keyof RunLifetimes] = Number(m[2]);
  }
  return out;
}

export interface VeraConfig {
  /** Postgres server URL; undefined means the embedded PGlite database under `home/db`. */
  databaseUrl: string | undefined;
  /** Absolute path of VERA_HOME. */
  home: string;
  port: number;
  host: string;
  executor: 'local' | 'slurm';
  /** Worker threads of the local executor; undefined means one per core. */
  threads: number | undefined;
  /**
   * The Slurm executor: its settings file (YAML, docs/runner.md), the directory batch jobs share
   * with the server (default `home/slurm`; must be on the filesystem the nodes see, like the
   * datastore), and the URL jobs report to (default: the URL the HTTP server listens at).
   */
  slurm: { configFile: string | undefined; dir: string; reportUrl: string | undefined };
  logLevel: z.infer<typeof EnvSchema>['VERA_LOG_LEVEL'];
  /** Whether requests without a token may read (viewer rights). Writes always need a token. */
  anonymousRead: boolean;
  /** Where CLI commands send GraphQL; undefined: a local server if one answers, else in-process. */
  url: string | undefined;
  token: string | undefined;
  github: { webhookSecret: string | undefined; token: string | undefined; apiUrl: string };
  /** NODE_ENV=production: safer defaults for a server that faces a network. */
  production: boolean;
  /**
   * Who may introspect the schema and open GraphiQL: everyone, authenticated users only, or
   * nobody. Default: everyone in development, authenticated in production.
   */
  introspection: 'everyone' | 'authenticated' | 'off';
  /** Origins allowed to call the API from a browser (CORS); empty: CORS off, same origin only. */
  corsOrigins: string[];
  /**
   * Directories whose pipelines (and task modules) runs may use, besides Vera's own checkout and
   * the worktrees of tracked repositories. Task classes never resolve outside their pipeline's root.
   */
  pipelineRoots: string[];
  /** Directories a `butler export` import may read dataset files from (its datastore root); empty: none. */
  importRoots: string[];
  /** What start-up does with runs whose executing process died: resume them, or mark them failed. */
  orphanedRuns: 'resume' | 'fail';
  /** A running run whose heartbeat is older than this lost its executor. */
  runLeaseMs: number;
  /** Largest request body accepted on /graphql (webhooks have GitHub's own 25 MB limit). */
  maxBodyBytes: number;
  /** Days a new run lives, per purpose, when its submitter names no expiry. */
  runLifetimes: RunLifetimes;
  /** A build's worktree is removable by `vera prune` once unused this many days (no pending run). */
  worktreeKeepDays: number;
  /** A user's campaign limits when an admin set none for them (VERA_QUOTA_CORE_HOURS, VERA_QUOTA_BYTES). */
  defaultQuota: { coreHours: number; bytes: number };
  /** NATS server (JetStream) replays publish alerts to, e.g. nats://127.0.0.1:4222; undefined: alerts are only stored. */
  alertStream: string | undefined;
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env, overrides: Partial<VeraConfig> = {}): VeraConfig {
  // Empty strings in the environment mean "unset", as in most shells' `VAR= cmd` habit.
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ''));
  const parsed = EnvSchema.safeParse(cleaned);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new VeraError('CONFIG_INVALID', `invalid environment: ${issues}`, { issues: parsed.error.issues });
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  return {
    databaseUrl: e.DATABASE_URL,
    home: path.resolve(e.VERA_HOME),
    port: e.VERA_PORT,
    host: e.VERA_HOST,
    executor: e.VERA_EXECUTOR,
    threads: e.VERA_THREADS,
    slurm: {
      configFile: e.VERA_SLURM_CONFIG ? path.resolve(e.VERA_SLURM_CONFIG) : undefined,
      dir: path.resolve(e.VERA_SLURM_DIR ?? path.join(e.VERA_HOME, 'slurm')),
      reportUrl: e.VERA_SLURM_REPORT_URL,
    },
    logLevel: e.VERA_LOG_LEVEL,
    anonymousRead: e.VERA_ANONYMOUS_READ,
    url: e.VERA_URL,
    token: e.VERA_TOKEN,
    github: { webhookSecret: e.GITHUB_WEBHOOK_SECRET, token: e.GITHUB_TOKEN, apiUrl: e.GITHUB_API_URL },
    production,
    introspection: e.VERA_INTROSPECTION ?? (production ? 'authenticated' : 'everyone'),
    corsOrigins: splitList(e.VERA_CORS_ORIGINS, ','),
    pipelineRoots: splitList(e.VERA_PIPELINE_ROOTS, path.delimiter).map((p) => path.resolve(p)),
    importRoots: splitList(e.VERA_IMPORT_ROOTS, path.delimiter).map((p) => path.resolve(p)),
    orphanedRuns: e.VERA_ORPHANED_RUNS,
    runLeaseMs: e.VERA_RUN_LEASE_SECONDS * 1000,
    maxBodyBytes: e.VERA_MAX_BODY_BYTES,
    runLifetimes: parseRunLifetimes(e.VERA_RUN_LIFETIME_DAYS),
    worktreeKeepDays: e.VERA_WORKTREE_KEEP_DAYS,
    defaultQuota: { coreHours: e.VERA_QUOTA_CORE_HOURS, bytes: e.VERA_QUOTA_BYTES },
    alertStream: e.VERA_ALERT_STREAM,
    ...overrides,
  };
}

/**
 * An opaque id of a VERA_HOME: a CLI finds the local server for its own home by comparing ids,
 * and /healthz tells no one where on the server the home is.
 */
export function homeId(home: string): string {
  return createHash('sha256').update(path.resolve(home)).digest('hex').slice(0, 16);
}

function splitList(value: string | undefined, separator: string): string[] {
  return (value ?? '')
    .split(separator)
    .map((s) => s.trim())
    .filter((s) => s.length > 0);
}
