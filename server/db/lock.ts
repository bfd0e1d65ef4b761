import fs from 'node:fs';
import { VeraError } from '../errors.ts';
import { isProcessAlive } from '../util/process.ts';

export interface DirLock {
  release(): void;
}

/**
 * An exclusive lock file holding the owner's pid. A lock whose process is gone (killed, crashed)
 * is stale and taken over, so a SIGKILL never leaves the embedded database unusable.
 */
export function acquireDirLock(lockPath: string, what: string): DirLock {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      fs.writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      let released = false;
      return {
        release() {
          if (released) return;
          released = true;
          try {
            fs.unlinkSync(lockPath);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const holder = Number(fs.readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(holder) && holder > 0 && holder !== process.pid && isProcessAlive(holder)) {
        throw new VeraError(
          'DB_LOCKED',
          `the ${what} is in use by process ${holder} (lock ${lockPath}); stop it, or point the CLI at its server with VERA_URL`,
          { lockPath, pid: holder },
        );
      }
      fs.rmSync(lockPath, { force: true });
    }
  }
  throw new VeraError('DB_LOCKED', `could not lock the ${what} (${lockPath})`, { lockPath });
}

