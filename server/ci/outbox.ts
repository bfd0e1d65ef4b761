import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import { Octokit } from '@octokit/rest';
import type { Db } from '../db/client.ts';
import { githubOutbox, prComments } from '../db/schema/index.ts';
import type { Logger } from '../log.ts';
import { backoffMs, claimDue, type JobQueue } from '../jobs/claim.ts';
import { DrainLoop } from '../util/drain-loop.ts';
import { isNotFound, rateLimitWaitMs } from './github-limits.ts';

export type OutboxItem =
  | { kind: 'status'; repoFullName: string; sha: string; state: 'pending' | 'success' | 'failure' | 'error'; context: string; description: string; targetUrl?: string | undefined }
  | { kind: 'comment'; repoFullName: string; prNumber: number; body: string };

/**
 * Queues a GitHub call. Call it inside the transaction that records what the call reports, so
 * the report is never lost. Statuses are all delivered, in order (GitHub keeps their history:
 * pending, then the result); a newer PR comment supersedes a pending older one, since only the
 * latest text matters.
 */
export async function enqueueGithub(db: Db, item: OutboxItem): Promise<void> {
  const key = item.kind === 'status' ? `status:${item.sha}:${item.context}` : `comment:${item.prNumber}`;
  if (item.kind === 'comment') {
    await db
      .update(githubOutbox)
      .set({ status: 'superseded' })
      .where(and(eq(githubOutbox.repoFullName, item.repoFullName), eq(githubOutbox.key, key), eq(githubOutbox.status, 'pending')));
  }
  await db.insert(githubOutbox).values({ kind: item.kind, repoFullName: item.repoFullName, key, payload: item as unknown as Record<string, unknown> });
}

const MAX_ATTEMPTS = 12;
/** How long a claimed call is this server's: far longer than a GitHub call takes. */
const LEASE_MS = 2 * 60_000;

/** Pending calls as a durable job queue: claimed with a lease, so two servers never both make one. */
const CALLS: JobQueue<typeof githubOutbox> = {
  table: githubOutbox,
  id: githubOutbox.id,
  due: () => and(eq(githubOutbox.status, 'pending'), lte(githubOutbox.nextAttemptAt, new Date())),
  order: githubOutbox.id,
};

/**
 * Delivers due outbox items to GitHub, oldest first. Failures are retried with backoff and
 * given up (status failed, kept for inspection) after MAX_ATTEMPTS; a PR's one comment is
 * created once and edited in place afterwards (created again if someone deleted it). When GitHub
 * says to slow down (rate limits), every call waits as long as it asks, and the wait uses up no try.
 */
export class GithubOutbox {
  private readonly octokit: Octokit;
  private readonly loop: DrainLoop;
  /** Until when GitHub asked this server to make no calls (epoch ms). */
  private pausedUntil = 0;

  constructor(
    private readonly db: Db,
    private readonly log: Logger,
    opts: { token: string; apiUrl: string },
  ) {
    this.octokit = new Octokit({ auth: opts.token, baseUrl: opts.apiUrl, request: { retries: 0 }, log: { debug() {}, info() {}, warn() {}, error() {} } });
    this.loop = new DrainLoop(
      () => this.drain(),
      (e) => this.log.error({ err: e }, 'GitHub outbox pass failed'),
    );
  }

  /** Processes now (or right after the pass in progress). */
  kick(): void {
    this.loop.kick();
  }

  /** Polls for due retries every `intervalMs`. */
  start(intervalMs = 1000): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves when nothing is pending and due (tests and shutdown). */
  idle(): Promise<void> {
    return this.loop.idle(async () => {
      const [due] = await this.db.select({ id: githubOutbox.id }).from(githubOutbox).where(CALLS.due()).limit(1);
      return due !== undefined;
    });
  }

  private async drain(): Promise<void> {
    for (;;) {
      if (Date.now() < this.pausedUntil) return;
      const claimed = await claimDue(this.db, CALLS, 20, { attempts: sql`${githubOutbox.attempts} + 1`, nextAttemptAt: new Date(Date.now() + LEASE_MS) });
      if (claimed.length === 0) return;
      for (const [i, row] of claimed.entries()) {
        try {
          await this.deliver(row.payload as unknown as OutboxItem);
          await this.db.update(githubOutbox).set({ status: 'done', lastError: null }).where(eq(githubOutbox.id, row.id));
        } catch (e) {
          const message = (e as Error).message;
          const waitMs = rateLimitWaitMs(e);
          if (waitMs !== null) {
            // This call and the rest of the batch wait, with their tries given back.
            this.pausedUntil = Date.now() + waitMs;
            this.log.warn({ outbox: row.id, waitMs, err: message }, 'GitHub rate limit: pausing calls');
            await this.db
              .update(githubOutbox)
              .set({ lastError: message, attempts: sql`${githubOutbox.attempts} - 1`, nextAttemptAt: new Date(this.pausedUntil) })
              .where(inArray(githubOutbox.id, claimed.slice(i).map((r) => r.id)));
            return;
          }
          this.log.warn({ outbox: row.id, kind: row.kind, attempts: row.attempts, err: message }, 'GitHub call failed; will retry');
          await this.db
            .update(githubOutbox)
            .set({
              lastError: message,
              status: row.attempts >= MAX_ATTEMPTS ? 'failed' : 'pending',
              nextAttemptAt: new Date(Date.now() + backoffMs(row.attempts)),
            })
            .where(eq(githubOutbox.id, row.id));
        }
      }
    }
  }

  private async deliver(item: OutboxItem): Promise<void> {
    const [owner, repo] = item.repoFullName.split('/') as [string, string];
    if (item.kind === 'status') {
      await this.octokit.rest.repos.createCommitStatus({
        owner,
        repo,
        sha: item.sha,
        state: item.state,
        context: item.context,
        description: item.description.slice(0, 140),
        ...(item.targetUrl ? { target_url: item.targetUrl } : {}),
      });
      return;
    }
    const [existing] = await this.db
      .select()
      .from(prComments)
      .where(and(eq(prComments.repoFullName, item.repoFullName), eq(prComments.prNumber, item.prNumber)));
    if (existing) {
      try {
        await this.octokit.rest.issues.updateComment({ owner, repo, comment_id: Number(existing.commentId), body: item.body });
        await this.db
          .update(prComments)
          .set({ updatedAt: new Date() })
          .where(and(eq(prComments.repoFullName, item.repoFullName), eq(prComments.prNumber, item.prNumber)));
        return;
      } catch (e) {
        // Someone deleted the comment: editing its id would fail forever, so post a new one.
        if (!isNotFound(e)) throw e;
        this.log.info({ repo: item.repoFullName, pr: item.prNumber, comment: existing.commentId }, 'PR comment was deleted; posting it again');
      }
    }
    const res = await this.octokit.rest.issues.createComment({ owner, repo, issue_number: item.prNumber, body: item.body });
    await this.db
      .insert(prComments)
      .values({ repoFullName: item.repoFullName, prNumber: item.prNumber, commentId: String(res.data.id) })
      .onConflictDoUpdate({ target: [prComments.repoFullName, prComments.prNumber], set: { commentId: String(res.data.id), updatedAt: new Date() } });
  }
}

export async function outboxCounts(db: Db): Promise<Record<string, number>> {
  const rows = await db.select({ status: githubOutbox.status, n: sql<number>`count(*)::int` }).from(githubOutbox).groupBy(githubOutbox.status);
  return Object.fromEntries(rows.map((r) => [r.status, r.n]));
}
