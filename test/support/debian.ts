import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * Makes a Debian-packaged command available to a test: when `binary` is not on PATH, runs
 * scripts/ensure-debian-packages.sh for `debianPackage` (apt-get as root) and checks again.
 * Throws with the script's own explanation when that is not possible, so the test fails clearly.
 */
const script = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../scripts/ensure-debian-packages.sh');

function which(binary: string): string | undefined {
  const r = spawnSync('bash', ['-c', 'command -v -- "$1"', 'which', binary], { encoding: 'utf8' });
  const found = r.stdout.trim();
  return r.status === 0 && found !== '' ? found : undefined;
}

export function ensureDebianBinary(binary: string, debianPackage: string): string {
  const found = which(binary);
  if (found) return found;
  const r = spawnSync('bash', [script, debianPackage], { encoding: 'utf8', timeout: 600_000 });
  const installed = which(binary);
  if (r.status !== 0 || !installed) {
    throw new Error(
      `the test needs \`${binary}\` from the Debian package ${debianPackage}, and installing it failed ` +
        `(exit ${r.status ?? r.signal}): ${(r.stderr || r.stdout || '').trim() || 'no output'}. ` +
        `Run: scripts/ensure-debian-packages.sh ${debianPackage}`,
    );
  }
  return installed;
}
