import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  resolve: {
    // Node resolves `graphql` to its CommonJS entry (graphql-yoga gets that one); vite would pick
    // the .mjs entry for our sources, and two graphql copies break its instanceof checks.
    // `vera/task` is the task API, as bin/vera.js's resolve hook makes it for task modules anywhere.
    alias: [
      { find: /^graphql$/, replacement: 'graphql/index.js' },
      { find: /^vera\/task$/, replacement: fileURLToPath(new URL('./pipelines/framework/api.ts', import.meta.url)) },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    pool: 'forks',
    // Generous: a limit catches a hang, never a slow machine (CI shares two cores between suites).
    testTimeout: 300_000,
    hookTimeout: 300_000,
    globalSetup: ['test/support/global-setup.ts'],
  },
});
