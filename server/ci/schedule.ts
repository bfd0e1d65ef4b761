import { systemActor } from '../auth/users.ts';
import type { CiDeps } from './deps.ts';
import { requestBuild } from './builds.ts';
import { cronMatches, parseCron } from './cron.ts';
import { resolveRef } from '../git/git.ts';
import { readPolicy } from './policy.ts';
import { listRepos } from '../git/repos.ts';

/**
 * Scheduled builds: once a minute, each tracked repository's `vera.yaml` on the head of its
 * default branch is read; when its `schedule.cron` matches the minute, that head is built with
 * event `schedule` (ref `refs/schedule/<YYYYMMDDHHmm>`, so a nightly build of an unchanged commit
 * is still a new build, and a server restart within the minute does not build twice).
 */
export async function runSchedules(vera: CiDeps, at: Date): Promise<number> {
  const db = vera.database.db;
  let started = 0;
  for (const repo of await listRepos(db)) {
    const head = await resolveRef(repo.mirrorPath, `refs/heads/${repo.defaultBranch}`);
    if (!head) continue;
    const policy = await readPolicy(repo.mirrorPath, head).catch((e: Error) => {
      vera.log.warn({ repo: repo.name, err: e.message }, 'vera.yaml unreadable; schedule skipped');
      return undefined;
    });
    if (!policy?.schedule || !cronMatches(parseCron(policy.schedule.cron), at)) continue;
    const slot = at.toISOString().slice(0, 16).replace(/[-:T]/g, '');
    await requestBuild(vera, { repo: repo.name, commit: head, ref: `refs/schedule/${slot}`, event: 'schedule', headBranch: repo.defaultBranch }, await systemActor(db));
    started++;
  }
  return started;
}

export function startScheduler(vera: CiDeps): () => void {
  let last = '';
  const timer = setInterval(() => {
    const now = new Date();
    const minute = now.toISOString().slice(0, 16);
    if (minute === last) return;
    last = minute;
    runSchedules(vera, now).catch((e: Error) => vera.log.error({ err: e }, 'scheduled builds failed'));
  }, 15_000);
  timer.unref();
  return () => clearInterval(timer);
}
