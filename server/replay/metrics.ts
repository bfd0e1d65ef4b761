import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import type { CatalogValue, MeasurementValue } from '../../pipelines/framework/values.ts';
import { canonicalJson } from '../../runner/pipeline/config.ts';
import { pipelineRoots, readPipelineFile } from '../../runner/pipeline/roots.ts';
import { apdbTable } from '../apdb/index.ts';
import type { Actor } from '../auth/roles.ts';
import type { VeraConfig } from '../config.ts';
import { queryRows, type Db } from '../db/client.ts';
import { collections, quanta, replays, replayVisits, runs, users, type SoftwareVersion } from '../db/schema/index.ts';
import type { EventBus } from '../events/bus.ts';
import { detectSoftware } from '../git/software.ts';
import { createCollection, findCollection, findDatasets, putQuantaOutputs, registerDatasetType, type Datastore, type OutputGroup, type PutItem } from '../repo/index.ts';
import { expiryFor } from '../runs/lifecycle/policy.ts';
import { ALERT_SCHEMA_NAME } from './alerts.ts';
import { DEFAULT_AP_PIPELINE, visitRunName } from './ap-processor.ts';
import { scoreReplayAgainstTruth } from './truth.ts';
import { percentile } from '../util/percentile.ts';

/** The metrics package the replay's measurements belong to (pipelines/metrics/metrics/simcam_ap.yaml). */
export const AP_METRICS_PACKAGE = 'simcam_ap';

/** The RUN collection holding a replay's Measurement datasets. */
export function replayMetricsRunName(replayId: number): string {
  return `replay/${replayId}/metrics`;
}

export interface ReplayMetricsDeps {
  db: Db;
  datastore: Datastore;
  events: EventBus;
  config: Pick<VeraConfig, 'pipelineRoots' | 'runLifetimes'>;
}

/** One measurement to write: its metric (short name), data ID and value. */
interface Measured {
  metric: string;
  dataId: Record<string, string | number>;
  value: number | null;
  unit: string;
  extras?: MeasurementValue['extras'];
}

/** `characterizeImage` → `CharacterizeImageTime`, Rubin's `<Task>Time` naming. */
function taskTimeMetric(label: string): string {
  return `${label[0]!.toUpperCase()}${label.slice(1)}Time`;
}

/**
 * A quantum of the metrics run: one per stage that shaped the replay, carrying the config it ran
 * with, so the regression explanation (server/metrics/explain.ts, config per task) names what
 * changed between two replays: the association radius, the clock, the AP tasks' own configs.
 */
interface StageQuantum {
  taskLabel: string;
  taskClass: string;
  config: Record<string, unknown>;
  configHash?: string | null;
  measured: Measured[];
}

/**
 * Writes a finished replay's metrics as Measurement datasets (lsst.verify form, package
 * simcam_ap) into the RUN `replay/<id>/metrics`, recorded as a run of the AP pipeline with the
 * replayed code's software version, then announces it as a finished run: the metrics domain
 * ingests it as it does any run, so the series, regressions and comparisons track replays per
 * branch. Per visit: latency, stage and task times, DiaSources, new DiaObjects, DiaSources over
 * science sources; per replay: latency p50/p95/max, DiaSources per DiaObject; against SimCam's
 * truth when the inputs hold it: completeness, purity and bogus alerts by artefact.
 * Idempotent: a replay whose metrics run exists is left alone.
 */
