import { and, eq, inArray, sql } from 'drizzle-orm';
import { diaSourcesFromCatalog } from '../../pipelines/ap/diaSourceCatalog.ts';
import type { DiaSource } from '../../pipelines/ap/records.ts';
import { psfFlux } from '../../pipelines/drp/lib/measure.ts';
import { psfFromMetadata, psfRadiusPx } from '../../pipelines/drp/lib/psf.ts';
import { NJY_ZERO_POINT_MAG } from '../../pipelines/drp/makeWarp.ts';
import { codecFor } from '../../pipelines/framework/codecs.ts';
import { MASK, type CatalogValue, type ExposureValue } from '../../pipelines/framework/values.ts';
import { skyToPixel } from '../../pipelines/image/wcs.ts';
import { lightCurveFromRow } from '../../pipelines/simcam/datasets.ts';
import { lightCurveMag } from '../../pipelines/simcam/index.ts';
import type { Band, CosmicRay, LightCurve } from '../../pipelines/simcam/types.ts';
import { queryRows, type Db } from '../db/client.ts';
import { physicalFilter, visit as visitTable } from '../db/schema/index.ts';
import { findDatasets, type Datastore } from '../repo/index.ts';
import { visitRunName } from './ap-processor.ts';

/**
 * Scoring alert production against SimCam's truth: the injected transients and variable stars
 * (`truth_transients`, light curves as parameters) and the reference catalog (bright stars). The
 * same code scores a replay (its metrics, server/replay/metrics.ts) and the tests.
 */

/** S/N at and above which an injected source must be found and a DiaSource must be real (the issue's cut). */
export const TRUTH_MIN_SNR = 10;
/** A DiaSource within this distance of an injected source's position is that source. */
export const TRUTH_MATCH_PX = 3;
/** Refcat stars brighter than this (mag) can leave subtraction residuals. */
export const BRIGHT_STAR_MAG = 16;

export interface InjectedSource {
  id: number;
  kind: 'transient' | 'variable';
  raDeg: number;
  decDeg: number;
  lightCurve: LightCurve;
}

/** What scoring needs of one difference image: the image, its calexp, its DiaSources, the noise rescaling detectDiaSources measured. */
export interface ScoredFrame {
  visit: number;
  detector: number;
  band: string;
  /** Mid-exposure MJD of the visit, the light curves' time scale (SimCam's midMjd). */
  mjd: number;
  calexp: ExposureValue;
  difference: ExposureValue;
  diaSources: DiaSource[];
  noiseScale: number;
  /** The cosmic rays drawn on the raw, when known (SimCam's render truth; not stored in a repository). */
  cosmicRays?: CosmicRay[] | undefined;
}

export interface Candidate {
  id: number;
  kind: 'transient' | 'variable';
  x: number;
  y: number;
  /** True flux in the science visit minus the template's (mean over its visits), nJy. */
  deltaFluxNjy: number;
  /** deltaFlux over the difference image's PSF-flux error at the position. */
  expectedSnr: number;
}

export function fluxNjy(mag: number): number {
  return Number.isFinite(mag) ? Math.pow(10, -0.4 * (mag - NJY_ZERO_POINT_MAG)) : 0;
}

/** The injected sources of a `truth_transients` catalog. */
export function injectedSources(truth: CatalogValue): InjectedSource[] {
  const c = truth.columns;
  const bands = String(truth.metadata.bands ?? '').split(',').filter(Boolean) as Band[];
  const ids = c.id as Int32Array;
  return Array.from(ids, (id, k) => ({
    id,
    kind: (c.kind as string[])[k] as 'transient' | 'variable',
    raDeg: (c.raDeg as Float64Array)[k]!,
    decDeg: (c.decDeg as Float64Array)[k]!,
    lightCurve: lightCurveFromRow(c, k, bands),
  }));
}

