import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { associatedVisits, diaObjects, diaSources, separationDeg } from '../../server/apdb/index.ts';
import { openVera, type OpenOptions, type Vera } from '../../server/app.ts';
import type { Actor } from '../../server/auth/index.ts';
import { loadConfig } from '../../server/config.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { replays, replayVisits } from '../../server/db/schema/index.ts';
import { createLogger } from '../../server/log.ts';
import { decodeAlert } from '../../server/replay/alerts.ts';
import { createReplay } from '../../server/replay/create.ts';
import { alertSubject, NatsAlertSink, readAlertStream, type AlertSink } from '../../server/replay/stream.ts';
import { seedSimCamVisits, truthDetections, truthProcessor, truthSim } from '../support/ap-truth.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';

const t = useTestDatabase();
const NATS = 'nats://127.0.0.1:4222';
const sim = truthSim(6);
const homes: string[] = [];
const open: Vera[] = [];

afterAll(async () => {
  for (const v of open) await v.close();
  for (const h of homes) fs.rmSync(h, { recursive: true, force: true });
});

async function vera(env: Record<string, string>, opts: OpenOptions = {}): Promise<Vera> {
  const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-replay-'));
  homes.push(home);
  // A short lease: a replay whose process stopped is taken over half a second later.
  const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', ...env }, { runLeaseMs: 500 });
  const v = await openVera(config, createLogger(config), { database: t.database, replayProcessor: truthProcessor(sim), ...opts });
  open.push(v);
  return v;
}

async function closeVera(v: Vera): Promise<void> {
  open.splice(open.indexOf(v), 1);
  await v.close();
}

async function waitForEnd(v: Vera, id: number): Promise<string> {
  // Generous: correctness, not speed, is under test.
  for (let i = 0; i < 1200; i++) {
    const [r] = await v.database.db.select({ status: replays.status, error: replays.error }).from(replays).where(eq(replays.id, id));
    // The end's subscribers (the replay's metrics) run after the status is written: wait for them.
    if (r!.status === 'failed') return v.replays.wait(id).then(() => `failed: ${r!.error}`);
    if (r!.status !== 'running' && r!.status !== 'pending') return v.replays.wait(id).then(() => r!.status);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`replay ${id} did not end`);
}

async function operator(): Promise<Actor> {
  return makeActor(t.db, `op${Math.random().toString(36).slice(2, 8)}`, 'operator');
}

async function storedAlerts(id: number): Promise<Uint8Array[]> {
  const rows = await queryRows<{ packet: Uint8Array }>(t.db, sql`SELECT "packet" FROM ${sql.identifier(`apdb_${id}`)}."Alert" ORDER BY "diaSourceId"`);
  return rows.map((r) => r.packet);
}