export async function writeReplayMetrics(deps: ReplayMetricsDeps, replayId: number): Promise<string | null> {
  const { db } = deps;
  const name = replayMetricsRunName(replayId);
  if (await findCollection(db, name)) return null;
  const [replay] = await db.select().from(replays).where(eq(replays.id, replayId));
  if (!replay) return null;
  const [owner] = await db.select({ id: users.id, name: users.name, role: users.role }).from(users).where(eq(users.id, replay.ownerId));
  const actor = owner as Actor;
  const visits = await db.select().from(replayVisits).where(eq(replayVisits.replayId, replayId)).orderBy(asc(replayVisits.seq));
  const instrument = replay.instrument;
  const visitRuns = await db
    .select({ name: collections.name, collectionId: runs.collectionId, software: runs.software, taskTimings: runs.taskTimings })
    .from(runs)
    .innerJoin(collections, eq(collections.id, runs.collectionId))
    .where(inArray(collections.name, visits.map((v) => visitRunName(replayId, v.visit))));
  const runOf = new Map(visitRuns.map((r) => [r.name, r]));

  const roots = pipelineRoots(deps.config.pipelineRoots);
  const { file, text } = await readPipelineFile(replay.config.pipeline ?? DEFAULT_AP_PIPELINE, roots);
  // The code replayed is the code its visits ran; a replay without AP runs (an injected step) is the pipeline's checkout.
  const software: SoftwareVersion = visitRuns.find((r) => r.software)?.software ?? (await detectSoftware(path.dirname(file)));

  const perVisit = (metric: string, unit: string, value: (v: (typeof visits)[number]) => number | null | undefined): Measured[] =>
    visits.map((v) => ({ metric, unit, dataId: { instrument, visit: v.visit }, value: value(v) ?? null }));
  const seconds = (ms: number | null | undefined) => (typeof ms === 'number' ? ms / 1000 : null);
  const latencies = visits.map((v) => v.latencyMs).filter((x): x is number => typeof x === 'number');
  const whole = { instrument };

  const [objects] = await queryRows<{ objects: number; sources: number }>(
    db,
    sql`SELECT count(*)::int AS objects, coalesce(sum("nDiaSources"), 0)::int AS sources FROM ${apdbTable(replayId, 'DiaObject')}`,
  );

  const stages: StageQuantum[] = [
    {
      taskLabel: 'replayClock',
      taskClass: 'server/replay/manager.ts#ReplayManager',
      config: { speed: replay.speed ?? 'as fast as possible' },
      measured: [
        { metric: 'AlertLatencyP50', unit: 's', dataId: whole, value: latencies.length ? percentile(latencies, 50)! / 1000 : null },
        { metric: 'AlertLatencyP95', unit: 's', dataId: whole, value: latencies.length ? percentile(latencies, 95)! / 1000 : null },
        { metric: 'AlertLatencyMax', unit: 's', dataId: whole, value: latencies.length ? Math.max(...latencies) / 1000 : null },
        ...perVisit('AlertLatency', 's', (v) => seconds(v.latencyMs)),
        ...perVisit('ProcessTime', 's', (v) => seconds(v.timings.processMs)),
      ],
    },
    {
      taskLabel: 'associate',
      taskClass: 'server/apdb/associate.ts#associateVisit',
      config: { associationRadiusArcsec: replay.config.associationRadiusArcsec },
      measured: [
        ...perVisit('AssociateTime', 's', (v) => seconds(v.timings.associateMs)),
        ...perVisit('DiaSourcesPerVisit', 'ct', (v) => v.diaSources),
        ...perVisit('numNewDiaObjects', 'ct', (v) => v.newDiaObjects),
        { metric: 'DiaSourcesPerDiaObject', unit: '', dataId: whole, value: objects && objects.objects > 0 ? objects.sources / objects.objects : null },
      ],
    },
    {
      taskLabel: 'packageAlerts',
      taskClass: 'server/replay/alerts.ts#encodeAlert',
      config: { schema: ALERT_SCHEMA_NAME },
      measured: perVisit('PackageAlertsTime', 's', (v) => seconds(v.timings.packageMs)),
    },
    {
      taskLabel: 'publishAlerts',
      taskClass: 'server/replay/stream.ts#NatsAlertSink',
      config: { stream: replay.alertSubject ? 'jetstream' : 'none' },
      measured: perVisit('PublishTime', 's', (v) => seconds(v.timings.publishMs)),
    },
  ];

  // The AP tasks: their configs (from the visits' runs) and time per visit, summed over detectors.
  if (visitRuns.length > 0) {
    const configs = await queryRows<{ task_label: string; task_class: string | null; config: Record<string, unknown> | null; config_hash: string | null }>(
      db,
      sql`SELECT DISTINCT ON (task_label) task_label, task_class, config, config_hash FROM ${quanta}
          WHERE run_id IN (${sql.join(visitRuns.map((r) => sql`${r.collectionId}`), sql`, `)}) ORDER BY task_label, created_at`,
    );
    for (const c of configs) {
      const label = c.task_label;
      stages.push({
        taskLabel: label,
        taskClass: c.task_class ?? label,
        config: c.config ?? {},
        configHash: c.config_hash,
        measured: perVisit(taskTimeMetric(label), 's', (v) => {
          const t = runOf.get(visitRunName(replayId, v.visit))?.taskTimings[label];
          return t ? (t.readMs + t.decodeMs + t.computeMs + t.encodeMs + t.writeMs) / 1000 : null;
        }),
      });
    }
    const detect = stages.find((s) => s.taskLabel === 'detectDiaSources');
    if (detect) {
      detect.measured.push(...(await fracToScienceSources(deps, replayId, visits)));
      const truth = await scoreReplayAgainstTruth(deps, replayId, instrument, replay.config.inputs ?? [], visits.map((v) => v.visit));
      if (truth) {
        for (const v of truth.visits) {
          const dataId = { instrument, visit: v.visit };
          detect.measured.push(
            { metric: 'AlertCompleteness', unit: '%', dataId, value: v.expected > 0 ? (100 * v.found) / v.expected : null, extras: ratioExtras(v.found, v.expected) },
            { metric: 'AlertPurity', unit: '%', dataId, value: v.detected > 0 ? (100 * v.real) / v.detected : null, extras: ratioExtras(v.real, v.detected) },
            {
              metric: 'BogusAlerts',
              unit: 'ct',
              dataId,
              value: v.detected - v.real,
              extras: Object.fromEntries(Object.entries(v.bogus).map(([k, n]) => [k, { value: n, unit: 'ct', label: `bogus DiaSources explained as ${k}` }])),
            },
          );
        }
      }
    }
  }

  const items = (s: StageQuantum): PutItem[] =>
    s.measured.map((m) => ({
      datasetType: datasetTypeOf(m.metric),
      dataId: m.dataId,
      content: Buffer.from(
        JSON.stringify({ metric: `${AP_METRICS_PACKAGE}.${m.metric}`, value: m.value !== null && Number.isFinite(m.value) ? m.value : null, unit: m.unit, ...(m.extras ? { extras: m.extras } : {}) } satisfies MeasurementValue),
      ),
    }));
  const now = new Date();
  await db.transaction(async (tx) => {
    await createCollection(tx, { name, type: 'RUN', doc: `metrics of replay ${replayId}` }, actor);
    const types = new Map(stages.flatMap((s) => s.measured.map((m) => [datasetTypeOf(m.metric), Object.keys(m.dataId)] as const)));
    for (const [type, dims] of types) await registerDatasetType(tx, { name: type, dimensions: [...dims], storageClass: 'Measurement' }, actor);
    const collection = (await findCollection(tx, name))!;
    await tx.insert(runs).values({
      collectionId: collection.id,
      ownerId: actor.id,
      purpose: 'replay',
      status: 'succeeded',
      pipelineFile: file,
      pipelineYaml: text,
      configOverrides: replay.config.configOverrides ?? {},
      inputs: replay.config.inputs?.length ? replay.config.inputs : [instrument],
      where: `instrument = '${instrument}' AND visit IN (${visits.map((v) => v.visit).join(', ')})`,
      software,
      executor: 'server',
      expiresAt: expiryFor('replay', undefined, deps.config.runLifetimes),
      startedAt: replay.startedAt ?? now,
      endedAt: replay.endedAt ?? now,
    });
    const groups: OutputGroup[] = stages.map((s) => ({
      items: items(s),
      quantum: {
        id: crypto.randomUUID(),
        taskLabel: s.taskLabel,
        dataId: whole,
        inputs: [],
        provenance: {
          taskClass: s.taskClass,
          config: s.config,
          configHash: s.configHash ?? crypto.createHash('sha256').update(canonicalJson(s.config)).digest('hex'),
          software,
          executor: 'server',
          host: os.hostname(),
          startedAt: replay.startedAt ?? now,
          endedAt: replay.endedAt ?? now,
          peakMemoryBytes: 0,
          log: '',
        },
      },
    }));
    await putQuantaOutputs(tx, deps.datastore, { run: name, groups }, actor);
  });
  await deps.events.emit('run.finished', { run: name, status: 'succeeded' });
  return name;
}

