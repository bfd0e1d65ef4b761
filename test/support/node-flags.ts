/**
 * V8 flags for the Node processes tests start: the vitest forks (vitest.config.ts) and the CLI and
 * `vera serve` children (cli.ts).
 *
 * `--liftoff-only`: WebAssembly (PGlite's Postgres) runs on V8's baseline compiler only, never
 * tiered up to its optimizing one. A test process opens its database and runs at most a few
 * thousand statements, and tiering up the hot parts of a 9 MB module costs it more CPU, on
 * background threads, than the faster code then saves. Measured: 200 catalog queries on a fresh
 * PGlite, 2.4 -> 1.4 CPU s (break-even near 2,000); 51 test files (repo, security, metrics,
 * lifecycle), 350 -> 276 CPU s and 191 -> 151 s wall, no file slower; a whole PGlite pass,
 * 1,156 -> 994 CPU s. The code and its results are the same; a long-running server keeps V8's
 * defaults. JavaScript is not affected.
 */
export const TEST_NODE_FLAGS: readonly string[] = ['--liftoff-only'];
