import { describe, expect, it } from 'vitest';
import { readFits } from '../../pipelines/io/fits.ts';
import { startHttpServer } from '../../server/http/server.ts';
import { useTestDatabase } from '../support/db.ts';
import { putSkySources } from '../support/skymap-fixtures.ts';
import { useTestVera } from '../support/vera.ts';

const t = useTestDatabase();
const v = useTestVera(t);
const RUN = 'u/alice/sky';

/** HiPS 1.0 (IVOA, 2017), section 4.4: keywords every properties file must have. */
const MANDATORY = ['creator_did', 'obs_title', 'dataproduct_type', 'hips_version', 'hips_release_date', 'hips_status', 'hips_tile_format', 'hips_order', 'hips_frame'];

function parseProperties(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    // The standard's syntax: keyword = value, one per line, keywords of [a-z0-9_].
    const m = /^([a-z0-9_]+)\s*=\s*(.*)$/.exec(line);
    expect(m, `properties line '${line}'`).not.toBeNull();
    out.set(m![1]!, m![2]!.trim());
  }
  return out;
}

/** NEST offset inside a tile's pixel of FITS data element (row i, column j), written independently of the server. */
function subpixel(i: number, j: number, width: number): number {
  const x = width - 1 - i;
  let out = 0;
  for (let b = 0; (1 << b) < width; b++) out += ((x >> b) & 1) * 4 ** b + ((j >> b) & 1) * 2 * 4 ** b;
  return out;
}

interface Pixel {
  pixel: number;
  count: number;
  meanFlux: number;
}

