import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { useTestDatabase } from '../support/db.ts';
import { putSkySources } from '../support/skymap-fixtures.ts';
import { useTestVera } from '../support/vera.ts';
import { screenshot, settled, useServedApp } from './support.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const RUN = 'u/alice/sky';
const app = useServedApp(v);

type Pixel = { pixel: number; count: number };

async function pixelsOf(order: number, within?: { order: number; pixel: number }): Promise<Pixel[]> {
  const r = await v.gql<{ skyMap: { pixels: Pixel[] } }>(
    'query ($o: Int!, $wo: Int, $wp: Float) { skyMap(collection: "u/alice/sky") { pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 100000) { pixel count } } }',
    { o: order, wo: within?.order, wp: within?.pixel },
  );
  return r.data!.skyMap.pixels;
}

/** The pixel numbers drawn on the map, ascending. */
async function drawn(page: Page): Promise<number[]> {
  const ids = await page.locator('svg.sky-map .sky-pixel').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pixel'))));
  return ids.sort((a, b) => a - b);
}

describe('the sky map page in Chromium', () => {
  it('zooms from order 2 to the finest order, drawing the pyramid’s pixels, and links selection between map and table', async () => {
    const { actor } = await v.user('alice', 'developer');
    await putSkySources(t.db, v.vera.datastore, actor, RUN);
    await v.vera.events.emit('run.finished', { run: RUN, status: 'succeeded' });
    const { page, errors } = app.browser;

    await page.goto(`${app.server.url}/skymap/${RUN}`);
    await settled(page);
    expect(await page.locator('svg.sky-map').getAttribute('data-order')).toBe('2');
    const order2 = await pixelsOf(2);
    expect(await drawn(page)).toEqual(order2.map((p) => p.pixel));
    await screenshot(page, 'skymap-order2');
    const field = [...order2].sort((a, b) => b.count - a.count)[0]!;

    const { data } = await v.gql<{ skyMap: { finestOrder: number } }>('{ skyMap(collection: "u/alice/sky") { finestOrder } }');
    const finest = data!.skyMap.finestOrder;
    for (let order = 3; order <= finest; order++) {
      await page.locator('button.zoom-in').click();
      await page.waitForSelector(`svg.sky-map[data-order="${order}"]`);
      await settled(page);
      // At each order, the pixels of the pyramid under the field's order-2 pixel, and the table lists the same.
      const expected = (await pixelsOf(order, { order: 2, pixel: field.pixel })).map((p) => p.pixel);
      expect(await drawn(page), `order ${order}`).toEqual(expected);
      const rows = await page.locator('tr.sky-row td:first-child').allInnerTexts();
      expect(rows.map(Number).sort((a, b) => a - b)).toEqual(expected);
    }
    expect(await page.locator('button.zoom-in').isDisabled()).toBe(true);
    expect(new URL(page.url()).searchParams.get('order')).toBe(String(finest));

    // Select on the map: the same pixel's row is selected, and the selection says what it holds.
    const atFinest = await pixelsOf(finest, { order: 2, pixel: field.pixel });
    const a = atFinest[Math.floor(atFinest.length / 2)]!;
    await page.locator(`.sky-pixel[data-pixel="${a.pixel}"]`).click();
    await expect.poll(() => page.locator('tr.sky-row.selected').count()).toBe(1);
    expect(await page.locator('tr.sky-row.selected td:first-child').innerText()).toBe(String(a.pixel));
    expect(await page.locator('.sky-selection').innerText()).toContain(`Selected pixel ${a.pixel} (order ${finest}): ${a.count} sources`);
    await screenshot(page, 'skymap-finest-selected');

    // Select in the table: the map follows, and only one pixel is selected.
    const b = atFinest[0]!;
    await page.locator(`tr.px-${b.pixel}`).click();
    expect(await page.locator('.sky-pixel.selected').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-pixel'))))).toEqual([b.pixel]);
    expect(new URL(page.url()).searchParams.get('pixel')).toBe(String(b.pixel));

    // The selection is in the URL: a reload shows it again; zooming out goes back one order.
    await page.reload();
    await settled(page);
    expect(await page.locator('.sky-pixel.selected').getAttribute('data-pixel')).toBe(String(b.pixel));
    await page.locator('button.zoom-out').click();
    await page.waitForSelector(`svg.sky-map[data-order="${finest - 1}"]`);
    expect(errors).toEqual([]);
  });
});
