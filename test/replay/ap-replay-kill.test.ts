import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, describe, expect, it } from 'vitest';
import { associatedVisits, diaObjects, diaSources } from '../../server/apdb/index.ts';
import { embeddedDbDir, openVera } from '../../server/app.ts';
import { createToken } from '../../server/auth/index.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase } from '../../server/db/client.ts';
import { collections, replayVisits, runs } from '../../server/db/schema/index.ts';
import { createLogger } from '../../server/log.ts';
import { decodeAlert } from '../../server/replay/alerts.ts';
import { visitRunName } from '../../server/replay/ap-processor.ts';
import { readAlertStream } from '../../server/replay/stream.ts';
import { setUpApRepository } from '../support/ap-replay.ts';
import { cliEnv, serveProcess, type ServeProcess } from '../support/cli.ts';
import { openPgliteDir, useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';

/**
 * Killing the server mid-replay (SIGKILL of a real `vera serve` child, while a visit's AP run is
 * executing) and starting another resumes the replay: every visit associated once, every
 * DiaSource once in the APDB and once in JetStream. Runs on PostgreSQL (the children share the
 * test's database) and on PGlite (the children's embedded database in their VERA_HOME).
 */

const NATS = 'nats://127.0.0.1:4222';
const t = useTestDatabase();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-replay-kill-'));
const children: ChildProcess[] = [];
afterAll(() => {
  for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
  fs.rmSync(home, { recursive: true, force: true });
});

const SMALL_SIMCAM = { bands: ['r' as const], nVisits: 6, detectorGrid: [1, 1] as [number, number], nStars: 930, nGalaxies: 220, nTransients: 40 };

async function serve(): Promise<ServeProcess> {
  // The shortest lease (5 s): the second server takes the dead one's replay and runs over soon.
  const s = await serveProcess(cliEnv(home, t.url, { VERA_ALERT_STREAM: NATS, VERA_RUN_LEASE_SECONDS: '5', VERA_THREADS: '2' }));
  children.push(s.child);
  return s;
}

interface VisitState {
  visit: number;
  stage: string;
}

async function gql<T>(url: string, token: string, query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await fetch(`${url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` }, body: JSON.stringify({ query, variables }) });
  const body = (await res.json()) as { data?: T; errors?: { message: string }[] };
  if (body.errors) throw new Error(body.errors.map((e) => e.message).join('; '));
  return body.data!;
}

async function replayState(url: string, token: string, id: number) {
  return (await gql<{ replay: { status: string; error: string | null; visits: VisitState[] } }>(url, token, `query($id: Int!) { replay(id: $id) { status error visits { visit stage } } }`, { id })).replay;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((r) => child.once('exit', () => r()));
}

describe('AP replay: a killed server', () => {
  it('is resumed by the next one: no duplicate alert, no DiaSource associated twice', async () => {
    // The repository, set up in this process, then handed to the child servers.
    const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', ...(t.url ? { DATABASE_URL: t.url } : {}) });
    // On PGlite the home's database is the migrated template (openPgliteDir), not initdb and every migration.
    const setupDatabase = t.url ? t.database : await openPgliteDir(embeddedDbDir(config));
    const setup = await openVera(config, createLogger(config), { database: setupDatabase });
    const op = await makeActor(setup.database.db, 'op', 'operator');
    const { token } = await createToken(setup.database.db, op.id, 'test');
    const { inputs, replayVisits: visits } = await setUpApRepository(setup, op, SMALL_SIMCAM, 3);
    await setup.close();
    if (!t.url) await setupDatabase.close();

    const first = await serve();
    const started = await gql<{ startReplay: { id: number; alertSubject: string } }>(
      first.url,
      token,
      `mutation($inputs: [String!]!, $visits: [Float!]) { startReplay(instrument: "SimCam", codeRef: "main", inputs: $inputs, visits: $visits) { id alertSubject } }`,
      { inputs, visits },
    );
    const { id, alertSubject } = started.startReplay;
    // Killed once the first visit is published: the second is being processed (as fast as possible).
    let state = await replayState(first.url, token, id);
    while (!state.visits.some((v) => v.stage === 'published')) {
      expect(state.status, state.error ?? '').toMatch(/pending|running/);
      await new Promise((r) => setTimeout(r, 100));
      state = await replayState(first.url, token, id);
    }
    first.child.kill('SIGKILL');
    await exited(first.child);
    expect(state.visits.filter((v) => v.stage === 'published').length).toBeLessThan(visits.length);

    const second = await serve();
    for (;;) {
      state = await replayState(second.url, token, id);
      if (state.status !== 'running' && state.status !== 'pending') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(state.status, state.error ?? '').toBe('succeeded');
    second.child.kill('SIGTERM');
    await exited(second.child);

    const database = t.url ? t.database : await openDatabase({ dataDir: embeddedDbDir(config) });
    try {
      const db = database.db;
      const rows = await db.select().from(replayVisits).where(eq(replayVisits.replayId, id)).orderBy(replayVisits.seq);
      expect(rows.map((r) => r.stage)).toEqual(visits.map(() => 'published'));
      // Each visit associated once, by one AP run that succeeded.
      expect((await associatedVisits(db, id)).map((a) => a.visit)).toEqual(visits);
      for (const v of visits) {
        const r = await db.select({ status: runs.status }).from(runs).innerJoin(collections, eq(collections.id, runs.collectionId)).where(eq(collections.name, visitRunName(id, v)));
        expect(r).toEqual([{ status: 'succeeded' }]);
      }
      // Every DiaSource once: the visits' counts, the DiaObjects' counts and the stream agree.
      const sources = await diaSources(db, id);
      expect(sources.length).toBeGreaterThan(0);
      expect(sources.length).toBe(rows.reduce((n, r) => n + r.diaSources!, 0));
      expect((await diaObjects(db, id)).reduce((n, o) => n + o.nDiaSources, 0)).toBe(sources.length);
      const streamed = (await readAlertStream(NATS, alertSubject)).map((m) => decodeAlert(m.data).diaSourceId);
      expect(new Set(streamed).size).toBe(streamed.length);
      expect(streamed.sort()).toEqual(sources.map((s) => s.diaSourceId).sort());
    } finally {
      if (!t.url) await database.close();
    }
  }, 1_800_000);
});