describe('HiPS tiles of a sky map', () => {
  it('serve a properties file with the mandatory keywords and tiles in the Norder/Dir/Npix layout, each holding its pixels, read-only and path-checked', async () => {
    const { actor } = await v.user('alice', 'developer');
    await putSkySources(t.db, v.vera.datastore, actor, RUN);
    await v.vera.events.emit('run.finished', { run: RUN, status: 'succeeded' });
    const server = await startHttpServer(v.vera, { host: '127.0.0.1', port: 0 });
    try {
      const path = await v.gql<{ skyMap: { count: string; mean: string } }>('{ skyMap(collection: "u/alice/sky") { count: hipsPath mean: hipsPath(statistic: "meanFlux") } }');
      expect(path.data!.skyMap).toEqual({ count: '/hips/u%2Falice%2Fsky/count', mean: '/hips/u%2Falice%2Fsky/meanFlux' });
      const base = `${server.url}${path.data!.skyMap.count}`;

      const res = await fetch(`${base}/properties`);
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
      const props = parseProperties(await res.text());
      for (const k of MANDATORY) expect(props.has(k), k).toBe(true);
      expect(props.get('creator_did')).toMatch(/^ivo:\/\/[A-Za-z0-9][\w.~*'()-]{2,}\/\S+$/);
      expect(props.get('dataproduct_type')).toBe('image');
      expect(props.get('hips_version')).toBe('1.4');
      expect(props.get('hips_release_date')).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}Z$/);
      const status = props.get('hips_status')!.split(/\s+/);
      expect(status.filter((s) => ['private', 'public'].includes(s))).toHaveLength(1);
      expect(status.filter((s) => ['master', 'mirror', 'partial'].includes(s))).toHaveLength(1);
      expect(status.every((s) => ['private', 'public', 'master', 'mirror', 'partial', 'clonable', 'unclonable', 'clonableOnce'].includes(s))).toBe(true);
      expect(props.get('hips_tile_format')).toBe('fits');
      expect(['equatorial', 'galactic', 'ecliptic']).toContain(props.get('hips_frame'));
      const width = Number(props.get('hips_tile_width'));
      const maxOrder = Number(props.get('hips_order'));
      const minOrder = Number(props.get('hips_order_min') ?? '0');
      expect(Math.log2(width) % 1).toBe(0);
      expect(Number.isInteger(maxOrder) && Number.isInteger(minOrder) && minOrder >= 0 && minOrder <= maxOrder).toBe(true);
      expect(Number(props.get('hips_pixel_bitpix'))).toBe(-32);
      const [ra, dec] = [Number(props.get('hips_initial_ra')), Number(props.get('hips_initial_dec'))];
      // The initial view is on SimCam's field, where most sources are.
      expect(Math.abs(ra - 150.1)).toBeLessThan(1);
      expect(Math.abs(dec - 2.2)).toBeLessThan(1);

      const q = 'query ($o: Int!) { skyMap(collection: "u/alice/sky") { pixels(order: $o, limit: 100000) { pixel count meanFlux } } }';
      const pixelsAt = async (order: number) => (await v.gql<{ skyMap: { pixels: Pixel[] } }>(q, { o: order })).data!.skyMap.pixels;
      let tiles = 0;
      for (let order = minOrder; order <= maxOrder; order++) {
        const data = new Map((await pixelsAt(order + Math.log2(width))).map((p) => [p.pixel, p]));
        const tileIds = (await pixelsAt(order)).map((p) => p.pixel);
        expect(tileIds.length).toBeGreaterThan(0);
        for (const n of tileIds) {
          // The layout rule: Norder<k>/Dir<⌊n/10000⌋·10000>/Npix<n>.<ext>.
          const r = await fetch(`${base}/Norder${order}/Dir${Math.floor(n / 10000) * 10000}/Npix${n}.fits`);
          expect(r.status, `Norder${order}/Npix${n}`).toBe(200);
          expect(r.headers.get('content-type')).toBe('application/fits');
          const [hdu] = readFits(new Uint8Array(await r.arrayBuffer()));
          expect(hdu!.bitpix).toBe(-32);
          expect(hdu!.shape).toEqual([width, width]);
          const px = hdu!.data as Float32Array;
          let filled = 0;
          const wrong: string[] = [];
          for (let i = 0; i < width; i++) {
            for (let j = 0; j < width; j++) {
              const expected = data.get(n * width * width + subpixel(i, j, width));
              const got = px[i * width + j]!;
              if (expected !== undefined) filled++;
              if (expected === undefined ? !Number.isNaN(got) : got !== expected.count) wrong.push(`(${i},${j}): ${got} for ${expected?.count}`);
            }
          }
          expect(wrong.slice(0, 5), `Norder${order}/Npix${n}`).toEqual([]);
          // Every data pixel under the tile is in it, once.
          expect(filled).toBe([...data.keys()].filter((p) => Math.floor(p / (width * width)) === n).length);
          tiles++;
        }
      }
      expect(tiles).toBeGreaterThan(maxOrder - minOrder);

      // The mean-flux HiPS: same layout, mean values.
      const finest = await pixelsAt(maxOrder + Math.log2(width));
      const p0 = finest[0]!;
      const n0 = Math.floor(p0.pixel / (width * width));
      const mean = await fetch(`${server.url}${path.data!.skyMap.mean}/Norder${maxOrder}/Dir${Math.floor(n0 / 10000) * 10000}/Npix${n0}.fits`);
      const meanData = readFits(new Uint8Array(await mean.arrayBuffer()))[0]!.data as Float32Array;
      expect(Array.from(meanData).some((x) => Math.abs(x - p0.meanFlux) <= Math.abs(p0.meanFlux) * 1e-6)).toBe(true);

      // Layout and path rules: a wrong Dir, a tile without data, orders outside the HiPS, bad names.
      const someTile = (await pixelsAt(maxOrder)).find((p) => p.pixel >= 10000)!;
      expect((await fetch(`${base}/Norder${maxOrder}/Dir0/Npix${someTile.pixel}.fits`)).status).toBe(404);
      expect((await fetch(`${base}/Norder0/Dir0/Npix11.fits`)).status).toBe(404);
      expect((await fetch(`${base}/Norder${maxOrder + 1}/Dir0/Npix0.fits`)).status).toBe(404);
      expect((await fetch(`${base}/Norder0/Dir0/Npix12.fits`)).status).toBe(404);
      expect((await fetch(`${server.url}/hips/u%2Falice%2Fsky/median/properties`)).status).toBe(404);
      expect((await fetch(`${server.url}/hips/..%2F..%2Fetc/count/properties`)).status).toBe(400);
      expect((await fetch(`${server.url}/hips/%E0%A4%A/count/properties`)).status).toBe(400);
      expect((await fetch(`${server.url}/hips/u%2Fnobody%2Fx/count/properties`)).status).toBe(404);
      expect((await fetch(`${base}/Norder0/Dir0/../../properties`)).status).toBe(200);
      expect((await fetch(`${base}/properties`, { method: 'POST', body: 'x' })).status).toBe(405);
      expect((await fetch(`${base}/properties`, { method: 'PUT', body: 'x' })).status).toBe(405);
    } finally {
      await server.close();
    }
  });
});
