import { codecFor } from '../../pipelines/framework/codecs.ts';
import { skyToPixel } from '../../pipelines/image/wcs.ts';
import type { TanWcs } from '../../pipelines/image/types.ts';
import { boxRegion } from '../../pipelines/image/wcs.ts';
import { readFits, wcsFromHeader, type FitsHdu } from '../../pipelines/io/fits.ts';
import { requireRole, type Actor } from '../auth/roles.ts';
import type { Db } from '../db/client.ts';
import { isVeraError, VeraError } from '../errors.ts';
import {
  createCollection,
  findCollection,
  insertDimensionRecords,
  putDatasets,
  queryDimensionRecords,
  registerDatasetType,
  type Datastore,
  type PutItem,
} from '../repo/index.ts';
import { instrumentDefinition, rawRecords, type InstrumentDefinition, type RawRecords } from './instruments.ts';

/**
 * `ingest-raws`: raw FITS files from any writer become `raw` datasets with the dimension records
 * their headers give. Every file is read and checked first (FITS structure, CHECKSUM/DATASUM,
 * header keywords, agreement with records already in the repository); one bad file refuses the
 * whole request with every problem listed per file, so nothing is ever half-registered. Records
 * and datasets are then written in one transaction; files are staged and published atomically by
 * the datastore.
 */

export interface RawFile {
  /** The file's name as the user knows it, named in every problem. */
  name: string;
  content: Uint8Array;
}

export interface IngestRawsRequest {
  instrument: string;
  /** The RUN collection to ingest into; default `<instrument>/raw/all`. */
  run?: string | undefined;
  files: readonly RawFile[];
}

export interface IngestRawsSummary {
  run: string;
  ingested: number;
  visits: number[];
  detectors: number[];
  /** Dimension records created (the rest were already there and matched). */
  newRecords: { visit: number; detector: number; physical_filter: number; day_obs: number };
}

export interface RawProblem {
  file: string;
  code: string;
  message: string;
}

interface ReadRaw {
  file: RawFile;
  records: RawRecords;
  wcs: TanWcs;
  shape: number[];
}

/** The HDU that holds the raw pixels: the primary when it has an image, else the first image extension. */
function pixelHdu(hdus: FitsHdu[]): FitsHdu {
  const hdu = hdus.find((h) => (h.kind === 'primary' || h.kind === 'image') && h.data !== null && h.shape.length === 2);
  if (!hdu) throw new VeraError('BAD_INPUT', 'no HDU holds a 2-D image', { hdus: hdus.map((h) => h.kind) });
  return hdu;
}

function readRaw(def: InstrumentDefinition, file: RawFile): ReadRaw {
  const hdus = readFits(file.content, { file: file.name });
  const hdu = pixelHdu(hdus);
  // Keywords of the primary header are inherited by an extension (the INHERIT convention).
  const header = hdu === hdus[0] ? hdu.header : [...hdu.header, ...hdus[0]!.header];
  const records = rawRecords(def, header, hdu.shape);
  // The datastore serves raws through the Image codec: refuse now what pipelines could not read.
  codecFor('Image').decode(file.content);
  return { file, records, wcs: wcsFromHeader(header), shape: hdu.shape };
}

function problemOf(file: string, e: unknown): RawProblem {
  if (!isVeraError(e)) throw e;
  const message = e.message.startsWith(`${file}: `) ? e.message.slice(file.length + 2) : e.message;
  return { file, code: e.code, message };
}

/** Differences between the record a header gives and the one in the repository (fields the header gives only). */
function differences(derived: Record<string, unknown>, existing: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [field, value] of Object.entries(derived)) {
    if (field === 'extra') {
      const have = (existing.extra ?? {}) as Record<string, unknown>;
      for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (have[k] !== v) out.push(`extra.${k}: header ${JSON.stringify(v)}, repository ${JSON.stringify(have[k])}`);
      continue;
    }
    const have = existing[field];
    const same = have instanceof Date ? have.getTime() === Date.parse(String(value)) : have === value;
    if (!same) out.push(`${field}: header ${JSON.stringify(value)}, repository ${JSON.stringify(have instanceof Date ? have.toISOString() : have)}`);
  }
  return out;
}

/** The visit's region: the box (in the first file's pixel frame) holding every detector of the visit seen. */
function visitRegion(raws: readonly ReadRaw[]): [number, number][] {
  const frame = raws[0]!.wcs;
  let [x0, y0, x1, y1] = [Infinity, Infinity, -Infinity, -Infinity];
  for (const r of raws) {
    const [w, h] = r.shape as [number, number];
    for (const corner of boxRegion(r.wcs, -0.5, -0.5, w - 0.5, h - 0.5)) {
      const [x, y] = skyToPixel(frame, corner[0], corner[1]);
      [x0, y0, x1, y1] = [Math.min(x0, x), Math.min(y0, y), Math.max(x1, x), Math.max(y1, y)];
    }
  }
  return boxRegion(frame, x0, y0, x1, y1);
}

