import { headerNumber, headerString, headerValue, type FitsHeader } from '../../pipelines/io/fits.ts';
import { VeraError } from '../errors.ts';

/**
 * Instrument definitions: which header keywords of a raw file give the dimension records of the
 * exposure it holds (instrument, physical_filter, day_obs, visit, detector). A definition is data
 * (keyword names) plus, where a camera encodes something in a name, a small function. Adding a
 * camera means adding an entry to INSTRUMENTS.
 */

export interface InstrumentDefinition {
  name: string;
  /** Where the instrument is defined, recorded on its instrument record. */
  className: string;
  doc: string;
  /** Header keywords per record field. Times are ISO 8601 in TIMESYS (UTC required), angles degrees. */
  keywords: {
    /** The INSTRUME value raws of this instrument carry; a raw with another is refused. */
    instrume: string;
    visit: string;
    detector: string;
    detectorName: string;
    physicalFilter: string;
    band: string;
    dayObs: string;
    beginTime: string;
    endTime: string;
    exposureTimeS: string;
    raDeg: string;
    decDeg: string;
    skyAngleDeg: string;
  };
  /** Header keywords copied into the visit record's `extra`, by extra field name. */
  visitExtra: Record<string, string>;
  /** The detector record's `extra`, from the header and the image shape. */
  detectorExtra: (header: FitsHeader, shape: number[]) => Record<string, unknown>;
}

export const SIMCAM_INSTRUMENT: InstrumentDefinition = {
  name: 'SimCam',
  className: 'pipelines/simcam',
  doc: 'Deterministic synthetic camera and sky (see pipelines/simcam/README.md)',
  keywords: {
    instrume: 'SimCam',
    visit: 'EXPID',
    detector: 'DETECTOR',
    detectorName: 'DETNAME',
    physicalFilter: 'FILTER',
    band: 'BAND',
    dayObs: 'DAYOBS',
    beginTime: 'DATE-OBS',
    endTime: 'DATE-END',
    exposureTimeS: 'EXPTIME',
    raDeg: 'RA',
    decDeg: 'DEC',
    skyAngleDeg: 'ROTANGLE',
  },
  visitExtra: { band: 'BAND', airmass: 'AIRMASS', midMjd: 'MJD-AVG' },
  detectorExtra: (header, shape) => {
    // SimCam names detectors S<row><column> (pipelines/simcam/camera.ts).
    const name = headerString(header, 'DETNAME') ?? '';
    const m = /^S(\d)(\d)$/.exec(name);
    if (!m) throw new VeraError('BAD_INPUT', `DETNAME '${name}' is not a SimCam detector name (S<row><column>)`, { keyword: 'DETNAME', value: name });
    return { widthPx: shape[0], heightPx: shape[1], column: Number(m[2]), row: Number(m[1]) };
  },
};

export const INSTRUMENTS: Readonly<Record<string, InstrumentDefinition>> = { SimCam: SIMCAM_INSTRUMENT };

export function instrumentDefinition(name: string): InstrumentDefinition {
  const def = INSTRUMENTS[name];
  if (!def) throw new VeraError('NOT_FOUND', `no instrument definition named '${name}' (known: ${Object.keys(INSTRUMENTS).join(', ')})`, { instrument: name });
  return def;
}

/** The records one raw's header gives. */
export interface RawRecords {
  visit: number;
  detector: number;
  physicalFilter: { instrument: string; name: string; band: string };
  dayObs: { instrument: string; id: number };
  visitRecord: {
    instrument: string;
    id: number;
    physicalFilter: string;
    dayObs: number;
    beginTime: string;
    endTime: string;
    exposureTimeS: number;
    raDeg: number;
    decDeg: number;
    skyAngleDeg: number;
    extra: Record<string, unknown>;
  };
  detectorRecord: { instrument: string; id: number; fullName: string; extra: Record<string, unknown> };
}

function need<T>(value: T | undefined, keyword: string, what: string): T {
  if (value === undefined) throw new VeraError('BAD_INPUT', `header keyword ${keyword} (${what}) is missing or of the wrong type`, { keyword });
  return value;
}

/** A FITS date (no zone letter) in UTC as ISO 8601 with 'Z'. */
function utcTime(header: FitsHeader, keyword: string): string {
  const text = need(headerString(header, keyword), keyword, 'a FITS date');
  const iso = /[Zz]|[+-]\d\d:\d\d$/.test(text) ? text : `${text}Z`;
  if (Number.isNaN(Date.parse(iso))) throw new VeraError('BAD_INPUT', `header keyword ${keyword} '${text}' is not a FITS date`, { keyword, value: text });
  return iso;
}

/** Reads the records of one raw from its primary header; errors name the keyword (the caller adds the file). */
export function rawRecords(def: InstrumentDefinition, header: FitsHeader, shape: number[]): RawRecords {
  const k = def.keywords;
  const instrume = headerString(header, 'INSTRUME')?.trim();
  if (instrume !== k.instrume) throw new VeraError('BAD_INPUT', `INSTRUME is '${instrume ?? '(missing)'}', not ${k.instrume}`, { keyword: 'INSTRUME', value: instrume });
  const timesys = headerString(header, 'TIMESYS')?.trim() ?? 'UTC';
  if (timesys !== 'UTC') throw new VeraError('BAD_INPUT', `TIMESYS '${timesys}' is not supported (UTC only)`, { keyword: 'TIMESYS', value: timesys });
  const int = (key: string, what: string) => {
    const v = need(headerNumber(header, key), key, what);
    if (!Number.isInteger(v)) throw new VeraError('BAD_INPUT', `header keyword ${key} (${what}) must be an integer, not ${v}`, { keyword: key });
    return v;
  };
  const num = (key: string, what: string) => need(headerNumber(header, key), key, what);
  const str = (key: string, what: string) => need(headerString(header, key)?.trim(), key, what);
  const visit = int(k.visit, 'visit id');
  const detector = int(k.detector, 'detector id');
  const dayObs = int(k.dayObs, 'observing day');
  const physicalFilter = str(k.physicalFilter, 'physical filter');
  const band = str(k.band, 'band');
  const extra: Record<string, unknown> = {};
  for (const [field, key] of Object.entries(def.visitExtra)) {
    const v = headerValue(header, key);
    extra[field] = need(v === null ? undefined : v, key, `visit extra ${field}`);
  }
  return {
    visit,
    detector,
    physicalFilter: { instrument: def.name, name: physicalFilter, band },
    dayObs: { instrument: def.name, id: dayObs },
    visitRecord: {
      instrument: def.name,
      id: visit,
      physicalFilter,
      dayObs,
      beginTime: utcTime(header, k.beginTime),
      endTime: utcTime(header, k.endTime),
      exposureTimeS: num(k.exposureTimeS, 'exposure time'),
      raDeg: num(k.raDeg, 'boresight RA'),
      decDeg: num(k.decDeg, 'boresight Dec'),
      skyAngleDeg: num(k.skyAngleDeg, 'sky rotation'),
      extra,
    },
    detectorRecord: { instrument: def.name, id: detector, fullName: str(k.detectorName, 'detector name'), extra: def.detectorExtra(header, shape) },
  };
}
