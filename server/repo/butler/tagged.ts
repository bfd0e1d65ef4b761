import { Scalar, YAMLMap, type CollectionTag, type ScalarTag } from 'yaml';

/**
 * The custom YAML tags of a `butler export` file, as values that remember their tag so an export
 * written back carries the same tags:
 * - `!uuid 1b3a...`: a dataset id;
 * - `!butler_time/tai/iso '2013-06-17 13:29:11.039000000'`: an instant on the TAI scale, kept as
 *   written (nanoseconds; a JS Date holds milliseconds);
 * - `!<lsst.sphgeom.ConvexPolygon> {encoded: 70...}`: a sky region, sphgeom's byte encoding in hex;
 * - `!lsst.daf.butler.Timespan {begin: ..., end: ...}` (or `EMPTY`): a calibration's validity.
 */
export class ButlerUuid {
  constructor(readonly value: string) {}
}

export class TaiTime {
  constructor(readonly iso: string) {}
}

export class ConvexPolygonRegion {
  constructor(readonly encoded: string) {}
}

export class ButlerTimespan {
  /** null bounds are open; `empty` is Butler's empty timespan. */
  constructor(
    readonly begin: TaiTime | null,
    readonly end: TaiTime | null,
    readonly empty = false,
  ) {}
}

const uuidTag: ScalarTag = {
  tag: '!uuid',
  identify: (v) => v instanceof ButlerUuid,
  resolve: (s) => new ButlerUuid(s),
  stringify: (item) => String((item.value as ButlerUuid).value),
};

const taiTag: ScalarTag = {
  tag: '!butler_time/tai/iso',
  identify: (v) => v instanceof TaiTime,
  resolve: (s) => new TaiTime(s),
  stringify: (item) => (item.value as TaiTime).iso,
};

const POLYGON = 'lsst.sphgeom.ConvexPolygon';

const polygonTag: CollectionTag = {
  tag: POLYGON,
  collection: 'map',
  nodeClass: YAMLMap,
  identify: (v) => v instanceof ConvexPolygonRegion,
  resolve: (map) => {
    const encoded = (map as YAMLMap).get('encoded');
    return new ConvexPolygonRegion(typeof encoded === 'string' ? encoded : '');
  },
  createNode: (schema, value) => {
    const map = new YAMLMap(schema);
    map.set('encoded', (value as ConvexPolygonRegion).encoded);
    return map;
  },
};

const TIMESPAN = '!lsst.daf.butler.Timespan';

const timespanMapTag: CollectionTag = {
  tag: TIMESPAN,
  collection: 'map',
  nodeClass: YAMLMap,
  identify: (v) => v instanceof ButlerTimespan && !v.empty,
  resolve: (map) => {
    const bound = (k: string) => {
      const v = (map as YAMLMap).get(k);
      return v instanceof TaiTime ? v : null;
    };
    return new ButlerTimespan(bound('begin'), bound('end'));
  },
  createNode: (schema, value, ctx) => {
    const t = value as ButlerTimespan;
    const map = new YAMLMap(schema);
    map.set('begin', ctx.onTagObj ? t.begin : t.begin);
    map.set('end', t.end);
    return map;
  },
};

const timespanEmptyTag: ScalarTag = {
  tag: TIMESPAN,
  identify: (v) => v instanceof ButlerTimespan && v.empty,
  resolve: () => new ButlerTimespan(null, null, true),
  stringify: () => 'EMPTY',
};

/** Tags for `parse`/`stringify` of the `yaml` package; `binary` is YAML 1.1's `!!binary` (a skymap's hash). */
export const BUTLER_TAGS = ['binary' as const, uuidTag, taiTag, polygonTag, timespanMapTag, timespanEmptyTag];

/**
 * Tagged values as plain JSON (for jsonb columns) and back: `{"$butler": kind, ...}`. Anything
 * else is left as it is; Uint8Array (`!!binary`) becomes base64.
 */
export function toJsonValue(v: unknown): unknown {
  if (v instanceof ButlerUuid) return { $butler: 'uuid', value: v.value };
  if (v instanceof TaiTime) return { $butler: 'tai', iso: v.iso };
  if (v instanceof ConvexPolygonRegion) return { $butler: 'region', encoded: v.encoded };
  if (v instanceof ButlerTimespan) return { $butler: 'timespan', begin: v.begin?.iso ?? null, end: v.end?.iso ?? null, empty: v.empty };
  if (v instanceof Uint8Array) return { $butler: 'binary', base64: Buffer.from(v).toString('base64') };
  if (v instanceof Scalar) return toJsonValue(v.value);
  if (Array.isArray(v)) return v.map(toJsonValue);
  if (v !== null && typeof v === 'object') return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, toJsonValue(x)]));
  return v;
}

export function fromJsonValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(fromJsonValue);
  if (v === null || typeof v !== 'object') return v;
  const o = v as Record<string, unknown>;
  switch (o.$butler) {
    case 'uuid':
      return new ButlerUuid(String(o.value));
    case 'tai':
      return new TaiTime(String(o.iso));
    case 'region':
      return new ConvexPolygonRegion(String(o.encoded));
    case 'timespan':
      return new ButlerTimespan(o.begin ? new TaiTime(String(o.begin)) : null, o.end ? new TaiTime(String(o.end)) : null, o.empty === true);
    case 'binary':
      return new Uint8Array(Buffer.from(String(o.base64), 'base64'));
    default:
      return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, fromJsonValue(x)]));
  }
}
