import { sql } from 'drizzle-orm';
import { apdbExists, apdbTable, separationDeg } from '../apdb/index.ts';
import { queryRows, type Db } from '../db/client.ts';
import type { ReplayConfig, VisitStageTimings } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { DEFAULT_AP_PIPELINE } from './ap-processor.ts';
import { findReplay, visitsOf } from './queries.ts';
import { percentile } from '../util/percentile.ts';

/**
 * Replay vs replay (docs/alert-production.md, "Comparing replays"): two replays of the same visits
 * side by side, visit by visit (latency, DiaSources, new DiaObjects, alerts, stage timings), their
 * summaries and deltas over the visits both replayed, what was replayed differently (code, config,
 * inputs), and their alerts matched one to one by visit and position.
 */

/** Two alerts of the same visit closer than this are the same alert. */
export const ALERT_MATCH_RADIUS_ARCSEC = 1;
/** Unmatched alerts listed per side at most; the counts are always whole. */
const MAX_LISTED_ALERTS = 200;

type ReplayRow = NonNullable<Awaited<ReturnType<typeof findReplay>>>;
type VisitRow = Awaited<ReturnType<typeof visitsOf>>[number];

export const STAGES = ['processMs', 'associateMs', 'packageMs', 'publishMs'] as const satisfies readonly (keyof VisitStageTimings)[];

export interface VisitPair {
  visit: number;
  a: VisitRow | null;
  b: VisitRow | null;
  /** b − a, when both have it. */
  latencyDeltaMs: number | null;
  alertsDelta: number | null;
  /** Alerts matched by position within the visit; null until both sides published the visit. */
  alertsMatched: number | null;
  alertsOnlyInA: number | null;
  alertsOnlyInB: number | null;
}

export interface ReplaySummary {
  visitsPublished: number;
  latencyP50Ms: number | null;
  latencyP95Ms: number | null;
  latencyMaxMs: number | null;
  diaSources: number;
  newDiaObjects: number;
  alerts: number;
  /** Mean milliseconds per visit in each stage. */
  meanStageMs: Record<(typeof STAGES)[number], number | null>;
}

export interface SummaryDelta {
  name: string;
  unit: string;
  a: number | null;
  b: number | null;
  /** b − a. */
  delta: number | null;
}

export interface Difference {
  /** What differs: codeRef, instrument, speed, or a config key (`config.inputs`, `config.configOverrides.<task>.<field>`). */
  key: string;
  a: string | null;
  b: string | null;
}

export interface UnmatchedAlert {
  visit: number;
  diaSourceId: string;
  ra: number;
  dec: number;
  psfFlux: number | null;
}

export interface AlertComparison {
  matchRadiusArcsec: number;
  matched: number;
  onlyInA: number;
  onlyInB: number;
  /** Over matched pairs: |psfFlux b − a| in units of their combined error. */
  medianFluxDiffSigma: number | null;
  maxFluxDiffSigma: number | null;
  /** The first unmatched alerts of each side, by visit and id. */
  listedOnlyInA: UnmatchedAlert[];
  listedOnlyInB: UnmatchedAlert[];
}

export interface ReplayComparison {
  a: ReplayRow;
  b: ReplayRow;
  /** Why the comparison is partial or may mislead (different instruments, different visit sets). */
  warnings: string[];
  differences: Difference[];
  /** Visits both replays have, which the summaries and alerts cover. */
  commonVisits: number[];
  onlyInA: number[];
  onlyInB: number[];
  visits: VisitPair[];
  summaryA: ReplaySummary;
  summaryB: ReplaySummary;
  deltas: SummaryDelta[];
  alerts: AlertComparison;
}