/** Every injected source on the frame's usable difference pixels, with its expected difference S/N. */
export function candidates(injected: readonly InjectedSource[], f: ScoredFrame, templateMjds: readonly number[]): Candidate[] {
  const d = f.difference;
  const { width, height } = d.image;
  const psf = psfFromMetadata(d.metadata)!;
  const apCorr = typeof f.calexp.metadata.APCORR === 'number' ? f.calexp.metadata.APCORR : 1;
  const toNjy = Math.pow(10, 0.4 * (NJY_ZERO_POINT_MAG - d.zeroPointMag!)) * apCorr;
  const f2 = f.noiseScale * f.noiseScale;
  const planes = { data: d.image.data, variance: Float32Array.from(d.variance.data, (v) => v * f2), mask: d.mask, width, height };
  const out: Candidate[] = [];
  for (const t of injected) {
    const [x, y] = skyToPixel(d.wcs!, t.raDeg, t.decDeg);
    if (!(x >= 0 && y >= 0 && x <= width - 1 && y <= height - 1)) continue;
    if ((d.mask[Math.round(y) * width + Math.round(x)]! & (MASK.NO_DATA | MASK.BAD)) !== 0) continue;
    const sci = fluxNjy(lightCurveMag(t.lightCurve, f.mjd, f.band as Band));
    const tmpl = templateMjds.reduce((s, m) => s + fluxNjy(lightCurveMag(t.lightCurve, m, f.band as Band)), 0) / templateMjds.length;
    const err = psfFlux(planes, psf, x, y, psfRadiusPx(psf), 0, 0, MASK.NO_DATA | MASK.BAD).fluxErr * toNjy;
    out.push({ id: t.id, kind: t.kind, x, y, deltaFluxNjy: sci - tmpl, expectedSnr: Math.abs(sci - tmpl) / err });
  }
  return out;
}

export type BogusKind = 'cosmicRay' | 'edge' | 'brightStar' | 'other';

function nearSegment(px: number, py: number, r: CosmicRay, tol: number): boolean {
  const dx = r.x1Px - r.x0Px;
  const dy = r.y1Px - r.y0Px;
  const l2 = dx * dx + dy * dy;
  const t = l2 > 0 ? Math.max(0, Math.min(1, ((px - r.x0Px) * dx + (py - r.y0Px) * dy) / l2)) : 0;
  return Math.hypot(px - (r.x0Px + t * dx), py - (r.y0Px + t * dy)) <= tol;
}

/** Why a DiaSource on no injected source is there: the first known artefact that explains it. */
export function classifyBogus(src: DiaSource, f: ScoredFrame, refcat: CatalogValue | null, brightMag: number, radiusPx: number): BogusKind {
  if (src.pixelFlags_cr || (f.cosmicRays ?? []).some((r) => nearSegment(src.x, src.y, r, radiusPx))) return 'cosmicRay';
  if (src.pixelFlags_edge) return 'edge';
  if (refcat) {
    const ra = refcat.columns.raDeg as Float64Array;
    const dec = refcat.columns.decDeg as Float64Array;
    const mag = refcat.columns[`${f.band}Mag`] as Float64Array | undefined;
    for (let k = 0; mag && k < ra.length; k++) {
      if (!(mag[k]! < brightMag)) continue;
      const [x, y] = skyToPixel(f.calexp.wcs!, ra[k]!, dec[k]!);
      if (Math.hypot(x - src.x, y - src.y) <= radiusPx) return 'brightStar';
    }
  }
  return 'other';
}

export interface FrameScore {
  expected: { c: Candidate; found: DiaSource | undefined }[];
  detected: { s: DiaSource; truth: Candidate | undefined; bogus: BogusKind | undefined }[];
}

