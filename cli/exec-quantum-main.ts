import { register } from './commands/exec-quantum.ts';
import { runProgram } from './program.ts';

/**
 * `vera exec-quantum` alone: bin/vera.js comes here for it, so a batch job loads this command's
 * modules (the task runner, the codecs) and not the rest of the CLI. The command is also in the
 * full program (cli/commands/index.ts), for `vera --help`.
 */
export function runExecQuantum(argv: string[]): Promise<number> {
  return runProgram(argv, [register]);
}
