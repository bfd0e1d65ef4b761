/**
 * The dashboard in Chromium: first-render time of a time-series panel with 10,000 points (one
 * per commit of a real 10,000-commit git history), from navigation start to the chart's first
 * finished frame, and the GraphQL payload the panel fetches, beside the payload of a query
 * asking for every field of the series (what over-fetching would cost).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { openVera } from '../server/app.ts';
import { createUser } from '../server/auth/index.ts';
import { loadConfig } from '../server/config.ts';
import { saveDashboard } from '../server/dashboards/index.ts';
import { openDatabase } from '../server/db/client.ts';
import { measurements, metrics } from '../server/db/schema/index.ts';
import { startHttpServer } from '../server/http/server.ts';
import { createLogger } from '../server/log.ts';
import { buildApp, ensureChromium, launchBrowser } from '../test/browser/support.ts';
import { percentile, report, timeMs } from './lib.ts';

const N_POINTS = 10_000;
const RUNS = 5;
const GROUP = 'dashboard';

/** N commits on master via fast-import (seconds, not minutes). */
function makeRepo(dir: string, n: number): string[] {
  execFileSync('git', ['init', '-q', '--initial-branch=master', dir]);
  let stream = '';
  for (let i = 0; i < n; i++) {
    const msg = `commit ${i}`;
    stream += `commit refs/heads/master\nmark :${i + 1}\ncommitter Bench <b@example.org> ${1_700_000_000 + i * 60} +0000\ndata ${msg.length}\n${msg}\n`;
    if (i > 0) stream += `from :${i}\n`;
    stream += `M 644 inline f.txt\ndata ${String(i).length}\n${i}\n\n`;
  }
  execFileSync('git', ['-C', dir, 'fast-import', '--quiet'], { input: stream, maxBuffer: 1 << 28 });
  return execFileSync('git', ['-C', dir, 'rev-list', '--reverse', 'master'], { maxBuffer: 1 << 28 }).toString().trim().split('\n');
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-bench-dashboard-'));
  const chromiumPath = ensureChromium();
  const build = await timeMs(() => buildApp(path.join(work, 'app')));
  report(GROUP, 'vite build of the app', build.ms / 1000, 's');

  const shas = makeRepo(path.join(work, 'repo'), N_POINTS);
  const database = await openDatabase({});
  const config = loadConfig({ VERA_HOME: path.join(work, 'home'), VERA_LOG_LEVEL: 'silent' });
  const vera = await openVera(config, createLogger(config), { database });
  const db = database.db;
  await db.insert(metrics).values({ name: 'bench.psfFwhm', package: 'bench', unit: 'arcsec', description: 'PSF FWHM' });
  for (let i = 0; i < N_POINTS; i += 1000) {
    await db.insert(measurements).values(
      shas.slice(i, i + 1000).map((commit, k) => ({
        metricName: 'bench.psfFwhm',
        value: 0.7 + 0.05 * Math.sin((i + k) / 300) + ((i + k) % 17) * 0.002,
        unit: 'arcsec',
        dataset: 'bench/data',
        repo: path.join(work, 'repo'),
        commit,
        branch: 'master',
      })),
    );
  }
  const admin = await createUser(db, 'bench', 'admin');
  await saveDashboard(
    db,
    {
      slug: 'bench-10k',
      title: '10k points',
      rows: [{ heightPx: 400, panels: [{ id: 'series', title: 'PSF FWHM', type: 'timeseries', query: { source: 'series', metric: 'bench.psfFwhm', dataset: 'bench/data', branches: ['master'] } }] }],
    },
    { id: admin.id, name: admin.name, role: 'admin' },
  );
  const server = await startHttpServer(vera, { host: '127.0.0.1', port: 0, dashboardDir: path.join(work, 'app') });
  const browser = await launchBrowser(chromiumPath);
  try {
    const { page } = browser;
    const payloads: number[] = [];
    page.on('response', async (res) => {
      if (res.url().endsWith('/graphql') && (res.request().postData() ?? '').includes('series(')) payloads.push((await res.body()).length);
    });
    const renders: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      await page.goto(`${server.url}/d/bench-10k`);
      await page.waitForFunction(() => performance.getEntriesByName('vera:chart:series').length > 0, null, { timeout: 60_000 });
      renders.push(await page.evaluate(() => performance.getEntriesByName('vera:chart:series')[0]!.startTime));
      if (process.env.BENCH_VERBOSE) {
        console.log(
          await page.evaluate(() =>
            performance
              .getEntries()
              .map((e) => `${e.entryType} ${e.name.replace(location.origin, '')} ${e.startTime.toFixed(0)}..${(e.startTime + e.duration).toFixed(0)}`)
              .join('\n'),
          ),
        );
      }
    }
    const sorted = [...renders].sort((a, b) => a - b);
    report(GROUP, `first render, ${N_POINTS} points, first load`, renders[0]!, 'ms', 'navigation start to the first finished frame, cold caches');
    report(GROUP, `first render, ${N_POINTS} points, median of ${RUNS}`, percentile(sorted, 50), 'ms', `goal < 1000 ms; max ${sorted.at(-1)!.toFixed(0)} ms`);

    const panelBytes = payloads[0]!;
    const full = await fetch(`${server.url}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ series(metric: "bench.psfFwhm", dataset: "bench/data", branch: "master") { metric dataset branch unit order points { commit position n mean median std min max values runs } } }' }),
    });
    const fullBytes = (await full.text()).length;
    report(GROUP, 'panel GraphQL payload', panelBytes / 1024, 'KiB', `${(panelBytes / N_POINTS).toFixed(1)} bytes/point`);
    report(GROUP, 'all series fields payload (over-fetching)', fullBytes / 1024, 'KiB', `${(fullBytes / panelBytes).toFixed(2)}x the panel's`);

    const explorer: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.goto(`${server.url}/metric/bench.psfFwhm?dataset=bench%2Fdata&branch=master`);
      await page.waitForFunction(() => performance.getEntriesByName('vera:chart:metric-series').length > 0, null, { timeout: 60_000 });
      explorer.push(await page.evaluate(() => performance.getEntriesByName('vera:chart:metric-series')[0]!.startTime));
    }
    report(GROUP, `metric explorer first render, ${N_POINTS} points, median of 3`, percentile([...explorer].sort((a, b) => a - b), 50), 'ms', 'with change points, specs and releases');
  } finally {
    await browser.close();
    await server.close();
    await vera.close();
    await database.close();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

await main();
