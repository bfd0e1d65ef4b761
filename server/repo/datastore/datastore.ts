import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { VeraError } from '../../errors.ts';
import type { DataId } from '../types.ts';
import { isProcessAlive } from '../../util/process.ts';

/** Bytes to store: a whole buffer, or chunks as they are produced (large images, streams). */
export type Content = Uint8Array | AsyncIterable<Uint8Array>;

/** A file written under a temporary name, complete and fsynced, waiting to be renamed. */
export interface StagedFile {
  /** Final path, relative to the datastore root. */
  path: string;
  tempAbsPath: string;
  sizeBytes: number;
  checksum: string;
}

const TEMP_MARK = '.tmp-';
const SAFE_SEGMENT = /^[A-Za-z0-9_+@=-][A-Za-z0-9_.+@=-]*$/;

/**
 * Files of datasets under `root`, laid out as `<run>/<datasetType>/<dim>=<value>/.../<dim>=<value>.<ext>`.
 * Writes go to a temporary name in the final directory, are fsynced, then renamed: a reader (or a
 * crash) sees either no file or the complete one under the final name, never half a file.
 */
export class Datastore {
  readonly root: string;

  constructor(root: string) {
    this.root = path.resolve(root);
  }

  /** The relative path for a dataset; `dataId` holds the required values, in universe order. */
  pathFor(run: string, datasetType: string, dataId: DataId, extension: string): string {
    const dims = Object.entries(dataId).map(([k, v]) => `${k}=${encodeSegment(String(v))}`);
    const leaf = dims.length > 0 ? dims.pop()! : datasetType;
    return [run, datasetType, ...dims, `${leaf}.${extension}`].join('/');
  }

  /** Absolute path of a relative one; refuses anything that would leave the root. */
  resolve(relPath: string): string {
    const segments = relPath.split('/');
    if (path.isAbsolute(relPath) || relPath.includes('\\') || segments.some((s) => s === '' || s === '.' || s === '..' || s.includes('\0'))) {
      throw new VeraError('PATH_ESCAPE', `datastore path '${relPath}' is not a clean relative path`, { path: relPath });
    }
    const abs = path.resolve(this.root, relPath);
    if (!abs.startsWith(this.root + path.sep)) {
      throw new VeraError('PATH_ESCAPE', `datastore path '${relPath}' escapes the datastore root`, { path: relPath });
    }
    return abs;
  }

  /**
   * A fresh temporary name next to a file's final path, for this process (so sweepStaleTemps
   * removes it should the process die before it is renamed). Whoever writes it creates it ('wx').
   */
  tempPathFor(relPath: string): string {
    return `${this.tempPrefix(relPath)}${crypto.randomBytes(4).toString('hex')}`;
  }

  /** Whether `tempAbsPath` is a temporary name of this process for `relPath` (tempPathFor's form). */
  isTempFor(relPath: string, tempAbsPath: string): boolean {
    const prefix = this.tempPrefix(relPath);
    return tempAbsPath.startsWith(prefix) && /^[0-9a-f]+$/.test(tempAbsPath.slice(prefix.length));
  }

  /**
   * Refuses a staged file whose temporary name is not one of this datastore's for its path
   * (isTempFor): only the datastore's own temporary files are ever published, or removed.
   */
  assertTempFor(staged: Pick<StagedFile, 'path' | 'tempAbsPath'>): void {
    if (!this.isTempFor(staged.path, staged.tempAbsPath)) {
      throw new VeraError('PATH_ESCAPE', `'${staged.tempAbsPath}' is not a temporary file of datastore path '${staged.path}'`, { path: staged.path });
    }
  }

  /** The part of tempPathFor's names that is fixed for `relPath` in this process. */
  private tempPrefix(relPath: string): string {
    return `${this.resolve(relPath)}${TEMP_MARK}${process.pid}-`;
  }

