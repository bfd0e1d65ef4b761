import { Command, CommanderError } from 'commander';
import { isVeraError } from '../server/errors.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';

/** A sub-command's register function (cli/commands/<name>.ts). */
export type RegisterCommand = (program: Command) => void;

/**
 * The `vera` program with the given sub-commands; cli/main.ts gives it all of them. Commands
 * parse options, call a domain function (directly or through GraphQL) and format the result.
 * Errors are printed once, here.
 */
export function buildProgram(commands: readonly RegisterCommand[]): Command {
  const program = new Command('vera')
    .description('Vera: continuous verification for scientific data-processing pipelines')
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  for (const register of commands) register(program);
  return program;
}

export async function runProgram(argv: string[], commands: readonly RegisterCommand[]): Promise<number> {
  try {
    await buildProgram(commands).parseAsync(argv);
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