function summarize(visits: readonly VisitRow[]): ReplaySummary {
  const published = visits.filter((v) => v.stage === 'published');
  const latencies = published.flatMap((v) => (v.latencyMs === null ? [] : [v.latencyMs]));
  const sum = (f: (v: VisitRow) => number | null) => visits.reduce((s, v) => s + (f(v) ?? 0), 0);
  const mean = (k: (typeof STAGES)[number]) => {
    const xs = visits.flatMap((v) => (v.timings[k] === undefined ? [] : [v.timings[k]]));
    return xs.length ? xs.reduce((s, x) => s + x, 0) / xs.length : null;
  };
  return {
    visitsPublished: published.length,
    latencyP50Ms: percentile(latencies, 50),
    latencyP95Ms: percentile(latencies, 95),
    latencyMaxMs: latencies.length ? Math.max(...latencies) : null,
    diaSources: sum((v) => v.diaSources),
    newDiaObjects: sum((v) => v.newDiaObjects),
    alerts: sum((v) => v.alerts),
    meanStageMs: Object.fromEntries(STAGES.map((k) => [k, mean(k)])) as ReplaySummary['meanStageMs'],
  };
}

function deltas(a: ReplaySummary, b: ReplaySummary): SummaryDelta[] {
  const d = (name: string, unit: string, x: number | null, y: number | null): SummaryDelta => ({ name, unit, a: x, b: y, delta: x === null || y === null ? null : y - x });
  return [
    d('visitsPublished', 'count', a.visitsPublished, b.visitsPublished),
    d('latencyP50', 'ms', a.latencyP50Ms, b.latencyP50Ms),
    d('latencyP95', 'ms', a.latencyP95Ms, b.latencyP95Ms),
    d('latencyMax', 'ms', a.latencyMaxMs, b.latencyMaxMs),
    d('diaSources', 'count', a.diaSources, b.diaSources),
    d('newDiaObjects', 'count', a.newDiaObjects, b.newDiaObjects),
    d('alerts', 'count', a.alerts, b.alerts),
    ...STAGES.map((k) => d(`mean ${k.replace(/Ms$/, '')}`, 'ms', a.meanStageMs[k], b.meanStageMs[k])),
  ];
}

/** A replay's settings as flat keys; defaults applied, so a default and its explicit value are equal. */
function settings(r: ReplayRow): Map<string, string | null> {
  const config: ReplayConfig = r.config;
  const out = new Map<string, string | null>([
    ['codeRef', r.codeRef],
    ['instrument', r.instrument],
    ['speed', r.speed === null ? 'as fast as possible' : String(r.speed)],
    ['config.associationRadiusArcsec', String(config.associationRadiusArcsec)],
    ['config.pipeline', config.pipeline ?? DEFAULT_AP_PIPELINE],
    ['config.inputs', (config.inputs ?? []).join(', ')],
  ]);
  for (const [task, fields] of Object.entries(config.configOverrides ?? {})) {
    for (const [field, value] of Object.entries(fields)) out.set(`config.configOverrides.${task}.${field}`, JSON.stringify(value));
  }
  return out;
}

function differences(a: ReplayRow, b: ReplayRow): Difference[] {
  const [sa, sb] = [settings(a), settings(b)];
  const keys = [...new Set([...sa.keys(), ...sb.keys()])];
  return keys.filter((k) => sa.get(k) !== sb.get(k)).map((k) => ({ key: k, a: sa.get(k) ?? null, b: sb.get(k) ?? null }));
}

interface AlertPoint {
  visit: number;
  diaSourceId: string;
  ra: number;
  dec: number;
  psfFlux: number | null;
  psfFluxErr: number | null;
}

/** The replay's alerts with their DiaSource's position and flux; none when its APDB is gone. */
async function alertPoints(db: Db, replayId: number, visits: readonly number[]): Promise<Map<number, AlertPoint[]>> {
  const byVisit = new Map<number, AlertPoint[]>();
  if (visits.length === 0 || !(await apdbExists(db, replayId))) return byVisit;
  const rows = await queryRows<{ visit: string; diaSourceId: string; ra: number; dec: number; psfFlux: number | null; psfFluxErr: number | null }>(
    db,
    sql`SELECT s."visit"::text AS "visit", s."diaSourceId"::text AS "diaSourceId", s."ra", s."dec", s."psfFlux", s."psfFluxErr"
        FROM ${apdbTable(replayId, 'Alert')} a JOIN ${apdbTable(replayId, 'DiaSource')} s ON s."diaSourceId" = a."diaSourceId"
        WHERE a."visit" = ANY(${`{${visits.join(',')}}`}::bigint[])
        ORDER BY s."visit", s."diaSourceId"`,
  );
  for (const r of rows) {
    const p = { visit: Number(r.visit), diaSourceId: r.diaSourceId, ra: Number(r.ra), dec: Number(r.dec), psfFlux: r.psfFlux === null ? null : Number(r.psfFlux), psfFluxErr: r.psfFluxErr === null ? null : Number(r.psfFluxErr) };
    byVisit.set(p.visit, [...(byVisit.get(p.visit) ?? []), p]);
  }
  return byVisit;
}

