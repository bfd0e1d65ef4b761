#!/usr/bin/env node
// Runs the test suite with every core kept busy by a spinning process beside it, the way a
// shared CI machine or a developer's laptop under a build is busy. Correctness tests must pass
// here too: none may depend on how fast the machine is (speed goals live in `npm run bench`).
//
//   npm run test:under-load [-- <vitest args>]      e.g. -- test/drp
//   VERA_LOAD_PROCESSES=4 npm run test:under-load   (default: one per core)
import { spawn } from 'node:child_process';
import os from 'node:os';

const count = Number(process.env.VERA_LOAD_PROCESSES ?? os.availableParallelism());
if (!Number.isInteger(count) || count < 1) {
  console.error(`test-under-load: VERA_LOAD_PROCESSES must be a positive integer, got "${process.env.VERA_LOAD_PROCESSES}"`);
  process.exit(2);
}

// Each spinner is a plain busy loop: it competes for CPU time like any other process, with no
// nice level, so the suite sees the cores as contended as they would be on a loaded machine.
const spinners = Array.from({ length: count }, () =>
  spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' }),
);
const stopSpinners = () => { for (const s of spinners) s.kill('SIGKILL'); };
process.on('exit', stopSpinners);
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => { stopSpinners(); process.exit(130); });

console.error(`test-under-load: ${count} spinning process(es) beside the suite on ${os.availableParallelism()} core(s)`);
const started = Date.now();
const vitest = spawn(process.execPath, ['node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)], { stdio: 'inherit' });
vitest.on('exit', (code, signal) => {
  stopSpinners();
  console.error(`test-under-load: suite finished in ${Math.round((Date.now() - started) / 1000)} s under load`);
  process.exit(code ?? (signal ? 1 : 0));
});
