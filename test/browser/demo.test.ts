import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openVera, type Vera } from '../../server/app.ts';
import { loadConfig } from '../../server/config.ts';
import { openDatabase, type Database } from '../../server/db/client.ts';
import { BAD_COMMIT, ensureDemo, FEATURE_BRANCH, FIX_COMMIT, MASTER, REPO_NAME } from '../../server/demo/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { createLogger } from '../../server/log.ts';
import { cliEnv, prepareCliHome, spawnCli } from '../support/cli.ts';
import { useTestDatabase } from '../support/db.ts';
import { type Browser, ensureChromium, launchBrowser, screenshot, settled, sharedApp } from './support.ts';

/**
 * The demo `npm start` makes, as a newcomer meets it: `vera serve --demo` on an empty VERA_HOME
 * builds the survey-photometry repository's history through CI, then the first page shows
 * series with a point per master commit and the regression the worsening commit caused, the
 * regression's page names that commit, and Compare puts the feature branch against master.
 * Nothing here depends on how fast the machine is: every step waits for what it needs.
 */
const t = useTestDatabase();
const home = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-demo-'));
let appDir: string;
let vera: Vera | undefined;
let database: Database | undefined;
let server: VeraHttpServer | undefined;
let browser: Browser | undefined;
let serveLog = '';

/** `vera serve --demo` until it listens (the demo built), then stopped as a user stops it. */
async function serveDemoOnce(): Promise<void> {
  const child = spawnCli(['serve', '--demo', '--port', '0'], cliEnv(home, t.url, { VERA_LOG_LEVEL: 'warn' }));
  child.stdin!.end();
  const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (d: Buffer) => {
      serveLog += d.toString();
      if (/Vera serving on http/.test(serveLog)) resolve();
    });
    void exited.then((code) => reject(new Error(`vera serve --demo exited with ${code}:\n${serveLog}`)));
  });
  const gone = new Promise<[number | null, NodeJS.Signals | null]>((r) => child.once('exit', (code, signal) => r([code, signal])));
  child.kill('SIGTERM');
  // Stopped: cleanly (0), or by the signal itself.
  const [code, signal] = await gone;
  expect(code === 0 || signal === 'SIGTERM', `exit ${code} ${signal}:\n${serveLog}`).toBe(true);
}

beforeAll(async () => {
  appDir = await sharedApp();
  browser = await launchBrowser(ensureChromium());
}, 600_000);

/**
 * Builds and serves the demo inside a test (the test database is emptied before each test, so
 * the demo and every check of it share one): `vera serve --demo` in a child, then the same home
 * served in this process with the web app built from these sources.
 */
async function demoServed(): Promise<void> {
  // A home with an empty migrated database: what the demo builds, not initdb, is under test here
  // (a first start on a home with no database is test/cli/serve's).
  await prepareCliHome(home, t.url);
  await serveDemoOnce();
  const config = loadConfig({ VERA_HOME: home, VERA_LOG_LEVEL: 'silent', ...(t.url ? { DATABASE_URL: t.url } : {}) });
  database = t.url ? t.database : await openDatabase({ dataDir: path.join(home, 'db') });
  vera = await openVera(config, createLogger(config), { database });
  server = await startHttpServer(vera, { host: '127.0.0.1', port: 0, dashboardDir: appDir });
}

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await vera?.close();
  // On PGlite the home's database was opened here; the test database closes itself.
  if (!t.url) await database?.close();
  fs.rmSync(home, { recursive: true, force: true });
});

async function open(page: Page, url: string): Promise<void> {
  await page.goto(server!.url + url);
  await settled(page);
}

async function gql<T>(query: string): Promise<T> {
  const res = await fetch(`${server!.url}/graphql`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ query }) });
  const body = (await res.json()) as { data?: T; errors?: unknown[] };
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data!;
}

