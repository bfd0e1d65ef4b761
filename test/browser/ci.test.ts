import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listBuilds } from '../../server/ci/builds.ts';
import { GithubOutbox } from '../../server/ci/outbox.ts';
import { addRepo } from '../../server/git/repos.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from '../support/db.ts';
import { makeActor } from '../support/factories.ts';
import { startFakeGithub } from '../support/fake-github.ts';
import { makePipelineRepo, metricPipeline, metricTaskSource } from '../support/git-repo.ts';
import { seedToyRaw } from '../support/runs.ts';
import { useTestVera } from '../support/vera.ts';
import { postDelivery, webhookExample } from '../support/webhook-client.ts';
import { type Browser, ensureChromium, launchBrowser, screenshot, settled, sharedApp } from './support.ts';

/**
 * The CI pages in Chromium, on real data: a tracked repository, a signed push delivery that
 * builds master (its run, its commit statuses sent to a fake GitHub), and a push to another
 * branch that is ignored, with its reason.
 */
const SECRET = 'ci pages secret';
const t = useTestDatabase();
const v = useTestVera(t, {}, { homeInProject: true });
let appDir: string;
let github: Awaited<ReturnType<typeof startFakeGithub>>;
let server: VeraHttpServer;
let browser: Browser;
let repo: Awaited<ReturnType<typeof makePipelineRepo>>;

beforeAll(async () => {
  const chromiumPath = ensureChromium();
  appDir = await sharedApp();
  github = await startFakeGithub();
  Object.assign(v.vera.config.github, { webhookSecret: SECRET, token: 'ghp_test', apiUrl: github.url });
  (v.vera as { github: unknown }).github = new GithubOutbox(v.vera.database.db, v.vera.log, { token: 'ghp_test', apiUrl: github.url });
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0, dashboardDir: appDir });
  browser = await launchBrowser(chromiumPath);
  repo = await makePipelineRepo('ci-pages');
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await github?.close();
  repo?.remove();
});

async function open(page: Page, url: string): Promise<void> {
  await page.goto(server.url + url);
  await settled(page);
}

async function settle(): Promise<void> {
  for (let i = 0; i < 600; i++) {
    await v.vera.webhooks.idle();
    if (!(await listBuilds(t.db, {})).some((b) => b.build.status === 'queued' || b.build.status === 'running')) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await v.vera.github!.idle();
}

describe('the CI pages', () => {
  it('show a build (its run and GitHub reports) and the deliveries with their outcome, as GraphQL gives them', async () => {
    const op = await makeActor(t.db, 'op', 'operator');
    await seedToyRaw(t.db, v.vera.datastore, op, { nVisits: 2, nDetectors: 1 });
    const sha = await repo.commit(
      { 'vera.yaml': 'runs:\n  - name: toy\n    pipeline: pipeline.yaml\n    dataset: TestCam/raw\n    on: [push]\n', 'tasks.ts': metricTaskSource(), 'pipeline.yaml': metricPipeline(0) },
      'Toy metric pipeline',
    );
    await addRepo(t.db, v.vera.config.home, { url: repo.dir, name: 'hello-world', githubFullName: 'Codertocat/Hello-World' }, op);
    const push = Object.assign(webhookExample('push'), { ref: 'refs/heads/master', before: '0'.repeat(40), after: sha, deleted: false });
    expect((await postDelivery(server.url, SECRET, 'push', push, 'delivery-master')).status).toBe(202);
    expect((await postDelivery(server.url, SECRET, 'push', { ...push, ref: 'refs/heads/elsewhere' }, 'delivery-elsewhere')).status).toBe(202);
    await settle();

    type Report = { kind: string; target: string; state: string | null; status: string };
    const { data } = await v.gql<{
      builds: { id: number; status: string; commit: string; runs: { name: string }[]; reports: Report[]; delivery: { id: string } | null }[];
      webhookDeliveries: { id: string; status: string; error: string | null; repository: string | null; builds: { id: number }[] }[];
    }>(`{ builds { id status commit runs { name } reports { kind target state status } delivery { id } } webhookDeliveries { id status error repository builds { id } } }`);
    const [build] = data!.builds;
    expect(data!.builds).toHaveLength(1);
    expect(build).toMatchObject({ status: 'succeeded', commit: sha, delivery: { id: 'delivery-master' } });
    expect(build!.reports).toEqual([
      { kind: 'status', target: 'vera/toy', state: 'pending', status: 'done' },
      { kind: 'status', target: 'vera/toy', state: 'success', status: 'done' },
    ]);
    const deliveries = new Map(data!.webhookDeliveries.map((d) => [d.id, d]));
    expect(deliveries.get('delivery-master')).toMatchObject({ status: 'processed', error: null, repository: 'Codertocat/Hello-World', builds: [{ id: build!.id }] });
    expect(deliveries.get('delivery-elsewhere')).toMatchObject({ status: 'ignored', error: 'push to refs/heads/elsewhere, not the default branch', builds: [] });

    const { page, errors } = browser;
    await open(page, '/builds');
    const row = page.locator('[data-testid=builds] tbody tr');
    await expect(row.count()).resolves.toBe(1);
    await expect(row.first().innerText()).resolves.toContain(sha.slice(0, 8));
    await expect(row.first().innerText()).resolves.toContain(build!.runs[0]!.name);
    await row.first().locator(`a[href="/build/${build!.id}"]`).click();
    await settled(page);
    expect(page.url()).toBe(`${server.url}/build/${build!.id}`);
    await expect(page.locator('[data-testid=build-status]').innerText()).resolves.toBe('succeeded');
    await expect(page.locator('[data-testid=build-runs] tbody tr').innerText()).resolves.toContain(build!.runs[0]!.name);
    const reports = await page.locator('[data-testid=build-reports] tbody tr').allInnerTexts();
    expect(reports).toHaveLength(2);
    expect(reports[0]).toMatch(/commit status\s+vera\/toy\s+pending.*done/s);
    expect(reports[1]).toMatch(/commit status\s+vera\/toy\s+success.*done/s);
    await screenshot(page, 'ci-build', { fullPage: true });

    await page.locator('a', { hasText: 'delivery delivery-master' }).click();
    await settled(page);
    const rows = await page.locator('[data-testid=deliveries] tbody tr').allInnerTexts();
    expect(rows).toHaveLength(2);
    const master = rows.find((r) => r.includes('delivery-master'))!;
    expect(master).toMatch(/processed/);
    expect(master).toContain(`#${build!.id}`);
    const elsewhere = rows.find((r) => r.includes('delivery-elsewhere'))!;
    expect(elsewhere).toMatch(/ignored/);
    expect(elsewhere).toContain('push to refs/heads/elsewhere, not the default branch');
    await screenshot(page, 'ci-deliveries', { fullPage: true });
    expect(errors).toEqual([]);
  });
});
