import type { Panel } from '../../../contracts/dashboard-model.ts';
import { axisName, mountChart, PALETTE, type ChartOption } from '../charts.ts';
import { h, notice, pill } from '../dom.ts';
import { ago, num, shortSha, unitLabel } from '../format.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { fetchDataIds, fetchOverview, fetchRegressions, fetchRuns, fetchSeries, type DataIdGrid } from './data.ts';
import { interpolate, variableRefs, type Values } from './variables.ts';

/**
 * One panel of a dashboard: fetches its query with the current variable values and draws it as
 * its type says. Each panel loads on its own and shows its own empty or error state.
 */
export function renderPanel(ctx: PageContext, panel: Panel, values: Values, heightPx: number): HTMLElement {
  const body = h('div', { class: 'panel-body' }, h('div', { class: 'muted' }, 'Loading…'));
  const el = h(
    'section',
    { class: 'card panel', style: { gridColumn: `span ${panel.width}`, height: `${heightPx}px` }, 'data-panel': panel.id },
    h('div', { class: 'panel-title', title: panel.description ?? '' }, interpolate(panel.title, values)),
    body,
  );
  const t0 = performance.now();
  const unset = [...variableRefs(panel.query)].filter((name) => !values.get(name)?.length);
  const drawn = unset.length
    ? Promise.resolve(body.replaceChildren(notice('empty', 'Nothing to show yet', `No value for ${unset.map((n) => `$${n}`).join(', ')}: nothing measured to choose from.`)))
    : draw(ctx, panel, values, body);
  drawn
    .catch((e: Error) => {
      if (!ctx.signal.aborted) body.replaceChildren(notice('error', 'Panel failed', e.message));
    })
    .finally(() => {
      // Tests and benchmarks wait for every panel's data-loaded.
      el.dataset.loaded = String(Math.round(performance.now() - t0));
    });
  return el;
}

function chartIn(ctx: PageContext, body: HTMLElement, id: string, option: ChartOption, onClick?: (data: unknown) => void): void {
  const el = h('div', { style: { position: 'absolute', inset: '0' } });
  body.replaceChildren(el);
  mountChart(ctx, el, option, { id, ...(onClick ? { onReady: (c) => c.on('click', (p) => onClick(p.data)) } : {}) });
}

async function draw(ctx: PageContext, panel: Panel, values: Values, body: HTMLElement): Promise<void> {
  const q = panel.query;
  const signal = ctx.signal;
  const big = (v: string, cls = '') => body.replaceChildren(h('div', { class: `big ${cls}`, 'data-testid': `stat-${panel.id}` }, v));
  switch (q.source) {
    case 'series': {
      const { unit, series, missing } = await fetchSeries(q, values, signal);
      const u = unitLabel(unit);
      if (!series.some((s) => s.points.length)) {
        body.replaceChildren(notice('empty', 'No data', `No measurements along ${missing.join(', ') || 'these branches'}.`));
        return;
      }
      if (panel.type === 'stat') {
        const means = series[0]!.points.map((p) => p.mean);
        const v = panel.reduce === 'mean' ? means.reduce((s, x) => s + x, 0) / means.length : panel.reduce === 'min' ? Math.min(...means) : panel.reduce === 'max' ? Math.max(...means) : means.at(-1)!;
        big(`${num(v)}${u ? ` ${u}` : ''}`);
        return;
      }
      const large = series.some((s) => s.points.length > 2000);
      chartIn(
        ctx,
        body,
        panel.id,
        {
          animation: !large,
          grid: { left: 64, right: 20, top: 30, bottom: 40 },
          legend: { top: 0 },
          tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${num(v as number)}${u ? ` ${u}` : ''}` },
          xAxis: { type: 'value', ...axisName(series[0]!.order === 'git' ? 'commit number (first-parent history)' : 'measurement order', { nameGap: 26, min: 'dataMin', max: 'dataMax', minInterval: 1 }) },
          yAxis: { type: 'value', scale: true, ...axisName(u ? `${interpolate(q.metric, values)} (${u})` : interpolate(q.metric, values), { nameGap: 48 }) },
          dataZoom: [{ type: 'inside', filterMode: 'none' }],
          series: series.map((s, i) => ({
            type: 'line',
            name: s.branch,
            color: PALETTE[i % PALETTE.length],
            showSymbol: !large,
            symbolSize: 5,
            sampling: large ? 'lttb' : undefined,
            data: s.points.map((p) => ({ value: [p.position, p.mean], runs: p.runs })),
          })),
        },
        (d) => {
          const runs = (d as { runs?: string[] } | undefined)?.runs;
          if (runs?.length) ctx.navigate(link.run(runs.at(-1)!));
        },
      );
      return;
    }
    case 'overview': {
      const rows = await fetchOverview(q, values, signal);
      if (panel.type === 'stat') {
        const n = panel.reduce === 'passing' ? rows.filter((r) => r.status === 'pass').length : panel.reduce === 'failing' ? rows.filter((r) => r.status === 'fail' || r.status === 'partial').length : rows.length;
        big(String(n), panel.reduce === 'passing' ? 'spec-ok' : panel.reduce === 'failing' && n ? 'spec-bad' : '');
        return;
      }
      body.replaceChildren(
        table(
          [
            { key: 'metric', label: 'Metric', render: (r: (typeof rows)[number]) => h('a', { href: link.metric(r.metric, { dataset: r.dataset }) }, r.metric) },
            { key: 'latest', label: 'Latest', num: true, render: (r) => `${num(r.latest)} ${unitLabel(r.unit)}` },
            { key: 'status', label: 'Spec', render: (r) => pill(r.status, r.status) },
          ],
          rows,
          { empty: 'No measurements yet.' },
        ),
      );
      body.style.overflow = 'auto';
      return;
    }
    case 'regressions': {
      const rows = await fetchRegressions(q, values, signal);
      if (panel.type === 'stat') {
        big(String(rows.length), rows.length ? 'spec-bad' : 'spec-ok');
        return;
      }
      body.replaceChildren(
        table(
          [
            { key: 'id', label: '#', render: (r: (typeof rows)[number]) => h('a', { href: link.regression(r.id) }, `#${r.id}`) },
            { key: 'metric', label: 'Metric', render: (r) => r.metric },
            { key: 'kind', label: 'Kind', render: (r) => r.kind },
            { key: 'branch', label: 'Branch', render: (r) => r.branch },
            { key: 'status', label: 'Status', render: (r) => pill(r.status, r.status) },
          ],
          rows,
          { empty: 'No regressions.' },
        ),
      );
      body.style.overflow = 'auto';
      return;
    }
    case 'runs': {
      const rows = await fetchRuns(q, values, signal);
      if (panel.type === 'stat') {
        const n = panel.reduce === 'failed' ? rows.filter((r) => r.status === 'failed' || r.status === 'partial').length : rows.length;
        big(String(n), panel.reduce === 'failed' && n ? 'spec-bad' : '');
        return;
      }
      body.replaceChildren(
        table(
          [
            { key: 'name', label: 'Run', render: (r: (typeof rows)[number]) => h('a', { href: link.run(r.name) }, r.name) },
            { key: 'status', label: 'Status', render: (r) => pill(r.status, r.status) },
            { key: 'created', label: 'Created', render: (r) => ago(r.createdAt) },
          ],
          rows,
          { empty: 'No runs yet.' },
        ),
      );
      body.style.overflow = 'auto';
      return;
    }
    case 'dataIds': {
      const grid = await fetchDataIds(q, values, signal);
      if (!grid.keys.length) {
        body.replaceChildren(notice('empty', 'No data', `No measurements with a ${grid.dimension} in their data ID.`));
        return;
      }
      chartIn(ctx, body, panel.id, panel.type === 'bar' ? barOption(grid) : heatmapOption(grid));
      return;
    }
  }
}

