import { bigint, doublePrecision, foreignKey, integer, jsonb, pgTable, primaryKey, text, timestamp } from 'drizzle-orm/pg-core';

/**
 * Dimension records. One table per dimension, keyed by the dimension's own key plus the keys of
 * the dimensions it requires (a visit is only unique within its instrument). Foreign keys encode
 * the "implies" relations (a visit implies its physical_filter, which implies its band).
 * Angles are degrees (ICRS); times are TAI-free UTC instants as timestamptz.
 */
export const instrument = pgTable('dim_instrument', {
  name: text('name').primaryKey(),
  className: text('class_name').notNull().default(''),
  doc: text('doc').notNull().default(''),
});

export const band = pgTable('dim_band', {
  name: text('name').primaryKey(),
});

export const physicalFilter = pgTable(
  'dim_physical_filter',
  {
    instrument: text('instrument')
      .notNull()
      .references(() => instrument.name),
    name: text('name').notNull(),
    band: text('band')
      .notNull()
      .references(() => band.name),
  },
  (t) => [primaryKey({ columns: [t.instrument, t.name] })],
);

export const dayObs = pgTable(
  'dim_day_obs',
  {
    instrument: text('instrument')
      .notNull()
      .references(() => instrument.name),
    id: integer('id').notNull(),
    beginTime: timestamp('begin_time', { withTimezone: true }),
    endTime: timestamp('end_time', { withTimezone: true }),
  },
  (t) => [primaryKey({ columns: [t.instrument, t.id] })],
);

export const visit = pgTable(
  'dim_visit',
  {
    instrument: text('instrument')
      .notNull()
      .references(() => instrument.name),
    id: bigint('id', { mode: 'number' }).notNull(),
    physicalFilter: text('physical_filter').notNull(),
    dayObs: integer('day_obs').notNull(),
    beginTime: timestamp('begin_time', { withTimezone: true }).notNull(),
    endTime: timestamp('end_time', { withTimezone: true }).notNull(),
    exposureTimeS: doublePrecision('exposure_time_s').notNull(),
    raDeg: doublePrecision('ra_deg').notNull(),
    decDeg: doublePrecision('dec_deg').notNull(),
    skyAngleDeg: doublePrecision('sky_angle_deg').notNull().default(0),
    /** Polygon on the sky: [[raDeg, decDeg], ...], counter-clockwise as seen from inside. */
    region: jsonb('region').$type<[number, number][]>().notNull(),
    /** Observing conditions and instrument-specific facts (seeing, airmass, ...). */
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    primaryKey({ columns: [t.instrument, t.id] }),
    foreignKey({ columns: [t.instrument, t.physicalFilter], foreignColumns: [physicalFilter.instrument, physicalFilter.name] }),
    foreignKey({ columns: [t.instrument, t.dayObs], foreignColumns: [dayObs.instrument, dayObs.id] }),
  ],
);

export const detector = pgTable(
  'dim_detector',
  {
    instrument: text('instrument')
      .notNull()
      .references(() => instrument.name),
    id: integer('id').notNull(),
    fullName: text('full_name').notNull(),
    extra: jsonb('extra').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [primaryKey({ columns: [t.instrument, t.id] })],
);

export const skymap = pgTable('dim_skymap', {
  name: text('name').primaryKey(),
  hash: text('hash').notNull().default(''),
  /** The skymap's full definition (projection, tract and patch geometry), as its builder wrote it. */
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull().default({}),
});

export const tract = pgTable(
  'dim_tract',
  {
    skymap: text('skymap')
      .notNull()
      .references(() => skymap.name),
    id: integer('id').notNull(),
    raDeg: doublePrecision('ra_deg').notNull(),
    decDeg: doublePrecision('dec_deg').notNull(),
    region: jsonb('region').$type<[number, number][]>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.skymap, t.id] })],
);

export const patch = pgTable(
  'dim_patch',
  {
    skymap: text('skymap').notNull(),
    tract: integer('tract').notNull(),
    id: integer('id').notNull(),
    cellX: integer('cell_x').notNull(),
    cellY: integer('cell_y').notNull(),
    region: jsonb('region').$type<[number, number][]>().notNull(),
  },
  (t) => [
    primaryKey({ columns: [t.skymap, t.tract, t.id] }),
    foreignKey({ columns: [t.skymap, t.tract], foreignColumns: [tract.skymap, tract.id] }),
  ],
);
