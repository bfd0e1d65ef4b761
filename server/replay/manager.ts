import { and, asc, eq, isNull, lt, or, sql } from 'drizzle-orm';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { associateVisit, apdbTable, previousDiaSources, previousForcedSources } from '../apdb/index.ts';
import { queryRows, type Db } from '../db/client.ts';
import { replays, replayVisits, type ReplayConfig, type VisitStageTimings } from '../db/schema/index.ts';
import type { EventBus } from '../events/bus.ts';
import type { Logger } from '../log.ts';
import { encodeAlert, type Cutouts } from './alerts.ts';
import { mjdTai } from './create.ts';
import type { AlertSink } from './stream.ts';

/** A visit handed to the per-visit processing step. */
export interface ReplayVisit {
  replayId: number;
  instrument: string;
  seq: number;
  visit: number;
  midpointMjdTai: number;
  config: ReplayConfig;
}

export interface VisitOutput {
  /** The visit's DiaSources (diaObjectId null), from the AP tasks. */
  diaSources: DiaSource[];
  /** Cutouts per diaSourceId, FITS bytes; absent: the alerts carry none. */
  cutouts?: Map<bigint, Cutouts>;
}

/**
 * The per-visit processing step: image subtraction and DiaSource detection on the visit. Vera's
 * is the AP pipeline run per visit (ap-processor.ts); tests of the server side may give a cheaper
 * one. It must be deterministic: a resumed replay runs it again for a visit that was not
 * associated when the process died.
 */
export type VisitProcessor = ((visit: ReplayVisit, signal: AbortSignal) => Promise<VisitOutput>) & {
  /**
   * Readies the processing before the replay's clock starts, as Prompt Processing's workers are
   * before a visit arrives (the AP processor: task modules loaded and templates, calibrations and
   * refcats decoded in every worker, then the pipeline rehearsed once on a visit that is not
   * replayed). Called each time a replay is driven, before its first visit is released.
   */
  prepare?: (replay: { replayId: number; instrument: string; config: ReplayConfig }, signal: AbortSignal) => Promise<void>;
};

export interface ReplayManagerOptions {
  db: Db;
  log: Logger;
  events: EventBus;
  processor?: VisitProcessor | undefined;
  /** Where alerts go besides the APDB's Alert table; undefined: stored only. */
  openSink?: (() => Promise<AlertSink>) | undefined;
  leaseMs: number;
}

class Stopped extends Error {}

/** Resolves with `p`, or rejects with Stopped as soon as the signal fires (the step is abandoned, as by a kill). */
function abortable<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(new Stopped());
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(new Stopped());
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        resolve(v);
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(e);
      },
    );
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return abortable(new Promise<void>((r) => setTimeout(r, Math.max(0, ms)).unref()), signal);
}

/**
 * Drives replays: releases each visit at its scaled shutter close, processes it, associates it and
 * packages its alerts (one transaction), publishes them, and records latency and stage timings.
 * Progress lives in replay_visits, so a replay whose process died is resumed by the next one (its
 * heartbeat older than the lease): visits associated are not associated again, and alerts already
 * sent go out again with the same message id, which JetStream drops as a duplicate.
 */
export class ReplayManager {
  private readonly active = new Map<number, Promise<void>>();
  private readonly abort = new AbortController();
  private sink: Promise<AlertSink> | undefined;
  private readonly heartbeat: NodeJS.Timeout;
  private readonly scanner: NodeJS.Timeout;

  constructor(private readonly opts: ReplayManagerOptions) {
    this.heartbeat = setInterval(() => void this.beat(), Math.max(50, opts.leaseMs / 4));
    this.heartbeat.unref();
    this.scanner = setInterval(() => void this.resumeOrphaned(), Math.max(100, opts.leaseMs / 2));
    this.scanner.unref();
  }

  /** Starts driving a pending replay in the background; `wait` awaits its end. */
  async start(replayId: number): Promise<void> {
    const claimed = await this.opts.db
      .update(replays)
      .set({ status: 'running', heartbeatAt: new Date() })
      .where(and(eq(replays.id, replayId), eq(replays.status, 'pending')))
      .returning({ id: replays.id });
    if (claimed.length > 0) this.drive(replayId);
  }