/** Completeness and purity cases of one frame at S/N ≥ minSnr (TRUTH_MIN_SNR). */
export function scoreFrame(injected: readonly InjectedSource[], f: ScoredFrame, templateMjds: readonly number[], refcat: CatalogValue | null, minSnr = TRUTH_MIN_SNR, matchPx = TRUTH_MATCH_PX): FrameScore {
  const cands = candidates(injected, f, templateMjds);
  return {
    expected: cands.filter((c) => c.expectedSnr >= minSnr).map((c) => ({ c, found: f.diaSources.find((s) => Math.hypot(s.x - c.x, s.y - c.y) <= matchPx) })),
    detected: f.diaSources
      .filter((s) => s.snr >= minSnr)
      .map((s) => {
        const truth = cands.find((c) => Math.hypot(s.x - c.x, s.y - c.y) <= matchPx);
        return { s, truth, bogus: truth ? undefined : classifyBogus(s, f, refcat, BRIGHT_STAR_MAG, 2 * matchPx) };
      }),
  };
}

export interface VisitTruthScore {
  visit: number;
  expected: number;
  found: number;
  detected: number;
  real: number;
  bogus: Record<BogusKind, number>;
  frames: (FrameScore & { detector: number })[];
}

async function readAll<T>(db: Db, store: Datastore, datasetType: string, collections: string[], storageClass: string): Promise<{ dataId: Record<string, unknown>; value: T }[]> {
  const out = [];
  for (const ref of await findDatasets(db, { datasetType, collections })) {
    out.push({ dataId: ref.dataId as Record<string, unknown>, value: (await codecFor(storageClass).decode(await store.read(ref.path, ref.checksum))) as T });
  }
  return out;
}

/** Mid-exposure MJD (SimCam's `midMjd`, else from the exposure's times) and band of each visit. */
async function visitMjds(db: Db, instrument: string, visits: readonly number[]): Promise<Map<number, { mjd: number; band: string }>> {
  if (visits.length === 0) return new Map();
  const rows = await db
    .select({ id: visitTable.id, beginTime: visitTable.beginTime, endTime: visitTable.endTime, extra: visitTable.extra, band: physicalFilter.band })
    .from(visitTable)
    .innerJoin(physicalFilter, and(eq(physicalFilter.instrument, visitTable.instrument), eq(physicalFilter.name, visitTable.physicalFilter)))
    .where(and(eq(visitTable.instrument, instrument), inArray(visitTable.id, [...visits])));
  return new Map(
    rows.map((r) => [r.id, { mjd: typeof r.extra.midMjd === 'number' ? r.extra.midMjd : (r.beginTime.getTime() + r.endTime.getTime()) / 2 / 86_400_000 + 40587, band: r.band }]),
  );
}

/**
 * The visits the replay's templates were built from, by provenance: the coadds its getTemplate
 * quanta read were made by a run whose makeWarp quanta name the visits. Not the warps themselves:
 * they are intermediates, not kept unless the template run saved them. Only makeWarp's quanta:
 * getTemplate also reads the visit's own calexp, made in the visit run, whose quanta name the
 * replayed visit; counting those made every replayed visit a template epoch, so a transient that
 * rises late was "expected" as a negative source in every earlier visit (completeness 19/31 on
 * the plan of test/replay/ap-replay.test.ts until this was fixed).
 */
async function templateVisits(db: Db, runCollectionIds: readonly number[]): Promise<number[]> {
  if (runCollectionIds.length === 0) return [];
  const rows = await queryRows<{ visit: string }>(
    db,
    sql`SELECT DISTINCT w.data_id->>'visit' AS visit
        FROM quanta q JOIN quantum_inputs i ON i.quantum_id = q.id JOIN datasets c ON c.id = i.dataset_id
        JOIN quanta a ON a.id = c.quantum_id JOIN quanta w ON w.run_id = a.run_id
        WHERE q.run_id IN (${sql.join(runCollectionIds.map((r) => sql`${r}`), sql`, `)}) AND q.task_label = 'getTemplate' AND w.task_label = 'makeWarp' AND (w.data_id->>'visit') IS NOT NULL`,
  );
  return rows.map((r) => Number(r.visit));
}