  /**
   * Completes a file someone else wrote under `tempPathFor(staged.path)` (a worker thread writing
   * a quantum's output): fsyncs it, so it is complete on disk before it is renamed into place.
   * Opening it again costs no copy of its bytes. Refuses a path that is not such a name, so only
   * the datastore's own temporary files are ever published.
   */
  async syncStaged(staged: StagedFile): Promise<void> {
    this.assertTempFor(staged);
    const fh = await fsp.open(staged.tempAbsPath, 'r');
    try {
      await fh.sync();
    } finally {
      await fh.close();
    }
  }

  /**
   * Renames a staged file whose temporary name is not next to `relPath` (it was named for another
   * path) to one that is, without copying it; the directory is created if needed.
   */
  async restage(staged: StagedFile, relPath: string): Promise<StagedFile> {
    await fsp.mkdir(path.dirname(this.resolve(relPath)), { recursive: true });
    const tempAbsPath = this.tempPathFor(relPath);
    await fsp.rename(staged.tempAbsPath, tempAbsPath);
    return { ...staged, path: relPath, tempAbsPath };
  }

  /** Writes content under a temporary name next to its final path; nothing is visible yet. */
  async stage(relPath: string, content: Content): Promise<StagedFile> {
    await fsp.mkdir(path.dirname(this.resolve(relPath)), { recursive: true });
    return this.stageInto(relPath, content);
  }

  /**
   * `stage` into a directory that exists. `checksum`, given with a single buffer, is the one its
   * producer computed (a worker thread, as it encoded the bytes): this thread does not hash them again.
   */
  private async stageInto(relPath: string, content: Content, checksum?: string): Promise<StagedFile> {
    const tempAbsPath = this.tempPathFor(relPath);
    // isView, not instanceof: buffers from worker threads may come from another realm.
    const whole = ArrayBuffer.isView(content);
    const hash = whole && checksum ? undefined : crypto.createHash('sha256');
    let sizeBytes = 0;
    const fh = await fsp.open(tempAbsPath, 'wx', 0o644);
    try {
      const chunks = whole ? [content as Uint8Array] : (content as AsyncIterable<Uint8Array>);
      for await (const chunk of chunks) {
        hash?.update(chunk);
        sizeBytes += chunk.byteLength;
        await fh.write(chunk);
      }
      await fh.sync();
    } catch (e) {
      await fh.close();
      await fsp.rm(tempAbsPath, { force: true });
      throw e;
    }
    await fh.close();
    return { path: relPath, tempAbsPath, sizeBytes, checksum: hash ? `sha256:${hash.digest('hex')}` : checksum! };
  }

  /**
   * Stages several files: each directory is created once, and files are written and fsynced a few
   * at a time, so their fsyncs overlap in the I/O pool instead of queueing one after another.
   * A file given as `staged` was already written under its temporary name (by a worker thread):
   * it is only fsynced (syncStaged). On failure, the files this call wrote are discarded; the
   * ones given staged stay the caller's. `onStaged` gets each file's time to stage (or fsync).
   */
  async stageMany(
    files: readonly ({ path: string; content: Content; checksum?: string | undefined; staged?: undefined } | { path: string; staged: StagedFile })[],
    onStaged?: (index: number, ms: number) => void,
  ): Promise<StagedFile[]> {
    for (const dir of new Set(files.flatMap((f) => (f.staged ? [] : [path.dirname(this.resolve(f.path))])))) await fsp.mkdir(dir, { recursive: true });
    const staged: StagedFile[] = new Array(files.length);
    try {
      await forEachLimited(files.length, IO_CONCURRENCY, async (i) => {
        const t0 = performance.now();
        const f = files[i]!;
        if (f.staged) {
          await this.syncStaged(f.staged);
          staged[i] = f.staged;
        } else staged[i] = await this.stageInto(f.path, f.content, f.checksum);
        onStaged?.(i, performance.now() - t0);
      });
    } catch (e) {
      await Promise.all(staged.flatMap((s, i) => (s && !files[i]!.staged ? [this.discard(s)] : [])));
      throw e;
    }
    return staged;
  }

