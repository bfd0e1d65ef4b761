import type { ECharts } from 'echarts/core';
import { mountChart, STATUS_COLORS } from '../charts.ts';
import { h, namedSection, notice, pill, section, select } from '../dom.ts';
import { ago, bytes, dataIdText, dateTime, duration, num, shortSha, unitLabel } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { runGraphHeightPx, runGraphOption, taskLayers, type Progress } from './run-graph.ts';
import { graphql } from '../generated/gql.ts';
import type { RunQuery } from '../generated/graphql.ts';

type Run = NonNullable<RunQuery['run']>;
type Quantum = Run['quanta'][number];

const ACTIVE = new Set(['pending', 'running']);
const POLL_MS = 2000;

function progressBar(p: Progress): HTMLElement {
  const parts: [keyof Progress, string][] = [
    ['succeeded', STATUS_COLORS.succeeded!],
    ['running', STATUS_COLORS.running!],
    ['failed', STATUS_COLORS.failed!],
    ['blocked', STATUS_COLORS.blocked!],
    ['pending', '#d0d7de'],
  ];
  return h(
    'div',
    { 'data-testid': 'progress' },
    h('div', { class: 'progress' }, ...parts.map(([k, color]) => h('div', { style: { width: `${p.total ? (100 * p[k]) / p.total : 0}%`, background: color }, title: `${k}: ${p[k]}` }))),
    h('div', { class: 'legend' }, ...parts.map(([k, color]) => h('span', null, h('span', { class: 'swatch', style: { background: color } }), `${k} ${p[k]}`)), h('b', { 'data-testid': 'progress-done' }, `${p.succeeded}/${p.total} quanta done`)),
  );
}

function softwareText(s: Run['software']): string {
  if (!s) return '–';
  return [s.commit ? shortSha(s.commit) : 'no commit', s.branch ? `on ${s.branch}` : '', s.tag ? `tag ${s.tag}` : '', s.dirty ? '(dirty)' : ''].filter(Boolean).join(' ');
}

