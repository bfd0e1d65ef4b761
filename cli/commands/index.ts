import type { Command } from 'commander';

/** Every sub-command's register function, in the order `vera --help` lists them. */
export const COMMANDS: ReadonlyArray<(program: Command) => void> = [];
