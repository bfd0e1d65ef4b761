#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so Vera needs no build step on Node 20, 22 and 24.
import '../runner/hooks/register.js';

const { main } = await import('../cli/main.ts');
process.exitCode = await main(process.argv);
