import { readdirSync, readFileSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { configDefaults, defineConfig } from 'vitest/config';
import { TEST_NODE_FLAGS } from './test/support/node-flags.ts';

/**
 * How a test file reaches a database: through test/support's database, Vera and CLI helpers, or
 * server/db and server/app directly. A file that matches none runs the same on any database.
 */
const REACHES_DATABASE = /support\/(db|vera|cli|runs|factories|repo-fixtures)(\.ts)?['"]|DATABASE_URL|server\/db\/|server\/app/;

/**
 * With VERA_TEST_DATABASE_ONLY=1 (CI's second pass, on PostgreSQL), only files that reach a
 * database run: the others would repeat the first pass exactly, and are a third of its time.
 */
function databaseFreeFiles(): string[] {
  if (process.env.VERA_TEST_DATABASE_ONLY !== '1') return [];
  return readdirSync('test', { recursive: true, encoding: 'utf8' })
    .filter((file) => file.endsWith('.test.ts'))
    .map((file) => `test/${file}`)
    .filter((file) => !REACHES_DATABASE.test(readFileSync(file, 'utf8')));
}

function testWorkers(): number {
  const asked = process.env.VERA_TEST_WORKERS;
  if (asked === undefined || asked === '') return 2 * os.availableParallelism();
  const n = Number(asked);
  if (!Number.isInteger(n) || n < 1) throw new Error(`VERA_TEST_WORKERS must be a positive integer, got "${asked}"`);
  return n;
}

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
    exclude: [...configDefaults.exclude, ...databaseFreeFiles()],
    pool: 'forks',
    // test/support/node-flags.ts: PGlite's WebAssembly on V8's baseline compiler only.
    poolOptions: { forks: { execArgv: [...TEST_NODE_FLAGS] } },
    // vitest's default is one fork fewer than the cores: one fork on a 2-core CI machine, which
    // then idles while a file waits on a child process, git, Slurm, a browser or a replay's
    // clock. Files are independent (each clones its own database). With one fork more than
    // cores, a whole PGlite pass used 1176 CPU s in 1048 s on 2 cores: the cores were idle 44%
    // of the time. Two forks per core fill that. VERA_TEST_WORKERS overrides (1 for a serial run).
    maxWorkers: testWorkers(),
    minWorkers: 1,
    // Generous: a limit catches a hang, never a slow machine. A test that takes 20 s idle took
    // over 300 s with the cores shared by a dozen busy processes (a developer machine under a build).
    testTimeout: 600_000,
    hookTimeout: 600_000,
    globalSetup: ['test/support/global-setup.ts'],
    setupFiles: ['test/support/cpu-report.ts'],
  },
});
