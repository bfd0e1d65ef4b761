import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, inject } from 'vitest';
import { startHttpServer, type VeraHttpServer } from '../../server/http/server.ts';
import type { TestVera } from '../support/vera.ts';
import { runNode } from '../support/cli.ts';
import { ensureDebianBinary } from '../support/debian.ts';
import { PROJECT_ROOT } from '../support/git-repo.ts';

/**
 * Browser tests drive Debian's Chromium with playwright-core: one headless instance per test
 * file with a fresh profile, 1280×800 pages, the app built from the current sources.
 */
export const VIEWPORT = { width: 1280, height: 800 };
export const ARTIFACTS = path.join(PROJECT_ROOT, 'test/artifacts/dashboard');
const CHROMIUM_FLAGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

/** Installs the Debian `chromium` package when it is missing (as root), else fails saying how. */
export function ensureChromium(): string {
  return ensureDebianBinary('chromium', 'chromium');
}

/**
 * Builds the web app (vite) into `outDir`, as `npm run build` does into dashboard/dist. Awaited,
 * not spawnSync: on a loaded machine the build can outlast the 60 s in which a test fork must
 * answer vitest.
 */
export async function buildApp(outDir: string): Promise<void> {
  const vite = path.join(PROJECT_ROOT, 'node_modules/vite/bin/vite.js');
  const r = await runNode([vite, 'build', path.join(PROJECT_ROOT, 'dashboard'), '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], process.env);
  if (r.code !== 0 || !fs.existsSync(path.join(outDir, 'index.html'))) {
    throw new Error(`building the dashboard failed (exit ${r.code}): ${r.stderr || r.stdout}`);
  }
}

/** A build lock older than this was left by a killed test process; the next asker builds. */
const STALE_BUILD_MS = 10 * 60_000;

/**
 * The web app built once for this vitest run (test/support/global-setup.ts provides the
 * directory): the first browser test file to ask builds it under a lock and renames it into
 * place whole; the others, in other forks, wait for it. A vite build is most of a small browser
 * test's time.
 */
export async function sharedApp(): Promise<string> {
  const root = inject('browserAppRoot');
  const app = path.join(root, 'app');
  const lock = path.join(root, 'building');
  for (;;) {
    if (fs.existsSync(path.join(app, 'index.html'))) return app;
    try {
      fs.mkdirSync(lock);
    } catch {
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > STALE_BUILD_MS) fs.rmSync(lock, { recursive: true, force: true });
      await new Promise((r) => setTimeout(r, 500));
      continue;
    }
    try {
      if (!fs.existsSync(path.join(app, 'index.html'))) {
        const tmp = path.join(root, `app-${process.pid}`);
        await buildApp(tmp);
        fs.renameSync(tmp, app);
      }
    } finally {
      fs.rmSync(lock, { recursive: true, force: true });
    }
  }
}

/**
 * This file's Vera served with the shared web app, and a browser on it: started before the
 * file's tests, closed after them.
 */
export function useServedApp(v: TestVera): { readonly server: VeraHttpServer; readonly browser: Browser } {
  let server: VeraHttpServer | undefined;
  let browser: Browser | undefined;
  beforeAll(async () => {
    const chromiumPath = ensureChromium();
    server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0, dashboardDir: await sharedApp() });
    browser = await launchBrowser(chromiumPath);
  });
  afterAll(async () => {
    await browser?.close();
    await server?.close();
  });
  return {
    get server() {
      if (!server) throw new Error('useServedApp: the server is started in beforeAll');
      return server;
    },
    get browser() {
      if (!browser) throw new Error('useServedApp: the browser is started in beforeAll');
      return browser;
    },
  };
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Uncaught exceptions and console errors seen so far. */
  errors: string[];
  close(): Promise<void>;
}

export async function launchBrowser(executablePath: string): Promise<Browser> {
  const profile = fs.mkdtempSync(path.join(os.tmpdir(), 'vera-chromium-'));
  // launchPersistentContext passes the fresh profile as --user-data-dir.
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: CHROMIUM_FLAGS, viewport: VIEWPORT, timeout: 300_000 });
  // Waits catch a page that never gets there, not a slow machine (tests also run beside a busy CI).
  context.setDefaultTimeout(120_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`page error: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') errors.push(`console: ${m.text()}`);
  });
  return {
    context,
    page,
    errors,
    close: async () => {
      await context.close();
      fs.rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Waits until the page's data is drawn: the router's state, every panel loaded, charts rendered. */
export async function settled(page: Page): Promise<void> {
  await page.waitForSelector('body[data-state=ready]');
  await page.waitForFunction(() =>
    [...document.querySelectorAll<HTMLElement>('[data-panel]')].every((p) => p.dataset.loaded) &&
    [...document.querySelectorAll<HTMLElement>('[_echarts_instance_]')].every((c) => c.dataset.rendered),
  );
}

export async function screenshot(page: Page, name: string, opts: { fullPage?: boolean } = {}): Promise<string> {
  fs.mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: opts.fullPage ?? false });
  return file;
}

/** Pixel position (in the page) of a data point of a chart: `finder` as echarts' convertToPixel takes it. */
export async function chartPoint(page: Page, selector: string, finder: Record<string, string | number>, value: [number, number]): Promise<{ x: number; y: number }> {
  const box = await page.locator(selector).boundingBox();
  if (!box) throw new Error(`${selector} is not visible`);
  const [x, y] = await page.evaluate(
    ({ selector, finder, value }) => {
      const el = document.querySelector(selector) as HTMLElement & { chart?: { convertToPixel(f: unknown, v: number[]): number[] } };
      if (!el.chart) throw new Error(`no chart on ${selector}`);
      return el.chart.convertToPixel(finder, value);
    },
    { selector, finder, value },
  );
  return { x: box.x + x!, y: box.y + y! };
}

declare module 'vitest' {
  export interface ProvidedContext {
    browserAppRoot: string;
  }
}
