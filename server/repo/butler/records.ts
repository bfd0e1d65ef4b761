import { ConvexPolygonRegion, TaiTime, toJsonValue } from './tagged.ts';
import { decodeConvexPolygon, encodeConvexPolygon, polygonCentre, taiToUtc, utcToTai } from './sky-time.ts';

/**
 * Dimension records in Butler's shape (snake_case fields, tagged times and regions) to and from
 * Vera's dimension tables (camelCase, UTC Dates, `[[raDeg, decDeg], ...]` polygons). Butler
 * fields with no Vera column go to the record's `extra` where Vera has one (visit, detector, a
 * skymap's definition); the whole Butler record is also kept beside it, so an export writes back
 * exactly what was imported.
 */
type Rec = Record<string, unknown>;

/** Each Vera dimension's key fields in Butler's record: required dimensions, then its own key. */
export const VERA_ELEMENT_KEYS: Readonly<Record<string, readonly string[]>> = {
  instrument: ['name'],
  band: ['name'],
  physical_filter: ['instrument', 'name'],
  day_obs: ['instrument', 'id'],
  visit: ['instrument', 'id'],
  detector: ['instrument', 'id'],
  skymap: ['name'],
  tract: ['skymap', 'id'],
  patch: ['skymap', 'tract', 'id'],
};

/** The identity of a record among its element's: its key values, as JSON. */
export function recordKey(keyFields: readonly string[], rec: Rec): string {
  return JSON.stringify(keyFields.map((k) => rec[k] ?? null));
}

class Problems {
  constructor(
    readonly where: string,
    readonly list: string[],
  ) {}
  need(rec: Rec, field: string): unknown {
    const v = rec[field];
    if (v === undefined || v === null) this.list.push(`${this.where}: '${field}' is required by Vera's ${this.where.split(' ')[0]} records but is ${v === null ? 'null' : 'missing'}`);
    return v;
  }
  time(v: unknown, field: string): Date | null {
    if (v === undefined || v === null) return null;
    if (!(v instanceof TaiTime)) return (this.list.push(`${this.where}: '${field}' must be a !butler_time/tai/iso time`), null);
    try {
      return taiToUtc(v.iso, `${this.where} ${field}`);
    } catch (e) {
      return (this.list.push((e as Error).message), null);
    }
  }
  region(v: unknown): [number, number][] | null {
    if (!(v instanceof ConvexPolygonRegion)) return (this.list.push(`${this.where}: 'region' must be a !<lsst.sphgeom.ConvexPolygon>`), null);
    try {
      return decodeConvexPolygon(v.encoded, `${this.where} region`);
    } catch (e) {
      return (this.list.push((e as Error).message), null);
    }
  }
}

function rest(rec: Rec, used: readonly string[]): Rec {
  return toJsonValue(Object.fromEntries(Object.entries(rec).filter(([k]) => !used.includes(k)))) as Rec;
}

/** A Butler record as Vera's insertDimensionRecords takes it; problems are appended, null when any. */
export function toVeraRecord(element: string, rec: Rec, where: string, problems: string[]): Rec | null {
  const p = new Problems(where, problems);
  const before = problems.length;
  let out: Rec;
  switch (element) {
    case 'instrument':
      out = { name: p.need(rec, 'name'), className: rec.class_name ?? '' };
      break;
    case 'band':
      out = { name: p.need(rec, 'name') };
      break;
    case 'physical_filter':
      out = { instrument: p.need(rec, 'instrument'), name: p.need(rec, 'name'), band: p.need(rec, 'band') };
      break;
    case 'day_obs':
      out = { instrument: p.need(rec, 'instrument'), id: p.need(rec, 'id'), beginTime: p.time(rec.datetime_begin, 'datetime_begin'), endTime: p.time(rec.datetime_end, 'datetime_end') };
      break;
    case 'visit': {
      const used = ['instrument', 'id', 'physical_filter', 'day_obs', 'datetime_begin', 'datetime_end', 'exposure_time', 'region'];
      const region = p.need(rec, 'region') == null ? null : p.region(rec.region);
      p.need(rec, 'datetime_begin');
      p.need(rec, 'datetime_end');
      out = {
        instrument: p.need(rec, 'instrument'),
        id: p.need(rec, 'id'),
        physicalFilter: p.need(rec, 'physical_filter'),
        dayObs: p.need(rec, 'day_obs'),
        beginTime: p.time(rec.datetime_begin, 'datetime_begin'),
        endTime: p.time(rec.datetime_end, 'datetime_end'),
        exposureTimeS: p.need(rec, 'exposure_time'),
        ...(region ? { ...polygonCentre(region), region } : {}),
        skyAngleDeg: typeof rec.sky_angle === 'number' ? rec.sky_angle : 0,
        extra: rest(rec, used),
      };
      break;
    }
    case 'detector':
      out = { instrument: p.need(rec, 'instrument'), id: p.need(rec, 'id'), fullName: p.need(rec, 'full_name'), extra: rest(rec, ['instrument', 'id', 'full_name']) };
      break;
    case 'skymap': {
      const hash = rec.hash instanceof Uint8Array ? Buffer.from(rec.hash).toString('hex') : typeof rec.hash === 'string' ? rec.hash : '';
      out = { name: p.need(rec, 'name'), hash, definition: rest(rec, ['name', 'hash']) };
      break;
    }
    case 'tract': {
      const region = p.need(rec, 'region') == null ? null : p.region(rec.region);
      out = { skymap: p.need(rec, 'skymap'), id: p.need(rec, 'id'), ...(region ? { ...polygonCentre(region), region } : {}) };
      break;
    }
    case 'patch': {
      const region = p.need(rec, 'region') == null ? null : p.region(rec.region);
      out = { skymap: p.need(rec, 'skymap'), tract: p.need(rec, 'tract'), id: p.need(rec, 'id'), cellX: p.need(rec, 'cell_x'), cellY: p.need(rec, 'cell_y'), region };
      break;
    }
    default:
      throw new Error(`no Vera table for ${element}`);
  }
  return problems.length > before ? null : out;
}

