import { mountChart, type ChartElement } from '../charts.ts';
import { h, notice, section, select, svg } from '../dom.ts';
import { drawImage, readFitsImage } from '../fits-image.ts';
import { num } from '../format.ts';
import { gql, savedToken } from '../gql.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';

const quoteId = (s: string) => `"${s.replace(/"/g, '""')}"`;
const quoteStr = (s: string) => `'${s.replace(/'/g, "''")}'`;

interface Source {
  /** Position in the query's rows: the key all three views share. */
  index: number;
  xPx: number;
  yPx: number;
  a: number | null;
  b: number | null;
}

/**
 * Linked views of one detector's catalog: a scatter plot of any two columns (SQL over the run's
 * src catalog), the calexp with the sources overplotted, and a table. Brushing points in the
 * scatter plot highlights the same sources on the image and keeps only them in the table.
 */
export async function linkedPage(ctx: PageContext): Promise<void> {
  const collection = ctx.params[0]!;
  ctx.setTitle(`Linked views · ${collection}`);
  const visit = Number(ctx.query.get('visit') ?? NaN);
  const detector = Number(ctx.query.get('detector') ?? NaN);
  const calexps = await gql(
    graphql(`query LinkedCalexps($c: [String!]!, $w: String) { datasets(datasetType: "calexp", collections: $c, where: $w, limit: 500) { id dataId } }`),
    { c: [collection], w: Number.isInteger(visit) && Number.isInteger(detector) ? `visit = ${visit} AND detector = ${detector}` : null },
    ctx.signal,
  );
  const calexp = calexps.datasets[0];
  if (!calexp) {
    ctx.root.append(notice('empty', `No calexp in ${collection}`, 'Linked views need a run with calexp images and src catalogs.'));
    return;
  }
  const [v, d] = [Number(calexp.dataId.visit), Number(calexp.dataId.detector)];
  const probe = await gql(graphql(`query LinkedColumns($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 1) { columns { name type } } }`), { q: 'SELECT * FROM src', c: [collection] }, ctx.signal);
  const numeric = probe.sql.columns.filter((c) => /INT|DOUBLE|FLOAT|DECIMAL|REAL/.test(c.type) && !['visit', 'detector'].includes(c.name)).map((c) => c.name);
  const pick = (key: string, fallback: string) => (numeric.includes(ctx.query.get(key) ?? '') ? ctx.query.get(key)! : numeric.includes(fallback) ? fallback : numeric[0]!);
  const [xCol, yCol] = [pick('x', 'psfMag'), pick('y', 'snr')];
  const q = `SELECT xPx, yPx, ${quoteId(xCol)} AS a, ${quoteId(yCol)} AS b FROM src WHERE collection = ${quoteStr(collection)} AND visit = ${v} AND detector = ${d} ORDER BY yPx, xPx`;
  const result = await gql(graphql(`query LinkedSources($q: String!, $c: [String!]!) { sql(query: $q, collections: $c, limit: 20000) { rows } }`), { q, c: [collection] }, ctx.signal);
  const sources: Source[] = (result.sql.rows as unknown as [number, number, number | null, number | null][]).map((r, index) => ({ index, xPx: r[0], yPx: r[1], a: r[2], b: r[3] }));

  // The image: the calexp's bytes over HTTP with the browser's token, its first 2-D plane drawn.
  const token = savedToken();
  const res = await fetch(`/datasets/${encodeURIComponent(calexp.id)}/file`, { headers: token ? { authorization: `Bearer ${token}` } : {}, signal: ctx.signal });
  const image = readFitsImage(await res.arrayBuffer());
  const canvas = h('canvas', { class: 'linked-canvas' });
  drawImage(canvas, image);
  const overlay = svg('svg', { class: 'linked-overlay', viewBox: `0 0 ${image.width} ${image.height}`, preserveAspectRatio: 'none' });
  const marks = sources.map((s) => {
    // Pixel centres: FITS (0-based here) row y is drawn at height − 1 − y.
    const c = svg('circle', { class: 'linked-source', 'data-index': s.index, cx: s.xPx + 0.5, cy: image.height - 0.5 - s.yPx, r: Math.max(3, image.width / 80) });
    overlay.append(c);
    return c;
  });

  const tableBox = h('div', { class: 'linked-table' });
  const status = h('div', { class: 'linked-status subtitle' }, `${sources.length} sources; drag on the plot to select`);
  function showTable(chosen: Set<number> | null): void {
    const rows = chosen ? sources.filter((s) => chosen.has(s.index)) : sources;
    tableBox.replaceChildren(
      table(
        [
          { key: 'n', label: '#', num: true, render: (s: Source) => String(s.index) },
          { key: 'x', label: 'x (px)', num: true, render: (s) => s.xPx.toFixed(1) },
          { key: 'y', label: 'y (px)', num: true, render: (s) => s.yPx.toFixed(1) },
          { key: 'a', label: xCol, num: true, render: (s) => num(s.a) },
          { key: 'b', label: yCol, num: true, render: (s) => num(s.b) },
        ],
        rows,
        { rowClass: (s) => `linked-row src-${s.index}${chosen ? ' selected' : ''}`, limit: 500 },
      ),
    );
  }
  function choose(chosen: Set<number> | null): void {
    for (const [i, m] of marks.entries()) m.classList.toggle('selected', chosen?.has(i) ?? false);
    // Selected marks on top.
    if (chosen) for (const i of chosen) overlay.append(marks[i]!);
    status.textContent = chosen ? `${chosen.size} of ${sources.length} sources selected` : `${sources.length} sources; drag on the plot to select`;
    showTable(chosen);
  }
  showTable(null);

  const plot = h('div', { class: 'chart linked-scatter', style: { height: '380px' } }) as ChartElement;
  const band = h('div', { class: 'linked-band' });
  const axisPicker = (label: string, key: string, value: string) => select(label, numeric.map((n) => ({ value: n })), value, (nv) => ctx.setQuery({ [key]: nv }, { rerender: true }));
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('h1', null, 'Linked views'), h('div', { class: 'subtitle' }, `${collection} · visit ${v}, detector ${d}`)),
      h('div', { class: 'controls' }, axisPicker('x', 'x', xCol), axisPicker('y', 'y', yCol)),
    ),
    h('div', { class: 'linked-grid' }, section(`${yCol} against ${xCol}`, h('div', { class: 'linked-plot' }, plot, band), status), section('calexp', h('div', { class: 'linked-image' }, canvas, overlay))),
    section('Sources', tableBox),
  );
  mountChart(
    ctx,
    plot,
    {
      animation: false,
      grid: { left: 60, right: 20, top: 20, bottom: 40 },
      xAxis: { type: 'value', name: xCol, nameLocation: 'middle', nameGap: 26, scale: true },
      yAxis: { type: 'value', name: yCol, scale: true },
      series: [{ type: 'scatter', symbolSize: 6, data: sources.map((s) => [s.a, s.b]) }],
    },
    {
      id: 'linked-scatter',
      onReady: (chart) => {
        // Dragging a rectangle on the plot selects the points inside it (in data coordinates).
        const zr = chart.getZr();
        let start: [number, number] | null = null;
        zr.on('mousedown', (e) => {
          start = [e.offsetX, e.offsetY];
          Object.assign(band.style, { display: 'block', left: `${e.offsetX}px`, top: `${e.offsetY}px`, width: '0px', height: '0px' });
        });
        zr.on('mousemove', (e) => {
          if (!start) return;
          Object.assign(band.style, { left: `${Math.min(start[0], e.offsetX)}px`, top: `${Math.min(start[1], e.offsetY)}px`, width: `${Math.abs(e.offsetX - start[0])}px`, height: `${Math.abs(e.offsetY - start[1])}px` });
        });
        zr.on('mouseup', (e) => {
          if (!start) return;
          const [p, q] = [chart.convertFromPixel({ seriesIndex: 0 }, start), chart.convertFromPixel({ seriesIndex: 0 }, [e.offsetX, e.offsetY])] as [number[], number[]];
          const moved = Math.abs(e.offsetX - start[0]) + Math.abs(e.offsetY - start[1]) > 3;
          start = null;
          if (!moved) {
            band.style.display = 'none';
            return choose(null);
          }
          const [a0, a1, b0, b1] = [Math.min(p[0]!, q[0]!), Math.max(p[0]!, q[0]!), Math.min(p[1]!, q[1]!), Math.max(p[1]!, q[1]!)];
          const inside = sources.filter((s) => s.a !== null && s.b !== null && s.a >= a0 && s.a <= a1 && s.b >= b0 && s.b <= b1).map((s) => s.index);
          choose(inside.length ? new Set(inside) : null);
          chart.setOption({ series: [{ data: sources.map((s) => ({ value: [s.a, s.b], itemStyle: inside.includes(s.index) ? { color: '#ffb000' } : {} })) }] });
        });
      },
    },
  );
}
