import { and, eq, inArray } from 'drizzle-orm';
import { canonicalJson } from '../../runner/pipeline/config.ts';
import { firstParentHistory, mergeBase, resolveRef } from '../git/git.ts';
import { assertRefName } from '../git/refs.ts';
import type { Db } from '../db/client.ts';
import { measurements } from '../db/schema/index.ts';
import { VeraError } from '../errors.ts';
import { findDatasets, getCollection, listDatasetTypes } from '../repo/index.ts';
import { collectionNames, findRun } from '../runs/queries.ts';
import { compareSamples, estimateNoise, type ComparisonStatus, type NoiseEstimate } from './detect/index.ts';
import { gitDirOf } from './git-dir.ts';
import { loadSeries, metricUnit } from './series.ts';
import { detectionConfigOf } from './specs-db.ts';
import { judgeSpecs, pooledValue } from './spec-judge.ts';
import { convertValue, parseUnit, type ThresholdSpecification } from './verify/index.ts';

export interface SpecStatus {
  spec: string;
  /** Met by "all" and by every data ID (spec-judge.ts); null: nothing measured on that side. */
  base: boolean | null;
  head: boolean | null;
  /** On the head side: how many data IDs fail, and the one farthest beyond the threshold. */
  failingDataIds: number;
  worstDataId: Record<string, unknown> | null;
  worstValue: number | null;
}

/** One metric (dataId null: aggregated over data IDs) or one metric on one data ID. */
export interface CompareRow {
  metric: string;
  unit: string;
  dataId: Record<string, unknown> | null;
  base: number | null;
  head: number | null;
  delta: number | null;
  relativeDelta: number | null;
  pValue: number | null;
  significant: boolean;
  status: ComparisonStatus | 'missing';
  specs: SpecStatus[];
}

export interface Comparison {
  base: { label: string; commit: string | null; runs: string[] };
  head: { label: string; commit: string | null; runs: string[] };
  rows: CompareRow[];
}

interface Row {
  metricName: string;
  value: number | null;
  unit: string;
  dataId: Record<string, string | number>;
  runId: number | null;
  commit: string | null;
  extras: Record<string, unknown>;
}

const fields = {
  metricName: measurements.metricName,
  value: measurements.value,
  unit: measurements.unit,
  dataId: measurements.dataId,
  runId: measurements.runId,
  commit: measurements.commit,
  extras: measurements.extras,
};

function finite(n: number | null | undefined): n is number {
  return typeof n === 'number' && Number.isFinite(n);
}

function toUnit(rows: Row[], unit: string): number[] {
  const u = parseUnit(unit);
  return rows.filter((r) => finite(r.value)).map((r) => (r.unit === unit ? r.value! : convertValue(r.value!, parseUnit(r.unit), u)));
}

/**
 * Compares two sets of measurements metric by metric: an aggregate row per metric (its value
 * pooled as the metric defines it, spec-judge.ts; significance by Welch over the data IDs, or a
 * noise estimate from the base series when a side is small) and a row per data ID, each with
 * base, head, delta, relative delta, significance and spec status. The aggregate row meets a
 * spec only when every data ID does, and names the worst failing one.
 */
