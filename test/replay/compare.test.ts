import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { and, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Actor } from '../../server/auth/index.ts';
import { replays, replayVisits } from '../../server/db/schema/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createReplay, type ReplayRequest } from '../../server/replay/create.ts';
import { seedSimCamVisits, truthDetections, truthSim } from '../support/ap-truth.ts';
import { cliEnv, runCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { gatedTruthProcessor, VisitGate } from '../support/replay-gate.ts';
import { useTestVera } from '../support/vera.ts';

/**
 * `replayComparison` and `vera replay compare` on replays of SimCam visits with the truth
 * stand-in for the image tasks: B drops every second DiaSource (a config override), so the
 * alerts only in A, and every count delta, are known from the truth.
 */

const sim = truthSim(4);
const t = useTestDatabase();
const gate = new VisitGate();
const v = useTestVera(t, {}, { open: { replayProcessor: gatedTruthProcessor(sim, gate) } });
const visitIds = sim.visits.map((x) => x.id);

let op: { actor: Actor; token: string };
let server: VeraHttpServer;
let home: string;

beforeAll(async () => {
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-replay-compare-'));
});

afterAll(async () => {
  await server?.close();
  if (home) fs.rmSync(home, { recursive: true, force: true });
});

async function replay(req: Omit<ReplayRequest, 'instrument'>): Promise<number> {
  const id = await createReplay(v.vera.database.db, op.actor, { instrument: sim.instrument.name, ...req }, () => null);
  await v.vera.replays.start(id);
  // Generous: correctness, not speed, is under test.
  for (let i = 0; i < 1200; i++) {
    const [r] = await t.db.select({ status: replays.status, error: replays.error }).from(replays).where(eq(replays.id, id));
    // Its end's subscribers (the replay's metrics) run after the status: wait for them too, or the
    // next test's TRUNCATE meets their writes (a deadlock on PostgreSQL).
    if (r!.status === 'succeeded') return v.vera.replays.wait(id).then(() => id);
    if (r!.status !== 'running' && r!.status !== 'pending') throw new Error(`replay ${id} ${r!.status}: ${r!.error}`);
    await new Promise((res) => setTimeout(res, 100));
  }
  throw new Error(`replay ${id} did not end`);
}

const COMPARE = `query ($a: Int!, $b: Int!) {
  replayComparison(a: $a, b: $b) {
    a { id } b { id }
    warnings differences { key a b } commonVisits onlyInA onlyInB
    visits { visit latencyDeltaMs alertsDelta alertsMatched alertsOnlyInA alertsOnlyInB a { stage latencyMs diaSources alerts timings { processMs } } b { stage latencyMs diaSources alerts timings { processMs } } }
    summaryA { visitsPublished latencyP50Ms latencyP95Ms latencyMaxMs diaSources newDiaObjects alerts meanStageMs { processMs associateMs } }
    summaryB { visitsPublished diaSources alerts }
    deltas { name unit a b delta }
    alerts { matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma listedOnlyInA { visit diaSourceId } listedOnlyInB { visit } }
  }
}`;

interface Side {
  stage: string;
  latencyMs: number;
  diaSources: number;
  alerts: number;
  timings: { processMs: number };
}
interface Comparison {
  a: { id: number };
  b: { id: number };
  warnings: string[];
  differences: { key: string; a: string | null; b: string | null }[];
  commonVisits: number[];
  onlyInA: number[];
  onlyInB: number[];
  visits: { visit: number; latencyDeltaMs: number | null; alertsDelta: number | null; alertsMatched: number | null; alertsOnlyInA: number | null; alertsOnlyInB: number | null; a: Side | null; b: Side | null }[];
  summaryA: { visitsPublished: number; latencyP50Ms: number; latencyP95Ms: number; latencyMaxMs: number; diaSources: number; newDiaObjects: number; alerts: number; meanStageMs: { processMs: number; associateMs: number } };
  summaryB: { visitsPublished: number; diaSources: number; alerts: number };
  deltas: { name: string; unit: string; a: number | null; b: number | null; delta: number | null }[];
  alerts: { matchRadiusArcsec: number; matched: number; onlyInA: number; onlyInB: number; medianFluxDiffSigma: number | null; listedOnlyInA: { visit: number; diaSourceId: string }[]; listedOnlyInB: { visit: number }[] };
}

/** DiaSources the truth gives a visit, and how many survive dropping every second one. */
function truthCounts(visit: number): { all: number; kept: number } {
  const all = truthDetections(sim, visit, 0).length;
  return { all, kept: all - Math.floor(all / 2) };
}

/**
 * Each test's database starts empty: the visits, an operator, and replays A (visits 0–2), B (the
 * same visits, every second DiaSource dropped, a wider association radius, another code ref) and
 * C (visits 1–3).
 */
async function threeReplays(): Promise<{ a: number; b: number; c: number }> {
  await seedSimCamVisits(t.db, sim);
  op = await v.user('op', 'operator');
  const a = await replay({ codeRef: 'main', visits: visitIds.slice(0, 3) });
  const b = await replay({ codeRef: 'u/op/fewer-sources', visits: visitIds.slice(0, 3), config: { associationRadiusArcsec: 2, configOverrides: { detect: { dropEvery: 2 } } } });
  const c = await replay({ codeRef: 'main', visits: visitIds.slice(1, 4) });
  return { a, b, c };
}

describe('replay vs replay', () => {

  it('compares two replays of the same visits through GraphQL: settings that differ, visit by visit, deltas, alerts matched', async () => {
    const { a, b } = await threeReplays();
    // A's latencies set to known values (the measured ones are wall-clock), so its percentiles are
    // worked by hand below.
    for (const [k, latencyMs] of [400, 100, 250].entries()) {
      await t.db.update(replayVisits).set({ latencyMs }).where(and(eq(replayVisits.replayId, a), eq(replayVisits.visit, visitIds[k]!)));
    }
    const r = await v.gql<{ replayComparison: Comparison }>(COMPARE, { a, b });
    expect(r.errors).toBeUndefined();
    const cmp = r.data!.replayComparison;
    expect([cmp.a.id, cmp.b.id]).toEqual([a, b]);
    expect(cmp.warnings).toEqual([]);
    expect(cmp.differences).toEqual([
      { key: 'codeRef', a: 'main', b: 'u/op/fewer-sources' },
      { key: 'config.associationRadiusArcsec', a: '1', b: '2' },
      { key: 'config.configOverrides.detect.dropEvery', a: null, b: '2' },
    ]);
    const three = visitIds.slice(0, 3);
    expect(cmp.commonVisits).toEqual(three);
    expect([cmp.onlyInA, cmp.onlyInB]).toEqual([[], []]);
    const counts = three.map(truthCounts);
    expect(counts.some((n) => n.all >= 2)).toBe(true);
    expect(cmp.visits.map((x) => x.visit)).toEqual(three);
    expect(cmp.visits.map((x) => [x.a!.stage, x.b!.stage])).toEqual(three.map(() => ['published', 'published']));
    expect(cmp.visits.map((x) => [x.a!.diaSources, x.b!.diaSources])).toEqual(counts.map((n) => [n.all, n.kept]));
    expect(cmp.visits.map((x) => [x.alertsMatched, x.alertsOnlyInA, x.alertsOnlyInB, x.alertsDelta])).toEqual(counts.map((n) => [n.kept, n.all - n.kept, 0, n.kept - n.all]));
    for (const x of cmp.visits) {
      expect(x.latencyDeltaMs).toBeCloseTo(x.b!.latencyMs - x.a!.latencyMs, 6);
      expect(x.a!.timings.processMs).toBeGreaterThanOrEqual(0);
    }

    const total = (f: (n: { all: number; kept: number }) => number) => counts.reduce((s, n) => s + f(n), 0);
    expect(cmp.visits.map((x) => x.a!.latencyMs)).toEqual([400, 100, 250]);
    // Linear interpolation (numpy's default): sorted [100, 250, 400], rank h = (3 - 1) p / 100;
    // p50: h = 1, 250; p95: h = 1.9, 250 + 0.9 × (400 - 250) = 385 (nearest rank would say 400).
    expect(cmp.summaryA).toMatchObject({ visitsPublished: 3, diaSources: total((n) => n.all), alerts: total((n) => n.all), latencyP50Ms: 250, latencyMaxMs: 400 });
    expect(cmp.summaryA.latencyP95Ms).toBeCloseTo(385, 9);
    expect(cmp.summaryB).toEqual({ visitsPublished: 3, diaSources: total((n) => n.kept), alerts: total((n) => n.kept) });
    const delta = Object.fromEntries(cmp.deltas.map((d) => [d.name, d]));
    expect(delta.diaSources).toEqual({ name: 'diaSources', unit: 'count', a: total((n) => n.all), b: total((n) => n.kept), delta: -total((n) => n.all - n.kept) });
    expect(delta.latencyP95!.delta).toBeCloseTo(delta.latencyP95!.b! - delta.latencyP95!.a!, 6);
    expect(Object.keys(delta)).toEqual(expect.arrayContaining(['latencyP50', 'latencyMax', 'newDiaObjects', 'alerts', 'mean process', 'mean associate', 'mean package', 'mean publish']));

    // The alerts B lost are exactly the dropped DiaSources (truth ids: visit × 1000 + index).
    expect(cmp.alerts).toMatchObject({ matchRadiusArcsec: 1, matched: total((n) => n.kept), onlyInA: total((n) => n.all - n.kept), onlyInB: 0, medianFluxDiffSigma: 0 });
    const dropped = three.flatMap((visit) => truthDetections(sim, visit, 0).flatMap((d, k) => (k % 2 === 1 ? [{ visit, diaSourceId: d.source.diaSourceId.toString() }] : [])));
    expect(cmp.alerts.listedOnlyInA).toEqual(dropped);
    expect(cmp.alerts.listedOnlyInB).toEqual([]);
  });

  it('compares the common visits of replays with different visit sets or instruments, saying what differs; an unknown id is NOT_FOUND', async () => {
    const { a, c } = await threeReplays();
    const r = await v.gql<{ replayComparison: Comparison }>(COMPARE, { a, b: c });
    expect(r.errors).toBeUndefined();
    const cmp = r.data!.replayComparison;
    expect(cmp.commonVisits).toEqual(visitIds.slice(1, 3));
    expect([cmp.onlyInA, cmp.onlyInB]).toEqual([[visitIds[0]], [visitIds[3]]]);
    expect(cmp.warnings).toEqual([`the replays have different visits; comparing the 2 both have; only in ${a}: ${visitIds[0]}; only in ${c}: ${visitIds[3]}`]);
    expect(cmp.visits.map((x) => [x.visit, x.a === null, x.b === null])).toEqual([
      [visitIds[0], false, true],
      [visitIds[1], false, false],
      [visitIds[2], false, false],
      [visitIds[3], true, false],
    ]);
    // Summaries cover the common visits only; the same code on the same visits gives the same alerts.
    const common = visitIds.slice(1, 3).map(truthCounts).reduce((s, n) => s + n.all, 0);
    expect([cmp.summaryA.diaSources, cmp.summaryB.diaSources]).toEqual([common, common]);
    expect(cmp.alerts).toMatchObject({ matched: common, onlyInA: 0, onlyInB: 0 });
    expect(cmp.differences).toEqual([]);

    // Another instrument: a replay row relabelled, as no second instrument's visits are seeded here.
    const [d] = await t.db.insert(replays).values({ ownerId: op.actor.id, status: 'succeeded', instrument: 'OtherCam', codeRef: 'main', config: { associationRadiusArcsec: 1 } }).returning({ id: replays.id });
    const other = await v.gql<{ replayComparison: Comparison }>(COMPARE, { a, b: d!.id });
    expect(other.errors).toBeUndefined();
    expect(other.data!.replayComparison.warnings[0]).toBe(`replay ${a} is of instrument 'SimCam', replay ${d!.id} of 'OtherCam'`);
    expect(other.data!.replayComparison.differences).toEqual([{ key: 'instrument', a: 'SimCam', b: 'OtherCam' }]);
    expect(other.data!.replayComparison.commonVisits).toEqual([]);

    const missing = await v.gql(COMPARE, { a, b: 999_999 });
    expect(missing.errors?.[0]?.extensions.code).toBe('NOT_FOUND');
    expect(missing.errors?.[0]?.message).toMatch(/no replay 999999/);
  });

  it('vera replay compare prints the comparison as tables or JSON; an unknown id exits 4', async () => {
    const { a, b, c } = await threeReplays();
    const env = cliEnv(home, undefined, { VERA_URL: server.url, VERA_TOKEN: op.token });
    const text = await runCli(['replay', 'compare', String(a), String(b)], env);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(0);
    expect(text.stdout).toContain(`replay ${b} (B, u/op/fewer-sources, succeeded) against replay ${a} (A, main, succeeded): 3 common visits`);
    expect(text.stdout).toMatch(/config\.configOverrides\.detect\.dropEvery\s+\(unset\)\s+2/);
    const lost = visitIds.slice(0, 3).reduce((s, x) => s + Math.floor(truthCounts(x).all / 2), 0);
    expect(text.stdout).toMatch(new RegExp(`diaSources\\s+count\\s+\\d+\\s+\\d+\\s+-${lost}\\b`));
    expect(text.stdout).toContain(`${lost} only in A, 0 only in B`);
    expect(text.stdout).toMatch(/STAGE A\s+STAGE B\s+LATENCY A\s+LATENCY B/);
    expect(text.stdout).toMatch(/PROCESS A\s+PROCESS B\s+ASSOCIATE A/);

    const json = await runCli(['replay', 'compare', String(a), String(c), '--json'], env);
    expect(json.code).toBe(0);
    const parsed = JSON.parse(json.stdout) as Comparison;
    expect(parsed.commonVisits).toEqual(visitIds.slice(1, 3));
    expect(json.stderr).toContain(`warning: the replays have different visits; comparing the 2 both have`);

    const missing = await runCli(['replay', 'compare', String(a), '999999'], env);
    expect(missing.code).toBe(4);
    expect(missing.stderr).toMatch(/no replay 999999/);
    expect(missing.stdout).toBe('');
  });
});
