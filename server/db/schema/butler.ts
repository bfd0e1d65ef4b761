import { jsonb, pgTable, serial, text, timestamp, unique } from 'drizzle-orm/pg-core';

/**
 * What a `butler export` file said that Vera's own tables do not hold, so `vera export` writes
 * it back: whole dimension records (kind `dimension`, name = element, key = JSON of the key
 * values), including elements Vera has no table for (visit_detector_region, exposure, ...); a
 * dataset's formatter (`dataset`, name = id); a dataset type's Butler storage class
 * (`dataset_type`); a RUN's host and timespan (`collection`); the universe (`universe`).
 * Tagged YAML values are stored as `{"$butler": kind, ...}`. `id` keeps the file's order.
 */
export const butlerKept = pgTable(
  'butler_kept',
  {
    id: serial('id').primaryKey(),
    kind: text('kind').notNull(),
    name: text('name').notNull(),
    key: text('key').notNull().default(''),
    fields: jsonb('fields').$type<Record<string, unknown>>().notNull(),
    importedAt: timestamp('imported_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [unique('butler_kept_identity').on(t.kind, t.name, t.key)],
);
