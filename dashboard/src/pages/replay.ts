import type { ECharts } from 'echarts/core';
import { axisName, mountChart, PALETTE, type ChartOption } from '../charts.ts';
import { h, namedSection, notice, pill, section, select } from '../dom.ts';
import { ago, dateTime, num, signed } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { ReplayComparisonViewQuery, ReplayListViewQuery, ReplayViewQuery } from '../generated/graphql.ts';

/**
 * Alert-production replays (docs/alert-production.md): the list, and a replay's page that polls
 * while it runs (visits appearing with stage, latency and counts; a latency chart), with
 * "Compare with" another replay: settings that differ, deltas, alerts matched, visits side by side.
 */

type Replay = NonNullable<ReplayViewQuery['replay']>;
type Visit = Replay['visits'][number];
type Comparison = ReplayComparisonViewQuery['replayComparison'];
type ListedReplay = ReplayListViewQuery['replays'][number];

const ACTIVE = new Set(['pending', 'running']);
const POLL_MS = 1000;

const REPLAY_VIEW = graphql(`
  query ReplayView($id: Int!) {
    replay(id: $id) {
      id owner status instrument codeRef associationRadiusArcsec speed alertSubject error inputs pipeline createdAt startedAt endedAt
      visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } }
    }
  }
`);

const ms = (v: number | null | undefined) => (v === null || v === undefined ? '–' : `${Math.round(v)}`);

/**
 * Percentile by linear interpolation between order statistics (numpy's default), as the server's
 * replay metrics, comparison and `vera replay status` compute it (server/util/percentile.ts).
 */
function percentile(values: readonly number[], p: number): number | null {
  if (values.length === 0) return null;
  const s = [...values].sort((a, b) => a - b);
  const h = ((s.length - 1) * Math.min(100, Math.max(0, p))) / 100;
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, s.length - 1);
  return s[lo]! + (h - lo) * (s[hi]! - s[lo]!);
}

function latencies(visits: readonly Visit[]): number[] {
  return visits.flatMap((v) => (v.stage === 'published' && v.latencyMs !== null && v.latencyMs !== undefined ? [v.latencyMs] : []));
}

export async function replaysPage(ctx: PageContext): Promise<void> {
  ctx.setTitle('Replays');
  const { replays } = await gql(
    graphql(`query ReplayListView { replays(limit: 200) { id owner status instrument codeRef speed createdAt endedAt visits { stage latencyMs } } }`),
    {},
    ctx.signal,
  );
  ctx.root.append(
    h('div', { class: 'page-head' }, h('div', { class: 'title-block' }, h('h1', null, 'Replays'), h('div', { class: 'subtitle' }, 'Alert-production replays, newest first: visits in observation order through AP, with alert latency.'))),
  );
  if (replays.length === 0) {
    ctx.root.append(notice('empty', 'No replays yet', 'Start one with ', h('code', null, 'vera replay start --instrument SimCam --inputs SimCam/defaults,templates/simcam --as-fast-as-possible'), '.'));
    return;
  }
  const p95 = (r: ListedReplay) => percentile(latencies(r.visits as Visit[]), 95);
  ctx.root.append(
    namedSection(
      'replays',
      `${replays.length} replays`,
      table(
        [
          { key: 'id', label: 'Replay', render: (r: ListedReplay) => h('a', { href: link.replay(r.id), class: 'replay-link' }, `#${r.id}`) },
          { key: 'status', label: 'Status', render: (r) => pill(r.status, r.status) },
          { key: 'instrument', label: 'Instrument', render: (r) => r.instrument },
          { key: 'code', label: 'Code', render: (r) => h('span', { class: 'mono' }, r.codeRef) },
          { key: 'speed', label: 'Speed', render: (r) => (r.speed ? `×${r.speed}` : 'as fast as possible') },
          { key: 'visits', label: 'Visits', num: true, render: (r) => `${r.visits.filter((v) => v.stage === 'published').length}/${r.visits.length}` },
          { key: 'p95', label: 'Latency p95 (ms)', num: true, render: (r) => ms(p95(r)) },
          { key: 'owner', label: 'Owner', render: (r) => r.owner },
          { key: 'created', label: 'Created', render: (r) => ago(r.createdAt) },
        ],
        replays,
      ),
    ),
  );
}

