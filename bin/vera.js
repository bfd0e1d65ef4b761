#!/usr/bin/env node
// Runs the CLI compiled ahead of time (scripts/build-cli.mjs, run by `npm ci`): no TypeScript
// compiler at start-up. When a source file changed since that build, it is rebuilt first; when
// no build can be had (a read-only install with stale sources, a build error), the TypeScript
// sources run through tsx, as before. VERA_CLI_FROM_SOURCE=1 forces the latter.
import { ensureBuild } from '../scripts/build-cli.mjs';

const compiled = process.env.VERA_CLI_FROM_SOURCE === '1' ? undefined : await ensureBuild();
let main;
if (compiled) {
  ({ main } = await import(compiled));
} else {
  await import('../runner/hooks/register.js');
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv);
