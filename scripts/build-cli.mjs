// Compiles the `vera` command to JavaScript ahead of time, so running it needs no TypeScript
// compiler: `npm ci` / `npm install` run this as the `prepare` script, and bin/vera.js runs it
// again (once) when a source file changed since, so a checkout being edited never runs stale code.
//
// One esbuild bundle of cli/main.ts with code splitting: every command module (loaded with
// import() by cli/commands/index.ts) and every lazily imported server module becomes its own
// chunk, loaded only when used. npm packages stay external (node_modules is already JavaScript).
// Each build goes to its own directory, dist/cli/<id>/, and dist/cli/current.json names the
// newest with the size and modification time of every source it was built from; the pointer is
// replaced by rename, so concurrent `vera` processes see one complete build or the other.
import fs from 'node:fs';
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
    packages: 'external',
    // Error and class names appear in messages and logs.
    keepNames: true,
    // Tells runner/pipeline/import-task.ts to register the TypeScript loader before importing a task module.
    define: { __VERA_COMPILED__: 'true' },
    chunkNames: 'chunk-[hash]',
    metafile: true,
    logLevel: 'silent',
    plugins: [sourceLocationPlugin(outdir)],
  });
  const inputs = {};
  for (const rel of Object.keys(result.metafile.inputs).sort()) {
    const st = fs.statSync(path.join(ROOT, rel));
    inputs[rel] = [st.size, st.mtimeMs];
  }
  const tmp = `${POINTER}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify({ dir: id, inputs }));
  fs.renameSync(tmp, POINTER);
  removeOldBuilds(id);
  return outdir;
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
 * The compiled CLI's entry (a file URL) when the build matches the sources, else undefined.
 * Costs one stat per source file, a few milliseconds.
 */
export function freshBuild() {
  let pointer;
  try {
    pointer = JSON.parse(fs.readFileSync(POINTER, 'utf8'));
  } catch {
    return undefined;
  }
  for (const [rel, [size, mtimeMs]] of Object.entries(pointer.inputs)) {
    let st;
    try {
      st = fs.statSync(path.join(ROOT, rel));
    } catch {
      return undefined;
    }
    if (st.size !== size || st.mtimeMs !== mtimeMs) return undefined;
  }
  const main = path.join(OUT, pointer.dir, 'main.js');
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