function latencyChart(series: { name: string; visits: readonly Visit[] }[]): ChartOption {
  return {
    grid: { left: 72, right: 24, top: series.length > 1 ? 36 : 20, bottom: 44 },
    tooltip: { trigger: 'axis', valueFormatter: (v: unknown) => `${ms(v as number)} ms` },
    legend: series.length > 1 ? { top: 0 } : undefined,
    xAxis: { type: 'value', ...axisName('visit in observation order', { nameGap: 26, minInterval: 1, min: 0 }) },
    yAxis: { type: 'value', ...axisName('alert latency (ms)', { nameGap: 54 }) },
    series: series.map((s, i) => ({
      type: 'line' as const,
      name: s.name,
      color: PALETTE[i],
      symbolSize: 7,
      data: s.visits.filter((v) => v.stage === 'published' && v.latencyMs !== null).map((v) => [v.seq, v.latencyMs!]),
    })),
  };
}

function visitsTable(visits: readonly Visit[]): HTMLElement {
  return table(
    [
      { key: 'seq', label: '#', num: true, render: (v: Visit) => v.seq },
      { key: 'visit', label: 'Visit', render: (v) => h('span', { class: 'mono' }, String(v.visit)) },
      { key: 'stage', label: 'Stage', render: (v) => pill(v.stage, v.stage === 'published' ? 'succeeded' : v.stage === 'associated' ? 'running' : 'pending') },
      { key: 'latency', label: 'Latency (ms)', num: true, render: (v) => ms(v.latencyMs) },
      { key: 'dia', label: 'DiaSources', num: true, render: (v) => v.diaSources ?? '–' },
      { key: 'new', label: 'New DiaObjects', num: true, render: (v) => v.newDiaObjects ?? '–' },
      { key: 'alerts', label: 'Alerts', num: true, render: (v) => v.alerts ?? '–' },
      { key: 'process', label: 'Process (ms)', num: true, render: (v) => ms(v.timings.processMs) },
      { key: 'associate', label: 'Associate (ms)', num: true, render: (v) => ms(v.timings.associateMs) },
      { key: 'package', label: 'Package (ms)', num: true, render: (v) => ms(v.timings.packageMs) },
      { key: 'publish', label: 'Publish (ms)', num: true, render: (v) => ms(v.timings.publishMs) },
    ],
    visits,
    { rowClass: (v) => `replay-visit stage-${v.stage}` },
  );
}

function progressText(r: Replay): string {
  const lat = latencies(r.visits);
  const published = r.visits.filter((v) => v.stage === 'published').length;
  return `${published}/${r.visits.length} visits published` + (lat.length ? ` · latency p50 ${ms(percentile(lat, 50))} ms, p95 ${ms(percentile(lat, 95))} ms, max ${ms(Math.max(...lat))} ms` : '');
}

