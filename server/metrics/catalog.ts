import { asc, eq, inArray, sql } from 'drizzle-orm';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { metrics, specifications } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { checkMetricsPackage, loadMetricsPackageFiles, readMetricsTree, type Metric, type MetricsPackageFile, type SpecProblem, type ThresholdSpecification } from './verify/index.ts';

export interface ImportSummary {
  metrics: number;
  specifications: number;
  /** Specs of metrics this package does not define, and specs defined twice: imported, but worth a look. */
  problems: SpecProblem[];
}

const BATCH = 500;

/**
 * Imports a verify_metrics-style package (`metrics/*.yaml`, `specs/` with `base` inheritance),
 * given as its files, as it is: metrics and fully resolved specifications are upserted by name
 * in one transaction. A threshold whose unit cannot be compared with its metric's refuses the
 * whole import, naming both units; nothing is written. `source` names the package in messages.
 */
export async function importMetricsFiles(db: Db, files: readonly MetricsPackageFile[], actor: Actor, source = 'metrics package'): Promise<ImportSummary> {
  requireRole(actor, 'developer', 'importing metrics');
  const pkg = loadMetricsPackageFiles(files);
  const problems = checkMetricsPackage(pkg);
  const incompatible = problems.find((p) => p.problem.includes('cannot be compared'));
  if (incompatible) {
    throw new VeraError('UNIT_INCOMPATIBLE', `${source}: specification ${incompatible.spec}: ${incompatible.problem}`, { spec: incompatible.spec });
  }
  const metricList = [...pkg.metrics.values()];
  const specList = [...pkg.specs.specs.values()];
  await upsertMetrics(db, metricList, specList);
  return { metrics: metricList.length, specifications: specList.length, problems };
}

/** Imports a package directory on this machine (the demo's, tests'); callers of the API send files. */
export async function importMetricsPackage(db: Db, root: string, actor: Actor): Promise<ImportSummary> {
  requireRole(actor, 'developer', 'importing metrics');
  return importMetricsFiles(db, readMetricsTree(root), actor, root);
}

export async function upsertMetrics(db: Db, metricList: readonly Metric[], specList: readonly ThresholdSpecification[]): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < metricList.length; i += BATCH) {
      const rows = metricList.slice(i, i + BATCH).map((m) => ({
        name: m.name,
        package: m.package,
        unit: m.unit.text,
        description: m.description,
        tags: m.tags,
        reference: m.reference as Record<string, unknown>,
        source: m.source?.file ?? '',
      }));
      await tx
        .insert(metrics)
        .values(rows)
        .onConflictDoUpdate({
          target: metrics.name,
          set: {
            package: sql`excluded.package`,
            unit: sql`excluded.unit`,
            description: sql`excluded.description`,
            tags: sql`excluded.tags`,
            reference: sql`excluded.reference`,
            source: sql`excluded.source`,
            updatedAt: sql`now()`,
          },
        });
    }
    for (let i = 0; i < specList.length; i += BATCH) {
      const rows = specList.slice(i, i + BATCH).map((s) => ({
        name: s.name,
        metricName: s.metricName,
        operator: s.threshold.operator,
        value: s.threshold.value,
        unit: s.threshold.unit.text,
        metadataQuery: s.metadataQuery,
        tags: s.tags,
        source: s.source?.file ?? '',
      }));
      await tx
        .insert(specifications)
        .values(rows)
        .onConflictDoUpdate({
          target: specifications.name,
          set: {
            metricName: sql`excluded.metric_name`,
            operator: sql`excluded.operator`,
            value: sql`excluded.value`,
            unit: sql`excluded.unit`,
            metadataQuery: sql`excluded.metadata_query`,
            tags: sql`excluded.tags`,
            source: sql`excluded.source`,
            updatedAt: sql`now()`,
          },
        });
    }
  });
}

export async function listMetrics(db: Db, opts: { package?: string } = {}) {
  const q = db.select().from(metrics);
  return opts.package ? q.where(eq(metrics.package, opts.package)).orderBy(asc(metrics.name)) : q.orderBy(asc(metrics.name));
}

export async function listSpecifications(db: Db, opts: { metric?: string } = {}) {
  const q = db.select().from(specifications);
  return opts.metric ? q.where(eq(specifications.metricName, opts.metric)).orderBy(asc(specifications.name)) : q.orderBy(asc(specifications.name));
}

/** The specifications of several metrics, by name, in one query. */
export async function specificationsOf(db: Db, metricNames: readonly string[]): Promise<Map<string, (typeof specifications.$inferSelect)[]>> {
  const out = new Map<string, (typeof specifications.$inferSelect)[]>(metricNames.map((n) => [n, []]));
  if (out.size === 0) return out;
  const rows = await db
    .select()
    .from(specifications)
    .where(inArray(specifications.metricName, [...out.keys()]))
    .orderBy(asc(specifications.name));
  for (const r of rows) out.get(r.metricName)!.push(r);
  return out;
}
