import { and, asc, desc, eq, sql } from 'drizzle-orm';
import { hasRole, requireRole, type Actor, type Role } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { regressionEvents, regressions, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { defaultPracticalThreshold, detectRegressions, type Finding } from './detect/index.ts';
import { explainChange, type Explanation } from './explain.ts';
import { loadSeries, type Series, type SeriesQuery } from './series.ts';
import { detectionConfigOf } from './specs-db.ts';

export const REGRESSION_STATUSES = ['open', 'acknowledged', 'fixed', 'false_alarm'] as const;
export type RegressionStatus = (typeof REGRESSION_STATUSES)[number];

export type RegressionRow = typeof regressions.$inferSelect;

/** The run behind a series point: the latest one measured at that commit. */
function runAt(series: Series, commit: string | null): number | null {
  if (!commit) return null;
  const ids = (series.measurements.get(commit) ?? []).map((m) => m.runId).filter((r): r is number => r !== null);
  return ids.length ? Math.max(...ids) : null;
}

/**
 * Runs detection on a series and records each regression found (not improvements) with its
 * explanation. A regression already recorded (same series, kind and first bad commit) keeps its
 * status and note: a rescan never reopens what someone acknowledged.
 */
export async function scanSeries(db: Db, q: SeriesQuery): Promise<{ series: Series; findings: Finding[]; regressions: RegressionRow[] }> {
  // Only a branch's history has regressions; a developer's points are compared on request.
  const series = await loadSeries(db, { ...q, standing: 'branch' });
  // Without a definition the direction is a guess: such a series is shown, never judged.
  if (!series.defined) return { series, findings: [], regressions: [] };
  const { config, specs } = await detectionConfigOf(db, q.metric);
  const usable = config.specs.length ? specs.filter((s) => config.specs.includes(s.name)) : [];
  // A metric without its own practical threshold gets its unit's default: no series is judged on significance alone.
  const practical = config.practical ?? defaultPracticalThreshold(series.unit);
  const findings = detectRegressions(series.points, { ...config, practical }, { unit: series.unit, metric: q.metric, specs: usable });
  const recorded: RegressionRow[] = [];
  for (const f of findings.filter((x) => x.direction === 'regression')) {
    const key = { metricName: q.metric, dataset: q.dataset, branch: q.branch, dataId: q.dataId ?? {}, kind: f.kind, firstBadCommit: f.commit };
    const [existing] = await db
      .select()
      .from(regressions)
      .where(
        and(
          eq(regressions.metricName, key.metricName),
          eq(regressions.dataset, key.dataset),
          eq(regressions.branch, key.branch),
          sql`${regressions.dataId} = ${JSON.stringify(key.dataId)}::jsonb`,
          eq(regressions.kind, key.kind),
          eq(regressions.firstBadCommit, key.firstBadCommit),
        ),
      );
    if (existing) {
      recorded.push(existing);
      continue;
    }
    const explanation = await explainChange(db, {
      metric: q.metric,
      goodRunId: runAt(series, f.lastGoodCommit),
      badRunId: runAt(series, f.commit),
      goodCommit: series.order === 'git' ? f.lastGoodCommit : null,
      badCommit: f.commit,
      repo: series.order === 'git' ? series.gitDir : null,
    });
    const [row] = await db
      .insert(regressions)
      .values({ ...key, lastGoodCommit: f.lastGoodCommit, finding: f as unknown as Record<string, unknown>, explanation: explanation as unknown as Record<string, unknown> })
      .onConflictDoNothing()
      .returning();
    if (row) recorded.push(row);
  }
  return { series, findings, regressions: recorded };
}

export async function listRegressions(db: Db, opts: { status?: string; metric?: string } = {}): Promise<RegressionRow[]> {
  const conds = [opts.status ? eq(regressions.status, opts.status) : undefined, opts.metric ? eq(regressions.metricName, opts.metric) : undefined];
  return db
    .select()
    .from(regressions)
    .where(and(...conds))
    .orderBy(desc(regressions.createdAt));
}

export async function getRegression(db: Db, id: number): Promise<RegressionRow & { explanation: Explanation | null }> {
  const [row] = await db.select().from(regressions).where(eq(regressions.id, id));
  if (!row) throw new VeraError('NOT_FOUND', `no regression ${id}`, { id });
  return row as RegressionRow & { explanation: Explanation | null };
}

export interface RegressionEventRow {
  fromStatus: string;
  toStatus: string;
  actor: string;
  note: string;
  at: Date;
}

/** A regression's triage steps, oldest first. */
export async function regressionHistory(db: Db, id: number): Promise<RegressionEventRow[]> {
  return db
    .select({ fromStatus: regressionEvents.fromStatus, toStatus: regressionEvents.toStatus, actor: users.name, note: regressionEvents.note, at: regressionEvents.createdAt })
    .from(regressionEvents)
    .innerJoin(users, eq(users.id, regressionEvents.actorId))
    .where(eq(regressionEvents.regressionId, id))
    .orderBy(asc(regressionEvents.createdAt), asc(regressionEvents.id));
}

/**
 * Triage: acknowledge, mark fixed, call a false alarm, or reopen (`open`). Developers and above
 * may triage; every step says why (a note) and is recorded with who made it, in the same
 * transaction as the status. Reopening what an operator closed needs an operator too, so a
 * decision is not silently undone by someone with fewer rights.
 */
export async function setRegressionStatus(db: Db, id: number, status: string, note: string | undefined, actor: Actor): Promise<RegressionRow> {
  requireRole(actor, 'developer', 'triaging regressions');
  if (!(REGRESSION_STATUSES as readonly string[]).includes(status)) {
    throw new VeraError('BAD_INPUT', `unknown regression status '${status}'; statuses: ${REGRESSION_STATUSES.join(', ')}`);
  }
  const why = note?.trim() ?? '';
  if (why === '') throw new VeraError('BAD_INPUT', `setting regression ${id} to '${status}' needs a note saying why`, { id, status });
  return db.transaction(async (tx) => {
    const current = await getRegression(tx, id);
    if (current.status === status) throw new VeraError('BAD_INPUT', `regression ${id} is already ${status}`, { id, status });
    if (status === 'open') {
      const [last] = await tx
        .select({ role: users.role, name: users.name })
        .from(regressionEvents)
        .innerJoin(users, eq(users.id, regressionEvents.actorId))
        .where(eq(regressionEvents.regressionId, id))
        .orderBy(desc(regressionEvents.id))
        .limit(1);
      if (last && hasRole({ id: 0, name: last.name, role: last.role as Role }, 'operator') && !hasRole(actor, 'operator')) {
        throw new VeraError('FORBIDDEN', `regression ${id} was set to ${current.status} by operator '${last.name}'; reopening it needs role operator (user '${actor.name}' is ${actor.role})`, {
          id,
          needed: 'operator',
        });
      }
    }
    const [row] = await tx.update(regressions).set({ status, note: why, updatedAt: new Date() }).where(eq(regressions.id, id)).returning();
    await tx.insert(regressionEvents).values({ regressionId: id, fromStatus: current.status, toStatus: status, actorId: actor.id, note: why });
    return row!;
  });
}
