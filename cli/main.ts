import { Command, CommanderError } from 'commander';
import { isVeraError } from '../server/errors.ts';
import { COMMANDS, type CommandEntry } from './commands/index.ts';
import { EXIT, exitCodeOf } from './exit-codes.ts';
import { selectProfile } from './profiles.ts';

/**
 * The `vera` command. Each sub-command lives in cli/commands/<name>.ts and exports a
 * `register(program)` function; commands parse options, call a domain function (directly or
 * through GraphQL) and format the result. Errors are printed once, here.
 *
 * Only the module of the command being run is imported: the others are listed by name and
 * description (commands/index.ts), which is all `vera --help` and commander's "unknown command"
 * suggestions need. That keeps `vera --help` and a light command such as `vera changepoints`
 * from paying for PGlite, the GraphQL server and drizzle.
 */
export async function buildProgram(argv: string[] = process.argv): Promise<Command> {
  const program = new Command('vera')
    .description('Vera: continuous verification for scientific data-processing pipelines')
    .option('-V, --version', "print Vera's version (and its git commit when run from a checkout)")
    .option('--profile <name>', 'stored login to use (vera login; default: $VERA_PROFILE, else "default")')
    .hook('preAction', (cmd) => selectProfile((cmd.opts() as { profile?: string }).profile))
    .showHelpAfterError('(add --help for usage)')
    // One layout whatever the terminal (commander would follow its width): the top-level help can
    // then be rendered once, at build time (rootHelp), and printed by bin/vera.js without loading
    // commander. Sub-commands inherit it.
    .configureHelp({ helpWidth: HELP_WIDTH })
    .exitOverride();
  const wanted = invokedEntry(argv.slice(2));
  if (wanted) (await wanted.load()).register(program, { fullProgram: buildFullProgram });
  const registered = new Set(program.commands.map((c) => c.name()));
  for (const entry of COMMANDS) {
    if (registered.has(entry.name)) continue;
    // A placeholder: never run (the command line names another command), only listed.
    program.command(entry.name).description(entry.description).allowUnknownOption().allowExcessArguments();
  }
  return program;
}

/** Columns of every help text: a man page's width. */
const HELP_WIDTH = 80;

/** What `vera --help` prints; scripts/build-cli.mjs stores it with each build (help.txt). */
export async function rootHelp(): Promise<string> {
  return (await buildProgram(['node', 'vera'])).helpInformation();
}

/** Every command registered for real: for `vera completion`, which lists all of them and their options. */
export async function buildFullProgram(): Promise<Command> {
  const program = new Command('vera').exitOverride();
  const loaded = new Set<CommandEntry['load']>();
  for (const entry of COMMANDS) {
    if (program.commands.some((c) => c.name() === entry.name)) continue;
    if (loaded.has(entry.load)) continue;
    loaded.add(entry.load);
    (await entry.load()).register(program, { fullProgram: buildFullProgram });
  }
  return program;
}

/** The entry of the command the arguments name (`vera runs ...`, `vera help runs`), if any. */
function invokedEntry(args: string[]): CommandEntry | undefined {
  // The value of --profile is not a command name.
  const words = args.filter((a, i) => !a.startsWith('-') && args[i - 1] !== '--profile');
  const name = words[0] === 'help' ? words[1] : words[0];
  return COMMANDS.find((c) => c.name === name);
}

export async function main(argv: string[] = process.argv): Promise<number> {
  try {
    const first = argv[2];
    if (first === '--version' || first === '-V') {
      // Imported here: it loads child_process (for git), which no other start needs.
      const { versionText } = await import('./version.ts');
      process.stdout.write(`${versionText()}\n`);
      return EXIT.ok;
    }
    await (await buildProgram(argv)).parseAsync(argv);
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