async function compareRows(db: Db, baseRows: Row[], headRows: Row[], opts: { dataset?: string; baseBranch?: string }): Promise<CompareRow[]> {
  const metricNames = [...new Set([...baseRows, ...headRows].map((r) => r.metricName))].sort();
  const out: CompareRow[] = [];
  for (const metric of metricNames) {
    const b = baseRows.filter((r) => r.metricName === metric);
    const h = headRows.filter((r) => r.metricName === metric);
    const unit = (await metricUnit(db, metric)) ?? (b[0] ?? h[0])!.unit;
    const { config, specs } = await detectionConfigOf(db, metric);
    const checked = specs.filter((s) => (config.specs.length ? config.specs.includes(s.name) : Object.keys(s.metadataQuery).length === 0));
    let noise: NoiseEstimate | undefined;
    if (opts.dataset && opts.baseBranch) {
      const series = await loadSeries(db, { metric, dataset: opts.dataset, branch: opts.baseBranch }).catch(() => undefined);
      if (series) noise = estimateNoise(series.points);
    }
    const row = async (dataId: Record<string, unknown> | null, bs: Row[], hs: Row[]): Promise<CompareRow> => {
      const [bv, hv] = [toUnit(bs, unit), toUnit(hs, unit)];
      const [base, head] = [pooledValue(bs, unit), pooledValue(hs, unit)];
      if (base === null || head === null) {
        return { metric, unit, dataId, base, head, delta: null, relativeDelta: null, pValue: null, significant: false, status: 'missing', specs: [] };
      }
      const c = compareSamples(bv, hv, config, { unit, ...(noise ? { noise } : {}) });
      return {
        metric,
        unit,
        dataId,
        base,
        head,
        delta: head - base,
        relativeDelta: base !== 0 ? (head - base) / Math.abs(base) : null,
        pValue: Number.isFinite(c.pValue) ? c.pValue : null,
        significant: c.significant,
        status: c.status,
        specs: specStatuses(checked, bs, hs, unit),
      };
    };
    out.push(await row(null, b, h));
    const ids = new Map<string, Record<string, unknown>>();
    for (const r of [...b, ...h]) if (Object.keys(r.dataId).length) ids.set(canonicalJson(r.dataId), r.dataId);
    if (ids.size > 1) {
      for (const [key, dataId] of [...ids.entries()].sort()) {
        out.push(await row(dataId, b.filter((r) => canonicalJson(r.dataId) === key), h.filter((r) => canonicalJson(r.dataId) === key)));
      }
    }
  }
  return out;
}

/** Each spec judged on both sides (per data ID; the worst failing data ID is the head's). */
function specStatuses(specs: readonly ThresholdSpecification[], bs: Row[], hs: Row[], unit: string): SpecStatus[] {
  const [b, h] = [judgeSpecs(specs, bs, unit), judgeSpecs(specs, hs, unit)];
  return h.map((v, i) => ({ spec: v.spec, base: b[i]!.pass, head: v.pass, failingDataIds: v.failingDataIds, worstDataId: v.worstDataId, worstValue: v.worstValue }));
}

/** The measurements a collection holds, and the commit they were made at when it is one. */
interface Side {
  label: string;
  commit: string | null;
  runs: string[];
  rows: Row[];
}

/**
 * The measurements of any collection: a RUN's own (through its Measurement datasets), a TAGGED
 * release's tagged Measurement datasets, a CHAINED collection's found first along the chain.
 */
async function sideOf(db: Db, name: string): Promise<Side> {
  const collection = await getCollection(db, name).catch((e: unknown) => {
    throw e instanceof VeraError && e.code === 'UNKNOWN_COLLECTION' ? new VeraError('UNKNOWN_RUN', `no run, release or chain named '${name}'`, { run: name }) : e;
  });
  const rows: Row[] = [];
  if (collection.type === 'RUN') {
    // A run's measurements name it, including those ingested without a dataset (lsst.verify jobs).
    rows.push(...((await db.select(fields).from(measurements).where(eq(measurements.runId, collection.id))) as Row[]));
  } else {
    const types = (await listDatasetTypes(db)).filter((t) => t.storageClass === 'Measurement');
    const ids: string[] = [];
    for (const t of types) {
      for (const d of await findDatasets(db, { datasetType: t.name, collections: [collection.name], findFirst: collection.type !== 'CALIBRATION' })) ids.push(d.id);
    }
    for (let i = 0; i < ids.length; i += 1000) {
      rows.push(...((await db.select(fields).from(measurements).where(inArray(measurements.datasetId, ids.slice(i, i + 1000)))) as Row[]));
    }
  }
  const run = collection.type === 'RUN' ? await findRun(db, name) : undefined;
  const commits = [...new Set(rows.map((r) => r.commit).filter((c): c is string => c !== null))];
  return {
    label: name,
    commit: run ? (run.software?.commit ?? null) : commits.length === 1 ? commits[0]! : null,
    runs: run ? [name] : await runNames(db, rows.map((r) => r.runId)),
    rows,
  };
}

/** Two collections (runs, releases or chains), metric by metric. */
export async function compareRuns(db: Db, baseRun: string, headRun: string): Promise<Comparison> {
  const [base, head] = await Promise.all([sideOf(db, baseRun), sideOf(db, headRun)]);
  if (base.rows.length === 0 && head.rows.length === 0) throw new VeraError('NOT_FOUND', `neither '${baseRun}' nor '${headRun}' has measurements`);
  return {
    base: { label: base.label, commit: base.commit, runs: base.runs },
    head: { label: head.label, commit: head.commit, runs: head.runs },
    rows: await compareRows(db, base.rows, head.rows, {}),
  };
}

