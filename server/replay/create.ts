import { and, asc, eq, inArray } from 'drizzle-orm';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { replays, replayVisits, visit as visitTable, type ReplayConfig } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { createApdb } from '../apdb/index.ts';
import { resolveSearchPath } from '../repo/index.ts';

export interface ReplayRequest {
  instrument: string;
  /** Visit ids to replay; absent: every visit of the instrument. Replayed in shutter-close order. */
  visits?: number[] | undefined;
  /** The code replayed (commit, branch or release), recorded with the replay. */
  codeRef: string;
  config?: Partial<ReplayConfig> | undefined;
  /** Observatory seconds per wall second; undefined: as fast as possible. */
  speed?: number | undefined;
  alertSubject?: string | null;
}

export const DEFAULT_REPLAY_CONFIG: ReplayConfig = { associationRadiusArcsec: 1 };

/** MJD (TAI) of an instant: Unix epoch is MJD 40587; TAI is UTC + 37 s since 2017. */
export function mjdTai(ms: number): number {
  return (ms + 37_000) / 86_400_000 + 40587;
}

/**
 * Records a replay, its visits in shutter-close order and its APDB, in one transaction: a replay
 * either exists with its whole APDB or not at all. Operators and above.
 */
export async function createReplay(db: Db, actor: Actor, req: ReplayRequest, subjectOf: (id: number) => string | null): Promise<number> {
  requireRole(actor, 'operator', 'starting a replay');
  const config: ReplayConfig = { ...DEFAULT_REPLAY_CONFIG, ...req.config };
  if (!(config.associationRadiusArcsec > 0 && config.associationRadiusArcsec <= 60)) {
    throw new VeraError('BAD_INPUT', `config.associationRadiusArcsec must be in (0, 60] arcseconds, not ${config.associationRadiusArcsec}`);
  }
  if (config.inputs !== undefined) {
    if (!Array.isArray(config.inputs) || config.inputs.some((c) => typeof c !== 'string' || !c.trim())) throw new VeraError('BAD_INPUT', 'config.inputs must be a list of collection names');
    // Unknown collections are refused now, not at the first visit.
    await resolveSearchPath(db, config.inputs);
  }
  if (config.pipeline !== undefined && (typeof config.pipeline !== 'string' || !/^[\w./-]+\.ya?ml$/.test(config.pipeline) || config.pipeline.split('/').includes('..'))) {
    throw new VeraError('BAD_INPUT', `config.pipeline must be a pipeline file (.yaml) in a pipeline root, not '${String(config.pipeline)}'`);
  }
  if (req.speed !== undefined && !(req.speed > 0 && Number.isFinite(req.speed))) throw new VeraError('BAD_INPUT', `speed must be a positive number, not ${req.speed}`);
  if (!req.codeRef.trim()) throw new VeraError('BAD_INPUT', 'codeRef must name the code replayed (a commit, branch or release)');
  const where = req.visits ? and(eq(visitTable.instrument, req.instrument), inArray(visitTable.id, req.visits)) : eq(visitTable.instrument, req.instrument);
  const rows = await db
    .select({ id: visitTable.id, beginTime: visitTable.beginTime, endTime: visitTable.endTime })
    .from(visitTable)
    .where(where)
    .orderBy(asc(visitTable.endTime), asc(visitTable.id));
  if (req.visits) {
    const found = new Set(rows.map((r) => r.id));
    const missing = req.visits.filter((v) => !found.has(v));
    if (missing.length > 0) throw new VeraError('NOT_FOUND', `instrument '${req.instrument}' has no visit ${missing.join(', ')}`, { missing });
  }
  if (rows.length === 0) throw new VeraError('NOT_FOUND', `instrument '${req.instrument}' has no visits to replay`);
  return db.transaction(async (tx) => {
    const [replay] = await tx
      .insert(replays)
      .values({ ownerId: actor.id, status: 'pending', instrument: req.instrument, codeRef: req.codeRef.trim(), config, speed: req.speed ?? null })
      .returning({ id: replays.id });
    const id = replay!.id;
    const subject = req.alertSubject === undefined ? subjectOf(id) : req.alertSubject;
    if (subject) await tx.update(replays).set({ alertSubject: subject }).where(eq(replays.id, id));
    await tx.insert(replayVisits).values(
      rows.map((r, seq) => ({
        replayId: id,
        seq,
        visit: r.id,
        shutterCloseAt: r.endTime,
        midpointMjdTai: mjdTai((r.beginTime.getTime() + r.endTime.getTime()) / 2),
      })),
    );
    await createApdb(tx, id);
    return id;
  });
}
