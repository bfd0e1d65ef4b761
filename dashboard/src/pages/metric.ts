import type { ECharts } from 'echarts/core';
import { branchesOf, datasetsOf, defaultBranch, measuredSeries, repoOf, type Release, type SeriesPoint } from '../api.ts';
import { mountChart } from '../charts.ts';
import { h, namedSection, notice, pill, section, select } from '../dom.ts';
import { dataIdEntries, num, pValue, shortSha, signed, unitLabel } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { metricChartOption, type BranchSeries, type Mark, type PointData } from './metric-chart.ts';
import { graphql } from '../generated/gql.ts';
import type { MetricSeriesQuery } from '../generated/graphql.ts';

type ChangePoint = NonNullable<MetricSeriesQuery['changePoints']>[number];

type DataIdValue = string | number;

/** Dimensions that tell the measured data IDs apart, each with its values (at most 60). */
function dataIdDimensions(dataIds: Record<string, DataIdValue>[]): Map<string, DataIdValue[]> {
  const values = new Map<string, Map<string, DataIdValue>>();
  for (const d of dataIds) for (const [k, v] of Object.entries(d)) values.set(k, (values.get(k) ?? new Map()).set(String(v), v));
  const out = new Map<string, DataIdValue[]>();
  for (const [k, vs] of dataIdEntries(Object.fromEntries(values))) {
    // Implied by the band and visit; filtering on them adds nothing.
    if (k === 'physical_filter' || k === 'day_obs') continue;
    const list = [...(vs as Map<string, DataIdValue>).values()].sort((a, b) => String(a).localeCompare(String(b), undefined, { numeric: true }));
    if (list.length > 1 && list.length <= 60) out.set(k, list);
  }
  return out;
}

/** One branch's series; the first branch also asks for the change points drawn on it. */
const SERIES = graphql(`
  query MetricSeries($m: String!, $d: String!, $b: String!, $id: JSON, $withChangePoints: Boolean!) {
    series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit order points { commit position n mean std runs } unmeasured { commit position values } }
    changePoints(metric: $m, dataset: $d, branch: $b, dataId: $id) @include(if: $withChangePoints) { index commit lastGoodCommit pValue meanBefore meanAfter }
  }
`);

