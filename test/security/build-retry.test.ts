import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBuild, listBuilds, requestBuild } from '../../server/ci/builds.ts';
import { addRepo, ensureWorktree, getRepo } from '../../server/git/repos.ts';
import { queryRows, sql } from '../../server/db/client.ts';
import { builds, webhookDeliveries } from '../../server/db/schema/index.ts';
import { isVeraError } from '../../server/errors.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createCollection } from '../../server/repo/index.ts';
import type { Actor } from '../../server/auth/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { buildFinished, seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';
import { postDelivery, webhookExample } from '../support/webhook-client.ts';

/**
 * A build interrupted at any point (a failure or a crash after the build was recorded, before its
 * runs were) must be made by the next attempt: a webhook delivery retried or redelivered, or
 * requestBuild asked again. Nothing half-made may stay behind to block it.
 */

const SECRET = 'build-retry-secret';
const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;
let http: VeraHttpServer;

beforeAll(async () => {
  // Commit statuses are queued in the outbox (GITHUB_TOKEN set) but nothing sends them: the
  // test reads the queue to see what GitHub would be told.
  Object.assign(v.vera.config.github, { webhookSecret: SECRET, token: 'ghp_test' });
  http = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  repo = await makePipelineRepo('build-retry');
});
afterAll(async () => {
  await http?.close();
  repo?.remove();
});

/** Two runs; the second also reads `TestCam/late`, which a test creates only after a first attempt. */
const VERA_YAML = `runs:
  - name: early
    pipeline: pipeline.yaml
    dataset: TestCam/raw
  - name: late
    pipeline: pipeline.yaml
    dataset: TestCam/late,TestCam/raw
`;

async function setup(): Promise<{ op: Actor; sha: string }> {
  const op = await makeActor(t.db, 'op', 'operator');
  await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 2, nDetectors: 1 });
  const sha = await repo.commit({ 'vera.yaml': VERA_YAML, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0), 'README.md': `${Math.random()}\n` }, 'Toy metric pipeline');
  const name = `pipelines-${sha.slice(0, 8)}`;
  await addRepo(t.db, v.vera.config.home, { url: repo.dir, name, githubFullName: `Codertocat/${name}` }, op);
  return { op, sha };
}

const repoName = (sha: string) => `pipelines-${sha.slice(0, 8)}`;

const finished = (id: number) => buildFinished(t.db, id);

async function runStatuses(names: string[]): Promise<string[]> {
  const rows = await queryRows<{ name: string; status: string }>(
    t.db,
    sql`SELECT c.name, r.status FROM runs r JOIN collections c ON c.id = r.collection_id WHERE c.name IN (${sql.join(
      names.map((n) => sql`${n}`),
      sql`, `,
    )}) ORDER BY c.name`,
  );
  return rows.map((r) => r.status);
}

async function ciCollections(sha: string): Promise<string[]> {
  const rows = await queryRows<{ name: string }>(t.db, sql`SELECT name FROM collections WHERE name LIKE ${`ci/%/${sha.slice(0, 10)}/%`} ORDER BY name`);
  return rows.map((r) => r.name);
}

async function pendingStatuses(sha: string): Promise<string[]> {
  const rows = await queryRows<{ context: string }>(
    t.db,
    sql`SELECT payload->>'context' AS context FROM github_outbox WHERE payload->>'sha' = ${sha} AND payload->>'state' = 'pending' ORDER BY id`,
  );
  return rows.map((r) => r.context);
}

function pushOf(sha: string) {
  return Object.assign(webhookExample('push'), {
    ref: 'refs/heads/master',
    before: '0'.repeat(40),
    after: sha,
    deleted: false,
    repository: { ...(webhookExample('push').repository as object), full_name: `Codertocat/${repoName(sha)}` },
  });
}

async function delivery(id: string) {
  const [row] = await t.db.select().from(webhookDeliveries).where(sql`${webhookDeliveries.id} = ${id}`);
  return row!;
}

