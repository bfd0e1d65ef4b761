import { and, desc, eq, inArray, like, or, sql, type SQL } from 'drizzle-orm';
import type { Db } from '../db/client.ts';
import { builds, githubOutbox, repos, webhookDeliveries } from '../db/schema/index.ts';

/**
 * What CI did, as its pages show it: the webhook deliveries Vera received and what came of each,
 * and the GitHub reports (commit statuses, PR comments) a build queued in the outbox. Read only;
 * payloads stay in the database (they are GitHub's, and large), only their repository is shown.
 */

export const DELIVERY_STATUSES = ['received', 'processing', 'processed', 'ignored', 'failed'] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUSES)[number];

export interface DeliveryRow {
  id: string;
  event: string;
  action: string | null;
  repository: string | null;
  status: string;
  attempts: number;
  /** Why it was ignored, or the last error processing it. */
  error: string | null;
  receivedAt: Date;
  processedAt: Date | null;
}

const deliveryColumns = {
  id: webhookDeliveries.id,
  event: webhookDeliveries.event,
  action: webhookDeliveries.action,
  repository: sql<string | null>`${webhookDeliveries.payload}->'repository'->>'full_name'`,
  status: webhookDeliveries.status,
  attempts: webhookDeliveries.attempts,
  error: webhookDeliveries.error,
  receivedAt: webhookDeliveries.receivedAt,
  processedAt: webhookDeliveries.processedAt,
};

/** Deliveries, newest first, optionally of one status. */
export async function listDeliveries(db: Db, opts: { status?: DeliveryStatus; limit: number }): Promise<DeliveryRow[]> {
  return db
    .select(deliveryColumns)
    .from(webhookDeliveries)
    .where(opts.status ? eq(webhookDeliveries.status, opts.status) : undefined)
    .orderBy(desc(webhookDeliveries.receivedAt), desc(webhookDeliveries.id))
    .limit(opts.limit);
}

/** Deliveries by id (the ones builds were made for), in one query. */
export async function deliveriesByIds(db: Db, ids: readonly string[]): Promise<Map<string, DeliveryRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db.select(deliveryColumns).from(webhookDeliveries).where(inArray(webhookDeliveries.id, [...ids]));
  return new Map(rows.map((r) => [r.id, r]));
}

export interface DeliveryBuild {
  build: typeof builds.$inferSelect;
  /** Its repository's name. */
  repo: string;
}

/** The builds each delivery made, oldest first, in one query. */
export async function buildsOfDeliveries(db: Db, ids: readonly string[]): Promise<Map<string, DeliveryBuild[]>> {
  const out = new Map<string, DeliveryBuild[]>(ids.map((id) => [id, []]));
  if (out.size === 0) return out;
  const rows = await db
    .select({ build: builds, repo: repos.name })
    .from(builds)
    .innerJoin(repos, eq(repos.id, builds.repoId))
    .where(inArray(builds.deliveryId, [...out.keys()]))
    .orderBy(builds.id);
  for (const r of rows) out.get(r.build.deliveryId!)?.push(r);
  return out;
}

export interface GithubReport {
  id: number;
  kind: 'status' | 'comment';
  /** The commit status's context (`vera/<run>`), or `PR #<n>` for a comment. */
  target: string;
  /** A commit status's state (pending, success, failure, error); null for a comment. */
  state: string | null;
  description: string | null;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: Date;
}

/**
 * The GitHub reports of one build, oldest first: the statuses of its commit, and the PR comments
 * that name it (a PR's comment is one, edited on each push, so each build's text names its build).
 */
export async function reportsOfBuild(db: Db, build: { id: number; repoId: number; commit: string; prNumber: number | null }): Promise<GithubReport[]> {
  const keys: SQL[] = [like(githubOutbox.key, `status:${build.commit}:%`)];
  if (build.prNumber !== null) {
    keys.push(and(eq(githubOutbox.key, `comment:${build.prNumber}`), like(sql<string>`${githubOutbox.payload}->>'body'`, `%Vera build ${build.id} of %`))!);
  }
  const rows = await db
    .select({ outbox: githubOutbox })
    .from(githubOutbox)
    .innerJoin(repos, eq(repos.githubFullName, githubOutbox.repoFullName))
    .where(and(eq(repos.id, build.repoId), or(...keys)))
    .orderBy(githubOutbox.id);
  return rows.map(({ outbox: r }) => {
    const p = r.payload as { context?: string; state?: string; description?: string; prNumber?: number };
    return {
      id: r.id,
      kind: r.kind === 'comment' ? 'comment' : 'status',
      target: r.kind === 'comment' ? `PR #${p.prNumber}` : (p.context ?? r.key),
      state: r.kind === 'status' ? (p.state ?? null) : null,
      description: p.description ?? null,
      status: r.status,
      attempts: r.attempts,
      lastError: r.lastError,
      createdAt: r.createdAt,
    };
  });
}
