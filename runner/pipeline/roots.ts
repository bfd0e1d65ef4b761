import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { VeraError } from '../../server/errors.ts';

/**
 * Where pipelines and their task code may come from. A pipeline lives inside a root (Vera's own
 * checkout, a directory of VERA_PIPELINE_ROOTS, or a CI build's worktree), and its task classes
 * resolve only to modules inside that root (in Vera's checkout: inside its task directories).
 * Everything here is decided from paths, realpath and `lstat` alone, before any pipeline code is
 * imported: importing a module runs it.
 */

/** Vera's own checkout, always a root: its pipelines and test fixtures. */
export const VERA_CHECKOUT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * Inside Vera's checkout, task modules come only from where its pipelines, test fixtures and
 * test repositories live. The rest of the checkout holds entry points that act when imported
 * (bin/vera.js, bench/run.ts, the GitHub Action's bundle): never task classes.
 */
export const VERA_TASK_DIRS = ['pipelines', 'test/fixtures', '.test-tmp'] as const;

/** Roots a run may use: Vera's checkout first, then the configured ones. */
export function pipelineRoots(configured: readonly string[] = []): string[] {
  return [VERA_CHECKOUT, ...configured];
}

/** Whether `p` is `dir` or lies below it (both absolute and normalized). */
export function isInside(dir: string, p: string): boolean {
  const rel = path.relative(dir, p);
  return rel === '' || (rel !== '..' && !rel.startsWith(`..${path.sep}`) && !path.isAbsolute(rel));
}

function realpathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

let realCheckout: string | undefined;

/** Where task modules may lie within a root (real path): all of it, except in Vera's checkout. */
function taskDirsOf(root: string): string[] {
  realCheckout ??= realpathOrUndefined(VERA_CHECKOUT) ?? VERA_CHECKOUT;
  return root === realCheckout ? VERA_TASK_DIRS.map((d) => path.join(root, d)) : [root];
}

/** A pipeline placed in its roots: the roots (real paths) holding it, and its real directory. */
export interface PipelinePlace {
  /** Absolute path of the pipeline file as named (task classes resolve against its directory). */
  file: string;
  /** The real path of the file's directory. */
  realDir: string;
  /** Real paths of the allowed roots that hold the pipeline; task modules must be in one of them. */
  roots: string[];
}

function outsideRoots(file: string, roots: readonly string[]): VeraError {
  return new VeraError(
    'PATH_ESCAPE',
    `pipeline ${file} is outside the pipeline roots (${roots.join(', ')}); to run pipelines from another directory, add it to VERA_PIPELINE_ROOTS on the server`,
    { file, roots },
  );
}

/**
 * Places a pipeline file (which need not exist: its text may come from elsewhere) in the roots:
 * its directory, symlinks resolved, must lie inside one of them.
 */
export function placePipeline(file: string, roots: readonly string[]): PipelinePlace {
  const abs = path.resolve(file);
  const lexical = roots.filter((r) => isInside(path.resolve(r), abs));
  if (lexical.length === 0) throw outsideRoots(abs, roots);
  const realDir = realpathOrUndefined(path.dirname(abs));
  if (!realDir) throw new VeraError('NOT_FOUND', `the directory of pipeline ${abs} does not exist`, { file: abs });
  const real = roots.flatMap((r) => realpathOrUndefined(r) ?? []).filter((r) => isInside(r, realDir));
  if (real.length === 0) throw outsideRoots(abs, roots);
  return { file: abs, realDir, roots: real };
}

const MODULE_EXTENSIONS = ['.ts', '.js', '.mjs'];

/**
 * The module a task class names, as an absolute real path, checked without importing anything:
 * `./path/to/module.ts#export` relative to the pipeline's directory, inside the pipeline's root
 * once symlinks are resolved, a regular file, with a module extension, and not a dependency
 * (node_modules). URLs (`data:`, `file:`, `node:`), absolute paths and package names are refused.
 */
export function resolveTaskModule(place: PipelinePlace, label: string, className: string): { modulePath: string; exportName: string } {
  const refuse = (problem: string) =>
    new VeraError('PIPELINE_INVALID', `${place.file}: task '${label}': class '${className}' is refused: ${problem}`, { file: place.file, task: label, class: className });
  const hash = className.lastIndexOf('#');
  const spec = hash > 0 ? className.slice(0, hash) : '';
  const exportName = className.slice(hash + 1);
  if (!spec || !/^[A-Za-z_$][\w$]*$/.test(exportName)) throw refuse('a task class is "./relative/module.ts#exportName"');
  if (!spec.startsWith('./') && !spec.startsWith('../')) {
    throw refuse('task classes are module paths relative to the pipeline file, starting with ./ or ../ (no URLs, absolute paths or package names)');
  }
  if (spec.includes('\\') || spec.includes('\0')) throw refuse('module paths use / and no control characters');
  if (!MODULE_EXTENSIONS.includes(path.extname(spec))) throw refuse(`the module must be a ${MODULE_EXTENSIONS.join(', ')} file`);
  // Lexically first (no file system access for a path that climbs out), then with symlinks resolved.
  const lexical = path.resolve(place.realDir, spec);
  if (!place.roots.some((r) => isInside(r, lexical))) throw refuse(`it resolves to ${lexical}, outside the pipeline's root (${place.roots.join(', ')})`);
  const real = realpathOrUndefined(lexical);
  if (!real) {
    throw new VeraError('PIPELINE_INVALID', `${place.file}: task '${label}': unknown task class '${className}': cannot import ${lexical}: no such file`, {
      file: place.file,
      task: label,
      class: className,
    });
  }
  const root = place.roots.find((r) => isInside(r, real));
  if (!root) throw refuse(`it resolves (through a symlink) to ${real}, outside the pipeline's root (${place.roots.join(', ')})`);
  if (!place.roots.some((r) => taskDirsOf(r).some((d) => isInside(d, real)))) {
    throw refuse(`${real} is in Vera's checkout but outside its task directories (${VERA_TASK_DIRS.join(', ')}); put your pipelines in a directory of VERA_PIPELINE_ROOTS`);
  }
  if (path.relative(root, real).split(path.sep).includes('node_modules')) throw refuse('modules under node_modules are dependencies, not task classes');
  if (!MODULE_EXTENSIONS.includes(path.extname(real))) throw refuse(`it resolves to ${real}, not a ${MODULE_EXTENSIONS.join(', ')} file`);
  if (!fs.lstatSync(real).isFile()) throw refuse(`${real} is not a regular file`);
  return { modulePath: real, exportName };
}

/**
 * The import URL of a task module recorded with a run's quanta: an absolute real path, checked
 * when the run was created. Anything else (a URL or package name recorded before classes were
 * checked) is refused rather than imported.
 */
export function recordedTaskModuleUrl(modulePath: string): string {
  if (!path.isAbsolute(modulePath) || !MODULE_EXTENSIONS.includes(path.extname(modulePath))) {
    throw new VeraError('PIPELINE_INVALID', `recorded task module '${modulePath}' is not an absolute module path; create the run again from its pipeline`, { modulePath });
  }
  return pathToFileURL(modulePath).href;
}

/** Pipelines are a few kilobytes of YAML; anything far larger is not one. */
export const MAX_PIPELINE_BYTES = 1024 * 1024;

/**
 * The absolute path a caller's pipeline name stands for: an absolute path inside a root, or a
 * path relative to the roots, taken in the first root that holds it (or, when none does, the
 * first one it stays inside). Refused, without touching the file system, when it is outside
 * every root.
 */
export function namePipeline(name: string, roots: readonly string[]): string {
  if (name === '' || name.includes('\0')) throw new VeraError('BAD_INPUT', 'a pipeline file name is a non-empty path', { file: name });
  const candidates = path.isAbsolute(name) ? [path.resolve(name)] : roots.map((r) => path.resolve(r, name));
  const allowed = candidates.filter((c) => roots.some((r) => isInside(path.resolve(r), c)));
  if (allowed.length === 0) throw outsideRoots(path.isAbsolute(name) ? path.resolve(name) : name, roots);
  return allowed.find((c) => fs.existsSync(c) || isSymlink(c)) ?? allowed[0]!;
}

/**
 * Reads a pipeline file named by a caller (see namePipeline). The file, symlinks resolved, must
 * lie inside a root and be a regular file of at most MAX_PIPELINE_BYTES: a FIFO or a device is
 * never read (it would block the server), and a symlink out of the roots is refused as a path
 * outside them is. Callers authorize first: whether a file exists is itself an answer.
 */
export async function readPipelineFile(name: string, roots: readonly string[]): Promise<{ file: string; text: string }> {
  const file = namePipeline(name, roots);
  const real = realpathOrUndefined(file);
  if (!real) throw new VeraError('NOT_FOUND', `pipeline ${name} does not exist in the pipeline roots (${roots.join(', ')})`, { file: name });
  const realRoots = roots.flatMap((r) => realpathOrUndefined(r) ?? []);
  if (!realRoots.some((r) => isInside(r, real))) throw outsideRoots(`${file} (a symlink to ${real})`, roots);
  const notRegular = () => new VeraError('BAD_INPUT', `pipeline ${file} is not a regular file`, { file });
  if (!fs.lstatSync(real).isFile()) throw notRegular();
  // Opened without following a symlink and without blocking, then checked again on the open
  // descriptor: the path may have been swapped for something else since the lstat.
  const handle = await fs.promises.open(real, fs.constants.O_RDONLY | (fs.constants.O_NOFOLLOW ?? 0) | (fs.constants.O_NONBLOCK ?? 0)).catch((e: NodeJS.ErrnoException) => {
    throw new VeraError('BAD_INPUT', `cannot read pipeline ${file}: ${e.code ?? e.message}`, { file });
  });
  try {
    const stat = await handle.stat();
    if (!stat.isFile()) throw notRegular();
    if (stat.size > MAX_PIPELINE_BYTES) throw new VeraError('BAD_INPUT', `pipeline ${file} is ${stat.size} bytes; pipelines are at most ${MAX_PIPELINE_BYTES}`, { file });
    const buffer = Buffer.alloc(stat.size);
    const { bytesRead } = await handle.read(buffer, 0, stat.size, 0);
    return { file, text: buffer.subarray(0, bytesRead).toString('utf8') };
  } finally {
    await handle.close();
  }
}

function isSymlink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
