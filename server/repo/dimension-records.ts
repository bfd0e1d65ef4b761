import { z } from 'zod';
import type { PgColumn, PgTable } from 'drizzle-orm/pg-core';
import * as t from '../db/schema/dimensions.ts';

/**
 * Where each dimension's records live: the table, the columns holding the values of its data ID
 * keys (its own key and those of the dimensions it requires), the columns holding the values of
 * the dimensions it implies, and the zod schema of a record as callers give it.
 */
export interface DimensionStorage {
  table: PgTable;
  keys: Record<string, PgColumn>;
  implied: Record<string, PgColumn>;
  record: z.ZodType<Record<string, unknown>>;
}

const name = z.string().min(1).max(128);
const int = z.number().int();
const polygon = z.array(z.tuple([z.number().finite(), z.number().finite()])).min(3);
const time = z.coerce.date();

export const DIMENSION_STORAGE: Readonly<Record<string, DimensionStorage>> = {
  instrument: {
    table: t.instrument,
    keys: { instrument: t.instrument.name },
    implied: {},
    record: z.object({ name, className: z.string().default(''), doc: z.string().default('') }),
  },
  band: { table: t.band, keys: { band: t.band.name }, implied: {}, record: z.object({ name }) },
  physical_filter: {
    table: t.physicalFilter,
    keys: { instrument: t.physicalFilter.instrument, physical_filter: t.physicalFilter.name },
    implied: { band: t.physicalFilter.band },
    record: z.object({ instrument: name, name, band: name }),
  },
  day_obs: {
    table: t.dayObs,
    keys: { instrument: t.dayObs.instrument, day_obs: t.dayObs.id },
    implied: {},
    record: z.object({ instrument: name, id: int, beginTime: time.nullable().default(null), endTime: time.nullable().default(null) }),
  },
  visit: {
    table: t.visit,
    keys: { instrument: t.visit.instrument, visit: t.visit.id },
    implied: { physical_filter: t.visit.physicalFilter, day_obs: t.visit.dayObs },
    record: z
      .object({
        instrument: name,
        id: int,
        physicalFilter: name,
        dayObs: int,
        beginTime: time,
        endTime: time,
        exposureTimeS: z.number().nonnegative(),
        raDeg: z.number().min(0).max(360),
        decDeg: z.number().min(-90).max(90),
        skyAngleDeg: z.number().default(0),
        region: polygon,
        extra: z.record(z.string(), z.unknown()).default({}),
      })
      .refine((v) => v.beginTime.getTime() <= v.endTime.getTime(), { message: 'beginTime must not be after endTime' }),
  },
  detector: {
    table: t.detector,
    keys: { instrument: t.detector.instrument, detector: t.detector.id },
    implied: {},
    record: z.object({ instrument: name, id: int, fullName: name, extra: z.record(z.string(), z.unknown()).default({}) }),
  },
  skymap: {
    table: t.skymap,
    keys: { skymap: t.skymap.name },
    implied: {},
    record: z.object({ name, hash: z.string().default(''), definition: z.record(z.string(), z.unknown()).default({}) }),
  },
  tract: {
    table: t.tract,
    keys: { skymap: t.tract.skymap, tract: t.tract.id },
    implied: {},
    record: z.object({ skymap: name, id: int, raDeg: z.number(), decDeg: z.number(), region: polygon }),
  },
  patch: {
    table: t.patch,
    keys: { skymap: t.patch.skymap, tract: t.patch.tract, patch: t.patch.id },
    implied: {},
    record: z.object({ skymap: name, tract: int, id: int, cellX: int, cellY: int, region: polygon }),
  },
};
