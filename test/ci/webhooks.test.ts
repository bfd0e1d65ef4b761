import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getBuild, listBuilds } from '../../server/ci/builds.ts';
import { addRepo } from '../../server/git/repos.ts';
import { findDatasets, getCollection } from '../../server/repo/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { countRows, useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { startFakeGithub } from '../support/fake-github.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';
import { postDelivery, webhookExample } from '../support/webhook-client.ts';

const example = webhookExample;

const SECRET = 'It is a secret to everybody';
const t = useTestDatabase();
let github: Awaited<ReturnType<typeof startFakeGithub>>;
const v = useTestVera(t, {}, { homeInProject: true });
let http: VeraHttpServer;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;

beforeAll(async () => {
  github = await startFakeGithub();
  // The Vera under test talks to the fake GitHub; its config is set before the server starts.
  Object.assign(v.vera.config.github, { webhookSecret: SECRET, token: 'ghp_test', apiUrl: github.url });
  const { GithubOutbox } = await import('../../server/ci/outbox.ts');
  (v.vera as { github: unknown }).github = new GithubOutbox(v.vera.database.db, v.vera.log, { token: 'ghp_test', apiUrl: github.url });
  http = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
  repo = await makePipelineRepo('ci-webhooks');
});
afterAll(async () => {
  await http?.close();
  await github?.close();
  repo?.remove();
});

async function deliver(event: string, payload: Record<string, unknown>, opts: { id?: string; secret?: string } = {}) {
  const { status, body } = await postDelivery(http.url, opts.secret ?? SECRET, event, payload, opts.id);
  return { status, body };
}

