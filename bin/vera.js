#!/usr/bin/env node
// Runs the CLI compiled ahead of time (scripts/build-cli.mjs, run by `npm ci`): no TypeScript
// compiler at start-up. When a source the command line can load changed since that build, it is
// rebuilt first; when no build can be had (a read-only install with stale sources, a build
// error), the TypeScript sources run through tsx, as before. VERA_CLI_FROM_SOURCE=1 forces the
// latter. This file runs before every command, `vera --help` included, so it stays small and
// imports nothing else on the common path. It is CommonJS (bin/package.json): Node starts a
// CommonJS entry about 10 ms faster than an ES module, and the rest is loaded with import().
'use strict';
const fs = require('node:fs');
const { enableCompileCache } = require('node:module');
const path = require('node:path');
const { pathToFileURL } = require('node:url');

// Node >= 22.1 keeps V8's compiled code of the modules loaded from here on (in the OS temporary
// directory, or $NODE_COMPILE_CACHE), so later starts skip most parsing; Node 20 has no such cache.
enableCompileCache?.();

const ROOT = `${path.resolve(__dirname, '..')}/`;
const OUT = `${ROOT}dist/cli/`;

/**
 * The directory of the compiled build (under dist/cli/) when it is current for this command
 * line, else undefined. The sources every start loads are checked, and those of each command an
 * argument names (an argument that merely looks like one, such as an option's value, only adds a
 * few stats); scripts/build-cli.mjs says how the build records them.
 */
function currentBuild(args) {
  try {
    const pointer = JSON.parse(fs.readFileSync(`${OUT}current.json`, 'utf8'));
    if (!current(pointer.main)) return undefined;
    for (const name of new Set(args)) {
      if (pointer.commands.includes(name) && !current(JSON.parse(fs.readFileSync(`${OUT}${pointer.dir}/sources/${name}.json`, 'utf8')))) return undefined;
    }
    return fs.existsSync(`${OUT}${pointer.dir}/main.js`) ? pointer.dir : undefined;
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

/**
 * The top-level help is the same text every time: the build renders it once through commander
 * (help.txt, laid out for 80 columns as every help is, cli/main.ts), so these command lines
 * print it without loading commander or building 30-odd commands. test/cli/startup.test.ts
 * checks that it is exactly what commander prints.
 */
const ROOT_HELP = ['--help', '-h', 'help'];

async function run(args) {
  let compiled;
  if (process.env.VERA_CLI_FROM_SOURCE !== '1') {
    const dir = currentBuild(args);
    if (dir && args.length === 1 && ROOT_HELP.includes(args[0])) {
      try {
        process.stdout.write(fs.readFileSync(`${OUT}${dir}/help.txt`));
        return 0;
      } catch {
        // A build from before help.txt existed: commander prints it below.
      }
    }
    compiled = dir ? pathToFileURL(`${OUT}${dir}/main.js`).href : await (await import('../scripts/build-cli.mjs')).ensureBuild();
  }
  let main;
  if (compiled) {
    ({ main } = await import(compiled));
  } else {
    await import('../runner/hooks/register.js');
    ({ main } = await import('../cli/main.ts'));
  }
  return main(process.argv);
}

run(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
