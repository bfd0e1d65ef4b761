import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { replays } from '../../server/db/schema/index.ts';
import { createReplay, type ReplayRequest } from '../../server/replay/create.ts';
import { seedSimCamVisits, truthDetections, truthSim } from '../support/ap-truth.ts';
import { useTestDatabase } from '../support/db.ts';
import { gatedTruthProcessor, VisitGate } from '../support/replay-gate.ts';
import { useTestVera } from '../support/vera.ts';
import { screenshot, settled, useServedApp } from './support.ts';

/**
 * The replay page in Chromium: a running replay's visits appear one by one (the test releases each
 * visit through a gate in the per-visit step, so nothing races the wall clock), then the page
 * compares it with an earlier replay. Three SimCam visits with the truth stand-in for the image tasks.
 */

const sim = truthSim(3);
const gate = new VisitGate();
const t = useTestDatabase();
const v = useTestVera(t, {}, { open: { replayProcessor: gatedTruthProcessor(sim, gate) } });
const app = useServedApp(v);
/** Generous: a page that never gets there, not a slow machine. */
const WAIT = { timeout: 120_000 };

async function status(id: number): Promise<string> {
  const [r] = await t.db.select({ status: replays.status }).from(replays).where(eq(replays.id, id));
  return r!.status;
}

describe('replay page in Chromium', () => {
  it('shows a running replay\'s visits appearing, then its diff against another replay', async () => {
    await seedSimCamVisits(t.db, sim);
    const { actor } = await v.user('op', 'operator');
    const start = async (req: Omit<ReplayRequest, 'instrument'>) => {
      const id = await createReplay(v.vera.database.db, actor, { instrument: sim.instrument.name, ...req }, () => null);
      await v.vera.replays.start(id);
      return id;
    };
    const reference = await start({ codeRef: 'main' });
    await expect.poll(() => status(reference), WAIT).toBe('succeeded');

    gate.hold();
    const replay = await start({ codeRef: 'u/op/fewer-sources', config: { associationRadiusArcsec: 1, configOverrides: { detect: { dropEvery: 2 } } } });
    await expect.poll(() => gate.queued, WAIT).toBe(1);

    const { page, errors } = app.browser;
    await page.goto(`${app.server.url}/replays`);
    await settled(page);
    expect(await page.locator('a.replay-link').allInnerTexts()).toEqual([`#${replay}`, `#${reference}`]);
    await page.click(`a.replay-link:text-is("#${replay}")`);
    await page.waitForURL(`**/replay/${replay}`);
    await settled(page);
    await expect.poll(() => page.locator('[data-testid=replay-status]').innerText()).toBe('running');
    const published = page.locator('tr.replay-visit.stage-published');
    expect(await page.locator('tr.replay-visit').count()).toBe(3);
    expect(await published.count()).toBe(0);

    // Each visit released shows up published, with its latency and counts, and as a point on the chart.
    const points = () => page.evaluate(() => ((document.querySelector('[data-testid=replay-latency]') as HTMLElement & { chart?: { getOption(): { series: { data: unknown[] }[] } } }).chart?.getOption().series[0]?.data.length ?? -1));
    for (let n = 1; n <= 2; n++) {
      gate.release();
      await expect.poll(() => published.count(), WAIT).toBe(n);
      await expect.poll(points, WAIT).toBe(n);
      await expect.poll(() => page.locator('[data-testid=replay-progress]').innerText(), WAIT).toMatch(new RegExp(`^${n}/3 visits published · latency p50 \\d+ ms`));
      const row = await published.nth(n - 1).locator('td').allInnerTexts();
      // #, visit, stage, latency, DiaSources, new DiaObjects, alerts
      expect([row[0], row[2]]).toEqual([String(n - 1), 'published']);
      const truth = truthDetections(sim, Number(row[1]), 0).length;
      const kept = truth - Math.floor(truth / 2);
      expect(row[3]).toMatch(/^\d+$/);
      expect([row[4], row[6]]).toEqual([String(kept), String(kept)]);
    }
    await screenshot(page, 'replay-running');

    gate.release(Number.POSITIVE_INFINITY);
    await expect.poll(() => page.locator('[data-testid=replay-status]').innerText(), WAIT).toBe('succeeded');
    await expect.poll(() => published.count(), WAIT).toBe(3);

    // Compare with the reference: what differs, and the alerts the dropped DiaSources took away.
    await page.selectOption('select[data-testid=replay-compare-with]', String(reference));
    await page.waitForURL(`**/replay/${replay}?compare=${reference}`);
    await page.waitForSelector('[data-testid=replay-diff]', WAIT);
    await settled(page);
    const differences = await page.locator('tr.replay-difference').evaluateAll((rows) => rows.map((r) => [...r.querySelectorAll('td')].map((td) => td.textContent)));
    expect(differences).toEqual([
      ['codeRef', 'main', 'u/op/fewer-sources'],
      ['config.configOverrides.detect.dropEvery', '(unset)', '2'],
    ]);
    const lost = sim.visits.reduce((s, x) => s + Math.floor(truthDetections(sim, x.id, 0).length / 2), 0);
    expect(lost).toBeGreaterThan(0);
    expect(await page.locator('[data-testid=replay-alert-match]').innerText()).toContain(`0 only in #${replay}`);
    expect(await page.locator('[data-testid=replay-alert-match]').innerText()).toContain(`${lost} only in #${reference}`);
    expect(await page.locator('tr.replay-delta.delta-diaSources td').last().innerText()).toBe(`−${lost}`);
    expect(await page.locator('tr.replay-diff-visit').count()).toBe(3);
    // Both replays' latencies on the chart.
    expect(await page.evaluate(() => (document.querySelector('[data-testid=replay-latency]') as HTMLElement & { chart?: { getOption(): { series: unknown[] } } }).chart?.getOption().series.length)).toBe(2);
    await screenshot(page, 'replay-compare', { fullPage: true });
    expect(errors).toEqual([]);
  });
});