async function settle() {
  // Deliveries processed, builds' runs finished and reported, GitHub calls made.
  for (let i = 0; i < 600; i++) {
    await v.vera.webhooks.idle();
    const busy = (await listBuilds(t.db, {})).some((b) => b.build.status === 'queued' || b.build.status === 'running');
    if (!busy) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await v.vera.github!.idle();
}

const VERA_YAML = `runs:
  - name: toy
    pipeline: pipeline.yaml
    dataset: TestCam/raw
    on: [push, pull_request, release]
`;

describe('GitHub webhooks, builds and reports', () => {
  it('replays real payloads: push, duplicate delivery, PR synchronize (one comment, edited), release; bad signatures rejected', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 2, nDetectors: 1 });
    const files = (offset: number) => ({ 'vera.yaml': VERA_YAML, 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(offset) });
    const sha1 = await repo.commit(files(0), 'Toy metric pipeline');
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'hello-world', githubFullName: 'Codertocat/Hello-World' }, op);

    // A bad signature is refused and nothing is stored.
    const push = example('push');
    Object.assign(push, { ref: 'refs/heads/master', before: '0'.repeat(40), after: sha1, deleted: false });
    expect((await deliver('push', push, { secret: 'wrong' })).status).toBe(401);
    expect(await countRows(t.db, 'webhook_deliveries')).toBe(0);

    // Push to master: a build and a run at that commit; the same delivery twice makes one build.
    const first = await deliver('push', push, { id: 'delivery-push-1' });
    expect(first).toMatchObject({ status: 202, body: { accepted: true } });
    expect((await deliver('push', push, { id: 'delivery-push-1' })).body).toMatchObject({ duplicate: true });
    await settle();
    const builds1 = await listBuilds(t.db, {});
    expect(builds1).toHaveLength(1);
    const b1 = await getBuild(t.db, builds1[0]!.build.id);
    expect(b1.build).toMatchObject({ commit: sha1, ref: 'refs/heads/master', event: 'push', status: 'succeeded' });
    expect(b1.runs).toHaveLength(1);
    const { getRun } = await import('../../server/runs/queries.ts');
    const run1 = await getRun(t.db, b1.runs[0]!.name);
    expect(run1.software).toMatchObject({ commit: sha1, branch: 'master', dirty: false });
    expect(github.calls.filter((c) => c.path.endsWith(`/statuses/${sha1}`)).map((c) => c.body.state)).toEqual(['pending', 'success']);

    // More history on master, so the base series has a noise estimate to judge a PR against.
    let shaN = sha1;
    for (let i = 2; i <= 6; i++) {
      shaN = await repo.commit({ ...files(0), 'README.md': `step ${i}\n` }, `Step ${i}`);
      await deliver('push', { ...push, before: sha1, after: shaN });
      await settle();
    }
    expect((await listBuilds(t.db, { status: 'succeeded' })).length).toBe(6);

    // A pull request whose branch raises the metric: one comment, then edited on the next push.
    await repo.git.checkout(['-b', 'changes']);
    const sha2 = await repo.commit(files(1), 'Raise the offset');
    const pr = example('pull_request', 'synchronize');
    const prBody = pr.pull_request as Record<string, Record<string, unknown>>;
    Object.assign(pr, { number: 7 });
    Object.assign(prBody, { number: 7 });
    Object.assign(prBody.head!, { sha: sha2, ref: 'changes' });
    Object.assign(prBody.base!, { ref: 'master' });
    expect((await deliver('pull_request', pr)).status).toBe(202);
    await settle();
    const comments = () => github.calls.filter((c) => c.path.includes('/issues/'));
    expect(comments().map((c) => `${c.method} ${c.path}`)).toEqual(['POST /repos/Codertocat/Hello-World/issues/7/comments']);
    expect(String(comments()[0]!.body.body)).toContain('regressed');
    expect(github.calls.filter((c) => c.path.endsWith(`/statuses/${sha2}`)).map((c) => c.body.state)).toEqual(['pending', 'failure']);

    const sha3 = await repo.commit({ ...files(1), 'README.md': 'more\n' }, 'Document it');
    Object.assign(prBody.head!, { sha: sha3 });
    await deliver('pull_request', pr);
    await settle();
    expect(comments().map((c) => c.method)).toEqual(['POST', 'PATCH']);
    expect(comments()[1]!.path).toBe('/repos/Codertocat/Hello-World/issues/comments/1000');
    expect(String(comments()[1]!.body.body)).toContain(sha3.slice(0, 10));

    // A release: a release run and a TAGGED collection of its outputs.
    await repo.git.checkout(['master']);
    await repo.git.addTag('v1.0');
    const release = example('release', 'published');
    (release.release as Record<string, unknown>).tag_name = 'v1.0';
    await deliver('release', release);
    await settle();
    const rel = (await listBuilds(t.db, {})).find((b) => b.build.event === 'release')!;
    expect(rel.build).toMatchObject({ commit: shaN, ref: 'refs/tags/v1.0', status: 'succeeded' });
    expect((await getCollection(t.db, 'releases/hello-world/v1.0')).type).toBe('TAGGED');
    expect(await findDatasets(t.db, { datasetType: 'toyMetric', collections: ['releases/hello-world/v1.0'] })).toHaveLength(1);

    // Unknown events are recorded and ignored; the delivery log has every delivery once.
    await deliver('star', { action: 'created', repository: { full_name: 'Codertocat/Hello-World' } });
    await settle();
    const { queryRows, sql } = await import('../../server/db/client.ts');
    const statuses = await queryRows<{ event: string; status: string }>(t.db, sql`SELECT event, status FROM webhook_deliveries ORDER BY received_at`);
    expect(statuses).toEqual([
      ...Array.from({ length: 6 }, () => ({ event: 'push', status: 'processed' })),
      { event: 'pull_request', status: 'processed' },
      { event: 'pull_request', status: 'processed' },
      { event: 'release', status: 'processed' },
      { event: 'star', status: 'ignored' },
    ]);
  });

  it('GitHub failures are retried with backoff and never lose the report', async () => {
    const { enqueueGithub } = await import('../../server/ci/outbox.ts');
    github.calls.length = 0;
    github.failNext(2);
    await enqueueGithub(t.db, { kind: 'status', repoFullName: 'Codertocat/Hello-World', sha: 'a'.repeat(40), state: 'success', context: 'vera/x', description: 'ok' });
    await untilCalls(1);
    expect(github.calls).toHaveLength(1);
    const { queryRows, sql } = await import('../../server/db/client.ts');
    const [row] = await queryRows<{ status: string; attempts: number }>(t.db, sql`SELECT status, attempts FROM github_outbox ORDER BY id DESC LIMIT 1`);
    expect(row).toEqual({ status: 'done', attempts: 3 });
  });
  it('a PR comment someone deleted is posted again, and later edits go to the new one', async () => {
    const { enqueueGithub } = await import('../../server/ci/outbox.ts');
    const { queryRows, sql } = await import('../../server/db/client.ts');
    const comment = async (body: string) => {
      await enqueueGithub(t.db, { kind: 'comment', repoFullName: 'Codertocat/Hello-World', prNumber: 99, body });
      v.vera.github!.kick();
      await v.vera.github!.idle();
    };
    const commentId = async () =>
      Number((await queryRows<{ comment_id: string }>(t.db, sql`SELECT comment_id FROM pr_comments WHERE pr_number = 99`))[0]!.comment_id);
    github.calls.length = 0;
    await comment('first');
    const first = await commentId();
    github.deleteComment(first);
    await comment('second');
    const second = await commentId();
    expect(second).not.toBe(first);
    await comment('third');
    expect(github.calls.map((c) => `${c.method} ${c.path}`)).toEqual([
      'POST /repos/Codertocat/Hello-World/issues/99/comments',
      `PATCH /repos/Codertocat/Hello-World/issues/comments/${first}`,
      'POST /repos/Codertocat/Hello-World/issues/99/comments',
      `PATCH /repos/Codertocat/Hello-World/issues/comments/${second}`,
    ]);
    expect(github.calls.map((c) => c.body.body)).toEqual(['first', 'second', 'second', 'third']);
  });

  /**
   * Kicks the outbox until GitHub has seen `n` calls (the outbox under test polls only when
   * kicked), then waits for it to go idle: the row of the last call is marked done after GitHub
   * answered, so reading it sooner races the outbox on a busy machine.
   */
  async function untilCalls(n: number) {
    // A limit that catches a hang, not a slow machine.
    for (const deadline = Date.now() + 240_000; github.calls.length < n && Date.now() < deadline;) {
      v.vera.github!.kick();
      await new Promise((r) => setTimeout(r, 50));
    }
    await v.vera.github!.idle();
  }

  it('a primary rate limit holds every call until x-ratelimit-reset, and uses up no try', async () => {
    const { enqueueGithub } = await import('../../server/ci/outbox.ts');
    const { queryRows, sql } = await import('../../server/db/client.ts');
    github.calls.length = 0;
    const resetAt = Math.ceil(Date.now() / 1000) + 2;
    github.refuseNext({ status: 403, headers: { 'x-ratelimit-limit': '5000', 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': String(resetAt) }, message: 'API rate limit exceeded for installation ID 1.' });
    for (const sha of ['b', 'c']) {
      await enqueueGithub(t.db, { kind: 'status', repoFullName: 'Codertocat/Hello-World', sha: sha.repeat(40), state: 'success', context: 'vera/limits', description: 'ok' });
    }
    await untilCalls(2);
    expect(github.calls).toHaveLength(2);
    for (const call of github.calls) expect(call.at).toBeGreaterThanOrEqual(resetAt * 1000);
    const rows = await queryRows<{ status: string; attempts: number }>(t.db, sql`SELECT status, attempts FROM github_outbox WHERE payload->>'context' = 'vera/limits' ORDER BY id`);
    expect(rows).toEqual([
      { status: 'done', attempts: 1 },
      { status: 'done', attempts: 1 },
    ]);
  });

  it('a secondary rate limit waits as long as retry-after says', async () => {
    const { enqueueGithub } = await import('../../server/ci/outbox.ts');
    github.calls.length = 0;
    github.refused.length = 0;
    github.refuseNext({ status: 403, headers: { 'retry-after': '2' }, message: 'You have exceeded a secondary rate limit. Please wait a few minutes before you try again.' });
    await enqueueGithub(t.db, { kind: 'status', repoFullName: 'Codertocat/Hello-World', sha: 'd'.repeat(40), state: 'success', context: 'vera/secondary', description: 'ok' });
    await untilCalls(1);
    expect(github.refused).toHaveLength(1);
    expect(github.calls).toHaveLength(1);
    expect(github.calls[0]!.at - github.refused[0]!.at).toBeGreaterThanOrEqual(2000);
  });
});
