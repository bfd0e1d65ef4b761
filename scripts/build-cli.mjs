// Compiles the `vera` command to JavaScript ahead of time, so running it needs no TypeScript
// compiler: `npm ci` / `npm install` run this as the `prepare` script, and bin/vera.js runs it
// again (once) when a source file changed since, so a checkout being edited never runs stale code.
//
// One esbuild bundle of cli/main.ts with code splitting: every command module (loaded with
// import() by cli/commands/index.ts) and every lazily imported server module becomes its own
// chunk, loaded only when used. npm packages stay external (node_modules is already JavaScript),
// but for the few every start loads (BUNDLED).
//
// Each build goes to its own directory, dist/cli/<id>/, and dist/cli/current.json names the
// newest; the pointer is replaced by rename, so concurrent `vera` processes see one complete
// build or the other. Each source is recorded with its size and modification time, so that
// bin/vera.js can tell, with a stat per source, whether the build is current; it checks only
// the sources the command line can load:
//
//   dist/cli/current.json           { dir: "<id>", main: [[path, size, mtimeMs], ...], commands: ["serve", ...] }
//                                   main: the sources every start loads
//   dist/cli/<id>/sources/<C>.json  [[path, size, mtimeMs], ...]: what command C's module can load,
//                                   statically or lazily, beyond main
//   dist/cli/<id>/sources.json      every source of the build
//   dist/cli/<id>/help.txt          what `vera --help` prints (its sources are main's)
import fs from 'node:fs';
import { isBuiltin } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const OUT = path.join(ROOT, 'dist', 'cli');
export const POINTER = path.join(OUT, 'current.json');
const LOCK = path.join(OUT, 'build.lock');
/** A lock older than this is left over by a killed build. */
const LOCK_STALE_MS = 60_000;
/** Builds replaced longer ago than this are deleted (a running `vera` may still load chunks of the previous one). */
const KEEP_OLD_MS = 60 * 60_000;

/**
 * Modules of this checkout that compute paths from `import.meta.url` (migrations, the worker
 * entry, the web app's files) must see their source location, not the chunk's: each use is
 * rewritten to the source file's URL, relative to the chunk, so the checkout can move.
 */
function sourceLocationPlugin(outdir) {
  return {
    name: 'vera-source-location',
    setup(build) {
      build.onLoad({ filter: /\.(ts|js|mjs)$/ }, async (args) => {
        if (args.path.includes(`${path.sep}node_modules${path.sep}`)) return undefined;
        const text = await fs.promises.readFile(args.path, 'utf8');
        if (!text.includes('import.meta.url')) return undefined;
        const rel = path.relative(outdir, args.path).split(path.sep).join('/');
        return { contents: text.replaceAll('import.meta.url', `new URL(${JSON.stringify(rel)}, import.meta.url).href`), loader: args.path.endsWith('.ts') ? 'ts' : 'js' };
      });
    },
  };
}

/**
 * npm packages that every start loads, bundled: one file loads faster than a package's CommonJS
 * files resolved and wrapped one by one. The rest stay external.
 */
const BUNDLED = ['commander'];
/** Built-in modules a bundled package requires but rarely uses (commander: executable sub-commands), loaded on first use. */
const LAZY_BUILTINS = ['child_process'];

/**
 * Keeps npm packages external except BUNDLED. The ESM output has no `require`, so a bundled
 * package's require() of a built-in module becomes process.getBuiltinModule() (Node >= 20.16),
 * deferred until a property is read for LAZY_BUILTINS.
 */
function packagesPlugin() {
  return {
    name: 'vera-packages',
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, (args) => {
        if (args.kind === 'entry-point') return undefined;
        if (isBuiltin(args.path)) {
          return args.kind === 'require-call' ? { path: args.path.replace(/^node:/, ''), namespace: 'vera-builtin' } : { external: true };
        }
        const name = args.path.split('/').slice(0, args.path.startsWith('@') ? 2 : 1).join('/');
        return BUNDLED.includes(name) ? undefined : { external: true };
      });
      build.onLoad({ filter: /.*/, namespace: 'vera-builtin' }, (args) => {
        const get = `process.getBuiltinModule(${JSON.stringify(`node:${args.path}`)})`;
        return {
          contents: LAZY_BUILTINS.includes(args.path) ? `module.exports = new Proxy({}, { get: (_, key) => ${get}[key] });` : `module.exports = ${get};`,
          loader: 'js',
        };
      });
    },
  };
}