export async function metricPage(ctx: PageContext): Promise<void> {
  const all = await measuredSeries(ctx.signal);
  const metricNames = [...new Set(all.map((s) => s.metric))].sort();
  const metric = ctx.params[0] || metricNames[0];
  if (!metric) {
    ctx.setTitle('Metrics');
    ctx.root.append(h('h1', null, 'Metric explorer'), notice('empty', 'No measurements yet', 'Run a pipeline with metric tasks (', h('code', null, 'vera run pipelines/drp.yaml ...'), ') and its measurements appear here.'));
    return;
  }
  ctx.setTitle(metric);
  const mine = all.filter((s) => s.metric === metric);
  const datasets = datasetsOf(mine);
  const dataset = ctx.query.get('dataset') ?? datasets[0] ?? '';
  const inDataset = mine.filter((s) => s.dataset === dataset);
  const measuredBranches = branchesOf(inDataset);
  const chosen = ctx.query.getAll('branch');
  const branches = chosen.length ? chosen : [defaultBranch(inDataset)];
  const repo = repoOf(inDataset, dataset);

  const meta = await gql(
    graphql(`query Metrics($m: String!, $d: String!) {
      metrics { name unit description }
      specifications(metric: $m) { name operator metricUnitValue }
      regressions(metric: $m) { id kind status branch dataset dataId firstBadCommit }
      measuredDataIds(metric: $m, dataset: $d)
    }`),
    { m: metric, d: dataset },
    ctx.signal,
  );
  const info = meta.metrics.find((m) => m.name === metric);
  const dims = dataIdDimensions(meta.measuredDataIds as Record<string, DataIdValue>[]);
  const dataId: Record<string, DataIdValue> = {};
  for (const [k, values] of dims) {
    const want = ctx.query.get(`id.${k}`);
    const v = values.find((x) => String(x) === want);
    if (v !== undefined) dataId[k] = v;
  }

  const results = await Promise.allSettled(
    branches.map((b, i) =>
      gql(
        SERIES,
        { m: metric, d: dataset, b, id: Object.keys(dataId).length ? dataId : null, withChangePoints: i === 0 },
        ctx.signal,
      ),
    ),
  );
  const releases: Release[] = repo
    ? await gql(graphql(`query Releases($d: String!, $b: String!) { releases(dataset: $d, branch: $b) { tag commit position } }`), { d: dataset, b: branches[0]! }, ctx.signal)
        .then((r) => r.releases)
        .catch(() => [])
    : [];
  const series: BranchSeries[] = [];
  const failures: string[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') series.push({ branch: branches[i]!, order: r.value.series.order, points: r.value.series.points, unmeasured: r.value.series.unmeasured });
    else failures.push(`${branches[i]}: ${(r.reason as Error).message}`);
  });
  const firstResult = results[0]?.status === 'fulfilled' ? results[0].value : undefined;
  const unit = firstResult?.series.unit ?? info?.unit ?? '';
  const changePoints = firstResult?.changePoints ?? [];

  // Controls: every change rewrites the URL, so the view is shareable as it is.
  const go = (p: { dataset?: string; branch?: string[]; dataId?: Record<string, string> }) =>
    ctx.navigate(
      link.metric(metric, {
        dataset: p.dataset ?? dataset,
        branch: p.branch ?? branches,
        dataId: p.dataId ?? Object.fromEntries(Object.entries(dataId).map(([k, v]) => [k, String(v)])),
      }),
    );
  const branchChecks = h(
    'div',
    { class: 'checks', 'data-testid': 'branches' },
    ...[...new Set([...measuredBranches, ...branches])].map((b) =>
      h(
        'label',
        null,
        h('input', {
          type: 'checkbox',
          value: b,
          checked: branches.includes(b),
          onchange: (e: Event) => {
            const on = (e.target as HTMLInputElement).checked;
            const next = on ? [...branches, b] : branches.filter((x) => x !== b);
            if (next.length) go({ branch: next });
          },
        }),
        b,
      ),
    ),
  );
  const controls = h(
    'div',
    { class: 'controls' },
    select('Metric', metricNames.map((m) => ({ value: m })), metric, (m) => ctx.navigate(link.metric(m)), { 'data-testid': 'metric' }),
    select('Dataset', datasets.map((d) => ({ value: d })), dataset, (d) => go({ dataset: d, dataId: {} })),
    ...[...dims].map(([k, values]) =>
      select(k, [{ value: '', label: 'all' }, ...values.map((v) => ({ value: String(v) }))], dataId[k] !== undefined ? String(dataId[k]) : '', (v) => {
        const next = Object.fromEntries(Object.entries(dataId).map(([a, b]) => [a, String(b)]));
        if (v) next[k] = v;
        else delete next[k];
        go({ dataId: next });
      }),
    ),
    h('div', { class: 'field' }, h('span', { class: 'field-label' }, 'Branches'), branchChecks),
  );

  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('div', { class: 'crumbs' }, h('a', { href: '/' }, 'Overview'), ' / metric'),
        h('h1', null, metric, unitLabel(unit) ? h('span', { class: 'muted', style: { fontWeight: '400' } }, ` (${unitLabel(unit)})`) : null),
        info?.description ? h('div', { class: 'subtitle' }, info.description) : null,
      ),
    ),
    controls,
  );
  if (failures.length) ctx.root.append(notice('info', 'Some branches have no series here', ...failures.map((f) => h('div', null, f))));
  if (!series.length || series.every((s) => s.points.length === 0)) {
    ctx.root.append(notice('empty', 'Nothing to draw', `No measurements of ${metric} on ${dataset} along ${branches.join(', ')}.`));
    return;
  }

  const regressionAt = (commit: string, branch: string) =>
    meta.regressions.find((r) => r.firstBadCommit === commit && r.branch === branch && r.dataset === dataset && JSON.stringify(r.dataId) === JSON.stringify(dataId));
  const b0 = series[0]!;
  const pointAt = new Map(b0.points.map((p) => [p.commit, p]));
  const marks: Mark[] = changePoints.map((c) => {
    const reg = regressionAt(c.commit, b0.branch);
    const good = c.lastGoodCommit ? pointAt.get(c.lastGoodCommit)?.runs.at(-1) : undefined;
    const bad = pointAt.get(c.commit)?.runs.at(-1);
    return {
      commit: c.commit,
      label: 'CP',
      title: reg ? `regression #${reg.id}` : 'change point',
      href: reg ? link.regression(reg.id) : good && bad ? link.compare({ baseRun: good, headRun: bad }) : link.run(bad ?? ''),
    };
  });
  for (const r of meta.regressions) {
    if (r.branch === b0.branch && r.dataset === dataset && !marks.some((m) => m.commit === r.firstBadCommit) && pointAt.has(r.firstBadCommit)) {
      marks.push({ commit: r.firstBadCommit, label: 'R', title: `regression #${r.id} (${r.kind})`, href: link.regression(r.id) });
    }
  }
  const { option, offScale } = metricChartOption({ metric, unit, series, specs: meta.specifications, marks, releases });
  const chartEl = h('div', { class: 'chart', 'data-testid': 'series-chart', style: { height: '400px' } });
  mountChart(ctx, chartEl, option, {
    id: 'metric-series',
    onReady: (chart: ECharts) => {
      chart.on('click', (params) => {
        const data = params.data as (PointData & { href?: string }) | undefined;
        if (params.componentType === 'markPoint' && data?.href) ctx.navigate(data.href);
        else if (params.componentType === 'series' && data?.runs?.length) ctx.navigate(link.run(data.runs.at(-1)!));
      });
    },
  });
  const legendNote = [
    offScale.length ? `Off scale: ${offScale.map((s) => `${s.name.split('.').at(-1)} ${s.operator} ${num(s.metricUnitValue)}`).join(', ')}. ` : '',
    'Click a point to open its run, a pin to open its change point or regression; scroll or drag the slider to zoom.',
  ].join('');
  ctx.root.append(section(h('span', null, 'Series ', h('span', { class: 'hint' }, legendNote)), chartEl));

  const unitText = unitLabel(unit);
  const cpTable = table(
    [
      { key: 'commit', label: 'First bad', render: (c: ChangePoint) => h('span', { class: 'mono' }, shortSha(c.commit)) },
      { key: 'good', label: 'Last good', render: (c: ChangePoint) => h('span', { class: 'mono' }, shortSha(c.lastGoodCommit)) },
      { key: 'before', label: `Before${unitText ? ` (${unitText})` : ''}`, num: true, render: (c: ChangePoint) => num(c.meanBefore) },
      { key: 'after', label: `After${unitText ? ` (${unitText})` : ''}`, num: true, render: (c: ChangePoint) => num(c.meanAfter) },
      { key: 'delta', label: 'Δ', num: true, render: (c: ChangePoint) => signed(c.meanAfter - c.meanBefore) },
      { key: 'p', label: 'p-value', num: true, render: (c: ChangePoint) => pValue(c.pValue) },
      {
        key: 'open',
        label: '',
        render: (c: ChangePoint) => {
          const m = marks.find((x) => x.commit === c.commit);
          return m ? h('a', { href: m.href }, m.title.startsWith('regression') ? `open ${m.title}` : 'compare runs') : null;
        },
      },
    ],
    changePoints,
    { empty: `No change point along ${b0.branch} (E-divisive, Otava's defaults).` },
  );
  const recent = [...b0.points].reverse();
  const pointsTable = table(
    [
      { key: 'pos', label: '#', num: true, render: (p: SeriesPoint) => p.position },
      { key: 'commit', label: 'Commit', render: (p: SeriesPoint) => h('span', { class: 'mono' }, shortSha(p.commit)) },
      { key: 'mean', label: `Mean${unitText ? ` (${unitText})` : ''}`, num: true, render: (p: SeriesPoint) => num(p.mean) },
      { key: 'std', label: 'σ', num: true, render: (p: SeriesPoint) => num(p.std) },
      { key: 'n', label: 'n', num: true, render: (p: SeriesPoint) => p.n },
      { key: 'runs', label: 'Runs', render: (p: SeriesPoint) => p.runs.flatMap((r, i) => [i ? ', ' : '', h('a', { href: link.run(r) }, r)]) },
    ],
    recent,
    { limit: 25 },
  );
  ctx.root.append(
    h(
      'div',
      { class: 'grid grid-2' },
      section(h('span', null, 'Change points ', h('span', { class: 'hint' }, `along ${b0.branch}`)), cpTable),
      namedSection(
        'points',
        h('span', null, 'Points ', h('span', { class: 'hint' }, `along ${b0.branch}, newest first`)),
        pointsTable,
        meta.regressions.length
          ? h('div', { class: 'table-foot' }, 'Regressions of this metric: ', ...meta.regressions.flatMap((r, i) => [i ? ', ' : '', h('a', { href: link.regression(r.id) }, `#${r.id}`), ' ', pill(r.status, r.status)]))
          : null,
      ),
    ),
  );
}