/** One-to-one matches, closest pairs first, within the radius. */
function matchAlerts(a: readonly AlertPoint[], b: readonly AlertPoint[], radiusArcsec: number): { pairs: [AlertPoint, AlertPoint][]; onlyA: AlertPoint[]; onlyB: AlertPoint[] } {
  const radiusDeg = radiusArcsec / 3600;
  const candidates: { i: number; j: number; d: number }[] = [];
  a.forEach((x, i) =>
    b.forEach((y, j) => {
      const d = separationDeg(x.ra, x.dec, y.ra, y.dec);
      if (d <= radiusDeg) candidates.push({ i, j, d });
    }),
  );
  candidates.sort((p, q) => p.d - q.d || p.i - q.i || p.j - q.j);
  const [usedA, usedB] = [new Set<number>(), new Set<number>()];
  const pairs: [AlertPoint, AlertPoint][] = [];
  for (const c of candidates) {
    if (usedA.has(c.i) || usedB.has(c.j)) continue;
    usedA.add(c.i);
    usedB.add(c.j);
    pairs.push([a[c.i]!, b[c.j]!]);
  }
  return { pairs, onlyA: a.filter((_, i) => !usedA.has(i)), onlyB: b.filter((_, j) => !usedB.has(j)) };
}

const unmatched = (p: AlertPoint): UnmatchedAlert => ({ visit: p.visit, diaSourceId: p.diaSourceId, ra: p.ra, dec: p.dec, psfFlux: p.psfFlux });