function datasetTypeOf(metric: string): string {
  return `metricvalue_${AP_METRICS_PACKAGE}_${metric}`;
}

/** Numerator and denominator, pooled over visits for "all" (docs/metrics.md). */
function ratioExtras(numerator: number, denominator: number): MeasurementValue['extras'] {
  return { numerator: { value: numerator, unit: 'ct' }, denominator: { value: denominator, unit: 'ct' } };
}

/** Per visit: its DiaSources over the sources its calexps have (src), all detectors. */
async function fracToScienceSources(deps: ReplayMetricsDeps, replayId: number, visits: readonly { visit: number; diaSources: number | null }[]): Promise<Measured[]> {
  const out: Measured[] = [];
  for (const v of visits) {
    let science = 0;
    for (const ref of await findDatasets(deps.db, { datasetType: 'src', collections: [visitRunName(replayId, v.visit)] })) {
      const cat = (await codecFor('Catalog').decode(await deps.datastore.read(ref.path, ref.checksum))) as CatalogValue;
      const first = Object.values(cat.columns)[0];
      science += first ? first.length : 0;
    }
    const instrument = (await deps.db.select({ instrument: replays.instrument }).from(replays).where(eq(replays.id, replayId)))[0]!.instrument;
    out.push({ metric: 'fracDiaSourcesToSciSources', unit: '', dataId: { instrument, visit: v.visit }, value: science > 0 && v.diaSources !== null ? v.diaSources / science : null });
  }
  return out;
}