/** Reads every file; returns them, or every problem found. */
function readAll(def: InstrumentDefinition, files: readonly RawFile[]): { raws: ReadRaw[]; problems: RawProblem[] } {
  const raws: ReadRaw[] = [];
  const problems: RawProblem[] = [];
  const seen = new Map<string, string>();
  const visitOf = new Map<number, ReadRaw>();
  for (const file of files) {
    let raw: ReadRaw;
    try {
      raw = readRaw(def, file);
    } catch (e) {
      problems.push(problemOf(file.name, e));
      continue;
    }
    const key = `${raw.records.visit}/${raw.records.detector}`;
    const twin = seen.get(key);
    if (twin !== undefined) {
      problems.push({ file: file.name, code: 'DATASET_CONFLICT', message: `visit ${raw.records.visit} detector ${raw.records.detector} is also in ${twin}` });
      continue;
    }
    const first = visitOf.get(raw.records.visit);
    const disagree = first ? differences(raw.records.visitRecord, first.records.visitRecord) : [];
    if (disagree.length > 0) {
      problems.push({ file: file.name, code: 'DIMENSION_RECORD_CONFLICT', message: `visit ${raw.records.visit} differs from ${first!.file.name}: ${disagree.join('; ')}` });
      continue;
    }
    seen.set(key, file.name);
    if (!first) visitOf.set(raw.records.visit, raw);
    raws.push(raw);
  }
  return { raws, problems };
}

/** Existing records must match what the headers say; returns problems, and the records still to create. */
async function checkExisting(db: Db, def: InstrumentDefinition, raws: readonly ReadRaw[]) {
  const problems: RawProblem[] = [];
  const newVisits = new Map<number, ReadRaw[]>();
  const newDetectors = new Map<number, ReadRaw>();
  for (const raw of raws) {
    const { visit, detector } = raw.records;
    const [visitRow] = await queryDimensionRecords(db, 'visit', { instrument: def.name, visit });
    if (visitRow) {
      const diff = differences(raw.records.visitRecord, visitRow);
      if (diff.length > 0) problems.push({ file: raw.file.name, code: 'DIMENSION_RECORD_CONFLICT', message: `visit ${visit} is already in the repository with other values: ${diff.join('; ')}` });
    } else newVisits.set(visit, [...(newVisits.get(visit) ?? []), raw]);
    const [detectorRow] = await queryDimensionRecords(db, 'detector', { instrument: def.name, detector });
    if (detectorRow) {
      const diff = differences(raw.records.detectorRecord, detectorRow);
      if (diff.length > 0) problems.push({ file: raw.file.name, code: 'DIMENSION_RECORD_CONFLICT', message: `detector ${detector} is already in the repository with other values: ${diff.join('; ')}` });
    } else if (!newDetectors.has(detector)) newDetectors.set(detector, raw);
  }
  return { problems, newVisits, newDetectors };
}

function refuse(problems: RawProblem[], total: number): VeraError {
  const lines = problems.map((p) => `${p.file}: ${p.message}`);
  return new VeraError('BAD_INPUT', `${problems.length} of ${total} raw file(s) cannot be ingested; nothing was ingested:\n  ${lines.join('\n  ')}`, { problems });
}

export async function ingestRaws(db: Db, store: Datastore, req: IngestRawsRequest, actor: Actor): Promise<IngestRawsSummary> {
  requireRole(actor, 'operator', 'ingesting raws');
  const def = instrumentDefinition(req.instrument);
  if (req.files.length === 0) throw new VeraError('BAD_INPUT', 'no raw files given');
  const run = req.run ?? `${def.name}/raw/all`;
  const { raws, problems } = readAll(def, req.files);
  if (problems.length > 0) throw refuse(problems, req.files.length);

  return db.transaction(async (tx) => {
    const existing = await checkExisting(tx, def, raws);
    if (existing.problems.length > 0) throw refuse(existing.problems, req.files.length);
    await insertDimensionRecords(tx, 'instrument', [{ name: def.name, className: def.className, doc: def.doc }], { skipExisting: true });
    const filters = [...new Map(raws.map((r) => [r.records.physicalFilter.name, r.records.physicalFilter])).values()];
    const days = [...new Map(raws.map((r) => [r.records.dayObs.id, r.records.dayObs])).values()];
    const newRecords = {
      physical_filter: await insertDimensionRecords(tx, 'physical_filter', filters, { skipExisting: true }),
      day_obs: await insertDimensionRecords(tx, 'day_obs', days, { skipExisting: true }),
      visit: await insertDimensionRecords(tx, 'visit', [...existing.newVisits.values()].map((rs) => ({ ...rs[0]!.records.visitRecord, region: visitRegion(rs) }))),
      detector: await insertDimensionRecords(tx, 'detector', [...existing.newDetectors.values()].map((r) => r.records.detectorRecord)),
    };
    await registerDatasetType(tx, { name: 'raw', dimensions: ['instrument', 'visit', 'detector'], storageClass: 'Image' }, actor);
    if (!(await findCollection(tx, run))) await createCollection(tx, { name: run, type: 'RUN', doc: `${def.name} raws ingested from FITS files` }, actor);
    const items: PutItem[] = raws.map((r) => ({ datasetType: 'raw', dataId: { instrument: def.name, visit: r.records.visit, detector: r.records.detector }, content: r.file.content }));
    // Last, so the files are published only when everything before has been accepted.
    await putDatasets(tx, store, { run, items }, actor);
    return {
      run,
      ingested: items.length,
      visits: [...new Set(raws.map((r) => r.records.visit))].sort((a, b) => a - b),
      detectors: [...new Set(raws.map((r) => r.records.detector))].sort((a, b) => a - b),
      newRecords,
    };
  });
}
