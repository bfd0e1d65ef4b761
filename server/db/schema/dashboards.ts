import { boolean, integer, jsonb, pgTable, serial, text, timestamp } from 'drizzle-orm/pg-core';
import { users } from './auth.ts';

/**
 * Dashboards as JSON (rows of panels, variables), editable over GraphQL and exportable as files.
 * `builtin` marks the defaults Vera ships; they are restored if deleted.
 */
export const dashboards = pgTable('dashboards', {
  id: serial('id').primaryKey(),
  slug: text('slug').notNull().unique(),
  title: text('title').notNull(),
  definition: jsonb('definition').$type<Record<string, unknown>>().notNull(),
  ownerId: integer('owner_id').references(() => users.id),
  builtin: boolean('builtin').notNull().default(false),
  createdAt: timestamp('created_at', { withTimezone: true }).notNull().defaultNow(),
  updatedAt: timestamp('updated_at', { withTimezone: true }).notNull().defaultNow(),
});