  /** Claims the running replays whose driver died (heartbeat older than the lease) and resumes them. */
  async resumeOrphaned(): Promise<number[]> {
    if (this.abort.signal.aborted || !this.opts.processor) return [];
    const stale = new Date(Date.now() - this.opts.leaseMs);
    const claimed = await this.opts.db
      .update(replays)
      .set({ heartbeatAt: new Date() })
      // A Vera without an alert stream leaves replays that publish to one to a Vera that has it.
      .where(
        and(
          eq(replays.status, 'running'),
          or(isNull(replays.heartbeatAt), lt(replays.heartbeatAt, stale)),
          this.opts.openSink ? undefined : isNull(replays.alertSubject),
        ),
      )
      .returning({ id: replays.id })
      .catch((e: unknown) => {
        this.opts.log.warn({ err: e }, 'replay resume scan failed');
        return [];
      });
    const ids = claimed.map((c) => c.id).filter((id) => !this.active.has(id));
    for (const id of ids) {
      this.opts.log.info({ replay: id }, 'resuming replay');
      this.drive(id);
    }
    return ids;
  }

  async wait(replayId: number): Promise<void> {
    await this.active.get(replayId);
  }

  /**
   * Stops driving: every replay is abandoned where it stands, as a killed process would leave it
   * (status running, heartbeat going stale); the next Vera on the database resumes it.
   */
  async close(): Promise<void> {
    clearInterval(this.heartbeat);
    clearInterval(this.scanner);
    this.abort.abort();
    await Promise.allSettled([...this.active.values()]);
    if (this.sink) await (await this.sink.catch(() => undefined))?.close();
  }

  private async beat(): Promise<void> {
    for (const id of this.active.keys()) {
      await this.opts.db
        .update(replays)
        .set({ heartbeatAt: new Date() })
        .where(eq(replays.id, id))
        .catch(() => {});
    }
  }

  private drive(replayId: number): void {
    const done = this.run(replayId)
      .catch(async (e: unknown) => {
        if (e instanceof Stopped) return;
        this.opts.log.error({ replay: replayId, err: e }, 'replay failed');
        await this.opts.db
          .update(replays)
          .set({ status: 'failed', error: e instanceof Error ? e.message : String(e), endedAt: new Date() })
          .where(eq(replays.id, replayId));
        await this.opts.events.emit('replay.finished', { replay: replayId, status: 'failed' });
      })
      .finally(() => this.active.delete(replayId));
    this.active.set(replayId, done);
  }

  private getSink(): Promise<AlertSink> | undefined {
    if (!this.opts.openSink) return undefined;
    this.sink ??= this.opts.openSink();
    return this.sink;
  }

  private async run(replayId: number): Promise<void> {
    const { db } = this.opts;
    const signal = this.abort.signal;
    const processor = this.opts.processor;
    if (!processor) throw new Error('this Vera has no per-visit AP processing step configured');
    const [replay] = await db.select().from(replays).where(eq(replays.id, replayId));
    if (!replay) throw new Error(`replay ${replayId} does not exist`);
    // Preparation is not on the clock: the clock starts once it is done (see docs/alert-production.md).
    if (processor.prepare) await abortable(processor.prepare({ replayId, instrument: replay.instrument, config: replay.config }, signal), signal);
    let startedAt = replay.startedAt;
    if (!startedAt) {
      startedAt = new Date();
      await db.update(replays).set({ startedAt }).where(eq(replays.id, replayId));
    }
    const visits = await db.select().from(replayVisits).where(eq(replayVisits.replayId, replayId)).orderBy(asc(replayVisits.seq));
    const firstClose = visits[0]!.shutterCloseAt.getTime();
    for (const v of visits) {
      if (v.stage === 'published') continue;
      const timings: VisitStageTimings = { ...v.timings };
      let scaledClose = v.scaledShutterCloseAt;
      if (v.stage === 'pending') {
        if (!scaledClose) {
          // The clock: shutter close relative to the first visit's, divided by the speed, from the
          // replay's start. As fast as possible: the visit is released when the previous is done.
          scaledClose = replay.speed ? new Date(startedAt.getTime() + (v.shutterCloseAt.getTime() - firstClose) / replay.speed) : new Date();
          await db
            .update(replayVisits)
            .set({ scaledShutterCloseAt: scaledClose })
            .where(and(eq(replayVisits.replayId, replayId), eq(replayVisits.seq, v.seq)));
        }
        await sleep(scaledClose.getTime() - Date.now(), signal);
        const info: ReplayVisit = { replayId, instrument: replay.instrument, seq: v.seq, visit: v.visit, midpointMjdTai: v.midpointMjdTai, config: replay.config };
        const t = performance.now();
        const output = await abortable(processor(info, signal), signal);
        timings.processMs = performance.now() - t;
        await abortable(this.associateAndPackage(replayId, v.seq, info, output, timings), signal);
      }
      const t = performance.now();
      const published = await abortable(this.publish(replayId, replay.alertSubject, v.visit), signal);
      timings.publishMs = performance.now() - t;
      const publishedAt = new Date();
      const latencyMs = publishedAt.getTime() - scaledClose!.getTime();
      await db
        .update(replayVisits)
        .set({ stage: 'published', publishedAt, latencyMs, timings })
        .where(and(eq(replayVisits.replayId, replayId), eq(replayVisits.seq, v.seq)));
      await this.opts.events.emit('replay.visit', { replay: replayId, visit: v.visit, seq: v.seq, alerts: published, latencyMs });
    }
    await db.update(replays).set({ status: 'succeeded', endedAt: new Date() }).where(eq(replays.id, replayId));
    await this.opts.events.emit('replay.finished', { replay: replayId, status: 'succeeded' });
  }

