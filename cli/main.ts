import { Command, CommanderError } from 'commander';
import { isVeraError } from '../server/errors.ts';
import { COMMANDS } from './commands/index.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';

/**
 * The `vera` command. Each sub-command lives in cli/commands/<name>.ts and exports a
 * `register(program)` function; commands parse options, call a domain function (directly or
 * through GraphQL) and format the result. Errors are printed once, here.
 */
export function buildProgram(): Command {
  const program = new Command('vera')
    .description('Vera: continuous verification for scientific data-processing pipelines')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of COMMANDS) register(program);
  return program;
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    await buildProgram().parseAsync(argv);
    return EXIT.ok;
  } catch (e) {
    if (e instanceof CommanderError) {
      // Help and version are "errors" to commander but successes to the user.
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return EXIT.ok;
      return EXIT.badInput;
    }
    if (isVeraError(e)) {
      process.stderr.write(`error [${e.code}]: ${e.message}\n`);
    } else {
      process.stderr.write(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    }
    return exitCodeOf(e);
  }
}