describe('AP replay (per-visit processing: SimCam truth stand-in, not the image pipeline)', () => {
  it('replays visits in time order into an APDB whose DiaObjects are the injected transients, with alerts and latencies', async () => {
    await seedSimCamVisits(t.db, sim);
    const v = await vera({});
    const id = await createReplay(v.database.db, await operator(), { instrument: sim.instrument.name, codeRef: 'main' }, () => null);
    const events: number[] = [];
    const off = v.events.on('replay.visit', async (e) => {
      if (e.replay === id) events.push(e.seq);
    });
    await v.replays.start(id);
    expect(await waitForEnd(v, id)).toBe('succeeded');
    off();
    const visits = await t.db.select().from(replayVisits).where(eq(replayVisits.replayId, id)).orderBy(replayVisits.seq);
    expect(visits.map((x) => x.stage)).toEqual(visits.map(() => 'published'));
    expect(events).toEqual(visits.map((x) => x.seq));
    // Observation order: shutter close never decreases along seq, nor association time.
    for (let i = 1; i < visits.length; i++) expect(visits[i]!.shutterCloseAt.getTime()).toBeGreaterThanOrEqual(visits[i - 1]!.shutterCloseAt.getTime());
    expect((await associatedVisits(t.db, id)).map((a) => a.visit)).toEqual(visits.map((x) => x.visit));
    for (const x of visits) {
      expect(x.latencyMs).toBeGreaterThanOrEqual(0);
      expect(Object.keys(x.timings).sort()).toEqual(['associateMs', 'packageMs', 'processMs', 'publishMs']);
    }

    // Truth: every DiaObject sits on one injected transient, and each transient seen is one DiaObject.
    const truthOf = new Map<bigint, number>();
    const detections = new Map<number, number>();
    for (const x of visits) {
      for (const d of truthDetections(sim, x.visit, x.midpointMjdTai)) {
        truthOf.set(d.source.diaSourceId, d.truthId);
        detections.set(d.truthId, (detections.get(d.truthId) ?? 0) + 1);
      }
    }
    const objects = await diaObjects(t.db, id);
    expect(objects.length).toBe(detections.size);
    const sources = await diaSources(t.db, id);
    const truthOfObject = new Map<bigint, Set<number>>();
    for (const s of sources) {
      const set = truthOfObject.get(s.diaObjectId!) ?? new Set();
      set.add(truthOf.get(s.diaSourceId)!);
      truthOfObject.set(s.diaObjectId!, set);
    }
    for (const o of objects) {
      const truths = [...truthOfObject.get(o.diaObjectId)!];
      expect(truths).toHaveLength(1);
      const tr = sim.transients.find((x) => x.id === truths[0])!;
      expect(separationDeg(o.ra, o.dec, tr.raDeg, tr.decDeg) * 3600).toBeLessThan(0.5);
      expect(o.nDiaSources).toBe(detections.get(tr.id));
    }

    // One alert per DiaSource; its history is the DiaObject's earlier DiaSources.
    const alerts = (await storedAlerts(id)).map(decodeAlert);
    expect(alerts.length).toBe(sources.length);
    for (const a of alerts) {
      expect(a.diaSource.diaObjectId).toBe(a.diaObject.diaObjectId);
      expect(a.prvDiaSources!.every((p) => p.diaObjectId === a.diaObject.diaObjectId && p.midpointMjdTai < a.diaSource.midpointMjdTai)).toBe(true);
      const earlier = sources.filter((s) => s.diaObjectId === a.diaObject.diaObjectId && s.midpointMjdTai < a.diaSource.midpointMjdTai);
      expect(a.prvDiaSources!.length).toBe(earlier.length);
      expect(a.cutoutDifference).toBeNull();
    }
    await closeVera(v);
  });

  it('publishes alerts to NATS JetStream, one subject per replay, and they decode', async () => {
    await seedSimCamVisits(t.db, sim);
    const v = await vera({ VERA_ALERT_STREAM: NATS });
    const id = await createReplay(v.database.db, await operator(), { instrument: sim.instrument.name, codeRef: 'main', visits: sim.visits.slice(0, 3).map((x) => x.id) }, alertSubject);
    const [replay] = await t.db.select().from(replays).where(eq(replays.id, id));
    await v.replays.start(id);
    expect(await waitForEnd(v, id)).toBe('succeeded');
    const messages = await readAlertStream(NATS, replay!.alertSubject!);
    const stored = await storedAlerts(id);
    expect(stored.length).toBeGreaterThan(0);
    expect(messages.length).toBe(stored.length);
    const decoded = messages.map((m) => decodeAlert(m.data));
    expect(new Set(decoded.map((a) => a.diaSourceId)).size).toBe(decoded.length);
    expect(messages[0]!.headers['Vera-Alert-Schema']).toBe('vera.alert_v11_0.alert');
    const sources = await diaSources(t.db, id);
    expect(decoded.map((a) => a.diaSourceId).sort()).toEqual(sources.map((s) => s.diaSourceId).sort());
    await closeVera(v);
  });

  it('a server stopped mid-replay is resumed by the next: no duplicate alert, no DiaSource associated twice', async () => {
    await seedSimCamVisits(t.db, sim);
    // Instance A sends visit 2's alerts to JetStream, then hangs before recording them: the worst moment to die.
    let publishes = 0;
    let hung!: () => void;
    const hangs = new Promise<void>((r) => (hung = r));
    const a = await vera(
      { VERA_ALERT_STREAM: NATS },
      {
        openAlertSink: async (): Promise<AlertSink> => {
          const real = await NatsAlertSink.open(NATS);
          return {
            publish: async (subject, replayId, alerts) => {
              await real.publish(subject, replayId, alerts);
              if (++publishes === 3) {
                hung();
                await new Promise(() => {});
              }
            },
            close: () => real.close(),
          };
        },
      },
    );
    const id = await createReplay(a.database.db, await operator(), { instrument: sim.instrument.name, codeRef: 'main' }, alertSubject);
    const [replay] = await t.db.select().from(replays).where(eq(replays.id, id));
    await a.replays.start(id);
    await hangs;
    await closeVera(a);
    const before = await t.db.select().from(replayVisits).where(eq(replayVisits.replayId, id)).orderBy(replayVisits.seq);
    expect(before.filter((x) => x.stage === 'published').length).toBe(2);
    expect(before[2]!.stage).toBe('associated');

    const b = await vera({ VERA_ALERT_STREAM: NATS });
    expect(await waitForEnd(b, id)).toBe('succeeded');
    const visits = await t.db.select().from(replayVisits).where(eq(replayVisits.replayId, id)).orderBy(replayVisits.seq);
    expect(visits.every((x) => x.stage === 'published')).toBe(true);
    // Each visit associated once; the DiaObjects' counts add up to the DiaSources stored, once each.
    expect((await associatedVisits(t.db, id)).map((x) => x.visit)).toEqual(visits.map((x) => x.visit));
    const sources = await diaSources(t.db, id);
    const expected = visits.reduce((n, x) => n + truthDetections(sim, x.visit, x.midpointMjdTai).length, 0);
    expect(sources.length).toBe(expected);
    expect((await diaObjects(t.db, id)).reduce((n, o) => n + o.nDiaSources, 0)).toBe(expected);
    // The stream holds every alert exactly once, visit 2's included.
    const ids = (await readAlertStream(NATS, replay!.alertSubject!)).map((m) => decodeAlert(m.data).diaSourceId);
    expect(ids.length).toBe(expected);
    expect(new Set(ids).size).toBe(expected);
  });
});