  /** One transaction: the visit's association, its alert packets in the outbox, its stage. */
  private async associateAndPackage(replayId: number, seq: number, visit: ReplayVisit, output: VisitOutput, timings: VisitStageTimings): Promise<void> {
    await this.opts.db.transaction(async (tx) => {
      let t = performance.now();
      const result = await associateVisit(tx, replayId, { visit: visit.visit, midpointMjdTai: visit.midpointMjdTai, diaSources: output.diaSources }, { radiusArcsec: visit.config.associationRadiusArcsec });
      timings.associateMs = performance.now() - t;
      t = performance.now();
      let alerts = 0;
      if (result) {
        const objects = new Map(result.diaObjects.map((o) => [o.diaObjectId, o]));
        const ids = [...objects.keys()];
        const prv = await previousDiaSources(tx, replayId, ids, visit.midpointMjdTai);
        const prvForced = await previousForcedSources(tx, replayId, ids, visit.midpointMjdTai);
        const processed = mjdTai(Date.now());
        const packets = result.diaSources.map((s) => ({
          diaSourceId: s.diaSourceId,
          packet: encodeAlert({
            diaSource: s,
            diaObject: objects.get(s.diaObjectId!)!,
            prvDiaSources: prv.filter((p) => p.diaObjectId === s.diaObjectId),
            prvDiaForcedSources: prvForced.filter((p) => p.diaObjectId === s.diaObjectId),
            cutouts: output.cutouts?.get(s.diaSourceId),
            processedMjdTai: processed,
          }),
        }));
        for (const p of packets) {
          await tx.execute(sql`INSERT INTO ${apdbTable(replayId, 'Alert')} ("diaSourceId", "visit", "packet") VALUES (${p.diaSourceId.toString()}::bigint, ${visit.visit}, ${Buffer.from(p.packet)})`);
        }
        alerts = packets.length;
      }
      timings.packageMs = performance.now() - t;
      await tx
        .update(replayVisits)
        .set({ stage: 'associated', timings, diaSources: output.diaSources.length, newDiaObjects: result?.newDiaObjects ?? 0, alerts })
        .where(and(eq(replayVisits.replayId, replayId), eq(replayVisits.seq, seq)));
    });
  }

  /** Sends the visit's alerts not yet marked published, then marks them; returns how many the visit has. */
  private async publish(replayId: number, subject: string | null, visit: number): Promise<number> {
    const { db } = this.opts;
    const table = apdbTable(replayId, 'Alert');
    const pending = await queryRows<{ diaSourceId: string; packet: Uint8Array }>(
      db,
      sql`SELECT "diaSourceId"::text AS "diaSourceId", "packet" FROM ${table} WHERE "visit" = ${visit} AND "publishedAt" IS NULL ORDER BY "diaSourceId"`,
    );
    const sink = subject ? this.getSink() : undefined;
    if (subject && !sink) throw new Error(`replay ${replayId} publishes to '${subject}', but this Vera has no alert stream (set VERA_ALERT_STREAM)`);
    if (sink && pending.length > 0) {
      await (await sink).publish(
        subject!,
        replayId,
        pending.map((p) => ({ diaSourceId: BigInt(p.diaSourceId), packet: p.packet })),
      );
    }
    await db.execute(sql`UPDATE ${table} SET "publishedAt" = now() WHERE "visit" = ${visit} AND "publishedAt" IS NULL`);
    const [n] = await queryRows<{ n: number }>(db, sql`SELECT count(*)::int AS n FROM ${table} WHERE "visit" = ${visit}`);
    return n!.n;
  }
}