/**
 * Any number of collections (runs, releases, chains), each after the first compared with the
 * first: one Comparison per head, in the order given. A name of nothing is UNKNOWN_RUN.
 */
export async function compareCollections(db: Db, names: readonly string[]): Promise<Comparison[]> {
  if (names.length < 2) throw new VeraError('BAD_INPUT', `compare needs at least two collections (got ${names.length})`);
  if (names.length > 20) throw new VeraError('BAD_INPUT', `compare takes at most 20 collections (got ${names.length})`);
  const sides = [];
  for (const n of names) sides.push(await sideOf(db, n));
  const [base, ...heads] = sides as [Side, ...Side[]];
  const out: Comparison[] = [];
  for (const head of heads) {
    if (base.rows.length === 0 && head.rows.length === 0) throw new VeraError('NOT_FOUND', `neither '${base.label}' nor '${head.label}' has measurements`);
    out.push({
      base: { label: base.label, commit: base.commit, runs: base.runs },
      head: { label: head.label, commit: head.commit, runs: head.runs },
      rows: await compareRows(db, base.rows, head.rows, {}),
    });
  }
  return out;
}

async function atCommit(db: Db, dataset: string, commit: string): Promise<Row[]> {
  return db
    .select(fields)
    .from(measurements)
    .where(and(eq(measurements.dataset, dataset), eq(measurements.commit, commit), eq(measurements.countsAs, 'branch'))) as Promise<Row[]>;
}

async function runNames(db: Db, ids: (number | null)[]): Promise<string[]> {
  return [...(await collectionNames(db, ids)).values()];
}

/**
 * A branch against its base: the head is the branch's latest measured commit; the base is the
 * merge base with `base` (default master) when it was measured, else the latest measured point of
 * `base` (DESIGN.md §7). Refs may be branches, tags (releases) or commit SHAs. `repo` names a
 * tracked repository; without it, the one the dataset's measurements record.
 */
export async function compareRefs(db: Db, q: { dataset: string; head: string; headLabel?: string; base?: string; repo?: string | undefined }): Promise<Comparison> {
  const baseRef = assertRefName(q.base ?? 'master', 'base');
  assertRefName(q.head, 'head');
  const gitDir = await gitDirOf(db, q);
  const headSha = await resolveRef(gitDir, q.head);
  if (!headSha) throw new VeraError('NOT_FOUND', `'${q.head}' is not a commit, branch or tag of ${q.repo ?? `the repository of dataset '${q.dataset}'`}`, { head: q.head });
  const measuredCommits = new Set(
    (await db.selectDistinct({ commit: measurements.commit }).from(measurements).where(and(eq(measurements.dataset, q.dataset), eq(measurements.countsAs, 'branch')))).map((r) => r.commit),
  );
  const latestMeasured = async (ref: string) => (await firstParentHistory(gitDir, ref)).findLast((c) => measuredCommits.has(c)) ?? null;
  const headCommit = await latestMeasured(q.head);
  if (!headCommit) throw new VeraError('NOT_FOUND', `no measurements on dataset '${q.dataset}' along '${q.head}'`);
  const mb = await mergeBase(gitDir, headSha, baseRef);
  const baseCommit = mb && measuredCommits.has(mb) && mb !== headCommit ? mb : await latestMeasured(baseRef);
  if (!baseCommit) throw new VeraError('NOT_FOUND', `no measurements on dataset '${q.dataset}' along '${baseRef}'`);
  const [b, h] = await Promise.all([atCommit(db, q.dataset, baseCommit), atCommit(db, q.dataset, headCommit)]);
  return {
    base: { label: baseCommit === mb ? `merge base with ${baseRef}` : `${baseRef} (latest measured)`, commit: baseCommit, runs: await runNames(db, b.map((r) => r.runId)) },
    head: { label: q.headLabel ?? q.head, commit: headCommit, runs: await runNames(db, h.map((r) => r.runId)) },
    rows: await compareRows(db, b, h, { dataset: q.dataset, baseBranch: baseRef }),
  };
}

