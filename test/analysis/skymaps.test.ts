import { ang2pix_nest, order2nside } from '@hscmap/healpix';
import { describe, expect, it } from 'vitest';
import { FINEST_ORDER } from '../../server/analysis/healpix-pyramid.ts';
import { createCollection, findDatasets, tagDatasets } from '../../server/repo/index.ts';
import { useTestDatabase } from '../support/db.ts';
import { putSkySources, type SkySources } from '../support/skymap-fixtures.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const RUN = 'u/alice/sky';

interface Pixel {
  pixel: number;
  count: number;
  fluxSum: number;
  fluxSumSq: number;
  minFlux: number;
  maxFlux: number;
  meanFlux: number;
  raDeg: number;
  decDeg: number;
}

const PIXELS = `query ($c: String!, $o: Int!, $wo: Int, $wp: Float) {
  skyMap(collection: $c) { pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 100000) { pixel count fluxSum fluxSumSq minFlux maxFlux meanFlux raDeg decDeg } }
}`;

async function pixels(order: number, within?: { order: number; pixel: number }, collection = RUN): Promise<Pixel[]> {
  const r = await v.gql<{ skyMap: { pixels: Pixel[] } }>(PIXELS, { c: collection, o: order, wo: within?.order, wp: within?.pixel });
  expect(r.errors).toBeUndefined();
  return r.data!.skyMap.pixels;
}

/** A run with src catalogs whose success is announced as an executed run's is: the map is built. */
async function succeededRun(): Promise<SkySources> {
  const { actor } = await v.user('alice', 'developer');
  const sources = await putSkySources(t.db, v.vera.datastore, actor, RUN);
  await v.vera.events.emit('run.finished', { run: RUN, status: 'succeeded' });
  return sources;
}

const DEG = Math.PI / 180;

/** Direct binning at one order, from the positions: what each pixel must hold. */
function binDirectly(s: SkySources, order: number): Map<number, { count: number; sum: number; min: number; max: number }> {
  const out = new Map<number, { count: number; sum: number; min: number; max: number }>();
  for (let k = 0; k < s.psfFlux.length; k++) {
    const f = s.psfFlux[k]!;
    if (!Number.isFinite(f)) continue;
    const p = ang2pix_nest(order2nside(order), (90 - s.decDeg[k]!) * DEG, s.raDeg[k]! * DEG);
    const got = out.get(p) ?? { count: 0, sum: 0, min: Infinity, max: -Infinity };
    out.set(p, { count: got.count + 1, sum: got.sum + f, min: Math.min(got.min, f), max: Math.max(got.max, f) });
  }
  return out;
}

