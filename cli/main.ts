import type { Command } from 'commander';
import { COMMANDS } from './commands/index.ts';
import { buildProgram as build, runProgram } from './program.ts';

/**
 * The `vera` command. Each sub-command lives in cli/commands/<name>.ts and exports a
 * `register(program)` function; cli/program.ts parses and prints errors once.
 */
export function buildProgram(): Command {
  return build(COMMANDS);
}

export function main(argv: string[] = process.argv): Promise<number> {
  return runProgram(argv, COMMANDS);
}
