import type { SeriesPoint } from '../api.ts';
import { axisName, mountChart, PALETTE, type ChartOption } from '../charts.ts';
import { h, notice, pill, section, select, type Child } from '../dom.ts';
import { ago, dataIdText, dateTime, num, percent, pValue, shortSha, signed, unitLabel } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { RegressionListQuery, RegressionQuery, RegressionStatus } from '../generated/graphql.ts';
import { triagePanel } from './triage.ts';

type Regression = NonNullable<RegressionQuery['regression']>;
type Explanation = NonNullable<Regression['explanation']>;

function contextChart(points: SeriesPoint[], r: Regression, unit: string): ChartOption {
  const pos = new Map(points.map((p) => [p.commit, p]));
  const bad = pos.get(r.firstBadCommit);
  const good = r.lastGoodCommit ? pos.get(r.lastGoodCommit) : undefined;
  return {
    grid: { left: 72, right: 24, top: 24, bottom: 44 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${num(v as number)} ${unitLabel(unit)}` },
    xAxis: { type: 'value', ...axisName(`commit number along ${r.branch}`, { nameGap: 26, min: 'dataMin', max: 'dataMax', minInterval: 1 }) },
    yAxis: { type: 'value', scale: true, ...axisName(`${r.metric}${unitLabel(unit) ? ` (${unitLabel(unit)})` : ''}`, { nameGap: 54 }) },
    series: [
      {
        type: 'line',
        name: r.branch,
        color: PALETTE[0],
        symbolSize: 6,
        data: points.map((p) => ({ value: [p.position, p.mean], runs: p.runs })),
        markArea: good && bad ? { silent: true, itemStyle: { color: 'rgba(207, 34, 46, 0.08)' }, data: [[{ xAxis: good.position }, { xAxis: bad.position }]] } : undefined,
        markPoint: bad ? { symbol: 'pin', symbolSize: 36, itemStyle: { color: '#cf222e' }, label: { color: '#fff', fontSize: 10 }, data: [{ name: 'first bad', coord: [bad.position, bad.mean], value: 'bad' }] } : undefined,
      },
    ],
  };
}

/**
 * Explanations recorded before input collections were always kept hold none when the two runs'
 * were identical: with both runs known, that absence means "the same", not "not recorded".
 */
function inputCollectionsText(x: Explanation): string {
  if (x.inputCollections) return `Same input collections: ${x.inputCollections.after.join(', ')}`;
  if (x.goodRun && x.badRun) return 'Same input collections in both runs.';
  return 'The input collections of the two runs were not recorded (a run is missing).';
}

function softwareText(s: Explanation['software']['before']): string {
  if (!s) return '–';
  return [shortSha(s.commit ?? null), s.branch ?? '', s.tag ? `tag ${s.tag}` : '', s.dirty ? '(dirty)' : ''].filter(Boolean).join(' ');
}

export async function regressionPage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params[0]);
  ctx.setTitle(`Regression #${id}`);
  const { regression } = await gql(
    graphql(`query Regression($id: Int!) { regression(id: $id) { id metric dataset branch dataId kind status firstBadCommit lastGoodCommit finding { message baseline value delta relativeDelta pValue } explanation { goodRun badRun commits { sha author date subject } software { before { commit branch tag dirty } after { commit branch tag dirty } } configChanges { task field before after } inputCollections { before after } inputChanges { datasetType dataId isCalibration before { id run } after { id run } } quanta { task total changed } dataIds { dataId before after delta } } note history { fromStatus toStatus actor note at } createdAt } }`),
    { id },
    ctx.signal,
  );
  if (!regression) {
    ctx.root.append(notice('empty', `No regression #${id}`, 'It may have been removed; see ', h('a', { href: link.regressions() }, 'all regressions'), '.'));
    return;
  }
  const r = regression;
  const x = r.explanation;
  const [ctxSeries, moved] = await Promise.all([
    gql(
      graphql(`query RegressionContext($m: String!, $d: String!, $b: String!, $id: JSON) { series(metric: $m, dataset: $d, branch: $b, dataId: $id) { unit points { commit position n mean std runs } } }`),
      { m: r.metric, d: r.dataset, b: r.branch, id: Object.keys(r.dataId).length ? r.dataId : null },
      ctx.signal,
    ).catch(() => undefined),
    x?.badRun
      ? gql(graphql(`query RegressionMoved($m: String!, $r: [String!]) { measurements(metric: $m, runs: $r, limit: 5000) { dataId datasetId } }`), { m: r.metric, r: [x.badRun] }, ctx.signal).then((m) => m.measurements)
      : Promise.resolve([]),
  ]);
  const unit = ctxSeries?.series.unit ?? '';
  const u = unitLabel(unit);
  const f = r.finding;
  const datasetAt = new Map(moved.map((m) => [JSON.stringify(m.dataId), m.datasetId]));

  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('div', { class: 'crumbs' }, h('a', { href: link.regressions() }, 'Regressions'), ' / regression'),
        h('h1', { class: 'row', 'data-testid': 'regression-title' }, `Regression #${r.id}: `, h('a', { href: link.metric(r.metric, { dataset: r.dataset, branch: r.branch }) }, r.metric), pill(r.status, r.status), pill(r.kind, 'none')),
        h('div', { class: 'subtitle', 'data-testid': 'finding' }, f.message),
      ),
    ),
    h(
      'div',
      { class: 'stats' },
      // A specification finding measures against the spec's limit, not against the last good point.
      h('div', { class: 'stat' }, h('span', { class: 'label' }, r.kind === 'spec' ? 'Specification limit' : 'Before (last good)'), h('span', { class: 'value' }, `${num(f.baseline)} ${u}`)),
      h('div', { class: 'stat fail' }, h('span', { class: 'label' }, 'After (first bad)'), h('span', { class: 'value' }, `${num(f.value)} ${u}`)),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, r.kind === 'spec' ? 'Beyond the limit by' : 'Change'), h('span', { class: 'value' }, `${signed(f.delta)} ${u}`), h('span', { class: 'muted' }, percent(f.relativeDelta))),
      h('div', { class: 'stat' }, h('span', { class: 'label' }, 'p-value'), h('span', { class: 'value' }, pValue(f.pValue)), h('span', { class: 'muted' }, `${r.dataset} · ${r.branch} · ${dataIdText(r.dataId)}`)),
    ),
  );
  ctx.root.append(triagePanel(ctx, r));
  if (ctxSeries?.series.points.length) {
    const el = h('div', { class: 'chart chart-sm' });
    mountChart(ctx, el, contextChart(ctxSeries.series.points, r, unit), {
      id: 'regression-series',
      onReady: (chart) =>
        chart.on('click', (p) => {
          const runs = (p.data as { runs?: string[] } | undefined)?.runs;
          if (runs?.length) ctx.navigate(link.run(runs.at(-1)!));
        }),
    });
    ctx.root.append(section(h('span', null, 'Series ', h('span', { class: 'hint' }, 'the shaded span is between the last good and the first bad commit; click a point for its run')), el));
  }
  if (!x) {
    ctx.root.append(notice('info', 'No explanation recorded', 'This regression was recorded without the runs needed to explain it.'));
    return;
  }
  const runsRow = h(
    'dl',
    { class: 'facts' },
    h('dt', null, 'Last good run'),
    h('dd', null, x.goodRun ? h('a', { href: link.run(x.goodRun) }, x.goodRun) : '–', ' ', h('span', { class: 'muted mono' }, softwareText(x.software.before))),
    h('dt', null, 'First bad run'),
    h('dd', null, x.badRun ? h('a', { href: link.run(x.badRun) }, x.badRun) : '–', ' ', h('span', { class: 'muted mono' }, softwareText(x.software.after))),
    h('dt', null, 'Compare'),
    h('dd', null, x.goodRun && x.badRun ? h('a', { href: link.compare({ baseRun: x.goodRun, headRun: x.badRun }) }, 'these two runs, metric by metric') : '–'),
    h('dt', null, 'Recorded'),
    h('dd', null, `${dateTime(r.createdAt)} (${ago(r.createdAt)})${r.note ? ` · note: ${r.note}` : ''}`),
  );
  const commits = table(
    [
      { key: 'sha', label: 'Commit', render: (c: Explanation['commits'][number]) => h('span', { class: 'mono' }, shortSha(c.sha)) },
      { key: 'subject', label: 'Subject', render: (c) => c.subject },
      { key: 'author', label: 'Author', render: (c) => c.author },
      { key: 'date', label: 'Date', render: (c) => h('span', { class: 'nowrap' }, c.date.slice(0, 10)) },
    ],
    x.commits,
    { empty: 'No commits between the two points (same software: look at config and inputs).' },
  );
  const config = table(
    [
      { key: 'task', label: 'Task', render: (c: Explanation['configChanges'][number]) => c.task },
      { key: 'field', label: 'Field', render: (c) => h('span', { class: 'mono' }, c.field) },
      { key: 'change', label: 'Before → after', render: (c) => [h('span', { class: 'diff-before mono' }, JSON.stringify(c.before)), ' → ', h('span', { class: 'diff-after mono' }, JSON.stringify(c.after))] },
    ],
    x.configChanges,
    { empty: 'No config field differs.' },
  );
  const inputs: Child = [
    x.inputCollections && x.inputCollections.before.join(',') !== x.inputCollections.after.join(',')
      ? h('div', { style: { marginBottom: '8px' } }, 'Input collections: ', h('span', { class: 'diff-before mono' }, x.inputCollections.before.join(', ')), ' → ', h('span', { class: 'diff-after mono' }, x.inputCollections.after.join(', ')))
      : h('div', { class: 'muted', style: { marginBottom: '8px' }, 'data-testid': 'input-collections' }, inputCollectionsText(x)),
    table(
      [
        { key: 'type', label: 'Dataset type', render: (c: Explanation['inputChanges'][number]) => [c.datasetType, c.isCalibration ? [' ', pill('calib', 'partial')] : null] },
        { key: 'dataId', label: 'Data ID', render: (c) => dataIdText(c.dataId) },
        { key: 'before', label: 'Before', render: (c) => (c.before ? h('a', { href: link.dataset(c.before.id) }, c.before.run) : '–') },
        { key: 'after', label: 'After', render: (c) => (c.after ? h('a', { href: link.dataset(c.after.id) }, c.after.run) : '–') },
      ],
      x.inputChanges,
      { empty: 'Inputs and calibrations are the same datasets.', limit: 30 },
    ),
  ];
  const quanta = table(
    [
      { key: 'task', label: 'Task', render: (q: Explanation['quanta'][number]) => q.task },
      { key: 'changed', label: 'Outputs changed', num: true, render: (q) => `${q.changed} of ${q.total}` },
      { key: 'bar', label: '', render: (q) => h('div', { class: 'progress', style: { width: '140px', height: '8px' } }, h('div', { style: { width: `${q.total ? (100 * q.changed) / q.total : 0}%`, background: '#cf222e' } })) },
    ],
    [...x.quanta].sort((a, b) => b.changed / (b.total || 1) - a.changed / (a.total || 1)),
    { empty: 'No quanta to compare.' },
  );
  const dataIds = table(
    [
      { key: 'dataId', label: 'Data ID', render: (d: Explanation['dataIds'][number]) => (datasetAt.get(JSON.stringify(d.dataId)) ? h('a', { href: link.dataset(datasetAt.get(JSON.stringify(d.dataId))!) }, dataIdText(d.dataId)) : dataIdText(d.dataId)) },
      { key: 'before', label: `Before${u ? ` (${u})` : ''}`, num: true, render: (d) => num(d.before) },
      { key: 'after', label: `After${u ? ` (${u})` : ''}`, num: true, render: (d) => num(d.after) },
      { key: 'delta', label: 'Δ', num: true, render: (d) => signed(d.delta) },
    ],
    x.dataIds,
    { empty: 'The metric has a single data ID.', limit: 20 },
  );
  ctx.root.append(
    h('div', { class: 'grid grid-2' }, section('Runs', runsRow), section(h('span', null, 'Commits ', h('span', { class: 'hint' }, 'between the last good and the first bad point')), commits)),
    h('div', { class: 'grid grid-2' }, section('Config changes', config), section('Inputs and calibrations', inputs)),
    h('div', { class: 'grid grid-2' }, section(h('span', null, 'Quanta whose outputs changed'), quanta), section(h('span', null, 'Data IDs that moved most ', h('span', { class: 'hint' }, 'click to open the dataset')), dataIds)),
  );
}

