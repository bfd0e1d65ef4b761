import { describe, expect, it } from 'vitest';
import { writeFits } from '../../pipelines/io/fits.ts';
import { writeCatalogParquet } from '../../pipelines/io/parquet.ts';
import { createCollection, putDatasets, registerDatasetType } from '../../server/repo/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { seedDimensions } from '../support/factories.ts';
import { useTestVera } from '../support/vera.ts';
import { chartPoint, screenshot, settled, useServedApp } from './support.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const RUN = 'u/alice/linked';
const SIZE = 128;
const app = useServedApp(v);

interface Src {
  xPx: number;
  yPx: number;
  psfMag: number;
  snr: number;
}

/**
 * One detector of synthetic data: 40 sources on a 128×128 calexp (Gaussian stars on a flat sky,
 * IMAGE plane in an extension as Vera's calexps have it) and their src catalog.
 */
async function oneDetector(): Promise<Src[]> {
  const { actor } = await v.user('alice', 'developer');
  await seedDimensions(t.db, { nVisits: 1, nDetectors: 1 });
  await registerDatasetType(t.db, { name: 'calexp', dimensions: ['visit', 'detector'], storageClass: 'Exposure' }, actor);
  await registerDatasetType(t.db, { name: 'src', dimensions: ['visit', 'detector'], storageClass: 'Catalog' }, actor);
  await createCollection(t.db, { name: RUN, type: 'RUN' }, actor);
  const srcs: Src[] = Array.from({ length: 40 }, (_, k) => ({ xPx: 6 + ((k * 53) % 116), yPx: 6 + ((k * 29) % 116), psfMag: 17 + (k % 10) * 0.5, snr: 10 + ((k * 7) % 40) * 5 }));
  const image = new Float32Array(SIZE * SIZE).fill(100);
  for (const s of srcs) {
    const amp = 10 ** ((25 - s.psfMag) / 2.5) / 20;
    for (let y = Math.max(0, Math.floor(s.yPx) - 5); y < Math.min(SIZE, s.yPx + 5); y++) {
      for (let x = Math.max(0, Math.floor(s.xPx) - 5); x < Math.min(SIZE, s.xPx + 5); x++) image[y * SIZE + x]! += amp * Math.exp(-((x - s.xPx) ** 2 + (y - s.yPx) ** 2) / 4);
    }
  }
  const calexp = writeFits([{}, { name: 'IMAGE', data: image, shape: [SIZE, SIZE] }]);
  const src = writeCatalogParquet({
    xPx: Float64Array.from(srcs, (s) => s.xPx),
    yPx: Float64Array.from(srcs, (s) => s.yPx),
    psfMag: Float64Array.from(srcs, (s) => s.psfMag),
    snr: Float64Array.from(srcs, (s) => s.snr),
  });
  const dataId = { instrument: 'TestCam', visit: 1, detector: 0 };
  await putDatasets(t.db, v.vera.datastore, { run: RUN, items: [{ datasetType: 'calexp', dataId, content: calexp }, { datasetType: 'src', dataId, content: src }] }, actor);
  // The page's order: rows by y, then x.
  return srcs.sort((a, b) => a.yPx - b.yPx || a.xPx - b.xPx);
}

describe('linked views in Chromium', () => {
  it('selecting points in the scatter plot highlights the same sources on the image and in the table', async () => {
    const srcs = await oneDetector();
    const { page, errors } = app.browser;
    await page.goto(`${app.server.url}/linked/${RUN}?visit=1&detector=0&x=psfMag&y=snr`);
    await settled(page);
    expect(await page.locator('.linked-source').count()).toBe(srcs.length);
    expect(await page.locator('tr.linked-row').count()).toBe(srcs.length);

    // Drag a rectangle over the bright, high-S/N corner of the plot.
    // Edges between the values (psfMag in steps of 0.5, S/N of 5), so the pixel round trip decides nothing.
    const [m0, m1, s0, s1] = [16.95, 19.05, 117.5, 202.5];
    const from = await chartPoint(page, '.linked-scatter', { seriesIndex: 0 }, [m0, s1]);
    const to = await chartPoint(page, '.linked-scatter', { seriesIndex: 0 }, [m1, s0]);
    await page.mouse.move(from.x, from.y);
    await page.mouse.down();
    await page.mouse.move((from.x + to.x) / 2, (from.y + to.y) / 2, { steps: 4 });
    await page.mouse.move(to.x, to.y, { steps: 4 });
    await page.mouse.up();

    const expected = srcs.flatMap((s, i) => (s.psfMag >= m0 && s.psfMag <= m1 && s.snr >= s0 && s.snr <= s1 ? [i] : []));
    expect(expected.length).toBeGreaterThan(2);
    expect(expected.length).toBeLessThan(srcs.length / 2);
    await expect.poll(() => page.locator('.linked-source.selected').count(), { message: await page.locator('.linked-status').innerText() }).toBe(expected.length);
    const onImage = await page.locator('.linked-source.selected').evaluateAll((els) => els.map((e) => Number(e.getAttribute('data-index'))));
    expect(onImage.sort((a, b) => a - b)).toEqual(expected);
    // The highlighted circles sit on those sources' pixels.
    const where = await page.locator('.linked-source.selected').evaluateAll((els) => els.map((e) => [Number(e.getAttribute('data-index')), Number(e.getAttribute('cx')), Number(e.getAttribute('cy'))]));
    for (const [i, cx, cy] of where) expect([cx, cy]).toEqual([srcs[i!]!.xPx + 0.5, SIZE - 0.5 - srcs[i!]!.yPx]);
    // The table keeps the same sources, and only them.
    const inTable = (await page.locator('tr.linked-row td:first-child').allInnerTexts()).map(Number);
    expect(inTable.sort((a, b) => a - b)).toEqual(expected);
    expect(await page.locator('.linked-status').innerText()).toContain(`${expected.length} of ${srcs.length} sources selected`);
    await screenshot(page, 'linked-views');
    expect(errors).toEqual([]);
  });
});
