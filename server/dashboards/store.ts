import { asc, desc, eq, sql } from 'drizzle-orm';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { dashboards, users } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { readDefaultDashboards } from './defaults.ts';
import { parseDashboard, type DashboardDefinition } from './model.ts';

/**
 * Dashboards in the database. Developers save and delete their own; admins anyone's. Builtin
 * dashboards (shipped as JSON files, no owner) are refreshed from their files at every start
 * until an admin edits one (saving gives it an owner); deleting a builtin restores the shipped
 * version instead of removing it.
 */
export interface DashboardRecord {
  slug: string;
  title: string;
  definition: DashboardDefinition;
  /** Null for a builtin nobody has edited. */
  owner: string | null;
  builtin: boolean;
  createdAt: Date;
  updatedAt: Date;
}

const columns = {
  slug: dashboards.slug,
  title: dashboards.title,
  definition: dashboards.definition,
  ownerId: dashboards.ownerId,
  owner: users.name,
  builtin: dashboards.builtin,
  createdAt: dashboards.createdAt,
  updatedAt: dashboards.updatedAt,
};

type Row = { ownerId: number | null; owner: string | null } & Omit<DashboardRecord, 'owner' | 'definition'> & { definition: Record<string, unknown> };

function toRecord(r: Row): DashboardRecord {
  // Stored definitions were validated when saved; parsing again fills defaults added since.
  return { slug: r.slug, title: r.title, definition: parseDashboard(r.definition, `stored dashboard '${r.slug}'`), owner: r.owner, builtin: r.builtin, createdAt: r.createdAt, updatedAt: r.updatedAt };
}

async function findRow(db: Db, slug: string): Promise<Row | undefined> {
  const [row] = await db.select(columns).from(dashboards).leftJoin(users, eq(users.id, dashboards.ownerId)).where(eq(dashboards.slug, slug));
  return row;
}

/** Builtins first, then by title. */
export async function listDashboards(db: Db): Promise<DashboardRecord[]> {
  const rows = await db.select(columns).from(dashboards).leftJoin(users, eq(users.id, dashboards.ownerId)).orderBy(desc(dashboards.builtin), asc(dashboards.title));
  return rows.map(toRecord);
}

/** The dashboard with that slug, or null when there is none. */
export async function findDashboard(db: Db, slug: string): Promise<DashboardRecord | null> {
  const row = await findRow(db, slug);
  return row ? toRecord(row) : null;
}

export async function getDashboard(db: Db, slug: string): Promise<DashboardRecord> {
  const found = await findDashboard(db, slug);
  if (!found) throw new VeraError('NOT_FOUND', `no dashboard '${slug}'`, { slug });
  return found;
}

function requireMayChange(actor: Actor, row: Row, action: string): void {
  if (actor.role === 'admin') return;
  if (row.ownerId === null) throw new VeraError('FORBIDDEN', `dashboard '${row.slug}' is builtin; only admins may ${action} it`, { slug: row.slug, action });
  if (row.ownerId !== actor.id) {
    throw new VeraError('NOT_OWNER', `dashboard '${row.slug}' belongs to '${row.owner}'; user '${actor.name}' may not ${action} it`, { slug: row.slug, owner: row.owner });
  }
}

/** Creates a dashboard, or replaces the one with the same slug (its owner's or, for admins, any). */
export async function saveDashboard(db: Db, input: unknown, actor: Actor): Promise<DashboardRecord> {
  requireRole(actor, 'developer', 'saving dashboards');
  const definition = parseDashboard(input);
  const existing = await findRow(db, definition.slug);
  if (existing) {
    requireMayChange(actor, existing, 'change');
    await db
      .update(dashboards)
      .set({ title: definition.title, definition, ownerId: existing.ownerId ?? actor.id, updatedAt: new Date() })
      .where(eq(dashboards.slug, definition.slug));
  } else {
    await db.insert(dashboards).values({ slug: definition.slug, title: definition.title, definition, ownerId: actor.id, builtin: false });
  }
  return getDashboard(db, definition.slug);
}

/** Deletes a dashboard; a builtin one is restored to its shipped version instead. */
export async function deleteDashboard(db: Db, slug: string, actor: Actor, defaultsDir?: string): Promise<{ slug: string; restored: boolean }> {
  requireRole(actor, 'developer', 'deleting dashboards');
  const row = await findRow(db, slug);
  if (!row) throw new VeraError('NOT_FOUND', `no dashboard '${slug}'`, { slug });
  requireMayChange(actor, row, 'delete');
  if (row.builtin) {
    const shipped = readDefaultDashboards(defaultsDir).find((d) => d.slug === slug);
    if (shipped) {
      await db.update(dashboards).set({ title: shipped.title, definition: shipped, ownerId: null, updatedAt: new Date() }).where(eq(dashboards.slug, slug));
      return { slug, restored: true };
    }
  }
  await db.delete(dashboards).where(eq(dashboards.slug, slug));
  return { slug, restored: false };
}

/**
 * Loads the shipped dashboards: inserts missing ones and refreshes builtins nobody edited. A
 * user's own dashboard that took a builtin's slug first is left alone.
 */
export async function loadDefaultDashboards(db: Db, defaultsDir?: string): Promise<{ loaded: number }> {
  const shipped = readDefaultDashboards(defaultsDir);
  await db.transaction(async (tx) => {
    for (const d of shipped) {
      await tx
        .insert(dashboards)
        .values({ slug: d.slug, title: d.title, definition: d, ownerId: null, builtin: true })
        .onConflictDoUpdate({
          target: dashboards.slug,
          set: { title: d.title, definition: d, updatedAt: new Date() },
          setWhere: sql`${dashboards.builtin} AND ${dashboards.ownerId} IS NULL AND ${dashboards.definition} <> ${JSON.stringify(d)}::jsonb`,
        });
    }
  });
  return { loaded: shipped.length };
}
