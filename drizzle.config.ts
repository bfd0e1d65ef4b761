import { defineConfig } from 'drizzle-kit';

// Migrations are generated here and applied at start-up by server/db/migrate.ts,
// on the pg driver and on PGlite alike.
export default defineConfig({
  dialect: 'postgresql',
  schema: './server/db/schema/index.ts',
  out: './migrations',
});
