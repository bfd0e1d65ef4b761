import { runAction } from './run.ts';
import { Step } from './toolkit.ts';

// Entry of the bundled action (dist/index.js): the runner starts it with INPUT_* and GITHUB_*
// in the environment. Anything thrown (bad input, Vera unreachable or refusing) fails the step
// with one readable ::error:: line, repeated in the step summary.
const step = new Step(process.env);
runAction(process.env, step).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    step.error(message, { title: 'Vera' });
    step.appendSummary(`## ❌ Vera\n\n${message}\n`);
    process.exitCode = 1;
  },
);
