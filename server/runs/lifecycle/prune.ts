import { and, eq, inArray, sql } from 'drizzle-orm';
import type { Actor } from '../../auth/roles.ts';
import { requireRole } from '../../auth/roles.ts';
import { queryRows, type Db } from '../../db/client.ts';
import { auditLog, datasets, pruneDeletions, quanta, quantumInputs, runInputRuns, runs } from '../../db/schema/index.ts';
import { VeraError } from '../../errors.ts';
import type { Datastore } from '../../repo/index.ts';
import { grantorsOf } from './grants.ts';

/** Why an expired run was kept. */
export type KeepReason = 'NOT_EXPIRED' | 'ACTIVE' | 'READ_BY_RUN' | 'IN_COLLECTION';

export interface PrunedRun {
  run: string;
  owner: string;
  expiresAt: Date;
  /** Registry rows deleted: files and rows of intermediates whose files were already gone. */
  datasets: number;
  files: number;
  bytes: number;
}

export interface KeptRun {
  run: string;
  owner: string;
  expiresAt: Date;
  reason: KeepReason;
  /** The reason in words: which run reads it, which collection holds it. */
  detail: string;
}

export interface RunPruneReport {
  dryRun: boolean;
  runs: PrunedRun[];
  kept: KeptRun[];
  /** Deletions an earlier, interrupted prune left, finished first. */
  resumed: number;
  bytes: number;
}

/** What a deletion has done, for callers that show progress (and for the crash tests). */
export type PruneProgress = { phase: 'moved'; run: string; files: number } | { phase: 'committed'; run: string };

export interface PruneOptions {
  /** False (the default): say what would go, delete nothing. */
  act?: boolean;
  /** Only these runs (by name); each must exist and be the actor's to delete. */
  runs?: readonly string[] | undefined;
  now?: Date;
  onProgress?: (p: PruneProgress) => void | Promise<void>;
}

interface Candidate {
  id: number;
  collectionId: number;
  name: string;
  ownerId: number;
  owner: string;
  status: string;
  expiresAt: Date;
}

/**
 * Deletes the datasets and files of expired runs the actor may delete: their own, those of users
 * who granted them (`vera grant`), anyone's for an admin. A run stays while a run not being
 * deleted reads its outputs, or while a TAGGED, CHAINED or CALIBRATION collection of another user
 * holds them; the report says why. The run, its quanta and its measurements stay as history
 * (`prunedAt` set). Deletions interrupted earlier are finished first.
 */
export async function pruneRuns(db: Db, store: Datastore, actor: Actor, opts: PruneOptions = {}): Promise<RunPruneReport> {
  requireRole(actor, 'developer', 'pruning');
  const act = opts.act ?? false;
  const now = opts.now ?? new Date();
  const resumed = act ? await finishDeletions(db, store, opts.onProgress) : 0;
  const { candidates, kept } = await selectCandidates(db, actor, opts.runs, now);
  const report: RunPruneReport = { dryRun: !act, runs: [], kept, resumed, bytes: 0 };
  for (const c of deletionOrder(candidates, await consumersOf(db, candidates))) {
    const sizes = await queryRows<{ datasets: number; files: number; bytes: string | number }>(
      db,
      sql`SELECT count(*)::int AS datasets, (count(*) FILTER (WHERE stored))::int AS files, coalesce(sum(size_bytes) FILTER (WHERE stored), 0) AS bytes
          FROM datasets WHERE run_id = ${c.collectionId}`,
    );
    let entry: PrunedRun = { run: c.name, owner: c.owner, expiresAt: c.expiresAt, datasets: sizes[0]!.datasets, files: sizes[0]!.files, bytes: Number(sizes[0]!.bytes) };
    if (act) {
      const done = await deleteRun(db, store, c, actor, opts.onProgress);
      if ('kept' in done) {
        report.kept.push(done.kept);
        continue;
      }
      entry = { ...entry, ...done };
    }
    report.runs.push(entry);
    report.bytes += entry.bytes;
  }
  return report;
}

