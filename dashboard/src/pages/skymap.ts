import { corners_nest, order2nside, vec2ang } from '@hscmap/healpix';
import { h, notice, section, svg } from '../dom.ts';
import { num } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { SkyMapPixelsQuery } from '../generated/graphql.ts';

type Pixel = NonNullable<SkyMapPixelsQuery['skyMap']>['pixels'][number];

/** The coarsest order shown: 48 × 4 pixels of ~30°, the whole sky. */
const FIRST_ORDER = 2;
const DEG = Math.PI / 180;

const wrap180 = (d: number) => ((((d + 180) % 360) + 360) % 360) - 180;

/** Pixel outlines in a plate carrée around (ra0, dec0), east to the left as on the sky. */
function outline(order: number, p: Pixel, ra0: number, dec0: number): [number, number][] {
  const centre = wrap180(p.raDeg - ra0);
  const scale = Math.cos(dec0 * DEG);
  return corners_nest(order2nside(order), p.pixel).map((v) => {
    const { theta, phi } = vec2ang(v);
    const ra = centre + wrap180(phi / DEG - p.raDeg);
    return [-ra * scale, -(90 - theta / DEG)];
  });
}

/** Fill by source count, on a log scale from pale to deep blue. */
function colour(count: number, max: number): string {
  const f = max > 1 ? Math.log(count) / Math.log(max) : 1;
  return `hsl(215, 80%, ${Math.round(88 - 55 * f)}%)`;
}

/**
 * A collection's sky map: its HEALPix pyramid drawn at one order, from the whole sky at order 2
 * down to the finest order around the field with the most sources, with the table of the same
 * pixels. Selecting a pixel on the map selects its row, and a row its pixel.
 */
