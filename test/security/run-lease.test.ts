import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVera, type Vera } from '../../server/app.ts';
import type { Actor } from '../../server/auth/index.ts';
import { loadConfig } from '../../server/config.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { runs } from '../../server/db/schema/index.ts';
import { createLogger } from '../../server/log.ts';
import { createRun } from '../../server/runs/create.ts';
import { claimOrphanedRuns, claimRun } from '../../server/runs/lease.ts';
import { getRun } from '../../server/runs/queries.ts';
import { recoverOrphanedRuns, startRunRecovery } from '../../server/runs/recovery.ts';
import { submitRun } from '../../server/runs/submit.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { seedToyRaw, TOY_PIPELINE, toyPipelineText } from '../support/runs.ts';

/**
 * The lease on a run's row that says which process executes it: refreshed while it runs, taken
 * by exactly one claimant once it is stale, and given up by a process that lost it.
 */

const t = useTestDatabase();
const LEASE_MS = 60_000;
let home: string;
let vera: Vera;

beforeAll(async () => {
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-lease-'));
  const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', VERA_THREADS: '2' });
  vera = await openVera(config, createLogger(config), { database: t.database, runHeartbeatMs: 50 });
});
afterAll(async () => {
  await vera?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

async function seeded(): Promise<Actor> {
  const alice = await makeActor(t.db, 'alice', 'developer');
  await seedToyRaw(t.db, vera.datastore, alice, { nVisits: 3, nDetectors: 2 });
  return alice;
}

async function makeRun(output: string, actor: Actor) {
  const { run } = await createRun(t.db, { pipelineFile: TOY_PIPELINE, pipelineYaml: toyPipelineText(), inputs: ['TestCam/raw'], output, executor: 'local' }, actor);
  return run;
}

/** Sets a run's state as a dead process would have left it. */
async function leave(runId: number, status: string, heartbeatAgoMs: number | null, createdAgoMs = 0) {
  await t.db
    .update(runs)
    .set({ status, heartbeatAt: heartbeatAgoMs === null ? null : new Date(Date.now() - heartbeatAgoMs), createdAt: new Date(Date.now() - createdAgoMs) })
    .where(eq(runs.id, runId));
}

async function heartbeatOf(name: string): Promise<Date | null> {
  return (await getRun(t.db, name)).heartbeatAt;
}

async function until(what: string, check: () => Promise<boolean>) {
  for (let i = 0; i < 1200; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`gave up waiting for ${what}`);
}

describe('run leases', () => {
  it('a run being executed has its heartbeat set at start and refreshed while it runs', async () => {
    const alice = await seeded();
    await submitRun(vera, { pipelineFile: TOY_PIPELINE, inputs: ['TestCam/raw'], output: 'u/alice/beating', configOverrides: { scale: { sleepMs: 300 } } }, alice);
    const first = await heartbeatOf('u/alice/beating');
    expect(first).toBeInstanceOf(Date);
    const seen = new Set([first!.getTime()]);
    await until('the heartbeat to move twice', async () => {
      const hb = await heartbeatOf('u/alice/beating');
      if (hb) seen.add(hb.getTime());
      return seen.size >= 3;
    });
    expect(await vera.runs.wait('u/alice/beating')).toBe('succeeded');
  });

  it('stale runs are claimed by exactly one of two concurrent claimants; live and young ones by none', async () => {
    const alice = await seeded();
    const stale: number[] = [];
    for (let i = 0; i < 6; i++) {
      const run = await makeRun(`u/alice/stale-${i}`, alice);
      await leave(run.id, 'running', i === 0 ? null : 2 * LEASE_MS);
      stale.push(run.id);
    }
    const oldPending = await makeRun('u/alice/never-started', alice);
    await leave(oldPending.id, 'pending', null, 2 * LEASE_MS);
    stale.push(oldPending.id);
    const live = await makeRun('u/alice/live', alice);
    await leave(live.id, 'running', 1000);
    const young = await makeRun('u/alice/just-made', alice);
    const done = await makeRun('u/alice/done', alice);
    await leave(done.id, 'failed', 2 * LEASE_MS);

    const opts = { leaseMs: LEASE_MS, singleProcess: false };
    const [a, b] = await Promise.all([claimOrphanedRuns(t.db, opts), claimOrphanedRuns(t.db, opts)]);
    const ids = [...a, ...b].map((r) => r.id);
    expect(ids.sort()).toEqual([...stale].sort());
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of [...a, ...b]) expect(await heartbeatOf(r.name)).toEqual(r.token);
    expect([...a, ...b].find((r) => r.name === 'u/alice/never-started')).toMatchObject({ previousStatus: 'pending', lastHeartbeat: null });

    // Claimed runs are held now: a second pass takes nothing, and a start elsewhere is refused.
    expect(await claimOrphanedRuns(t.db, opts)).toEqual([]);
    expect(await claimRun(t.db, live.id, opts)).toBeUndefined();
    expect(await claimRun(t.db, stale[1]!, opts)).toBeUndefined();
    // A run that is not running (new, failed) may be started; on PGlite (one process) anything may.
    expect(await claimRun(t.db, young.id, opts)).toBeInstanceOf(Date);
    expect(await claimRun(t.db, done.id, opts)).toBeInstanceOf(Date);
    expect(await claimRun(t.db, live.id, { ...opts, singleProcess: true })).toBeInstanceOf(Date);
  });

  it('a server whose lease was taken over stops executing the run and leaves it to the new holder', async () => {
    const alice = await seeded();
    await submitRun(vera, { pipelineFile: TOY_PIPELINE, inputs: ['TestCam/raw'], output: 'u/alice/taken', configOverrides: { scale: { sleepMs: 400 } } }, alice);
    const run = await getRun(t.db, 'u/alice/taken');
    // Another server's claim: it wrote its own token over this one's.
    const theirs = new Date(Date.now() + 3_600_000);
    await t.db.update(runs).set({ heartbeatAt: theirs }).where(eq(runs.id, run.id));

    expect(await vera.runs.wait('u/alice/taken')).toBe('cancelled');
    const after = await getRun(t.db, 'u/alice/taken');
    expect(after.status).toBe('running');
    expect(after.heartbeatAt).toEqual(theirs);
    expect(after.progress.succeeded).toBeLessThan(after.progress.total);
  });

  it('orphaned runs are resumed by the periodic check, or failed with the reason; quanta left running are reset', async () => {
    const alice = await seeded();
    const resumeMe = await makeRun('u/alice/resume-me', alice);
    await leave(resumeMe.id, 'running', 2 * LEASE_MS);
    await t.db.execute(sql`UPDATE quanta SET status = 'running', started_at = now() WHERE run_id = ${resumeMe.collectionId} AND task_label = 'scale'`);

    const stop = startRunRecovery(vera, 50);
    try {
      await until('the run to be resumed and finish', async () => (await getRun(t.db, 'u/alice/resume-me')).status === 'succeeded');
    } finally {
      await stop.stop();
    }
    expect((await getRun(t.db, 'u/alice/resume-me')).progress).toMatchObject({ succeeded: 9, running: 0 });

    const failMe = await makeRun('u/alice/fail-me', alice);
    const lastBeat = new Date(Date.now() - 2 * LEASE_MS);
    await t.db.update(runs).set({ status: 'running', heartbeatAt: lastBeat }).where(eq(runs.id, failMe.id));
    await t.db.execute(sql`UPDATE quanta SET status = 'running' WHERE run_id = ${failMe.collectionId} AND task_label = 'scale'`);
    const failing = { ...vera, config: { ...vera.config, orphanedRuns: 'fail' as const } };
    expect(await recoverOrphanedRuns(failing)).toEqual({ resumed: [], failed: ['u/alice/fail-me'] });
    const failed = await getRun(t.db, 'u/alice/fail-me');
    expect(failed.status).toBe('failed');
    expect(failed.error).toBe(`the server executing it stopped (last heartbeat ${lastBeat.toISOString()})`);
    expect(failed.endedAt).toBeInstanceOf(Date);
    const states = await queryRows<{ status: string; n: number }>(t.db, sql`SELECT status, count(*)::int AS n FROM quanta WHERE run_id = ${failMe.collectionId} GROUP BY status`);
    expect(states).toEqual([{ status: 'pending', n: 9 }]);
  });
});