/** What the regressions list shows of each; the detail page reads the whole `Regression`. */
type RegressionRow = RegressionListQuery['regressions'][number];

export async function regressionsPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Regressions');
  const status = ctx.query.get('status') ?? '';
  const { regressions } = await gql(
    graphql(`query RegressionList($s: RegressionStatus) { regressions(status: $s) { id metric dataset branch dataId kind status firstBadCommit createdAt finding { relativeDelta } } }`),
    { s: (status || null) as RegressionStatus | null },
    ctx.signal,
  );
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h('div', { class: 'title-block' }, h('h1', null, 'Regressions'), h('div', { class: 'subtitle' }, 'Changes detected in series (spec breaches, significant shifts, change points), newest first.')),
      h('div', { class: 'controls' }, select('Status', [{ value: '', label: 'any' }, ...['open', 'acknowledged', 'fixed', 'false_alarm'].map((s) => ({ value: s }))], status, (s) => ctx.setQuery({ status: s }, { rerender: true }))),
    ),
  );
  if (!regressions.length) {
    ctx.root.append(notice('empty', status ? `No ${status} regressions` : 'No regressions recorded', 'Series are scanned with ', h('code', null, 'scanSeries'), ' (GraphQL) after runs; what it finds shows up here.'));
    return;
  }
  ctx.root.append(
    section(
      `${regressions.length} regressions`,
      table(
        [
          { key: 'id', label: '#', render: (r: RegressionRow) => h('a', { href: link.regression(r.id) }, `#${r.id}`) },
          { key: 'metric', label: 'Metric', render: (r) => h('a', { href: link.metric(r.metric, { dataset: r.dataset, branch: r.branch }) }, r.metric) },
          { key: 'where', label: 'Dataset · branch', render: (r) => `${r.dataset} · ${r.branch}` },
          { key: 'dataId', label: 'Data ID', render: (r) => dataIdText(r.dataId) },
          { key: 'kind', label: 'Kind', render: (r) => r.kind },
          { key: 'delta', label: 'Change', num: true, render: (r) => percent(r.finding.relativeDelta) },
          { key: 'commit', label: 'First bad', render: (r) => h('span', { class: 'mono' }, shortSha(r.firstBadCommit)) },
          { key: 'status', label: 'Status', render: (r) => pill(r.status, r.status) },
          { key: 'created', label: 'Found', render: (r) => ago(r.createdAt) },
        ],
        regressions,
        { onRowClick: (r) => ctx.navigate(link.regression(r.id)) },
      ),
    ),
  );
}
