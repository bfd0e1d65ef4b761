import { and, eq, inArray, lte, sql } from 'drizzle-orm';
import type { EmitterWebhookEvent } from '@octokit/webhooks';
import { verify } from '@octokit/webhooks-methods';
import { systemActor } from '../auth/users.ts';
import type { CiDeps } from './deps.ts';
import type { Db } from '../db/client.ts';
import { webhookDeliveries } from '../db/schema/index.ts';
import { backoffMs, claimDue, type JobQueue } from '../jobs/claim.ts';
import { DrainLoop } from '../util/drain-loop.ts';
import { requestBuild } from './builds.ts';
import { resolveRef } from '../git/git.ts';
import { fetchRepo, findRepoByGithubName } from '../git/repos.ts';

export interface DeliveryResponse {
  status: number;
  body: Record<string, unknown>;
}

type Payload = Record<string, unknown> & { repository?: { full_name?: string } };
/** GitHub's payload of an event, as @octokit/webhooks types it. */
type PayloadOf<E extends 'push' | 'pull_request' | 'release' | 'workflow_run'> = EmitterWebhookEvent<E>['payload'];

/**
 * Whether a delivery's headers allow reading its body at all: webhooks configured, and the
 * event, delivery id and signature present. Undefined when they do; else the answer to give.
 */
export function checkDeliveryHeaders(secret: string | undefined, headers: Record<string, string | undefined>): DeliveryResponse | undefined {
  if (!secret) return { status: 503, body: { error: 'webhooks are not configured: set GITHUB_WEBHOOK_SECRET' } };
  if (!headers['x-github-event'] || !headers['x-github-delivery'] || !headers['x-hub-signature-256']) {
    return { status: 400, body: { error: 'missing X-GitHub-Event, X-GitHub-Delivery or X-Hub-Signature-256 header' } };
  }
  return undefined;
}

/**
 * Accepts a GitHub webhook delivery: the `X-Hub-Signature-256` HMAC is verified (constant time)
 * before anything is stored; the delivery is stored under its `X-GitHub-Delivery` id, once (a
 * repeat is a no-op, unless processing it had failed for good), and answered 202 at once;
 * processing happens afterwards.
 */
export async function receiveDelivery(db: Db, secret: string | undefined, headers: Record<string, string | undefined>, raw: string): Promise<DeliveryResponse> {
  const refused = checkDeliveryHeaders(secret, headers);
  if (refused) return refused;
  const event = headers['x-github-event']!;
  const id = headers['x-github-delivery']!;
  if (!(await verify(secret!, raw, headers['x-hub-signature-256']!).catch(() => false))) return { status: 401, body: { error: 'bad signature' } };
  let parsed: unknown;
  try {
    const text = headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? (new URLSearchParams(raw).get('payload') ?? '') : raw;
    parsed = JSON.parse(text);
  } catch {
    return { status: 400, body: { error: 'payload is not JSON' } };
  }
  // Every GitHub event is an object; null, numbers, strings and arrays are someone else's.
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { status: 400, body: { error: 'payload is not a JSON object' } };
  const payload = parsed as Payload;
  const action = typeof payload.action === 'string' ? payload.action : null;
  const [stored] = await db.insert(webhookDeliveries).values({ id, event, action, payload }).onConflictDoNothing().returning({ id: webhookDeliveries.id });
  if (stored) return { status: 202, body: { delivery: id, accepted: true } };
  // GitHub's "Redeliver" sends the same delivery id again: one whose processing was given up on
  // (attempts used up) is tried again, from the first attempt; any other repeat is a no-op.
  const [retried] = await db
    .update(webhookDeliveries)
    .set({ status: 'received', attempts: 0, nextAttemptAt: new Date() })
    .where(and(eq(webhookDeliveries.id, id), eq(webhookDeliveries.status, 'failed')))
    .returning({ id: webhookDeliveries.id });
  if (retried) return { status: 202, body: { delivery: id, accepted: true, redelivered: true } };
  return { status: 200, body: { delivery: id, duplicate: true } };
}

const MAX_ATTEMPTS = 5;

/** Stored deliveries as a durable job queue: received (or claimed and expired) and due. */
const DELIVERIES: JobQueue<typeof webhookDeliveries> = {
  table: webhookDeliveries,
  id: webhookDeliveries.id,
  due: () => and(inArray(webhookDeliveries.status, ['received', 'processing']), lte(webhookDeliveries.nextAttemptAt, new Date())),
  order: webhookDeliveries.receivedAt,
};
const LEASE_MS = 5 * 60_000;