/** Kicks the webhook processor until `done` holds (retries become due on their own clock). */
async function processUntil(done: () => Promise<boolean>, what: string) {
  for (let i = 0; i < 600; i++) {
    v.vera.webhooks.kick();
    await v.vera.webhooks.idle();
    if (await done()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`gave up waiting: ${what}`);
}

describe('builds interrupted part-way are made by the next attempt', () => {
  it('a requestBuild that fails after the build was recorded leaves no half-made runs, and asking again builds the commit', async () => {
    const { op, sha } = await setup();
    const req = { repo: repoName(sha), commit: sha, ref: 'refs/heads/master', event: 'push' as const };

    const first = await requestBuild(v.vera, req, op).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isVeraError(first) && first.message).toMatch(/TestCam\/late/);
    // The failure is on record, and nothing of the attempt is left: no run of the first entry,
    // no commit status telling GitHub a run is under way.
    const [failed] = await listBuilds(t.db, { repo: repoName(sha) });
    expect(failed!.build).toMatchObject({ status: 'error', commit: sha });
    expect(failed!.build.error).toMatch(/TestCam\/late/);
    expect((await getBuild(t.db, failed!.build.id)).runs).toEqual([]);
    expect(await ciCollections(sha)).toEqual([]);
    expect(await pendingStatuses(sha)).toEqual([]);

    // The missing input appears; the same request now builds the commit, in the same build.
    await createCollection(t.db, { name: 'TestCam/late', type: 'RUN' }, op);
    const again = await requestBuild(v.vera, req, op);
    expect(again.id).toBe(failed!.build.id);
    const done = await finished(again.id);
    expect(done.build.status).toBe('succeeded');
    expect(done.build.error).toBeNull();
    expect(done.runs.map((r) => r.name.split('/').pop()).sort()).toEqual(['early', 'late']);
    expect(await runStatuses(done.runs.map((r) => r.name))).toEqual(['succeeded', 'succeeded']);
    expect((await pendingStatuses(sha)).sort()).toEqual(['vera/early', 'vera/late']);

    // A build that was made is not made again.
    expect((await requestBuild(v.vera, req, op)).id).toBe(again.id);
    expect(await ciCollections(sha)).toHaveLength(2);
  });

  it('a worktree half-made by a process killed during its checkout is made again, not used', async () => {
    const { op, sha } = await setup();
    await createCollection(t.db, { name: 'TestCam/late', type: 'RUN' }, op);
    // What `git worktree add` killed mid-checkout leaves: the worktree's .git, some files missing.
    const repoRow = await getRepo(t.db, repoName(sha));
    const dir = await ensureWorktree(v.vera.config.home, repoRow, sha);
    fs.rmSync(path.join(dir, 'pipeline.yaml'));
    fs.rmSync(`${dir}.done`, { force: true });

    const build = await requestBuild(v.vera, { repo: repoName(sha), commit: sha, ref: 'refs/heads/master', event: 'push' }, op);
    const done = await finished(build.id);
    expect(done.build.status).toBe('succeeded');
    expect(await runStatuses(done.runs.map((r) => r.name))).toEqual(['succeeded', 'succeeded']);
    expect(fs.existsSync(path.join(dir, 'pipeline.yaml'))).toBe(true);
  });

  it('two processors retrying the same failed build make its runs once', async () => {
    const { op, sha } = await setup();
    const req = { repo: repoName(sha), commit: sha, ref: 'refs/heads/master', event: 'push' as const };
    await expect(requestBuild(v.vera, req, op)).rejects.toThrow(/TestCam\/late/);
    await createCollection(t.db, { name: 'TestCam/late', type: 'RUN' }, op);

    const [a, b] = await Promise.all([requestBuild(v.vera, req, op), requestBuild(v.vera, req, op)]);
    expect(a.id).toBe(b.id);
    const done = await finished(a.id);
    expect(done.build.status).toBe('succeeded');
    expect(done.runs).toHaveLength(2);
    expect(await ciCollections(sha)).toHaveLength(2);
    expect((await pendingStatuses(sha)).sort()).toEqual(['vera/early', 'vera/late']);
  });

  it('a delivery re-claimed after its processor crashed builds a commit whose build was left queued with no runs', async () => {
    const { op, sha } = await setup();
    await createCollection(t.db, { name: 'TestCam/late', type: 'RUN' }, op);
    const repoRow = await getRepo(t.db, repoName(sha));
    // What a processor killed inside requestBuild left behind: the delivery claimed (its lease
    // now expired) and the build recorded with no runs.
    await t.db.insert(webhookDeliveries).values({ id: 'crashed-push', event: 'push', action: null, payload: pushOf(sha), status: 'processing', attempts: 1, nextAttemptAt: new Date(Date.now() - 1000) });
    const [stuck] = await t.db.insert(builds).values({ repoId: repoRow.id, commit: sha, ref: 'refs/heads/master', event: 'push', deliveryId: 'crashed-push' }).returning();
    expect(stuck!.status).toBe('queued');

    await processUntil(async () => (await delivery('crashed-push')).status !== 'processing', 'the delivery to be processed again');
    expect(await delivery('crashed-push')).toMatchObject({ status: 'processed', error: null });
    const done = await finished(stuck!.id);
    expect(done.build.status).toBe('succeeded');
    expect(done.runs).toHaveLength(2);
    expect(await runStatuses(done.runs.map((r) => r.name))).toEqual(['succeeded', 'succeeded']);
  });

  it('a delivery whose processing failed is retried with backoff and makes the build; a redelivery of one that gave up is processed again', async () => {
    const { op, sha } = await setup();
    const first = await postDelivery(http.url, SECRET, 'push', pushOf(sha), 'push-retried');
    expect(first.status).toBe(202);
    await processUntil(async () => (await delivery('push-retried')).attempts >= 1 && (await delivery('push-retried')).status === 'received', 'the first attempt to fail');
    expect((await delivery('push-retried')).error).toMatch(/TestCam\/late/);

    await createCollection(t.db, { name: 'TestCam/late', type: 'RUN' }, op);
    await processUntil(async () => (await delivery('push-retried')).status === 'processed', 'the retry to make the build');
    const [built] = await listBuilds(t.db, { repo: repoName(sha) });
    const done = await finished(built!.build.id);
    expect(done.build.status).toBe('succeeded');
    expect(done.runs).toHaveLength(2);

    // Another commit whose delivery failed for good (attempts used up): GitHub's "Redeliver"
    // sends the same delivery id again, and it is processed again instead of dropped.
    const sha2 = await repo.commit({ 'README.md': 'second\n' }, 'Second commit');
    const push2 = Object.assign(pushOf(sha), { after: sha2 });
    await t.db
      .insert(webhookDeliveries)
      .values({ id: 'push-gave-up', event: 'push', action: null, payload: push2, status: 'failed', attempts: 5, error: 'earlier failure', nextAttemptAt: new Date() });
    const redelivered = await postDelivery(http.url, SECRET, 'push', push2, 'push-gave-up');
    expect(redelivered.status).toBe(202);
    await processUntil(async () => (await delivery('push-gave-up')).status === 'processed', 'the redelivery to make the build');
    const [second] = (await listBuilds(t.db, { repo: repoName(sha) })).filter((b) => b.build.commit === sha2);
    const done2 = await finished(second!.build.id);
    expect(done2.build.status).toBe('succeeded');
    expect(done2.runs).toHaveLength(2);
  });
});
