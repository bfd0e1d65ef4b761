import { sql } from 'drizzle-orm';
import { check, index, integer, jsonb, pgTable, primaryKey, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';
import { runs } from './runs.ts';

/** A git repository Vera tracks: a bare mirror under $VERA_HOME/git, fetched on demand and on webhooks. */
export const repos = pgTable('repos', {
  id: serial('id').primaryKey(),
  name: text('name').notNull().unique(),
  url: text('url').notNull(),
  mirrorPath: text('mirror_path').notNull(),
  /** `owner/name` on GitHub, matched against webhook payloads. */
  githubFullName: text('github_full_name').unique(),
  defaultBranch: text('default_branch').notNull().default('master'),
  ownerId: integer('owner_id').references(() => users.id),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  fetchedAt: timestamp('fetched_at', { withTimezone: true }),
});

/** Branches and tags of a tracked repository as of its last fetch. */
export const gitRefs = pgTable(
  'git_refs',
  {
    repoId: integer('repo_id')
      .notNull()
      .references(() => repos.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    kind: text('kind').notNull(),
    sha: text('sha').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.repoId, t.name] })],
);

/** Commits seen in a tracked repository, with their parents. */
export const commits = pgTable(
  'commits',
  {
    repoId: integer('repo_id')
      .notNull()
      .references(() => repos.id, { onDelete: 'cascade' }),
    sha: text('sha').notNull(),
    parents: jsonb('parents').$type<string[]>().notNull(),
    author: text('author').notNull(),
    committedAt: timestamp('committed_at', { withTimezone: true }).notNull(),
    subject: text('subject').notNull(),
  },
  (t) => [primaryKey({ columns: [t.repoId, t.sha] })],
);

/** A CI build: a commit on a ref (branch, PR head, tag), from a webhook, the API or a schedule. */
export const builds = pgTable(
  'builds',
  {
    id: serial('id').primaryKey(),
    repoId: integer('repo_id')
      .notNull()
      .references(() => repos.id),
    commit: text('commit').notNull(),
    ref: text('ref').notNull(),
    event: text('event').notNull(),
    prNumber: integer('pr_number'),
    status: text('status').notNull().default('queued'),
    deliveryId: text('delivery_id'),
    summary: jsonb('summary').$type<Record<string, unknown>>(),
    error: text('error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    unique('builds_once').on(t.repoId, t.commit, t.ref),
    check('builds_status_check', sql`${t.status} IN ('queued', 'running', 'succeeded', 'failed', 'error')`),
    index('builds_status_idx').on(t.status),
  ],
);

export const buildRuns = pgTable(
  'build_runs',
  {
    buildId: integer('build_id')
      .notNull()
      .references(() => builds.id, { onDelete: 'cascade' }),
    runId: integer('run_id')
      .notNull()
      .references(() => runs.id),
    pipeline: text('pipeline').notNull(),
    dataset: text('dataset').notNull(),
  },
  (t) => [primaryKey({ columns: [t.buildId, t.runId] })],
);

/** Every webhook delivery, stored before it is acknowledged; processed asynchronously, once. */
export const webhookDeliveries = pgTable(
  'webhook_deliveries',
  {
    id: text('id').primaryKey(),
    event: text('event').notNull(),
    action: text('action'),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('received'),
    attempts: integer('attempts').notNull().default(0),
    /** When it may be (re)tried; a claim pushes it forward, so a crashed processor's claim expires. */
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    error: text('error'),
    receivedAt: timestamp('received_at', { withTimezone: true }).notNull().defaultNow(),
    processedAt: timestamp('processed_at', { withTimezone: true }),
  },
  (t) => [
    check('webhook_deliveries_status_check', sql`${t.status} IN ('received', 'processing', 'processed', 'ignored', 'failed')`),
    index('webhook_deliveries_status_idx').on(t.status),
  ],
);

/**
 * Calls to GitHub waiting to be made (commit statuses, check runs, PR comments): written in the
 * same transaction as the result they report, retried with backoff, so a GitHub outage never
 * loses a result.
 */
export const githubOutbox = pgTable(
  'github_outbox',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    repoFullName: text('repo_full_name').notNull(),
    /** What the call is about (a commit SHA, a PR number): later calls for the same key supersede earlier ones. */
    key: text('key').notNull(),
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    status: text('status').notNull().default('pending'),
    attempts: integer('attempts').notNull().default(0),
    nextAttemptAt: timestamp('next_attempt_at', { withTimezone: true }).notNull().defaultNow(),
    lastError: text('last_error'),
    createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [
    check('github_outbox_status_check', sql`${t.status} IN ('pending', 'done', 'failed', 'superseded')`),
    index('github_outbox_due_idx').on(t.status, t.nextAttemptAt),
  ],
);

/** The one Vera comment on each pull request, edited in place on every new push. */
export const prComments = pgTable(
  'pr_comments',
  {
    repoFullName: text('repo_full_name').notNull(),
    prNumber: integer('pr_number').notNull(),
    commentId: text('comment_id').notNull(),
    updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.repoFullName, t.prNumber] })],
);