const tai = (d: unknown) => (d instanceof Date ? new TaiTime(utcToTai(d)) : null);
const region = (v: unknown) => new ConvexPolygonRegion(encodeConvexPolygon(v as [number, number][]));

/** A record Vera holds (one it made itself, e.g. SimCam's), in Butler's shape. */
export function fromVeraRecord(element: string, row: Rec): Rec {
  const extra = (row.extra ?? {}) as Rec;
  switch (element) {
    case 'instrument':
      return { name: row.name, class_name: row.className };
    case 'band':
      return { name: row.name };
    case 'physical_filter':
      return { instrument: row.instrument, name: row.name, band: row.band };
    case 'day_obs':
      return { instrument: row.instrument, id: row.id, datetime_begin: tai(row.beginTime), datetime_end: tai(row.endTime) };
    case 'visit':
      return {
        instrument: row.instrument,
        id: row.id,
        day_obs: row.dayObs,
        physical_filter: row.physicalFilter,
        exposure_time: row.exposureTimeS,
        ...extra,
        region: region(row.region),
        datetime_begin: tai(row.beginTime),
        datetime_end: tai(row.endTime),
      };
    case 'detector':
      return { instrument: row.instrument, id: row.id, full_name: row.fullName, ...extra };
    case 'skymap': {
      const hash = typeof row.hash === 'string' && /^([0-9a-f]{2})+$/.test(row.hash) ? new Uint8Array(Buffer.from(row.hash, 'hex')) : row.hash;
      return { name: row.name, hash, ...((row.definition ?? {}) as Rec) };
    }
    case 'tract':
      return { skymap: row.skymap, id: row.id, region: region(row.region) };
    case 'patch':
      return { skymap: row.skymap, tract: row.tract, id: row.id, cell_x: row.cellX, cell_y: row.cellY, region: region(row.region) };
    default:
      throw new Error(`no Vera table for ${element}`);
  }
}

/**
 * Butler storage classes and the Vera storage class holding the same kind of file; the Butler
 * name is kept with the dataset type and written back on export.
 */
const STORAGE_CLASS_OF: Readonly<Record<string, string>> = {
  Exposure: 'Exposure', ExposureF: 'Exposure', ExposureI: 'Exposure', ExposureD: 'Exposure', ExposureU: 'Exposure',
  Image: 'Image', ImageF: 'Image', ImageI: 'Image', ImageD: 'Image', ImageU: 'Image', MaskX: 'Image', MaskedImageF: 'Image',
  SourceCatalog: 'Catalog', SimpleCatalog: 'Catalog', DataFrame: 'Catalog', ArrowAstropy: 'Catalog', ArrowTable: 'Catalog', ArrowNumpy: 'Catalog', AstropyTable: 'Catalog', Catalog: 'Catalog',
  MetricValue: 'Measurement', Measurement: 'Measurement',
  StructuredDataDict: 'StructuredData', StructuredData: 'StructuredData', Packages: 'StructuredData', TaskMetadata: 'StructuredData', PropertySet: 'StructuredData',
  Config: 'Config', Plot: 'Plot', ButlerLogRecords: 'Text', Text: 'Text',
};

export function veraStorageClass(butlerName: string): string | undefined {
  return STORAGE_CLASS_OF[butlerName];
}