function comparisonView(c: Comparison): HTMLElement {
  const a = c.a;
  const b = c.b;
  const al = c.alerts;
  return h(
    'div',
    { 'data-testid': 'replay-diff' },
    ...c.warnings.map((w) => notice('info', 'Partial comparison', w)),
    h('div', { class: 'subtitle' }, `Replay #${b.id} (${b.codeRef}) against #${a.id} (${a.codeRef}), ${c.commonVisits.length} common visits; deltas are #${b.id} − #${a.id}.`),
    h('h3', null, 'Settings that differ'),
    c.differences.length
      ? table(
          [
            { key: 'key', label: 'Setting', render: (d: Comparison['differences'][number]) => h('span', { class: 'mono' }, d.key) },
            { key: 'a', label: `#${a.id}`, render: (d) => d.a ?? '(unset)' },
            { key: 'b', label: `#${b.id}`, render: (d) => d.b ?? '(unset)' },
          ],
          c.differences,
          { rowClass: () => 'replay-difference' },
        )
      : h('div', { class: 'muted' }, 'None: same code, instrument, speed and config.'),
    h('h3', null, 'Summary'),
    table(
      [
        { key: 'name', label: 'Measure', render: (d: Comparison['deltas'][number]) => d.name },
        { key: 'unit', label: 'Unit', render: (d) => d.unit },
        { key: 'a', label: `#${a.id}`, num: true, render: (d) => num(d.a) },
        { key: 'b', label: `#${b.id}`, num: true, render: (d) => num(d.b) },
        { key: 'delta', label: 'Delta', num: true, render: (d) => signed(d.delta) },
      ],
      c.deltas,
      { rowClass: (d) => `replay-delta delta-${d.name.replace(/\s+/g, '-')}` },
    ),
    h(
      'p',
      { 'data-testid': 'replay-alert-match' },
      `Alerts matched within ${al.matchRadiusArcsec}″ on visits both published: ${al.matched} matched, ${al.onlyInA} only in #${a.id}, ${al.onlyInB} only in #${b.id}`,
      al.medianFluxDiffSigma === null || al.medianFluxDiffSigma === undefined ? '.' : `; |Δ psfFlux| median ${num(al.medianFluxDiffSigma, 3)}σ, max ${num(al.maxFluxDiffSigma, 3)}σ.`,
    ),
    h('h3', null, 'Visits side by side'),
    table(
      [
        { key: 'visit', label: 'Visit', render: (v: Comparison['visits'][number]) => h('span', { class: 'mono' }, String(v.visit)) },
        { key: 'la', label: `Latency #${a.id}`, num: true, render: (v) => ms(v.a?.latencyMs) },
        { key: 'lb', label: `Latency #${b.id}`, num: true, render: (v) => ms(v.b?.latencyMs) },
        { key: 'ld', label: 'Δ ms', num: true, render: (v) => (v.latencyDeltaMs === null || v.latencyDeltaMs === undefined ? '–' : signed(Math.round(v.latencyDeltaMs))) },
        { key: 'da', label: `DiaSources #${a.id}`, num: true, render: (v) => v.a?.diaSources ?? '–' },
        { key: 'db', label: `DiaSources #${b.id}`, num: true, render: (v) => v.b?.diaSources ?? '–' },
        { key: 'na', label: `New #${a.id}`, num: true, render: (v) => v.a?.newDiaObjects ?? '–' },
        { key: 'nb', label: `New #${b.id}`, num: true, render: (v) => v.b?.newDiaObjects ?? '–' },
        { key: 'aa', label: `Alerts #${a.id}`, num: true, render: (v) => v.a?.alerts ?? '–' },
        { key: 'ab', label: `Alerts #${b.id}`, num: true, render: (v) => v.b?.alerts ?? '–' },
        { key: 'm', label: 'Matched', num: true, render: (v) => v.alertsMatched ?? '–' },
        { key: 'oa', label: `Only #${a.id}`, num: true, render: (v) => v.alertsOnlyInA ?? '–' },
        { key: 'ob', label: `Only #${b.id}`, num: true, render: (v) => v.alertsOnlyInB ?? '–' },
        { key: 'pa', label: `Process #${a.id}`, num: true, render: (v) => ms(v.a?.timings.processMs) },
        { key: 'pb', label: `Process #${b.id}`, num: true, render: (v) => ms(v.b?.timings.processMs) },
      ],
      c.visits,
      { rowClass: () => 'replay-diff-visit' },
    ),
  );
}

