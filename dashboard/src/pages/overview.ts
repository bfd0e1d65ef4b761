import { branchesOf, defaultBranch, measuredSeries } from '../api.ts';
import { h, notice, pill, select, svg } from '../dom.ts';
import { ago, num, operatorText, shortSha, unitLabel } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { graphql } from '../generated/gql.ts';
import type { OverviewHeadQuery, OverviewMetricsQuery } from '../generated/graphql.ts';

type Summary = OverviewMetricsQuery['metricOverview'][number];

type RunRow = OverviewHeadQuery['runs'][number];

/** " — worst band=g: 12" for a spec failed by a data ID (specs are judged per data ID). */
function worstText(c: Summary['specs'][number]): string {
  if (c.pass || !c.worstDataId || c.worstValue === null) return '';
  const id = Object.entries(c.worstDataId).filter(([k]) => k !== 'instrument' && k !== 'skymap').map(([k, v]) => `${k}=${String(v)}`).join(' ');
  return ` \u2014 worst ${id}: ${num(c.worstValue)}${c.failingDataIds > 1 ? ` (${c.failingDataIds} fail)` : ''}`;
}

const STATUS_TEXT = { pass: 'meets spec', partial: 'partly', fail: 'fails spec', none: 'no spec' } as const;

/** Trend of the last points, with the spec thresholds in range as dashed lines. */
function sparkline(values: number[], thresholds: number[], status: Summary['status']): SVGElement {
  const [w, hgt, pad] = [240, 44, 4];
  const inRange = thresholds.filter((t) => {
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const span = hi - lo || Math.abs(hi) || 1;
    return t >= lo - span && t <= hi + span;
  });
  const all = [...values, ...inRange];
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const span = hi - lo || 1;
  const x = (i: number) => pad + (values.length === 1 ? (w - 2 * pad) / 2 : (i * (w - 2 * pad)) / (values.length - 1));
  const y = (v: number) => hgt - pad - ((v - lo) / span) * (hgt - 2 * pad);
  const color = status === 'fail' ? '#cf222e' : status === 'partial' ? '#bf8700' : status === 'pass' ? '#1a7f37' : '#2f6fdf';
  const path = values.map((v, i) => `${i === 0 ? 'M' : 'L'}${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ');
  return svg(
    'svg',
    { class: 'sparkline', viewBox: `0 0 ${w} ${hgt}`, preserveAspectRatio: 'none', role: 'img', 'aria-label': `trend of the last ${values.length} commits` },
    ...inRange.map((t) => svg('line', { x1: 0, x2: w, y1: y(t), y2: y(t), stroke: '#8c959f', 'stroke-dasharray': '4 3', 'stroke-width': 1, 'vector-effect': 'non-scaling-stroke' })),
    svg('path', { d: path, fill: 'none', stroke: color, 'stroke-width': 1.8, 'vector-effect': 'non-scaling-stroke' }),
    svg('circle', { cx: x(values.length - 1), cy: y(values.at(-1)!), r: 2.8, fill: color }),
  );
}

function metricCard(s: Summary, branch: string): HTMLElement {
  const unit = unitLabel(s.unit);
  return h(
    'a',
    { class: `card metric-card ${s.status}`, href: link.metric(s.metric, { dataset: s.dataset, branch }), 'data-metric': s.metric, title: s.description },
    h('div', { class: 'head' }, h('span', { class: 'package' }, s.metric.includes('.') ? s.metric.slice(0, s.metric.indexOf('.')) : ' '), pill(STATUS_TEXT[s.status as keyof typeof STATUS_TEXT] ?? s.status, s.status)),
    h('div', { class: 'name' }, s.metric.slice(s.metric.indexOf('.') + 1)),
    h('div', { class: 'latest', 'data-value': String(s.latest) }, num(s.latest), unit ? h('span', { class: 'unit' }, unit) : null),
    h(
      'div',
      { class: 'specs' },
      s.specs.length === 0
        ? h('span', null, 'no specification applies')
        : s.specs.map((c) =>
            h('span', { class: c.pass ? 'spec-ok' : 'spec-bad' }, `${c.pass ? '✓' : '✗'} ${c.name.split('.').at(-1)} ${operatorText(c.operator)} ${num(c.value)}${unit ? ` ${unit}` : ''}${worstText(c)}`),
          ),
    ),
    sparkline(s.sparkline, s.specs.map((c) => c.value), s.status),
    h('div', { class: 'foot' }, h('span', null, `${s.sparkline.length} commit${s.sparkline.length === 1 ? '' : 's'} · n=${s.n}`), h('span', { class: 'mono' }, shortSha(s.commit))),
  );
}

function emptyState(runs: RunRow[]): HTMLElement {
  return notice(
    'empty',
    'No measurements yet',
    h('p', null, 'Vera draws what metric tasks measure. Generate the SimCam demo data and run the DRP pipeline with its metric tasks:'),
    h('pre', { class: 'json' }, 'vera simcam generate\nvera run pipelines/drp.yaml --input SimCam/defaults --output u/$USER/drp'),
    h('p', null, 'or post an lsst.verify job: ', h('code', null, 'vera metrics post-job job.json --dataset NAME --commit SHA --branch master'), '.'),
    runs.length ? h('p', null, 'Recent runs: ', ...runs.flatMap((r, i) => [i ? ', ' : '', h('a', { href: link.run(r.name) }, r.name), ` (${r.status})`])) : null,
  );
}

export async function overviewPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Overview');
  const [series, side] = await Promise.all([
    measuredSeries(ctx.signal),
    gql(graphql(`query OverviewHead { regressions(status: open) { id } runs(limit: 6) { name status purpose createdAt } }`), {}, ctx.signal),
  ]);
  const branches = branchesOf(series);
  const branch = ctx.query.get('branch') ?? defaultBranch(series);
  const { metricOverview: rows } = await gql(
    graphql(`query OverviewMetrics($b: String!) { metricOverview(branch: $b, points: 30) { metric dataset unit description latest commit run n sparkline specs { name operator value pass failingDataIds worstDataId worstValue } status } }`),
    { b: branch },
    ctx.signal,
  );

  const count = (st: Summary['status']) => rows.filter((r) => r.status === st).length;
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('h1', null, 'Overview'), h('div', { class: 'subtitle' }, `Every metric's latest value on ${branch} against its specifications.`)),
      h(
        'div',
        { class: 'controls' },
        select('Branch', (branches.includes(branch) ? branches : [branch, ...branches]).map((b) => ({ value: b })), branch, (b) => ctx.navigate(link.overview(b)), { 'data-testid': 'branch' }),
      ),
    ),
    h(
      'div',
      { class: 'stats' },
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'Metrics measured'), h('span', { class: 'value', 'data-testid': 'stat-metrics' }, rows.length)),
      h('div', { class: 'stat pass' }, h('span', { class: 'label' }, 'Meeting every spec'), h('span', { class: 'value', 'data-testid': 'stat-pass' }, count('pass'))),
      h('div', { class: `stat ${count('fail') + count('partial') ? 'fail' : ''}` }, h('span', { class: 'label' }, 'Failing a spec'), h('span', { class: 'value', 'data-testid': 'stat-fail' }, count('fail') + count('partial'))),
      h(
        'a',
        { class: `stat ${side.regressions.length ? 'warn' : ''}`, href: link.regressions('open') },
        h('span', { class: 'label' }, 'Open regressions'),
        h('span', { class: 'value', 'data-testid': 'stat-regressions' }, side.regressions.length),
      ),
    ),
  );
  if (rows.length === 0) {
    ctx.root.append(series.length ? notice('empty', `No measurements along ${branch}`, 'Pick another branch above; measured branches: ', branches.join(', ') || 'none', '.') : emptyState(side.runs));
    return;
  }
  const datasets = [...new Set(rows.map((r) => r.dataset))];
  for (const d of datasets) {
    const inDataset = rows.filter((r) => r.dataset === d);
    ctx.root.append(
      h(
        'div',
        { class: 'row' },
        h('h2', null, 'Dataset ', h('span', { class: 'mono' }, d)),
        h('span', { class: 'muted' }, `${inDataset.length} metrics · latest run `, inDataset[0]?.run ? h('a', { href: link.run(inDataset[0].run) }, inDataset[0].run) : '–'),
        h('span', { class: 'spacer' }),
        h('a', { href: link.compare({ dataset: d }) }, 'Compare branches →'),
      ),
      h('div', { class: 'grid grid-4', 'data-testid': 'metric-cards' }, ...inDataset.map((s) => metricCard(s, branch))),
    );
  }
  if (side.runs.length) {
    ctx.root.append(
      h('div', { class: 'muted' }, 'Recent runs: ', ...side.runs.flatMap((r, i) => [i ? ' · ' : '', h('span', { class: 'nowrap' }, h('a', { href: link.run(r.name) }, r.name), ` ${r.status}, ${ago(r.createdAt)}`)])),
    );
  }
}