/** Compares replay `aId` (the reference) with `bId`; deltas are b − a. NOT_FOUND names a missing replay. */
export async function compareReplays(db: Db, aId: number, bId: number, opts: { matchRadiusArcsec?: number } = {}): Promise<ReplayComparison> {
  const radius = opts.matchRadiusArcsec ?? ALERT_MATCH_RADIUS_ARCSEC;
  if (!(radius > 0 && radius <= 60)) throw new VeraError('BAD_INPUT', `the alert match radius must be in (0, 60] arcseconds, not ${radius}`);
  const [a, b] = await Promise.all([findReplay(db, aId), findReplay(db, bId)]);
  const missing = [a ? null : aId, b ? null : bId].filter((x): x is number => x !== null);
  if (!a || !b) throw new VeraError('NOT_FOUND', `no replay ${[...new Set(missing)].join(' or ')}; see vera replay list`, { replays: missing });
  const rows = await visitsOf(db, [...new Set([aId, bId])]);
  const visitsA = rows.filter((v) => v.replayId === aId);
  const visitsB = rows.filter((v) => v.replayId === bId);
  const byVisitA = new Map(visitsA.map((v) => [v.visit, v]));
  const byVisitB = new Map(visitsB.map((v) => [v.visit, v]));
  const commonVisits = visitsA.filter((v) => byVisitB.has(v.visit)).map((v) => v.visit);
  const onlyInA = visitsA.filter((v) => !byVisitB.has(v.visit)).map((v) => v.visit);
  const onlyInB = visitsB.filter((v) => !byVisitA.has(v.visit)).map((v) => v.visit);

  const warnings: string[] = [];
  if (a.instrument !== b.instrument) warnings.push(`replay ${aId} is of instrument '${a.instrument}', replay ${bId} of '${b.instrument}'`);
  if (onlyInA.length || onlyInB.length) {
    const list = (xs: number[]) => (xs.length > 10 ? `${xs.slice(0, 10).join(', ')} and ${xs.length - 10} more` : xs.join(', '));
    warnings.push(
      [
        `the replays have different visits; comparing the ${commonVisits.length} both have`,
        onlyInA.length ? `only in ${aId}: ${list(onlyInA)}` : '',
        onlyInB.length ? `only in ${bId}: ${list(onlyInB)}` : '',
      ]
        .filter(Boolean)
        .join('; '),
    );
  }
  for (const [r, vs] of [
    [a, visitsA],
    [b, visitsB],
  ] as const) {
    if (r.status === 'pending' || r.status === 'running') warnings.push(`replay ${r.id} is ${r.status}: ${vs.filter((v) => v.stage === 'published').length}/${vs.length} visits published so far`);
  }

  // Alerts are compared on the visits both replays have published: a visit still in flight would count as all "only in".
  const bothPublished = commonVisits.filter((v) => byVisitA.get(v)!.stage === 'published' && byVisitB.get(v)!.stage === 'published');
  const [alertsA, alertsB] = await Promise.all([alertPoints(db, aId, bothPublished), alertPoints(db, bId, bothPublished)]);
  const alerts: AlertComparison = { matchRadiusArcsec: radius, matched: 0, onlyInA: 0, onlyInB: 0, medianFluxDiffSigma: null, maxFluxDiffSigma: null, listedOnlyInA: [], listedOnlyInB: [] };
  const sigmas: number[] = [];
  const perVisit = new Map<number, { matched: number; onlyA: number; onlyB: number }>();
  for (const visit of bothPublished) {
    const m = matchAlerts(alertsA.get(visit) ?? [], alertsB.get(visit) ?? [], radius);
    perVisit.set(visit, { matched: m.pairs.length, onlyA: m.onlyA.length, onlyB: m.onlyB.length });
    alerts.matched += m.pairs.length;
    alerts.onlyInA += m.onlyA.length;
    alerts.onlyInB += m.onlyB.length;
    alerts.listedOnlyInA.push(...m.onlyA.slice(0, MAX_LISTED_ALERTS - alerts.listedOnlyInA.length).map(unmatched));
    alerts.listedOnlyInB.push(...m.onlyB.slice(0, MAX_LISTED_ALERTS - alerts.listedOnlyInB.length).map(unmatched));
    for (const [x, y] of m.pairs) {
      if (x.psfFlux === null || y.psfFlux === null) continue;
      const err = Math.hypot(x.psfFluxErr ?? 0, y.psfFluxErr ?? 0);
      if (err > 0) sigmas.push(Math.abs(y.psfFlux - x.psfFlux) / err);
    }
  }
  alerts.medianFluxDiffSigma = percentile(sigmas, 50);
  alerts.maxFluxDiffSigma = sigmas.length ? Math.max(...sigmas) : null;

  const visits: VisitPair[] = [...visitsA.map((v) => v.visit), ...onlyInB].map((visit) => {
    const [va, vb] = [byVisitA.get(visit), byVisitB.get(visit)];
    const m = perVisit.get(visit);
    const delta = (x: number | null | undefined, y: number | null | undefined) => (x === null || x === undefined || y === null || y === undefined ? null : y - x);
    return {
      visit,
      a: va ?? null,
      b: vb ?? null,
      latencyDeltaMs: delta(va?.latencyMs, vb?.latencyMs),
      alertsDelta: delta(va?.alerts, vb?.alerts),
      alertsMatched: m?.matched ?? null,
      alertsOnlyInA: m?.onlyA ?? null,
      alertsOnlyInB: m?.onlyB ?? null,
    };
  });
  const common = new Set(commonVisits);
  const summaryA = summarize(visitsA.filter((v) => common.has(v.visit)));
  const summaryB = summarize(visitsB.filter((v) => common.has(v.visit)));
  return { a, b, warnings, differences: differences(a, b), commonVisits, onlyInA, onlyInB, visits, summaryA, summaryB, deltas: deltas(summaryA, summaryB), alerts };
}
