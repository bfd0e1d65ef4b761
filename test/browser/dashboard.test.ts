import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { num } from '../../dashboard/src/format.ts';
import { createLocalExecutor, type Executor } from '../../runner/executors/local.ts';
import { loadDefaultDashboards } from '../../server/dashboards/index.ts';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from '../support/db.ts';
import { useTestVera } from '../support/vera.ts';
import { type Browser, chartPoint, ensureChromium, launchBrowser, screenshot, settled, sharedApp } from './support.ts';
import { BAD, buildWorld, DATASET, MASTER_COMMITS, pipelineYaml, type World } from './world.ts';

const t = useTestDatabase();
const v = useTestVera(t);
let appDir: string;
let server: VeraHttpServer;
let browser: Browser;
let executor: Executor;
let world: World | undefined;

beforeAll(async () => {
  const chromiumPath = ensureChromium();
  appDir = await sharedApp();
  server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0, dashboardDir: appDir });
  browser = await launchBrowser(chromiumPath);
  executor = createLocalExecutor({ threads: 1 });
});

afterAll(async () => {
  await browser?.close();
  await server?.close();
  await executor?.close();
  world?.remove();
});

async function open(page: Page, url: string): Promise<void> {
  await page.goto(server.url + url);
  await settled(page);
}

const text = (page: Page, selector: string) => page.locator(selector).first().innerText();