export async function replayPage(ctx: PageContext): Promise<void> {
  const id = Number(ctx.params[0]);
  ctx.setTitle(`Replay #${id}`);
  const compareWith = Number(ctx.query.get('compare') ?? '') || null;
  const [{ replay }, { replays }] = await Promise.all([
    gql(REPLAY_VIEW, { id }, ctx.signal),
    gql(graphql(`query ReplayChoices { replays(limit: 200) { id codeRef status instrument } }`), {}, ctx.signal),
  ]);
  if (!replay) {
    ctx.root.append(notice('empty', `No replay #${id}`, h('a', { href: link.replays() }, 'See all replays')));
    return;
  }
  const comparison = compareWith
    ? await gql(
        graphql(`query ReplayComparisonView($a: Int!, $b: Int!) {
          replayComparison(a: $a, b: $b) {
            a { id codeRef visits { seq visit stage latencyMs diaSources newDiaObjects alerts timings { processMs associateMs packageMs publishMs } } }
            b { id codeRef }
            warnings differences { key a b } commonVisits onlyInA onlyInB
            deltas { name unit a b delta }
            alerts { matchRadiusArcsec matched onlyInA onlyInB medianFluxDiffSigma maxFluxDiffSigma }
            visits {
              visit latencyDeltaMs alertsMatched alertsOnlyInA alertsOnlyInB
              a { latencyMs diaSources newDiaObjects alerts timings { processMs } }
              b { latencyMs diaSources newDiaObjects alerts timings { processMs } }
            }
          }
        }`),
        { a: compareWith, b: id },
        ctx.signal,
      ).then(
        (r) => r.replayComparison,
        (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
      )
    : null;

  const statusPill = h('span', { 'data-testid': 'replay-status' }, pill(replay.status, replay.status));
  const progress = h('div', { 'data-testid': 'replay-progress' }, progressText(replay));
  const live = h('div', { class: 'muted', style: { marginTop: '6px' } }, ACTIVE.has(replay.status) ? `live: updating every ${POLL_MS / 1000} s` : replay.endedAt ? `ended ${ago(replay.endedAt)}` : '');
  const facts = h(
    'dl',
    { class: 'facts' },
    ...([
      ['Instrument', replay.instrument],
      ['Code', h('span', { class: 'mono' }, replay.codeRef)],
      ['Pipeline', h('span', { class: 'mono' }, replay.pipeline)],
      ['Inputs', replay.inputs.join(', ') || '–'],
      ['Association radius', `${replay.associationRadiusArcsec}″`],
      ['Clock', replay.speed ? `×${replay.speed} (observatory seconds per wall second)` : 'as fast as possible'],
      ['Alerts', replay.alertSubject ? h('span', { class: 'mono' }, replay.alertSubject) : 'stored only (no stream)'],
      ['Created', `${dateTime(replay.createdAt)} by ${replay.owner}`],
    ] as const).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
  const others = replays.filter((r) => r.id !== id);
  const chooser = select(
    'Compare with',
    [{ value: '', label: 'none' }, ...others.map((r) => ({ value: String(r.id), label: `#${r.id} ${r.codeRef} (${r.instrument}, ${r.status})` }))],
    compareWith ? String(compareWith) : '',
    (v) => ctx.setQuery({ compare: v || null }, { rerender: true }),
    { 'data-testid': 'replay-compare-with' },
  );
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('div', { class: 'crumbs' }, h('a', { href: link.replays() }, 'Replays'), ' / replay'),
        h('h1', { class: 'row' }, h('span', null, `Replay #${replay.id}`), statusPill),
        h('div', { class: 'subtitle' }, `${replay.instrument} visits in observation order through AP, code ${replay.codeRef}`),
      ),
      h('div', { class: 'controls' }, chooser),
    ),
    replay.error ? notice('error', 'The replay failed', replay.error) : '',
    h('div', { class: 'grid grid-2' }, section('Details', facts), section('Progress', progress, live)),
  );

  const chartSeries = (r: Replay) => [{ name: `#${r.id} ${r.codeRef}`, visits: r.visits }, ...(comparison && !(comparison instanceof Error) ? [{ name: `#${comparison.a.id} ${comparison.a.codeRef}`, visits: comparison.a.visits }] : [])];
  let chart: ECharts | undefined;
  const chartEl = h('div', { class: 'chart replay-latency', 'data-testid': 'replay-latency', style: { height: '260px' } });
  mountChart(ctx, chartEl, latencyChart(chartSeries(replay)), { id: 'replay-latency', onReady: (c) => (chart = c) });
  ctx.root.append(section(h('span', null, 'Alert latency per visit ', h('span', { class: 'hint' }, 'alert published − shutter close on the replay clock')), chartEl));

  const visitsHolder = h('div', null, visitsTable(replay.visits));
  ctx.root.append(namedSection('replay-visits', 'Visits', visitsHolder));

  if (comparison instanceof Error) ctx.root.append(notice('error', `Cannot compare with replay #${compareWith}`, comparison.message));
  else if (comparison) ctx.root.append(section(`Compared with replay #${comparison.a.id}`, comparisonView(comparison)));

  if (ACTIVE.has(replay.status)) {
    const timer = setInterval(() => {
      void gql(REPLAY_VIEW, { id }, ctx.signal)
        .then(({ replay: now }) => {
          if (!now) return;
          // Finished: render again, so the comparison covers every visit.
          if (!ACTIVE.has(now.status)) return ctx.reload();
          statusPill.replaceChildren(pill(now.status, now.status));
          progress.textContent = progressText(now);
          visitsHolder.replaceChildren(visitsTable(now.visits));
          chart?.setOption(latencyChart(chartSeries(now)));
        })
        .catch(() => undefined);
    }, POLL_MS);
    ctx.onLeave(() => clearInterval(timer));
  }
}