describe('HEALPix sky-map pyramid of a run', () => {
  it("is built when a run succeeds, and each parent's aggregates are the combination of its four children's at every order", async () => {
    const sources = await succeededRun();
    const finite = sources.psfFlux.filter(Number.isFinite).length;
    const map = await v.gql<{ skyMap: { coarsestOrder: number; finestOrder: number; orders: { order: number; pixels: number; sources: number }[] } }>(
      'query ($c: String!) { skyMap(collection: $c) { coarsestOrder finestOrder orders { order pixels sources } } }',
      { c: RUN },
    );
    const m = map.data!.skyMap;
    expect(m.coarsestOrder).toBe(0);
    expect(m.finestOrder).toBe(FINEST_ORDER);
    expect(m.orders.map((o) => o.order)).toEqual(Array.from({ length: FINEST_ORDER + 1 }, (_, k) => k));
    // Every source with a flux is in exactly one pixel at every order; the one without is in none.
    expect(finite).toBe(sources.psfFlux.length - 1);
    for (const o of m.orders) expect(o.sources).toBe(finite);
    // The field splits into more pixels as the order grows.
    expect(m.orders.at(-1)!.pixels).toBeGreaterThan(m.orders[2]!.pixels);

    let children = await pixels(FINEST_ORDER);
    for (let order = FINEST_ORDER - 1; order >= 0; order--) {
      const parents = await pixels(order);
      const combined = new Map<number, Pixel[]>();
      for (const c of children) combined.set(Math.floor(c.pixel / 4), [...(combined.get(Math.floor(c.pixel / 4)) ?? []), c]);
      expect(parents.map((p) => p.pixel)).toEqual([...combined.keys()].sort((a, b) => a - b));
      for (const p of parents) {
        const kids = combined.get(p.pixel)!;
        expect(kids.length).toBeLessThanOrEqual(4);
        expect(p.count).toBe(kids.reduce((n, c) => n + c.count, 0));
        expect(p.fluxSum).toBeCloseTo(kids.reduce((n, c) => n + c.fluxSum, 0), 6);
        expect(p.fluxSumSq / kids.reduce((n, c) => n + c.fluxSumSq, 0)).toBeCloseTo(1, 12);
        expect(p.minFlux).toBe(Math.min(...kids.map((c) => c.minFlux)));
        expect(p.maxFlux).toBe(Math.max(...kids.map((c) => c.maxFlux)));
        expect(p.meanFlux).toBeCloseTo(p.fluxSum / p.count, 9);
      }
      children = parents;
    }
  });

  it('agrees at every order with binning the positions directly at that order, and answers a pixel’s descendants', async () => {
    const sources = await succeededRun();
    for (const order of [0, 2, 5, 9, 12, FINEST_ORDER]) {
      const direct = binDirectly(sources, order);
      const stored = await pixels(order);
      expect(stored.map((p) => p.pixel)).toEqual([...direct.keys()].sort((a, b) => a - b));
      for (const p of stored) {
        const d = direct.get(p.pixel)!;
        expect([p.count, p.minFlux, p.maxFlux]).toEqual([d.count, d.min, d.max]);
        expect(p.fluxSum).toBeCloseTo(d.sum, 6);
        // The centre given is inside the pixel it describes.
        expect(ang2pix_nest(order2nside(order), (90 - p.decDeg) * DEG, p.raDeg * DEG)).toBe(p.pixel);
      }
    }
    // The descendants of the order-2 pixel holding the field, at order 10, are its order-10 pixels.
    const field = (await pixels(2)).sort((a, b) => b.count - a.count)[0]!;
    const under = await pixels(10, { order: 2, pixel: field.pixel });
    expect(under.length).toBeGreaterThan(1);
    expect(under.every((p) => Math.floor(p.pixel / 4 ** 8) === field.pixel)).toBe(true);
    expect(under.reduce((n, p) => n + p.count, 0)).toBe(field.count);
  });

  it('is built on demand for a release, refused to anonymous users, and absent for a failed run', async () => {
    await putSkySources(t.db, v.vera.datastore, (await v.user('alice', 'developer')).actor, RUN);
    const { actor, token } = await v.user('bob', 'developer');
    await v.vera.events.emit('run.finished', { run: RUN, status: 'failed' });
    const none = await v.gql<{ skyMap: unknown }>('query ($c: String!) { skyMap(collection: $c) { finestOrder } }', { c: RUN });
    expect(none.data!.skyMap).toBeNull();

    await createCollection(t.db, { name: 'u/bob/sky-v1', type: 'TAGGED' }, actor);
    const src = await findDatasets(t.db, { datasetType: 'src', collections: [RUN] });
    await tagDatasets(t.db, 'u/bob/sky-v1', src.slice(0, 2).map((d) => d.id), actor);
    const BUILD = 'mutation ($c: String!) { buildSkyMap(collection: $c) { orders { order sources } } }';
    const anonymous = await v.gql(BUILD, { c: 'u/bob/sky-v1' });
    expect(anonymous.errors?.[0]?.extensions.code).toBe('UNAUTHENTICATED');
    const built = await v.gql<{ buildSkyMap: { orders: { order: number; sources: number }[] } }>(BUILD, { c: 'u/bob/sky-v1' }, token);
    expect(built.errors).toBeUndefined();
    // Two of the three catalogs, one of them with the flux-less source: 240 - 1.
    expect(built.data!.buildSkyMap.orders[0]!.sources).toBe(239);

    const bad = await v.gql(PIXELS, { c: 'u/bob/sky-v1', o: 30 });
    expect(bad.errors?.[0]?.message).toMatch(/order 30 is not a sky-map order/);
    const unknown = await v.gql(PIXELS, { c: 'nope', o: 3 });
    expect(unknown.errors?.[0]?.extensions.code).toBe('UNKNOWN_COLLECTION');
  });
});