/** What to do with one event; returns 'ignored' with a reason, or nothing when it was acted on. */
async function handle(vera: CiDeps, event: string, p: Payload, deliveryId: string): Promise<string | undefined> {
  if (event === 'ping') return undefined;
  const fullName = p.repository?.full_name;
  if (!fullName) return `${event} without a repository`;
  const db = vera.database.db;
  const repo = await findRepoByGithubName(db, fullName);
  if (!repo) return `repository ${fullName} is not tracked`;
  const actor = await systemActor(db);
  switch (event) {
    case 'push': {
      const { ref, after, deleted } = p as unknown as PayloadOf<'push'>;
      if (deleted || /^0+$/.test(after)) return 'branch deleted';
      if (ref !== `refs/heads/${repo.defaultBranch}`) return `push to ${ref}, not the default branch`;
      await fetchRepo(db, repo);
      await requestBuild(vera, { repo: repo.name, commit: after, ref, event: 'push', deliveryId }, actor);
      return undefined;
    }
    case 'pull_request': {
      const { action, pull_request: pr } = p as unknown as PayloadOf<'pull_request'>;
      if (!['opened', 'synchronize', 'reopened'].includes(action)) return `pull_request ${action}`;
      await fetchRepo(db, repo);
      await requestBuild(
        vera,
        { repo: repo.name, commit: pr.head.sha, ref: `refs/pull/${pr.number}/head`, event: 'pull_request', prNumber: pr.number, headBranch: pr.head.ref, deliveryId },
        actor,
      );
      return undefined;
    }
    case 'release': {
      const { action, release } = p as unknown as PayloadOf<'release'>;
      if (action !== 'published') return `release ${action}`;
      const tag = release.tag_name;
      await fetchRepo(db, repo);
      const sha = await resolveRef(repo.mirrorPath, `refs/tags/${tag}`);
      if (!sha) throw new Error(`tag ${tag} is not in the mirror of ${repo.name}`);
      await requestBuild(vera, { repo: repo.name, commit: sha, ref: `refs/tags/${tag}`, event: 'release', deliveryId }, actor);
      return undefined;
    }
    case 'create':
    case 'delete':
      await fetchRepo(db, repo);
      return undefined;
    case 'workflow_run': {
      const { action, workflow_run: wr } = p as unknown as PayloadOf<'workflow_run'>;
      if (action !== 'completed' || wr.conclusion !== 'success') return `workflow_run ${action} ${String(wr.conclusion)}`;
      if (wr.head_branch !== repo.defaultBranch) return `workflow_run on ${wr.head_branch}, not the default branch`;
      await fetchRepo(db, repo);
      await requestBuild(vera, { repo: repo.name, commit: wr.head_sha, ref: `refs/heads/${wr.head_branch}`, event: 'workflow_run', deliveryId }, actor);
      return undefined;
    }
    default:
      return `event ${event} is not used by Vera`;
  }
}

/**
 * Processes stored deliveries exactly once each: a delivery is claimed with a lease (so two
 * servers never take the same one, and a crashed processor's claim expires), handled, and marked
 * processed or ignored; a failure is retried with backoff, then marked failed.
 */
export class WebhookProcessor {
  private readonly loop: DrainLoop;

  constructor(private readonly vera: CiDeps) {
    this.loop = new DrainLoop(
      () => this.drain(),
      (e) => this.vera.log.error({ err: e }, 'webhook processing pass failed'),
    );
  }

  kick(): void {
    this.loop.kick();
  }

  start(intervalMs = 2000): void {
    this.loop.start(intervalMs);
  }

  stop(): Promise<void> {
    return this.loop.stop();
  }

  /** Resolves when no delivery is waiting (tests, shutdown). */
  idle(): Promise<void> {
    return this.loop.idle(async () => {
      const [waiting] = await this.vera.database.db.select({ id: webhookDeliveries.id }).from(webhookDeliveries).where(DELIVERIES.due()).limit(1);
      return waiting !== undefined;
    });
  }

  private claim(): Promise<(typeof webhookDeliveries.$inferSelect)[]> {
    return claimDue(this.vera.database.db, DELIVERIES, 10, {
      status: 'processing',
      attempts: sql`${webhookDeliveries.attempts} + 1`,
      nextAttemptAt: new Date(Date.now() + LEASE_MS),
    });
  }

  private async drain(): Promise<void> {
    const db = this.vera.database.db;
    for (;;) {
      const batch = await this.claim();
      if (batch.length === 0) return;
      for (const d of batch) {
        try {
          const ignored = await handle(this.vera, d.event, d.payload as Payload, d.id);
          await db
            .update(webhookDeliveries)
            .set({ status: ignored ? 'ignored' : 'processed', error: ignored ?? null, processedAt: new Date() })
            .where(eq(webhookDeliveries.id, d.id));
        } catch (e) {
          const message = (e as Error).message;
          this.vera.log.warn({ delivery: d.id, event: d.event, attempts: d.attempts, err: message }, 'webhook processing failed');
          await db
            .update(webhookDeliveries)
            .set({
              status: d.attempts >= MAX_ATTEMPTS ? 'failed' : 'received',
              error: message,
              nextAttemptAt: new Date(Date.now() + backoffMs(d.attempts + 1)),
            })
            .where(eq(webhookDeliveries.id, d.id));
        }
      }
    }
  }
}