describe('the dashboard in Chromium', () => {
  it('without data, every page says what to do instead of failing', async () => {
    await loadDefaultDashboards(t.db);
    const { page, errors } = browser;
    await open(page, '/');
    await expect(text(page, '.notice')).resolves.toContain('No measurements yet');
    await expect(text(page, '.notice')).resolves.toContain('vera run pipelines/drp.yaml');
    await screenshot(page, 'empty-overview');
    for (const [url, expected] of [
      ['/metric', 'No measurements yet'],
      ['/compare', 'Nothing to compare yet'],
      ['/runs', 'No runs yet'],
      ['/regressions', 'No regressions recorded'],
      ['/run/u/nobody/nothing', 'No run named u/nobody/nothing'],
      ['/d/verification', 'No measurements yet'],
      ['/no/such/page', 'No such page'],
    ] as const) {
      await open(page, url);
      await expect(text(page, '.notice'), url).resolves.toContain(expected);
    }
    expect(errors).toEqual([]);
  });

  it('with real runs: overview → metric → point → run → provenance, regression, compare and dashboards show the numbers GraphQL gives', async () => {
    world = await buildWorld(t.db, v.vera.datastore, executor);
    await loadDefaultDashboards(t.db);
    const { page, errors } = browser;

    // Overview: every metric's latest value on master against its spec.
    type Summary = { metric: string; latest: number; status: string; specs: { pass: boolean }[] };
    const { data: overview } = await v.gql<{ metricOverview: Summary[]; regressions: { id: number }[] }>(`{ metricOverview(branch: "master") { metric latest status specs { pass } } regressions(status: open) { id } }`);
    await open(page, '/');
    await screenshot(page, 'overview');
    expect(overview!.metricOverview.map((s) => s.metric)).toEqual(['toy.completeness', 'toy.offset']);
    for (const s of overview!.metricOverview) {
      const card = page.locator(`[data-metric="${s.metric}"]`);
      await expect(card.locator('.latest').getAttribute('data-value')).resolves.toBe(String(s.latest));
      await expect(card.locator('.latest').innerText()).resolves.toContain(num(s.latest));
      await expect(card.getAttribute('class')).resolves.toContain(s.status);
    }
    expect(overview!.metricOverview.every((s) => s.status === 'fail')).toBe(true);
    await expect(text(page, '[data-testid=stat-fail]')).resolves.toBe('2');
    await expect(text(page, '[data-testid=stat-regressions]')).resolves.toBe(String(overview!.regressions.length));

    // Metric explorer, reached by clicking the card.
    await page.locator('[data-metric="toy.offset"]').click();
    await settled(page);
    expect(new URL(page.url()).pathname).toBe('/metric/toy.offset');
    expect(new URL(page.url()).searchParams.get('branch')).toBe('master');
    const { data: s } = await v.gql<{ series: { points: { commit: string; position: number; mean: number; runs: string[] }[] } }>(
      `query($d: String!) { series(metric: "toy.offset", dataset: $d, branch: "master") { points { commit position mean runs } } }`,
      { d: DATASET },
    );
    const points = s!.series.points;
    expect(points).toHaveLength(MASTER_COMMITS);
    const newest = page.locator('[data-testid=points] tbody tr').first();
    await expect(newest.innerText()).resolves.toContain(num(points.at(-1)!.mean));
    await expect(text(page, '.card-title .hint')).resolves.toContain('Click a point');
    await screenshot(page, 'metric-explorer');

    // Both branches overlaid: the URL keeps them.
    await page.locator('[data-testid=branches] input[value=feature]').check();
    await settled(page);
    expect(new URL(page.url()).searchParams.getAll('branch')).toEqual(['master', 'feature']);
    await screenshot(page, 'metric-explorer-branches');

    // Clicking the first bad point opens its run.
    const bad = points[BAD]!;
    const at = await chartPoint(page, '[data-testid=series-chart]', { seriesName: 'master' }, [bad.position, bad.mean]);
    await page.mouse.click(at.x, at.y);
    await page.waitForURL(`**/run/ci/master/${BAD}`);
    await settled(page);
    await expect(text(page, '[data-testid=run-name]')).resolves.toBe(`ci/master/${BAD}`);
    await expect(text(page, '[data-testid=run-status]')).resolves.toBe('succeeded');
    await expect(text(page, '[data-testid=progress-done]')).resolves.toBe('13/13 quanta done');
    await screenshot(page, 'run');

    // The provenance graph of tasks: clicking a task lists its quanta; a row shows its log.
    const { data: g } = await page.evaluate(() => {
      const el = document.querySelector('[data-testid=task-graph]') as HTMLElement & { chart: { getOption(): { series: { data: { id: string; x: number; y: number }[] }[] } } };
      return { data: el.chart.getOption().series[0]!.data.map((d) => ({ id: d.id, x: d.x, y: d.y })) };
    });
    expect(g.map((n) => n.id).filter((id) => !id.startsWith('_')).sort()).toEqual(['input:raw', 'output:metricvalue_toy_completeness', 'output:metricvalue_toy_offset', 'task:calibrate', 'task:summary', 'task:visitMetrics']);
    const node = g.find((n) => n.id === 'task:visitMetrics')!;
    const nodeAt = await chartPoint(page, '[data-testid=task-graph]', { seriesIndex: 0 }, [node.x, node.y]);
    await page.mouse.click(nodeAt.x, nodeAt.y);
    await expect.poll(() => new URL(page.url()).searchParams.get('task')).toBe('visitMetrics');
    const quantumRows = page.locator('[data-testid=quanta] tbody tr');
    await expect.poll(() => quantumRows.count()).toBe(4);
    await quantumRows.first().click();
    await expect(page.locator('[data-testid=quantum-log]').innerText()).resolves.toMatch(/visit 1: 2 detectors/);

    // From the run's measurements to a dataset and its provenance back to raw.
    const { data: m } = await v.gql<{ measurements: { datasetId: string; value: number; dataId: { visit?: number } }[] }>(
      `query($r: [String!]) { measurements(metric: "toy.offset", runs: $r) { datasetId value dataId } }`,
      { r: [`ci/master/${BAD}`] },
    );
    const visit1 = m!.measurements.find((x) => x.dataId.visit === 1)!;
    await page.locator(`a[href="/dataset/${visit1.datasetId}"]`).first().click();
    await page.waitForURL(`**/dataset/${visit1.datasetId}`);
    await settled(page);
    await expect(text(page, '[data-testid=measurement-value]')).resolves.toBe(num(visit1.value));
    const chain = page.locator('[data-testid=chain] tbody tr');
    await expect(chain.count()).resolves.toBe(5); // the measurement, two calexps, two raws
    await expect(page.locator('[data-testid=chain]').innerText()).resolves.toContain('ingested');
    await expect(page.locator('[data-testid=provenance-graph]').getAttribute('data-rendered')).resolves.toBe('true');
    await screenshot(page, 'provenance');

    // A change point opens its regression, which explains it.
    const reg = world.regressions.find((r) => r.metricName === 'toy.offset')!;
    await open(page, `/metric/toy.offset?dataset=${encodeURIComponent(DATASET)}&branch=master`);
    const pin = await chartPoint(page, '[data-testid=series-chart]', { seriesName: 'master' }, [bad.position, bad.mean]);
    await page.mouse.click(pin.x, pin.y - 22);
    await page.waitForURL(`**/regression/${reg.id}`);
    await settled(page);
    const { data: rq } = await v.gql<{ regression: { finding: { message: string; baseline: number; value: number } } }>(`query($id: Int!) { regression(id: $id) { finding { message baseline value } } }`, { id: reg.id });
    await expect(text(page, '[data-testid=finding]')).resolves.toBe(rq!.regression.finding.message);
    await expect(page.locator('.stat').nth(0).innerText()).resolves.toContain(num(rq!.regression.finding.baseline));
    await expect(page.locator('.stat').nth(1).innerText()).resolves.toContain(num(rq!.regression.finding.value));
    const body = await page.locator('#page').innerText();
    expect(body).toContain('Raise the photometric offset and the detection loss');
    expect(body).toMatch(/visitMetrics\s+offset\s+0\s*→\s*1/);
    await screenshot(page, 'regression');
    await screenshot(page, 'regression-full', { fullPage: true });

    // Compare: the feature branch against master, sortable and filterable, numbers from GraphQL.
    const { data: cmp } = await v.gql<{ compare: { rows: { metric: string; dataId: unknown; base: number; head: number }[] } }>(
      `query($d: String!) { compare: compareRefs(dataset: $d, head: "feature", base: "master") { rows { metric dataId base head } } }`,
      { d: DATASET },
    );
    await open(page, `/compare?dataset=${encodeURIComponent(DATASET)}&head=feature&base=master`);
    const rows = page.locator('[data-testid=compare-table] tbody tr');
    const aggregates = cmp!.compare.rows.filter((r) => r.dataId === null);
    await expect(rows.count()).resolves.toBe(aggregates.length);
    for (const r of aggregates) {
      const row = rows.filter({ hasText: r.metric });
      await expect(row.innerText()).resolves.toContain(num(r.base));
      await expect(row.innerText()).resolves.toContain(num(r.head));
    }
    await screenshot(page, 'compare');
    await page.locator('th[data-key=metric]').click();
    await expect.poll(() => new URL(page.url()).searchParams.get('sort')).toBe('metric');
    await expect(rows.first().innerText()).resolves.toContain('toy.completeness');
    await page.locator('th[data-key=metric]').click();
    await expect(rows.first().innerText()).resolves.toContain('toy.offset');
    await page.locator('[data-testid=dataIds]').check();
    await settled(page);
    await expect(rows.count()).resolves.toBe(cmp!.compare.rows.length);
    await page.locator('[data-testid=filter]').fill('completeness');
    await page.locator('[data-testid=filter]').press('Enter');
    await settled(page);
    await expect.poll(() => rows.count()).toBe(cmp!.compare.rows.filter((r) => r.metric === 'toy.completeness').length);
    expect(new URL(page.url()).searchParams.get('q')).toBe('completeness');

    // master's head (after the bad commit) against the feature branch: significant regressions, as GraphQL says.
    const { data: reverse } = await v.gql<{ compare: { rows: { metric: string; dataId: unknown; status: string; significant: boolean }[] } }>(
      `query($d: String!) { compare: compareRefs(dataset: $d, head: "master", base: "feature") { rows { metric dataId status significant } } }`,
      { d: DATASET },
    );
    await open(page, `/compare?dataset=${encodeURIComponent(DATASET)}&head=master&base=feature`);
    const aggregate = reverse!.compare.rows.filter((x) => x.dataId === null);
    expect(aggregate.find((r) => r.metric === 'toy.offset')).toMatchObject({ status: 'regression', significant: true });
    for (const r of aggregate) {
      const row = rows.filter({ hasText: r.metric });
      await expect(row.innerText()).resolves.toMatch(new RegExp(`${r.significant ? 'yes' : 'no'}\\s+${r.status}`));
    }
    await screenshot(page, 'compare-regression');

    // A dashboard from JSON: variables in the URL, every panel loaded with GraphQL's numbers.
    await open(page, `/d/verification?var-metric=toy.offset&var-branch=master&var-branch=feature`);
    await expect(text(page, '[data-testid=stat-measured]')).resolves.toBe(String(overview!.metricOverview.length));
    await expect(text(page, '[data-testid=stat-open-regressions]')).resolves.toBe(String(overview!.regressions.length));
    await expect(text(page, '[data-testid=stat-latest]')).resolves.toBe(`${num(points.at(-1)!.mean)} mmag`);
    await expect(page.locator('[data-panel=heatmap] [_echarts_instance_]').getAttribute('data-rendered')).resolves.toBe('true');
    await screenshot(page, 'dashboard', { fullPage: true });
    await open(page, '/runs');
    await expect(page.locator('tbody tr').count()).resolves.toBe(MASTER_COMMITS + 3);
    await screenshot(page, 'runs');
    expect(errors).toEqual([]);

    // A run in progress: its page follows the quanta live, without reloading.
    const { token } = await v.user('carol', 'developer');
    const submitted = await v.gql(
      `mutation($f: String!, $y: String!) { submitRun(pipelineFile: $f, pipelineYaml: $y, inputs: ["${DATASET}"], output: "u/carol/live", config: { calibrate: { sleepMs: 700 } }) { run { name } } }`,
      { f: world.pipelineFile, y: pipelineYaml(false) },
      token,
    );
    expect(submitted.errors).toBeUndefined();
    await open(page, '/run/u/carol/live');
    const seen = new Set<string>([await text(page, '[data-testid=run-status]')]);
    expect([...seen].some((st) => st === 'running' || st === 'pending')).toBe(true);
    await screenshot(page, 'run-live');
    const progress = new Set<string>();
    await expect
      .poll(
        async () => {
          progress.add(await text(page, '[data-testid=progress-done]'));
          return text(page, '[data-testid=run-status]');
        },
        { timeout: 240_000, interval: 300 },
      )
      .toBe('succeeded');
    expect(progress.size).toBeGreaterThan(1);
    await settled(page);
    await expect(text(page, '[data-testid=progress-done]')).resolves.toBe('13/13 quanta done');

    // Triage: acknowledging a regression from its page takes it off the overview's open count.
    const openBefore = (await v.gql<{ regressions: { id: number }[] }>(`{ regressions(status: open) { id } }`)).data!.regressions.length;
    expect(openBefore).toBeGreaterThan(0);
    await open(page, '/');
    await expect(text(page, '[data-testid=stat-regressions]')).resolves.toBe(String(openBefore));
    await open(page, `/regression/${reg.id}`);
    await expect(text(page, '[data-testid=triage-status]')).resolves.toBe('open');
    // Without a token the server refuses, and the page says why.
    await page.locator('[data-testid=triage-note]').fill('known: offset raised on purpose');
    await page.locator('[data-action=acknowledged]').click();
    await expect.poll(() => text(page, '[data-testid=triage-message]')).toContain('needs an API token');
    // The refusal is an HTTP 401, which Chromium logs once; it is the expected answer, not a page error.
    const refusedLoad = errors.filter((e) => e.includes('status of 401'));
    expect(refusedLoad).toHaveLength(1);
    errors.splice(errors.indexOf(refusedLoad[0]!), 1);
    await page.evaluate((tok) => localStorage.setItem('vera.token', tok), token);
    await open(page, `/regression/${reg.id}`);
    await page.locator('[data-testid=triage-note]').fill('known: offset raised on purpose');
    await page.locator('[data-action=acknowledged]').click();
    await expect.poll(() => text(page, '[data-testid=triage-status]')).toBe('acknowledged');
    await expect(text(page, '[data-testid=triage-history]')).resolves.toMatch(/carol[\s\S]*open[\s\S]*acknowledged[\s\S]*known: offset raised on purpose/);
    await screenshot(page, 'regression-triaged');
    await open(page, '/');
    await expect(text(page, '[data-testid=stat-regressions]')).resolves.toBe(String(openBefore - 1));
    const { data: after } = await v.gql<{ regression: { status: string; history: { actor: string; note: string }[] } }>(`query($id: Int!) { regression(id: $id) { status history { actor note } } }`, { id: reg.id });
    expect(after!.regression).toEqual({ status: 'acknowledged', history: [{ actor: 'carol', note: 'known: offset raised on purpose' }] });
    expect(errors).toEqual([]);
  }, 900_000);
});
