#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so Vera needs no build step on Node 20, 22 and 24.
import '../runner/hooks/register.js';

// `vera exec-quantum` starts once per batch job: it loads its own command only, not every
// command's imports (the GraphQL client, the server's modules), which are most of a start-up.
if (process.argv[2] === 'exec-quantum') {
  const { runExecQuantum } = await import('../cli/exec-quantum-main.ts');
  process.exitCode = await runExecQuantum(process.argv);
} else {
  const { main } = await import('../cli/main.ts');
  process.exitCode = await main(process.argv);
}
