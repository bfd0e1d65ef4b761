import fs from 'node:fs';
import path from 'node:path';
import { hasRole, type Actor } from '../../auth/roles.ts';
import { queryRows, sql, type Db } from '../../db/client.ts';
import { auditLog, repos } from '../../db/schema/index.ts';
import { listWorktrees, removeWorktree } from '../../git/repos.ts';

export interface WorktreeEntry {
  repo: string;
  commit: string;
  bytes: number;
}

const DAY_MS = 86_400_000;

/**
 * Build worktrees (`$VERA_HOME/worktrees/<repo>/<sha>`, one per built commit) nobody needs: no
 * unpruned run that could still execute (anything but succeeded: a failed run may be resumed)
 * takes its pipeline from it, and neither the checkout nor any run using it is younger than
 * `keepDays`. A later build of the commit checks it out again. Operators and admins only: the
 * checkouts are the server's, not a user's.
 */
export async function pruneWorktrees(db: Db, home: string, actor: Actor, opts: { act: boolean; keepDays: number; now?: Date }): Promise<WorktreeEntry[]> {
  if (!hasRole(actor, 'operator')) return [];
  const now = (opts.now ?? new Date()).getTime();
  const out: WorktreeEntry[] = [];
  for (const repo of await db.select().from(repos)) {
    for (const wt of listWorktrees(home, repo)) {
      const [use] = await queryRows<{ busy: number; last: Date | string | null }>(
        db,
        sql`SELECT (count(*) FILTER (WHERE status <> 'succeeded' AND pruned_at IS NULL))::int AS busy, max(created_at) AS last
            FROM runs WHERE starts_with(pipeline_file, ${wt.dir + path.sep})`,
      );
      if (use!.busy > 0) continue;
      const made = fs.statSync(fs.existsSync(`${wt.dir}.done`) ? `${wt.dir}.done` : wt.dir).mtimeMs;
      const last = Math.max(made, use!.last ? new Date(use!.last).getTime() : 0);
      if (now - last < opts.keepDays * DAY_MS) continue;
      const entry = { repo: repo.name, commit: wt.sha, bytes: treeBytes(wt.dir) };
      if (opts.act) {
        await removeWorktree(home, repo, wt.sha);
        await db.insert(auditLog).values({ actorId: actor.id, action: 'prune-worktree', subject: `${repo.name}@${wt.sha}`, bytes: entry.bytes });
      }
      out.push(entry);
    }
  }
  return out;
}

function treeBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) total += fs.statSync(path.join(e.parentPath, e.name)).size;
  }
  return total;
}