export async function skyMapPage(ctx: PageContext): Promise<void> {
  const collection = ctx.params[0]!;
  ctx.setTitle(`Sky map · ${collection}`);
  const { skyMap } = await gql(
    graphql(`query SkyMapSummary($c: String!) { skyMap(collection: $c) { finestOrder orders { order pixels sources } hipsPath field: pixels(order: 2, limit: 200) { pixel count raDeg decDeg } } }`),
    { c: collection },
    ctx.signal,
  );
  if (!skyMap) {
    ctx.root.append(notice('empty', `No sky map for ${collection}`, 'A sky map is built when a run with src catalogs succeeds; for a release, run the buildSkyMap mutation.'));
    return;
  }
  const asked = Number(ctx.query.get('order') ?? FIRST_ORDER);
  const order = Number.isInteger(asked) ? Math.min(skyMap.finestOrder, Math.max(FIRST_ORDER, asked)) : FIRST_ORDER;
  // Below order 2, the view follows the order-2 pixel holding the most sources.
  const field = [...skyMap.field].sort((a, b) => b.count - a.count)[0]!;
  const { skyMap: shown } = await gql(
    graphql(`query SkyMapPixels($c: String!, $o: Int!, $wo: Int, $wp: Float) { skyMap(collection: $c) { pixels(order: $o, withinOrder: $wo, withinPixel: $wp, limit: 20000) { pixel count meanFlux rmsFlux raDeg decDeg } } }`),
    { c: collection, o: order, wo: order > FIRST_ORDER ? FIRST_ORDER : null, wp: order > FIRST_ORDER ? field.pixel : null },
    ctx.signal,
  );
  const pixels = shown!.pixels;
  const sources = skyMap.orders[0]?.sources ?? 0;
  const max = Math.max(...pixels.map((p) => p.count));
  const [ra0, dec0] = order > FIRST_ORDER ? [field.raDeg, field.decDeg] : [field.raDeg, 0];
  const shapes = pixels.map((p) => ({ p, pts: outline(order, p, ra0, order > FIRST_ORDER ? dec0 : 0) }));
  const xs = shapes.flatMap((s) => s.pts.map((q) => q[0]));
  const ys = shapes.flatMap((s) => s.pts.map((q) => q[1]));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const pad = 0.04 * Math.max(x1 - x0, y1 - y0);

  let selected = Number(ctx.query.get('pixel') ?? NaN);
  const map = svg('svg', {
    class: 'sky-map',
    'data-order': order,
    viewBox: `${x0 - pad} ${y0 - pad} ${x1 - x0 + 2 * pad} ${y1 - y0 + 2 * pad}`,
    preserveAspectRatio: 'xMidYMid meet',
    role: 'img',
    'aria-label': `${pixels.length} pixels of order ${order}`,
  });
  for (const { p, pts } of shapes) {
    const poly = svg('polygon', { class: 'sky-pixel', 'data-pixel': p.pixel, points: pts.map((q) => q.join(',')).join(' '), fill: colour(p.count, max) });
    poly.append(svg('title', {}));
    poly.firstChild!.textContent = `pixel ${p.pixel}: ${p.count} sources, mean flux ${num(p.meanFlux)}`;
    poly.addEventListener('click', () => select(p.pixel, 'map'));
    map.append(poly);
  }
  map.addEventListener(
    'wheel',
    (e) => {
      e.preventDefault();
      zoom((e as WheelEvent).deltaY < 0 ? 1 : -1);
    },
    { passive: false },
  );

  const detail = h('div', { class: 'sky-selection subtitle' });
  const rows = [...pixels].sort((a, b) => b.count - a.count || a.pixel - b.pixel);
  const list = table(
    [
      { key: 'pixel', label: 'Pixel (NEST)', num: true, render: (p: Pixel) => String(p.pixel) },
      { key: 'count', label: 'Sources', num: true, render: (p) => String(p.count) },
      { key: 'mean', label: 'Mean flux', num: true, render: (p) => num(p.meanFlux) },
      { key: 'rms', label: 'RMS flux', num: true, render: (p) => num(p.rmsFlux) },
      { key: 'ra', label: 'RA (°)', num: true, render: (p) => p.raDeg.toFixed(5) },
      { key: 'dec', label: 'Dec (°)', num: true, render: (p) => p.decDeg.toFixed(5) },
    ],
    rows,
    { rowClass: (p) => `sky-row px-${p.pixel}`, onRowClick: (p) => select(p.pixel, 'table') },
  );

  function select(pixel: number, from: 'map' | 'table' | 'url'): void {
    selected = pixel;
    for (const el of map.querySelectorAll('.sky-pixel.selected')) el.classList.remove('selected');
    for (const el of list.querySelectorAll('tr.selected')) el.classList.remove('selected');
    const poly = map.querySelector(`.sky-pixel[data-pixel="${pixel}"]`);
    const row = list.querySelector(`tr.px-${pixel}`);
    poly?.classList.add('selected');
    // Drawn last, so its outline is on top of its neighbours'.
    if (poly) map.append(poly);
    row?.classList.add('selected');
    const p = pixels.find((x) => x.pixel === pixel);
    detail.textContent = p ? `Selected pixel ${pixel} (order ${order}): ${p.count} sources, mean flux ${num(p.meanFlux)}, RMS ${num(p.rmsFlux)}` : '';
    if (from === 'map') row?.scrollIntoView({ block: 'nearest' });
    if (from !== 'url') ctx.setQuery({ pixel: String(pixel) });
  }

  function zoom(step: number): void {
    const next = Math.min(skyMap!.finestOrder, Math.max(FIRST_ORDER, order + step));
    if (next !== order) ctx.setQuery({ order: String(next), pixel: null }, { rerender: true });
  }

  const pixelSize = Math.sqrt((4 * Math.PI) / (12 * 4 ** order)) / DEG;
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('h1', null, 'Sky map'), h('div', { class: 'subtitle' }, h('a', { href: link.run(collection) }, collection), ` · ${sources} sources binned on HEALPix (NEST), orders ${FIRST_ORDER}–${skyMap.finestOrder}`)),
      h(
        'div',
        { class: 'controls' },
        h('button', { type: 'button', class: 'zoom-out', disabled: order <= FIRST_ORDER, onclick: () => zoom(-1) }, '− Zoom out'),
        h('span', { class: 'sky-order', 'data-order': order }, `order ${order} · pixels ~${pixelSize >= 1 ? `${pixelSize.toFixed(1)}°` : `${(pixelSize * 3600).toFixed(pixelSize * 3600 >= 10 ? 0 : 1)}″`}`),
        h('button', { type: 'button', class: 'zoom-in', disabled: order >= skyMap.finestOrder, onclick: () => zoom(1) }, 'Zoom in +'),
        h('a', { href: `${skyMap.hipsPath}/properties`, class: 'subtle', title: 'Open this URL without /properties in Aladin (HiPS)' }, 'HiPS'),
      ),
    ),
    section(`${pixels.length} pixels of order ${order}`, h('div', { class: 'sky-map-box' }, map), detail),
    section('Pixels', h('div', { class: 'sky-table' }, list)),
  );
  if (Number.isFinite(selected)) select(selected, 'url');
}
