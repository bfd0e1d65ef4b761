import { and, desc, eq, sql } from 'drizzle-orm';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { regressions } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { detectRegressions, type Finding } from './detect/index.ts';
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
  const series = await loadSeries(db, q);
  const { config, specs } = await detectionConfigOf(db, q.metric);
  const usable = config.specs.length ? specs.filter((s) => config.specs.includes(s.name)) : [];
  const findings = detectRegressions(series.points, config, { unit: series.unit, metric: q.metric, specs: usable });
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

export async function setRegressionStatus(db: Db, id: number, status: string, note: string | undefined, actor: Actor): Promise<RegressionRow> {
  requireRole(actor, 'developer', 'triaging regressions');
  if (!(REGRESSION_STATUSES as readonly string[]).includes(status)) {
    throw new VeraError('BAD_INPUT', `unknown regression status '${status}'; statuses: ${REGRESSION_STATUSES.join(', ')}`);
  }
  await getRegression(db, id);
  const [row] = await db
    .update(regressions)
    .set({ status, ...(note !== undefined ? { note } : {}), updatedAt: new Date() })
    .where(eq(regressions.id, id))
    .returning();
  return row!;
}