/** Expired, unpruned runs the actor may delete, minus those something else still needs (with why). */
async function selectCandidates(db: Db, actor: Actor, only: readonly string[] | undefined, now: Date): Promise<{ candidates: Candidate[]; kept: KeptRun[] }> {
  const rows = await queryRows<{ id: number; collection_id: number; name: string; owner_id: number; owner: string; status: string; expires_at: Date | string }>(
    db,
    sql`SELECT r.id, r.collection_id, c.name, r.owner_id, u.name AS owner, r.status, r.expires_at
        FROM runs r JOIN collections c ON c.id = r.collection_id JOIN users u ON u.id = r.owner_id
        WHERE r.pruned_at IS NULL ${only ? sql`AND c.name IN (${sql.join(only.map((n) => sql`${n}`), sql`, `)})` : sql`AND r.expires_at <= ${now.toISOString()}::timestamptz`}
        ORDER BY c.name`,
  );
  const all: Candidate[] = rows.map((r) => ({ id: r.id, collectionId: r.collection_id, name: r.name, ownerId: r.owner_id, owner: r.owner, status: r.status, expiresAt: new Date(r.expires_at) }));
  if (only) {
    const found = new Set(all.map((r) => r.name));
    const missing = only.filter((n) => !found.has(n));
    if (missing.length > 0) throw new VeraError('UNKNOWN_RUN', `no run (not already pruned) named ${missing.map((n) => `'${n}'`).join(', ')}`, { runs: missing });
  }
  const grantors = await grantorsOf(db, actor);
  const mayDelete = (c: Candidate) => actor.role === 'admin' || c.ownerId === actor.id || grantors.has(c.ownerId);
  const refused = all.filter((c) => !mayDelete(c));
  if (only && refused.length > 0) {
    const c = refused[0]!;
    throw new VeraError('NOT_OWNER', `run '${c.name}' belongs to '${c.owner}'; user '${actor.name}' may not prune it (its owner can grant that with 'vera grant ${actor.name}')`, {
      run: c.name,
      owner: c.owner,
      actor: actor.name,
    });
  }
  const kept: KeptRun[] = [];
  const keep = (c: Candidate, reason: KeepReason, detail: string) => kept.push({ run: c.name, owner: c.owner, expiresAt: c.expiresAt, reason, detail });
  let candidates: Candidate[] = [];
  for (const c of all.filter(mayDelete)) {
    if (c.expiresAt.getTime() > now.getTime()) keep(c, 'NOT_EXPIRED', `expires ${c.expiresAt.toISOString()}`);
    else if (c.status === 'pending' || c.status === 'running') keep(c, 'ACTIVE', `the run is ${c.status}`);
    else candidates.push(c);
  }
  if (candidates.length === 0) return { candidates, kept };

  // Held by another user's TAGGED/CALIBRATION collection (datasets) or CHAINED collection (the run).
  const held = await queryRows<{ collection_id: number; holder: string; type: string; holder_owner: string; holder_owner_id: number }>(
    db,
    sql`SELECT DISTINCT d.run_id AS collection_id, h.name AS holder, h.type, u.name AS holder_owner, h.owner_id AS holder_owner_id
        FROM datasets d JOIN dataset_tags g ON g.dataset_id = d.id JOIN collections h ON h.id = g.collection_id JOIN users u ON u.id = h.owner_id
        WHERE d.run_id IN (${sql.join(candidates.map((c) => sql`${c.collectionId}`), sql`, `)})
      UNION
      SELECT DISTINCT d.run_id, h.name, h.type, u.name, h.owner_id
        FROM datasets d JOIN dataset_calibs k ON k.dataset_id = d.id JOIN collections h ON h.id = k.collection_id JOIN users u ON u.id = h.owner_id
        WHERE d.run_id IN (${sql.join(candidates.map((c) => sql`${c.collectionId}`), sql`, `)})
      UNION
      SELECT ch.child_id, h.name, h.type, u.name, h.owner_id
        FROM collection_chain ch JOIN collections h ON h.id = ch.parent_id JOIN users u ON u.id = h.owner_id
        WHERE ch.child_id IN (${sql.join(candidates.map((c) => sql`${c.collectionId}`), sql`, `)})`,
  );
  const heldBy = new Map<number, string>();
  for (const c of candidates) {
    const h = held.find((x) => x.collection_id === c.collectionId && x.holder_owner_id !== c.ownerId);
    if (h) heldBy.set(c.id, `its ${h.type === 'CHAINED' ? 'collection is' : 'datasets are'} in ${h.type} collection '${h.holder}' owned by '${h.holder_owner}'`);
  }
  candidates = candidates.filter((c) => {
    const why = heldBy.get(c.id);
    if (why) keep(c, 'IN_COLLECTION', why);
    return !why;
  });

  // Read by a run that stays: kept until that run is pruned too (repeated, as keeping one may keep its inputs).
  const consumers = await consumersOf(db, candidates);
  for (let changed = true; changed; ) {
    changed = false;
    const ids = new Set(candidates.map((c) => c.id));
    for (const c of candidates) {
      const reader = (consumers.get(c.collectionId) ?? []).find((r) => !ids.has(r.id));
      if (!reader) continue;
      keep(c, 'READ_BY_RUN', `read by ${reader.ownerId === c.ownerId ? '' : `${reader.owner}'s `}run '${reader.name}' (expires ${reader.expiresAt.toISOString()})`);
      candidates = candidates.filter((x) => x.id !== c.id);
      changed = true;
      break;
    }
  }
  return { candidates, kept };
}

interface Reader {
  id: number;
  name: string;
  ownerId: number;
  owner: string;
  expiresAt: Date;
}

/** Unpruned runs reading each candidate's RUN collection (run_input_runs). */
async function consumersOf(db: Db, candidates: Candidate[]): Promise<Map<number, Reader[]>> {
  const out = new Map<number, Reader[]>();
  if (candidates.length === 0) return out;
  const rows = await queryRows<{ input: number; id: number; name: string; owner_id: number; owner: string; expires_at: Date | string }>(
    db,
    sql`SELECT i.input_collection_id AS input, r.id, c.name, r.owner_id, u.name AS owner, r.expires_at
        FROM run_input_runs i JOIN runs r ON r.id = i.run_id JOIN collections c ON c.id = r.collection_id JOIN users u ON u.id = r.owner_id
        WHERE r.pruned_at IS NULL AND i.input_collection_id IN (${sql.join(candidates.map((c) => sql`${c.collectionId}`), sql`, `)})
          AND r.collection_id <> i.input_collection_id`,
  );
  for (const r of rows) out.set(r.input, [...(out.get(r.input) ?? []), { id: r.id, name: r.name, ownerId: r.owner_id, owner: r.owner, expiresAt: new Date(r.expires_at) }]);
  return out;
}

/** Readers before what they read: a run's input-run links go with it, freeing its inputs. */
function deletionOrder(candidates: Candidate[], consumers: Map<number, Reader[]>): Candidate[] {
  const order: Candidate[] = [];
  let left = [...candidates];
  while (left.length > 0) {
    const ids = new Set(left.map((c) => c.id));
    const ready = left.filter((c) => !(consumers.get(c.collectionId) ?? []).some((r) => ids.has(r.id)));
    const next = ready.length > 0 ? ready : [left[0]!]; // a cycle cannot happen (a run reads earlier runs), but never loop
    order.push(...next);
    left = left.filter((c) => !next.includes(c));
  }
  return order;
}

const trashOf = (runId: number) => `.trash/run-${runId}`;

/**
 * Deletes one run's datasets and files so that, whatever instant the process dies, the next
 * attempt ends with both gone: (1) a `prune_deletions` row is committed, after checking under the
 * run's row lock that nothing reads it now; (2) each file is renamed into the run's trash
 * directory; (3) one transaction deletes the dataset rows, marks the run pruned, writes the audit
 * entry and marks the deletion committed; (4) the trash is removed, then the deletion row.
 */
async function deleteRun(
  db: Db,
  store: Datastore,
  c: Candidate,
  actor: Actor,
  onProgress: PruneOptions['onProgress'],
): Promise<{ datasets: number; files: number; bytes: number } | { kept: KeptRun }> {
  const started = await db.transaction(async (tx) => {
    const [row] = await tx.select({ prunedAt: runs.prunedAt, status: runs.status }).from(runs).where(eq(runs.id, c.id)).for('update');
    if (!row || row.prunedAt) return { reason: 'ACTIVE' as const, detail: 'pruned by someone else meanwhile' };
    if (row.status === 'pending' || row.status === 'running') return { reason: 'ACTIVE' as const, detail: `the run is ${row.status}` };
    // createRun links its inputs while holding these rows FOR SHARE: a reader made since planning shows here.
    const readers = await queryRows<{ name: string }>(
      tx,
      sql`SELECT c.name FROM run_input_runs i JOIN runs r ON r.id = i.run_id JOIN collections c ON c.id = r.collection_id
          WHERE i.input_collection_id = ${c.collectionId} AND r.id <> ${c.id} AND r.pruned_at IS NULL LIMIT 1`,
    );
    if (readers.length > 0) return { reason: 'READ_BY_RUN' as const, detail: `read by run '${readers[0]!.name}', made meanwhile` };
    await tx.insert(pruneDeletions).values({ runId: c.id, actorId: actor.id, trash: trashOf(c.id) }).onConflictDoNothing();
    return undefined;
  });
  if (started) return { kept: { run: c.name, owner: c.owner, expiresAt: c.expiresAt, reason: started.reason, detail: started.detail } };
  return completeDeletion(db, store, c.id, onProgress);
}

/** Steps 2–4 of a deletion whose row is committed; safe to repeat after a crash at any point. */
async function completeDeletion(db: Db, store: Datastore, runId: number, onProgress: PruneOptions['onProgress']): Promise<{ datasets: number; files: number; bytes: number }> {
  const [del] = await db.select().from(pruneDeletions).where(eq(pruneDeletions.runId, runId));
  if (!del) throw new VeraError('INTERNAL', `no deletion under way for run ${runId}`);
  const [run] = await queryRows<{ name: string; collection_id: number }>(db, sql`SELECT c.name, r.collection_id FROM runs r JOIN collections c ON c.id = r.collection_id WHERE r.id = ${runId}`);
  const rows = await db.select({ path: datasets.path, sizeBytes: datasets.sizeBytes }).from(datasets).where(and(eq(datasets.runId, run!.collection_id), eq(datasets.stored, true)));
  let result = { datasets: 0, files: 0, bytes: 0 };
  if (del.state === 'moving') {
    let files = 0;
    let bytes = 0;
    for (const r of rows) {
      if ((await store.moveToTrash(r.path, del.trash)) !== 'missing') {
        files++;
        bytes += r.sizeBytes;
      }
      await onProgress?.({ phase: 'moved', run: run!.name, files });
    }
    await store.syncParents(rows.map((r) => r.path));
    await store.syncTree(del.trash).catch(() => {}); // no trash directory: there were no files
    result = await db.transaction(async (tx) => {
      const own = tx.select({ id: quanta.id }).from(quanta).where(eq(quanta.runId, run!.collection_id));
      await tx.delete(quantumInputs).where(inArray(quantumInputs.quantumId, own));
      const gone = await tx.delete(datasets).where(eq(datasets.runId, run!.collection_id)).returning({ id: datasets.id });
      await tx.delete(runInputRuns).where(eq(runInputRuns.runId, runId));
      await tx.update(runs).set({ prunedAt: new Date(), prunedBytes: bytes }).where(eq(runs.id, runId));
      await tx.insert(auditLog).values({ actorId: del.actorId, action: 'prune-run', subject: run!.name, bytes, details: { datasets: gone.length, files } });
      await tx.update(pruneDeletions).set({ state: 'committed' }).where(eq(pruneDeletions.id, del.id));
      return { datasets: gone.length, files, bytes };
    });
    await onProgress?.({ phase: 'committed', run: run!.name });
  }
  // The trash holds the files under their datastore paths: the directories they left may now be empty.
  const moved = await store.listTree(del.trash);
  await store.removeTree(del.trash);
  await store.removeEmptyDirs(moved);
  await db.delete(pruneDeletions).where(eq(pruneDeletions.id, del.id));
  return result;
}

/**
 * Finishes deletions a killed prune left (files half moved to the trash, or rows deleted with the
 * trash still there): called before each prune and at server start. Returns how many it finished.
 */
export async function finishDeletions(db: Db, store: Datastore, onProgress?: PruneOptions['onProgress']): Promise<number> {
  const pending = await db.select({ runId: pruneDeletions.runId }).from(pruneDeletions);
  for (const p of pending) await completeDeletion(db, store, p.runId, onProgress);
  return pending.length;
}