/** Builds the CLI; returns the build's directory. Throws when esbuild reports an error. */
export async function buildCli() {
  const { build } = await import('esbuild');
  const id = `${Date.now().toString(36)}-${process.pid}`;
  const outdir = path.join(OUT, id);
  const result = await build({
    absWorkingDir: ROOT,
    entryPoints: { main: 'cli/main.ts' },
    outdir,
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    // Error and class names appear in messages and logs.
    keepNames: true,
    // Tells runner/pipeline/import-task.ts to register the TypeScript loader before importing a task module.
    define: { __VERA_COMPILED__: 'true' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'silent',
    plugins: [packagesPlugin(), sourceLocationPlugin(outdir)],
  });
  const { all, main, commands } = sources(result.metafile);
  fs.mkdirSync(path.join(outdir, 'sources'));
  fs.writeFileSync(path.join(outdir, 'sources.json'), JSON.stringify(all));
  for (const [name, list] of commands) fs.writeFileSync(path.join(outdir, 'sources', `${name}.json`), JSON.stringify(list));
  // The top-level help, rendered by the build itself, for bin/vera.js to print as it is.
  const { rootHelp } = await import(pathToFileURL(path.join(outdir, 'main.js')).href);
  fs.writeFileSync(path.join(outdir, 'help.txt'), await rootHelp());
  const tmp = `${POINTER}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ dir: id, main, commands: [...commands.keys()] }));
  fs.renameSync(tmp, POINTER);
  removeOldBuilds(id);
  return outdir;
}

/**
 * The sources behind each part of a build, each as [path, size, mtimeMs] (see the top). A
 * command's list is every source of the chunks its module reaches through static and dynamic
 * imports, less main's; `vera completion` loads every command module (main.ts
 * buildFullProgram), so its list is every source.
 */
function sources(metafile) {
  const outputs = metafile.outputs;
  const outputOf = new Map(Object.entries(outputs).filter(([, o]) => o.entryPoint).map(([file, o]) => [o.entryPoint, file]));
  const closure = (start, kinds) => {
    const seen = new Set();
    const stack = [start];
    while (stack.length > 0) {
      const file = stack.pop();
      if (seen.has(file) || !outputs[file]) continue;
      seen.add(file);
      for (const i of outputs[file].imports) if (!i.external && kinds.includes(i.kind)) stack.push(i.path);
    }
    return [...seen].flatMap((file) => Object.keys(outputs[file].inputs));
  };
  const stamp = new Map();
  // Virtual modules (the built-in shims above) have no file.
  for (const rel of [...Object.keys(metafile.inputs).filter((rel) => !rel.includes(':')), BUILD_SCRIPT].sort()) {
    const st = fs.statSync(path.join(ROOT, rel));
    stamp.set(rel, [rel, st.size, st.mtimeMs]);
  }
  const listOf = (rels) => [...new Set(rels)].filter((rel) => stamp.has(rel)).sort().map((rel) => stamp.get(rel));
  const main = listOf([...closure(outputOf.get('cli/main.ts'), ['import-statement']), BUILD_SCRIPT]);
  const onStart = new Set(main.map(([rel]) => rel));
  const commands = new Map();
  for (const [name, module] of commandModules()) {
    if (!outputOf.has(module)) throw new Error(`cli/commands/index.ts: command ${name} loads ${module}, which the build has no chunk for`);
    const reached = name === 'completion' ? [...stamp.keys()] : closure(outputOf.get(module), ['import-statement', 'dynamic-import']);
    commands.set(name, listOf(reached.filter((rel) => !onStart.has(rel))));
  }
  return { all: [...stamp.values()], main, commands };
}

/** The source of this script, relative to ROOT: a change to how the CLI is built is a change too. */
const BUILD_SCRIPT = path.relative(ROOT, fileURLToPath(import.meta.url)).split(path.sep).join('/');

/**
 * Each command name and the module it loads, read from the entries of cli/commands/index.ts
 * (`{ name: 'x', ..., load: () => import('./x.ts') }`, one a line; test/cli/startup.test.ts
 * checks that every command is found).
 */
function commandModules() {
  const text = fs.readFileSync(path.join(ROOT, 'cli/commands/index.ts'), 'utf8');
  return [...text.matchAll(/\{ name: '([^']+)',.*load: \(\) => import\('\.\/([^']+)'\)/g)].map((m) => [m[1], `cli/commands/${m[2]}`]);
}

function removeOldBuilds(keep) {
  const now = Date.now();
  for (const e of fs.readdirSync(OUT, { withFileTypes: true })) {
    if (!e.isDirectory() || e.name === keep) continue;
    const dir = path.join(OUT, e.name);
    try {
      if (now - fs.statSync(dir).mtimeMs > KEEP_OLD_MS) fs.rmSync(dir, { recursive: true, force: true });
    } catch {
      // Another build removed it first.
    }
  }
}

/**
 * The compiled CLI's entry (a file URL) when the build matches all its sources, else undefined.
 * (bin/vera.js checks only the sources of the command being run, before it imports this file.)
 */
export function freshBuild() {
  let dir;
  let all;
  try {
    ({ dir } = JSON.parse(fs.readFileSync(POINTER, 'utf8')));
    all = JSON.parse(fs.readFileSync(path.join(OUT, dir, 'sources.json'), 'utf8'));
  } catch {
    return undefined;
  }
  for (const [rel, size, mtimeMs] of all) {
    const st = fs.statSync(path.join(ROOT, rel), { throwIfNoEntry: false });
    if (!st || st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
  }
  const main = path.join(OUT, dir, 'main.js');
  return fs.existsSync(main) ? pathToFileURL(main).href : undefined;
}

/**
 * Rebuilds when the build is missing or stale, unless another process is building right now
 * (then this one runs from source this time). Undefined when no build could be had: the checkout
 * is read-only, or esbuild failed (a type error does not stop esbuild; a syntax error does, and
 * running from source then reports it where it is).
 */
export async function ensureBuild() {
  const fresh = freshBuild();
  if (fresh) return fresh;
  try {
    fs.mkdirSync(OUT, { recursive: true });
    if (!takeLock()) return undefined;
  } catch {
    return undefined;
  }
  try {
    return pathToFileURL(path.join(await buildCli(), 'main.js')).href;
  } catch {
    return undefined;
  } finally {
    fs.rmSync(LOCK, { force: true });
  }
}

function takeLock() {
  try {
    fs.writeFileSync(LOCK, String(process.pid), { flag: 'wx' });
    return true;
  } catch (e) {
    if (e.code !== 'EEXIST') throw e;
    const age = Date.now() - fs.statSync(LOCK).mtimeMs;
    if (age < LOCK_STALE_MS) return false;
    fs.rmSync(LOCK, { force: true });
    return takeLock();
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.mkdirSync(OUT, { recursive: true });
  const dir = await buildCli();
  process.stderr.write(`vera CLI compiled into ${path.relative(ROOT, dir)}\n`);
}