describe('the demo npm start serves', () => {
  it('is built through CI with progress shown; its first page, regression and Compare tell the story', async () => {
    await demoServed();
    // Built through CI with progress shown, and a later start reuses it.
    expect(serveLog).toContain(`demo: tracking the pipelines repository ${REPO_NAME}`);
    expect(serveLog).toMatch(/demo: CI build 1\/\d+: master/);
    expect(serveLog).toMatch(/demo: \d+\/\d+ builds done/);
    const builds = await gql<{ builds: { status: string; event: string }[] }>('{ builds(limit: 100) { status event } }');
    expect(builds.builds.filter((b) => b.event === 'push')).toHaveLength(MASTER.length);
    expect(builds.builds.some((b) => b.event === 'pull_request')).toBe(true);
    expect(builds.builds.every((b) => b.status === 'succeeded')).toBe(true);
    expect(await ensureDemo(vera!)).toBe('present');

    // First page: a point per master commit on every series, and the open regression.
    const { page, errors } = browser!;
    await open(page, '/');
    await screenshot(page, 'demo-overview');
    const cards = page.locator('[data-testid=metric-cards] .metric-card');
    await expect(cards.count()).resolves.toBeGreaterThanOrEqual(2);
    for (const card of await cards.all()) {
      const foot = await card.locator('.foot').innerText();
      const commits = Number(/(\d+) commits/.exec(foot)?.[1]);
      expect(commits, foot).toBeGreaterThanOrEqual(10);
      expect(commits, foot).toBe(MASTER.length);
    }
    await expect(page.locator('[data-testid=stat-regressions]').innerText()).resolves.toBe('1');
    expect(errors).toEqual([]);

    // The regression's page names the commit that worsened completeness, and its config change.
    type Open = { id: number; metric: string; firstBadCommit: string; kind: string; finding: { kind: string; alsoFoundBy: { kind: string }[] }; explanation: { commits: { sha: string; subject: string }[] } };
    const { regressions } = await gql<{ regressions: Open[] }>(
      '{ regressions(status: open) { id metric firstBadCommit kind finding { kind alsoFoundBy { kind } } explanation { commits { sha subject } } } }',
    );
    expect(regressions).toHaveLength(1);
    const r = regressions[0]!;
    expect(r.metric).toBe('quickphot.Completeness');
    // Opened by detection on master's series (a shift at that point, not only a spec line crossed),
    // and explained by the one commit between the last good and the first bad point.
    expect([r.finding.kind, ...r.finding.alsoFoundBy.map((e) => e.kind)].some((k) => k !== 'spec'), JSON.stringify(r.finding)).toBe(true);
    expect(r.explanation.commits).toEqual([{ sha: r.firstBadCommit, subject: MASTER[BAD_COMMIT]!.subject }]);
    await open(page, '/regressions');
    await page.locator(`a[href="/regression/${r.id}"]`).first().click();
    await settled(page);
    await expect(page.locator('[data-testid=regression-title]').innerText()).resolves.toContain('quickphot.Completeness');
    await screenshot(page, 'demo-regression', { fullPage: true });
    const body = await page.locator('main').innerText();
    // The worsening commit, by its subject and short SHA, and nothing else between the two points.
    expect(body).toContain(MASTER[BAD_COMMIT]!.subject);
    expect(body).toContain(r.firstBadCommit.slice(0, 7));
    expect(body).not.toContain(MASTER[FIX_COMMIT]!.subject);
    expect(body).toContain('detectionSnr');
    expect(body).toContain('Same input collections');
    expect(body).not.toContain('were not recorded');
    expect(errors).toEqual([]);

    // The metric's page marks both releases on master's series.
    await open(page, `/metric/${encodeURIComponent('quickphot.Completeness')}`);
    const releaseLabels = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=series-chart]') as HTMLElement & { chart: { getOption(): { series: { markLine?: { data?: { label?: { formatter?: unknown } }[] } }[] } } };
      return el.chart.getOption().series.flatMap((x) => (x.markLine?.data ?? []).map((d) => String(d.label?.formatter ?? '')));
    });
    expect(releaseLabels).toEqual(expect.arrayContaining(MASTER.flatMap((c) => (c.tag ? [c.tag] : []))));
    expect(MASTER.filter((c) => c.tag)).toHaveLength(2);
    expect(errors).toEqual([]);

    // Compare opens on the feature branch against master.
    await open(page, '/compare');
    await screenshot(page, 'demo-compare', { fullPage: true });
    expect(await page.locator('[data-testid=head]').inputValue()).toBe(FEATURE_BRANCH);
    const main = await page.locator('main').innerText();
    expect(main).not.toContain('cannot be compared');
    expect(main).toContain('master');
    const rows = page.locator('main table tbody tr');
    await expect(rows.count()).resolves.toBeGreaterThanOrEqual(2);
    const text = await page.locator('main table').innerText();
    expect(text).toContain('quickphot.Completeness');
    expect(text).toContain('quickphot.PhotRms');
    expect(errors).toEqual([]);
  }, 1_800_000);
});