/**
 * Scores a replay's DiaSources (as its per-visit AP runs wrote them) against SimCam's truth, or
 * null when its inputs hold no `truth_transients`. Expected S/N is measured on each visit run's own
 * difference image, against the template's visits found by provenance.
 *
 * It reads the visit runs' stored `calexp`, `goodSeeingDiff_differenceExp` and
 * `goodSeeingDiff_diaSrc` after the replay. These are persisted outputs of pipelines/ap.yaml, not
 * intermediates (only postISRCCD and icExp are `persist: false`, and scoring needs neither), so
 * nothing extra is stored for it and no run needs saveIntermediates: keeping the intermediates of
 * every visit run would store two more exposures per detector for nothing scoring or drill-down
 * uses. Scoring inside the visit step instead would put truth (which a live system does not have)
 * and the template's epochs into the latency path of every visit. The same stored difference
 * images serve the drill-down into a bogus alert. A pipeline that stops persisting them leaves a
 * visit unscored (no frames, completeness and purity null), not scored as 0/0 found.
 */
export async function scoreReplayAgainstTruth(deps: { db: Db; datastore: Datastore }, replayId: number, instrument: string, inputs: string[], visits: readonly number[]): Promise<{ visits: VisitTruthScore[]; templateVisits: number[] } | null> {
  const { db, datastore } = deps;
  if (inputs.length === 0) return null;
  const [truth] = await readAll<CatalogValue>(db, datastore, 'truth_transients', inputs, 'Catalog');
  if (!truth) return null;
  const [refcat] = await readAll<CatalogValue>(db, datastore, 'refcat', inputs, 'Catalog');
  const injected = injectedSources(truth.value);
  const runIds = await queryRows<{ id: number; name: string }>(
    db,
    sql`SELECT id, name FROM collections WHERE name IN (${sql.join(visits.map((v) => sql`${visitRunName(replayId, v)}`), sql`, `)})`,
  );
  const template = await templateVisits(db, runIds.map((r) => r.id));
  if (template.length === 0) return null;
  const mjds = await visitMjds(db, instrument, [...visits, ...template]);
  const templateMjds = template.map((v) => mjds.get(v)!.mjd);
  const out: VisitTruthScore[] = [];
  for (const visit of visits) {
    const run = [visitRunName(replayId, visit)];
    const diffs = await readAll<ExposureValue>(db, datastore, 'goodSeeingDiff_differenceExp', run, 'Exposure');
    const calexps = await readAll<ExposureValue>(db, datastore, 'calexp', run, 'Exposure');
    const cats = await readAll<CatalogValue>(db, datastore, 'goodSeeingDiff_diaSrc', run, 'Catalog');
    const score: VisitTruthScore = { visit, expected: 0, found: 0, detected: 0, real: 0, bogus: { cosmicRay: 0, edge: 0, brightStar: 0, other: 0 }, frames: [] };
    for (const d of diffs) {
      const detector = Number(d.dataId.detector);
      const calexp = calexps.find((c) => Number(c.dataId.detector) === detector)?.value;
      const cat = cats.find((c) => Number(c.dataId.detector) === detector)?.value;
      if (!calexp || !cat) continue;
      const info = mjds.get(visit)!;
      const frame: ScoredFrame = { visit, detector, band: info.band, mjd: info.mjd, calexp, difference: d.value, diaSources: diaSourcesFromCatalog(cat), noiseScale: Number(cat.metadata.noiseScale) };
      const s = scoreFrame(injected, frame, templateMjds, refcat?.value ?? null);
      score.frames.push({ ...s, detector });
      score.expected += s.expected.length;
      score.found += s.expected.filter((e) => e.found).length;
      score.detected += s.detected.length;
      score.real += s.detected.filter((x) => x.truth).length;
      for (const x of s.detected) if (x.bogus) score.bogus[x.bogus]++;
    }
    out.push(score);
  }
  return { visits: out, templateVisits: [...template].sort((a, b) => a - b) };
}
