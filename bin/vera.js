#!/usr/bin/env node
// Runs the CLI compiled ahead of time (scripts/build-cli.mjs, run by `npm ci`): no TypeScript
// compiler at start-up. When a source the command line can load changed since that build, it is
// rebuilt first; when no build can be had (a read-only install with stale sources, a build
// error), the TypeScript sources run through tsx, as before. VERA_CLI_FROM_SOURCE=1 forces the
// latter. This file runs before every command, `vera --help` included, so it stays small and
// imports nothing else on the common path.
import fs from 'node:fs';
import module from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';

// Node >= 22.1 keeps V8's compiled code of the modules loaded from here on (in the OS temporary
// directory, or $NODE_COMPILE_CACHE), so later starts skip most parsing; Node 20 has no such cache.
module.enableCompileCache?.();

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const OUT = `${ROOT}dist/cli/`;

/**
 * The compiled entry (a file URL) when the build is current for this command line, else
 * undefined. The sources every start loads are checked, and those of each command an argument
 * names (an argument that merely looks like one, such as an option's value, only adds a few
 * stats); scripts/build-cli.mjs says how the build records them.
 */
function compiledEntry(args) {
  try {
    const pointer = JSON.parse(fs.readFileSync(`${OUT}current.json`, 'utf8'));
    if (!current(pointer.main)) return undefined;
    for (const name of new Set(args)) {
      if (pointer.commands.includes(name) && !current(JSON.parse(fs.readFileSync(`${OUT}${pointer.dir}/sources/${name}.json`, 'utf8')))) return undefined;
    }
    const entry = `${OUT}${pointer.dir}/main.js`;
    return fs.existsSync(entry) ? pathToFileURL(entry).href : undefined;
  } catch {
    // No build yet, or one being replaced.
    return undefined;
  }
}

/** Whether every [path, size, mtimeMs] still describes its file. */
function current(sources) {
  for (const [rel, size, mtimeMs] of sources) {
    const st = fs.statSync(ROOT + rel, { throwIfNoEntry: false });
    if (!st || st.size !== size || st.mtimeMs !== mtimeMs) return false;
  }
  return true;
}

let compiled;
if (process.env.VERA_CLI_FROM_SOURCE !== '1') {
  compiled = compiledEntry(process.argv.slice(2)) ?? (await (await import('../scripts/build-cli.mjs')).ensureBuild());
}
let main;
if (compiled) {
  ({ main } = await import(compiled));
} else {
  await import('../runner/hooks/register.js');
  ({ main } = await import('../cli/main.ts'));
}
process.exitCode = await main(process.argv);