  /**
   * Undoes staging (and publishing, when `published`) of a file whose registration failed: with
   * `keepAs`, renames it to that temporary name, for the caller to register again or discard
   * later; otherwise removes it. A file already gone is left so.
   */
  async withdraw(staged: StagedFile, published: boolean, keepAs?: string): Promise<void> {
    const at = published ? this.resolve(staged.path) : staged.tempAbsPath;
    if (keepAs === undefined) await fsp.rm(at, { force: true });
    else if (at !== keepAs) await fsp.rename(at, keepAs).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? undefined : Promise.reject(e)));
  }

  /**
   * `publish` for several staged files: renamed a few at a time, then each directory they went
   * into fsynced once. Paths are pushed onto `published` as they land, for the caller to undo.
   */
  async publishMany(files: readonly StagedFile[], published: string[]): Promise<void> {
    await forEachLimited(files.length, IO_CONCURRENCY, async (i) => {
      await fsp.rename(files[i]!.tempAbsPath, this.resolve(files[i]!.path));
      published.push(files[i]!.path);
    });
    await Promise.all([...new Set(files.map((f) => path.dirname(this.resolve(f.path))))].map((d) => syncDir(d)));
  }

  /**
   * Moves a staged file to its final name. Callers publish only inside the transaction that
   * registers the dataset, after its row (unique path) is inserted: so a file already at the
   * final name is an orphan of a crash between publish and commit, and replacing it is right.
   */
  async publish(staged: StagedFile): Promise<void> {
    const finalAbs = this.resolve(staged.path);
    await fsp.rename(staged.tempAbsPath, finalAbs);
    await syncDir(path.dirname(finalAbs));
  }

  async discard(staged: Pick<StagedFile, 'tempAbsPath'>): Promise<void> {
    await fsp.rm(staged.tempAbsPath, { force: true });
  }

  /** Removes a published file (used to undo a publish whose registration failed). */
  async remove(relPath: string): Promise<void> {
    await fsp.rm(this.resolve(relPath), { force: true });
  }

  /**
   * Removes many files, a few at once: each removal of a multi-megabyte file waits on the
   * filesystem (3.7 ms apiece for a run's 48 exposures here), which one after the other made up
   * most of the time between a run's last quantum and its end. Every path is checked before
   * any file goes.
   */
  async removeMany(relPaths: readonly string[]): Promise<void> {
    const abs = relPaths.map((p) => this.resolve(p));
    await forEachLimited(abs.length, IO_CONCURRENCY, (i) => fsp.rm(abs[i]!, { force: true }));
  }

  /**
   * Renames a published file to the same relative path under `trashRel` (a directory in the
   * datastore, e.g. `.trash/run-7`): one atomic rename, so the file is at exactly one of the two
   * places. Returns whether it moved, was already in the trash (an earlier, interrupted attempt),
   * or is at neither (lost before).
   */
  async moveToTrash(relPath: string, trashRel: string): Promise<'moved' | 'already' | 'missing'> {
    const from = this.resolve(relPath);
    const to = this.resolve(`${trashRel}/${relPath}`);
    await fsp.mkdir(path.dirname(to), { recursive: true });
    try {
      await fsp.rename(from, to);
      return 'moved';
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
      return fs.existsSync(to) ? 'already' : 'missing';
    }
  }

  /** Makes renames into and out of `relDir` durable: the directory entries are fsynced. */
  async syncTree(relDir: string): Promise<void> {
    const walk = async (dir: string): Promise<void> => {
      const entries = await fsp.readdir(dir, { withFileTypes: true }).catch(() => []);
      for (const e of entries) if (e.isDirectory()) await walk(path.join(dir, e.name));
      await syncDir(dir);
    };
    await walk(this.resolve(relDir));
  }

  /** Fsyncs the directories holding `relPaths` (those still there), so renames out of them are durable. */
  async syncParents(relPaths: readonly string[]): Promise<void> {
    for (const d of new Set(relPaths.map((p) => path.posix.dirname(p)))) if (d !== '.') await syncDir(this.resolve(d)).catch(() => {});
  }

  /** Relative paths of the files under `relDir` (relative to `relDir`); none when it is absent. */
  async listTree(relDir: string): Promise<string[]> {
    const base = this.resolve(relDir);
    const entries = await fsp.readdir(base, { recursive: true, withFileTypes: true }).catch(() => []);
    return entries.filter((e) => e.isFile()).map((e) => path.relative(base, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
  }

  /** Deletes a directory tree of the datastore (a trash directory); absent is fine. */
  async removeTree(relDir: string): Promise<void> {
    await fsp.rm(this.resolve(relDir), { recursive: true, force: true });
  }

  /** Removes the directories of `relPaths`, deepest first, that are now empty; never the root. */
  async removeEmptyDirs(relPaths: readonly string[]): Promise<void> {
    const dirs = new Set<string>();
    for (const p of relPaths) for (let d = path.posix.dirname(p); d !== '.' && d !== ''; d = path.posix.dirname(d)) dirs.add(d);
    for (const d of [...dirs].sort((a, b) => b.split('/').length - a.split('/').length)) {
      await fsp.rmdir(this.resolve(d)).catch(() => {}); // not empty, or gone: kept as it is
    }
  }

  async read(relPath: string, expectedChecksum?: string): Promise<Buffer> {
    const bytes = await fsp.readFile(this.resolve(relPath));
    if (expectedChecksum) {
      const actual = `sha256:${crypto.createHash('sha256').update(bytes).digest('hex')}`;
      if (actual !== expectedChecksum) {
        throw new VeraError('CHECKSUM_MISMATCH', `datastore file '${relPath}' has checksum ${actual}, registry says ${expectedChecksum}`, {
          path: relPath,
        });
      }
    }
    return bytes;
  }

  exists(relPath: string): boolean {
    return fs.existsSync(this.resolve(relPath));
  }

  /**
   * Deletes temporary files left by processes that no longer exist (killed mid-write).
   * Returns the number removed.
   */
  async sweepStaleTemps(): Promise<number> {
    let removed = 0;
    const walk = async (dir: string): Promise<void> => {
      let entries: fs.Dirent[];
      try {
        entries = await fsp.readdir(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) {
        const abs = path.join(dir, e.name);
        if (e.isDirectory()) {
          await walk(abs);
          continue;
        }
        const idx = e.name.lastIndexOf(TEMP_MARK);
        if (idx < 0) continue;
        const pid = Number(e.name.slice(idx + TEMP_MARK.length).split('-')[0]);
        if (Number.isInteger(pid) && pid !== process.pid && !isProcessAlive(pid)) {
          await fsp.rm(abs, { force: true });
          removed++;
        }
      }
    };
    await walk(this.root);
    return removed;
  }
}

/** Files written or renamed at once by stageMany and publishMany: enough to keep the I/O pool's four threads busy. */
const IO_CONCURRENCY = 8;

/** Runs `fn(0..n-1)` with at most `limit` calls in flight; the first failure rejects once all started calls settle. */
async function forEachLimited(n: number, limit: number, fn: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  let failed = false;
  const lane = async () => {
    while (!failed && next < n) {
      const i = next++;
      try {
        await fn(i);
      } catch (e) {
        failed = true;
        throw e;
      }
    }
  };
  const results = await Promise.allSettled(Array.from({ length: Math.min(limit, n) }, lane));
  const rejected = results.find((r) => r.status === 'rejected');
  if (rejected) throw rejected.reason;
}

function encodeSegment(value: string): string {
  return SAFE_SEGMENT.test(value) ? value : encodeURIComponent(value).replace(/\./g, '%2E');
}

async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}


export async function* chunksOf(bytes: Uint8Array, chunkSize = 1 << 20): AsyncIterable<Uint8Array> {
  for (let i = 0; i < bytes.byteLength; i += chunkSize) yield bytes.subarray(i, i + chunkSize);
}