function barOption(g: DataIdGrid): ChartOption {
  const u = unitLabel(g.unit);
  const last = g.commits.length - 1;
  return {
    grid: { left: 64, right: 16, top: 16, bottom: 44 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${num(v as number)}${u ? ` ${u}` : ''}` },
    xAxis: { type: 'category', data: g.keys, ...axisName(`${g.dimension} (latest commit ${shortSha(g.commits[last]?.commit)})`, { nameGap: 28 }) },
    yAxis: { type: 'value', ...axisName(u || 'value', { nameGap: 48 }) },
    series: [{ type: 'bar', data: g.cells.map((row) => row[last] ?? null), itemStyle: { color: PALETTE[0] }, barMaxWidth: 48 }],
  };
}

function heatmapOption(g: DataIdGrid): ChartOption {
  const u = unitLabel(g.unit);
  const data: [number, number, number][] = [];
  g.cells.forEach((row, y) => row.forEach((v, x) => v !== null && data.push([x, y, v])));
  const vs = data.map((d) => d[2]);
  return {
    grid: { left: 64, right: 100, top: 12, bottom: 44 },
    tooltip: { formatter: (p: unknown) => { const d = (p as { data: [number, number, number] }).data; return `${g.dimension} ${g.keys[d[1]]}, commit ${shortSha(g.commits[d[0]]?.commit)}<br/><b>${num(d[2])}${u ? ` ${u}` : ''}</b>`; } },
    xAxis: { type: 'category', data: g.commits.map((c) => `#${c.position}`), ...axisName('commit number', { nameGap: 28, splitArea: { show: false } }) },
    yAxis: { type: 'category', data: g.keys, ...axisName(g.dimension, { nameGap: 44 }) },
    visualMap: { min: Math.min(...vs), max: Math.max(...vs), calculable: false, orient: 'vertical', right: 8, top: 'middle', itemHeight: 120, itemWidth: 14, text: [`${num(Math.max(...vs), 3)}${u ? ` ${u}` : ''}`, num(Math.min(...vs), 3)], textStyle: { color: '#57606a' }, inRange: { color: ['#f7fbff', '#6baed6', '#08306b'] } },
    series: [{ type: 'heatmap', data, emphasis: { itemStyle: { borderColor: '#24292f', borderWidth: 1 } } }],
  };
}