export async function runPage(ctx: PageContext): Promise<void> {
  const name = ctx.params[0]!;
  ctx.setTitle(name);
  const { run, measurements } = await gql(
    graphql(`query Run($n: String!) {
      run(name: $n) {
        name owner purpose status pipelineFile inputs where configOverrides software { commit branch tag dirty repo } executor error createdAt startedAt endedAt progress { ...ProgressCounts }
        ...TaskGraphView
        quanta(limit: 5000) { id taskLabel dataId status startedAt endedAt host peakMemoryBytes error outputs { id datasetType dataId } }
      }
      measurements(runs: [$n], limit: 5000) { metric value unit dataId datasetId }
    }`),
    { n: name },
    ctx.signal,
  );
  if (!run) {
    ctx.root.append(notice('empty', `No run named ${name}`, h('a', { href: link.runs() }, 'See all runs')));
    return;
  }

  const statusPill = h('span', { 'data-testid': 'run-status' }, pill(run.status, run.status));
  const progressHolder = h('div', null, progressBar(run.progress));
  const live = h('div', { class: 'muted', style: { marginTop: '6px' } }, ACTIVE.has(run.status) ? `live: updating every ${POLL_MS / 1000} s` : `finished ${ago(run.endedAt)} after ${duration(run.startedAt, run.endedAt)}`);
  const facts = h(
    'dl',
    { class: 'facts' },
    ...([
      ['Pipeline', h('span', { class: 'mono' }, run.pipelineFile)],
      ['Inputs', run.inputs.join(', ')],
      ['Data query', run.where || '(everything)'],
      ['Software', softwareText(run.software)],
      ['Executor', run.executor],
      ['Created', `${dateTime(run.createdAt)} (${ago(run.createdAt)})`],
      ['Ran', run.startedAt ? `${dateTime(run.startedAt)} for ${duration(run.startedAt, run.endedAt)}` : 'not started'],
      ['Config overrides', Object.keys(run.configOverrides).length ? h('pre', { class: 'json' }, JSON.stringify(run.configOverrides, null, 2)) : 'none'],
    ] as const).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
  );
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('div', { class: 'crumbs' }, h('a', { href: link.runs() }, 'Runs'), ' / run'),
        h('h1', { class: 'row' }, h('span', { 'data-testid': 'run-name' }, run.name), statusPill),
        h('div', { class: 'subtitle' }, `${run.purpose} run by ${run.owner}`),
      ),
    ),
    run.error ? notice('error', 'The run failed', run.error) : '',
    h('div', { class: 'grid grid-2' }, section('Details', facts), section('Progress', progressHolder, live)),
  );

  // Provenance graph of tasks; clicking a task filters the quanta below.
  const taskFilter = { value: ctx.query.get('task') ?? '' };
  let graphChart: ECharts | undefined;
  const graph = run.taskGraph;
  const graphEl = h('div', { class: 'chart', 'data-testid': 'task-graph', style: { height: `${runGraphHeightPx(graph)}px` } });
  if (graph.nodes.length) {
    mountChart(ctx, graphEl, (el) => runGraphOption(graph, el.clientWidth), {
      id: 'run-graph',
      onReady: (chart) => {
        graphChart = chart;
        chart.on('click', (p) => {
          const id = (p.data as { id?: string } | undefined)?.id;
          if (p.dataType === 'node' && id?.startsWith('task:')) {
            taskFilter.value = id.slice(5);
            ctx.setQuery({ task: taskFilter.value });
            drawQuanta();
          }
        });
      },
    });
    ctx.root.append(section(h('span', null, 'Provenance graph ', h('span', { class: 'hint' }, 'inputs on top, data flowing down through the tasks, colored by their quanta; click a task to list its quanta')), graphEl));
  }

  // Quanta, with their logs on demand.
  const statusFilter = { value: ctx.query.get('status') ?? '' };
  const quantaHolder = h('div', null);
  const logHolder = h('div', null);
  // Tasks in pipeline order (as the graph lays them out), quanta by data ID within a task.
  const taskOrder = taskLayers(graph);
  run.quanta.sort((a, b) => (taskOrder.get(a.taskLabel) ?? 0) - (taskOrder.get(b.taskLabel) ?? 0) || a.taskLabel.localeCompare(b.taskLabel) || dataIdText(a.dataId).localeCompare(dataIdText(b.dataId), undefined, { numeric: true }));
  const tasks = [...new Set(run.quanta.map((q) => q.taskLabel))];
  const showLog = async (q: Quantum) => {
    logHolder.replaceChildren(h('div', { class: 'muted' }, 'loading the log…'));
    const { quantum } = await gql(graphql(`query Quantum($id: ID!) { quantum(id: $id) { log error configHash } }`), { id: q.id }, ctx.signal);
    logHolder.replaceChildren(
      h('div', { class: 'row' }, h('b', null, `${q.taskLabel} ${dataIdText(q.dataId)}`), pill(q.status, q.status), h('span', { class: 'muted mono' }, `config ${shortSha(quantum?.configHash ?? null)}`)),
      quantum?.error ? h('pre', { class: 'log', style: { color: '#ffb4ae' } }, quantum.error) : '',
      h('pre', { class: 'log', 'data-testid': 'quantum-log' }, quantum?.log || '(no log output)'),
    );
  };
  const showAll = { value: false };
  const drawQuanta = () => {
    const rows = run.quanta.filter((q) => (!taskFilter.value || q.taskLabel === taskFilter.value) && (!statusFilter.value || q.status === statusFilter.value));
    quantaHolder.replaceChildren(
      h(
        'div',
        { class: 'row', style: { marginBottom: '8px' } },
        select('Task', [{ value: '', label: 'all tasks' }, ...tasks.map((t) => ({ value: t }))], taskFilter.value, (v) => {
          taskFilter.value = v;
          ctx.setQuery({ task: v });
          drawQuanta();
        }),
        select('Status', [{ value: '', label: 'any' }, ...['succeeded', 'failed', 'blocked', 'running', 'pending'].map((s) => ({ value: s }))], statusFilter.value, (v) => {
          statusFilter.value = v;
          ctx.setQuery({ status: v });
          drawQuanta();
        }),
      ),
      table(
        [
          { key: 'task', label: 'Task', render: (q: Quantum) => q.taskLabel },
          { key: 'dataId', label: 'Data ID', render: (q: Quantum) => dataIdText(q.dataId) },
          { key: 'status', label: 'Status', render: (q: Quantum) => pill(q.status, q.status) },
          { key: 'time', label: 'Duration', num: true, render: (q: Quantum) => duration(q.startedAt, q.endedAt) },
          { key: 'mem', label: 'Peak memory', num: true, render: (q: Quantum) => bytes(q.peakMemoryBytes) },
          { key: 'host', label: 'Host', render: (q: Quantum) => q.host ?? '–' },
          { key: 'outputs', label: 'Outputs', render: (q: Quantum) => q.outputs.flatMap((o, i) => [i ? ', ' : '', h('a', { href: link.dataset(o.id), onclick: (e: Event) => e.stopPropagation() }, o.datasetType)]) },
        ],
        rows,
        {
          limit: showAll.value ? undefined : 50,
          onShowAll: () => {
            showAll.value = true;
            drawQuanta();
          },
          onRowClick: (q) => void showLog(q),
          empty: 'No quantum matches.',
        },
      ),
    );
  };
  drawQuanta();
  ctx.root.append(namedSection('quanta', h('span', null, 'Quanta ', h('span', { class: 'hint' }, 'click a row for its log')), quantaHolder, logHolder));

  if (measurements.length) {
    ctx.root.append(
      section(
        h('span', null, 'Measurements ', h('span', { class: 'hint' }, `${measurements.length} from this run`)),
        table(
          [
            { key: 'metric', label: 'Metric', render: (m: (typeof measurements)[number]) => h('a', { href: link.metric(m.metric) }, m.metric) },
            { key: 'dataId', label: 'Data ID', render: (m) => (m.datasetId ? h('a', { href: link.dataset(m.datasetId) }, dataIdText(m.dataId)) : dataIdText(m.dataId)) },
            { key: 'value', label: 'Value', num: true, render: (m) => num(m.value) },
            { key: 'unit', label: 'Unit', render: (m) => unitLabel(m.unit) },
          ],
          measurements,
          { limit: 50 },
        ),
      ),
    );
  }
  const outputs = run.quanta.flatMap((q) => q.outputs);
  const byType = new Map<string, Quantum['outputs']>();
  for (const o of outputs) byType.set(o.datasetType, [...(byType.get(o.datasetType) ?? []), o]);
  ctx.root.append(
    section(
      h('span', null, 'Outputs ', h('span', { class: 'hint' }, `${outputs.length} datasets written to ${run.name}`)),
      table(
        [
          // A run's src catalogs have a sky map (built when the run succeeds).
          { key: 'type', label: 'Dataset type', render: ([t]: [string, Quantum['outputs']]) => (t === 'src' && run.status === 'succeeded' ? [t, ' · ', h('a', { href: link.skyMap(run.name), class: 'sky-map-link' }, 'sky map')] : t) },
          { key: 'n', label: 'Datasets', num: true, render: ([, os]) => os.length },
          {
            key: 'ids',
            label: 'Data IDs',
            render: ([, os]) => [...os.slice(0, 8).flatMap((o, i) => [i ? ', ' : '', h('a', { href: link.dataset(o.id) }, dataIdText(o.dataId))]), os.length > 8 ? ` and ${os.length - 8} more` : ''],
          },
        ],
        [...byType.entries()],
        { empty: ACTIVE.has(run.status) ? 'No outputs yet.' : 'This run wrote no datasets.' },
      ),
    ),
  );

  if (ACTIVE.has(run.status)) {
    const timer = setInterval(() => {
      void gql(
        graphql(`query RunProgressPoll($n: String!) { run(name: $n) { status endedAt progress { ...ProgressCounts } ...TaskGraphView } }`),
        { n: name },
        ctx.signal,
      )
        .then(({ run: now }) => {
          if (!now) return;
          progressHolder.replaceChildren(progressBar(now.progress));
          statusPill.replaceChildren(pill(now.status, now.status));
          graphChart?.setOption(runGraphOption(now.taskGraph, graphEl.clientWidth));
          // Finished: load everything again (outputs, measurements, logs).
          if (!ACTIVE.has(now.status)) ctx.reload();
        })
        .catch(() => undefined);
    }, POLL_MS);
    ctx.onLeave(() => clearInterval(timer));
  }
}
