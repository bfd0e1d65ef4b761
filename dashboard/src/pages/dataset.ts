import { mountChart, STATUS_COLORS, type ChartOption } from '../charts.ts';
import { frameNodes, layeredGraphSeries, layeredLayout, spacingFor } from '../dag.ts';
import { h, namedSection, notice, pill, section } from '../dom.ts';
import { bytes, dataIdText, dateTime, duration, num, shortSha, unitLabel } from '../format.ts';
import { gql } from '../gql.ts';
import { link } from '../links.ts';
import type { PageContext } from '../router.ts';
import { table } from '../table.ts';
import { graphql } from '../generated/gql.ts';
import type { DatasetQuery } from '../generated/graphql.ts';

type Step = DatasetQuery['provenance'][number];

/** Above this many datasets side by side, the graph shows one node per dataset type and run. */
const MAX_PER_LAYER = 6;
const DY = 64;
const MARGIN_Y = 30;

/** The graph's nodes and edges, one node per dataset (or per type and run when there are many). */
function provenanceGraph(steps: Step[], selfId: string, grouped = false): ReturnType<typeof build> {
  const g = build(steps, selfId, grouped);
  return !grouped && g.layout.widest > MAX_PER_LAYER ? build(steps, selfId, true) : g;
}

function build(steps: Step[], selfId: string, grouped: boolean) {
  const keyOf = (s: Step) => (grouped && s.dataset.id !== selfId ? `${s.dataset.datasetType}@${s.dataset.run}` : s.dataset.id);
  const byId = new Map(steps.map((s) => [s.dataset.id, s]));
  const nodes = new Map<string, { step: Step; count: number }>();
  for (const s of steps) {
    const k = keyOf(s);
    nodes.set(k, { step: nodes.get(k)?.step ?? s, count: (nodes.get(k)?.count ?? 0) + 1 });
  }
  const edges = new Set<string>();
  for (const s of steps) for (const i of s.inputIds) if (byId.has(i) && keyOf(byId.get(i)!) !== keyOf(s)) edges.add(`${keyOf(byId.get(i)!)}\n${keyOf(s)}`);
  const pairs = [...edges].map((e) => e.split('\n') as [string, string]);
  return { grouped, nodes, pairs, layout: layeredLayout([...nodes.keys()], pairs, { dy: DY }) };
}

function provenanceOption(graph: ReturnType<typeof provenanceGraph>, selfId: string, widthPx: number): ChartOption {
  const { grouped, nodes, pairs, layout } = graph;
  const dx = spacingFor(layout.widest, widthPx, 220);
  const nodeW = Math.max(110, Math.min(200, dx - 12));
  return {
    animation: false,
    tooltip: { formatter: (p: unknown) => (p as { data: { tip?: string } }).data.tip ?? '' },
    series: [
      {
        ...layeredGraphSeries(1.2),
        label: { show: true, fontSize: 11.5, color: '#24292f' },
        data: [
          ...frameNodes(widthPx, -MARGIN_Y, (layout.layers - 1) * DY + MARGIN_Y),
          ...[...nodes.entries()].map(([k, { step: s, count }]) => {
            const p = layout.pos.get(k)!;
            const isSelf = s.dataset.id === selfId;
            const ingested = !s.quantum;
            return {
              id: k,
              name: grouped && !isSelf ? `${s.dataset.datasetType} ×${count}\n${s.dataset.run}` : `${s.dataset.datasetType}\n${dataIdText(s.dataset.dataId)}`,
              x: (p.x / 200) * dx,
              y: p.y,
              datasetId: grouped && !isSelf ? undefined : s.dataset.id,
              symbol: 'roundRect',
              symbolSize: [nodeW, 38],
              itemStyle: isSelf
                ? { color: '#2f6fdf' }
                : ingested
                  ? { color: '#fff8c5', borderColor: '#bf8700', borderWidth: 1 }
                  : { color: s.stored ? '#f6f8fa' : '#ffffff', borderColor: s.quantum?.status === 'failed' ? STATUS_COLORS.failed : '#8c959f', borderWidth: 1, borderType: s.stored ? ('solid' as const) : ('dashed' as const) },
              label: { color: isSelf ? '#fff' : '#24292f', width: nodeW - 10, overflow: 'truncate' as const, lineHeight: 14 },
              tip: grouped && !isSelf
                ? `<b>${count} ${s.dataset.datasetType}</b> datasets in ${s.dataset.run}`
                : `<b>${s.dataset.datasetType}</b> ${dataIdText(s.dataset.dataId, { full: true })}<br/>run ${s.dataset.run}<br/>${s.quantum ? `made by ${s.quantum.taskLabel}` : 'ingested (raw or calibration)'}${s.stored ? '' : '<br/>not stored (intermediate)'}`,
            };
          }),
        ],
        links: pairs.map(([source, target]) => ({ source, target })),
      },
    ],
  };
}

export async function datasetPage(ctx: PageContext): Promise<void> {
  const id = ctx.params[0]!;
  ctx.setTitle(`Dataset ${id.slice(0, 8)}`);
  const { dataset, provenance, measurements } = await gql(
    graphql(`query Dataset($id: ID!) {
      dataset(id: $id) { id datasetType run dataId path sizeBytes checksum createdAt }
      provenance(datasetId: $id) { stored inputIds dataset { id datasetType run dataId } quantum { id taskLabel status startedAt endedAt host configHash software { commit dirty } } }
      measurements(datasetId: $id) { metric value unit }
    }`),
    { id },
    ctx.signal,
  ).catch((e: Error) => {
    if (/UNKNOWN_DATASET|not found|no dataset/i.test(e.message)) return { dataset: null, provenance: [], measurements: [] };
    throw e;
  });
  if (!dataset) {
    ctx.root.append(notice('empty', `No dataset ${id}`, 'The id may be mistyped, or the dataset was pruned.'));
    return;
  }
  const self = provenance.find((s) => s.dataset.id === id);
  const raws = provenance.filter((s) => !s.quantum);
  ctx.root.append(
    h(
      'div',
      { class: 'page-head' },
      h(
        'div',
        { class: 'title-block' },
        h('div', { class: 'crumbs' }, h('a', { href: link.run(dataset.run) }, dataset.run), ' / dataset'),
        h('h1', null, `${dataset.datasetType} `, h('span', { class: 'muted', style: { fontWeight: '400' } }, dataIdText(dataset.dataId))),
        h('div', { class: 'subtitle mono' }, dataset.id),
      ),
    ),
    h(
      'div',
      { class: 'grid grid-2' },
      section(
        'Details',
        h(
          'dl',
          { class: 'facts' },
          ...([
            ['Run', h('a', { href: link.run(dataset.run) }, dataset.run)],
            ['Data ID', dataIdText(dataset.dataId, { full: true })],
            ['Made by', self?.quantum ? `${self.quantum.taskLabel} (${duration(self.quantum.startedAt, self.quantum.endedAt)} on ${self.quantum.host ?? '?'})` : 'ingested'],
            ['Software', self?.quantum?.software ? `${shortSha(self.quantum.software.commit ?? null)}${self.quantum.software.dirty ? ' (dirty)' : ''}` : '–'],
            ['Config hash', h('span', { class: 'mono' }, shortSha(self?.quantum?.configHash ?? null))],
            ['File', h('span', { class: 'mono' }, dataset.path)],
            ['Size', bytes(dataset.sizeBytes)],
            ['Checksum', h('span', { class: 'mono' }, dataset.checksum)],
            ['Created', dateTime(dataset.createdAt)],
          ] as const).flatMap(([k, v]) => [h('dt', null, k), h('dd', null, v)]),
        ),
      ),
      section(
        measurements.length ? 'Measurement' : 'Provenance summary',
        measurements.length
          ? h('div', null, ...measurements.map((m) => h('div', { class: 'row' }, h('a', { href: link.metric(m.metric) }, m.metric), h('span', { class: 'big', 'data-testid': 'measurement-value', style: { fontSize: '26px', fontWeight: '650' } }, num(m.value)), unitLabel(m.unit))))
          : null,
        h(
          'p',
          { class: 'muted' },
          `${provenance.length} datasets in its history; ${raws.length} ingested at the root (`,
          [...new Set(raws.map((r) => r.dataset.datasetType))].join(', ') || 'none',
          ').',
        ),
      ),
    ),
  );
  if (provenance.length > 1) {
    const graph = provenanceGraph(provenance, id);
    const el = h('div', { class: 'chart', 'data-testid': 'provenance-graph', style: { height: `${(graph.layout.layers - 1) * DY + 2 * MARGIN_Y}px` } });
    mountChart(ctx, el, (box) => provenanceOption(graph, id, box.clientWidth), {
      id: 'provenance',
      onReady: (chart) =>
        chart.on('click', (p) => {
          const target = (p.data as { datasetId?: string } | undefined)?.datasetId;
          if (p.dataType === 'node' && target && target !== id) ctx.navigate(link.dataset(target));
        }),
    });
    ctx.root.append(
      section(
        h('span', null, 'Provenance back to raw ', h('span', { class: 'hint' }, 'raw and calibration inputs on top (yellow), this dataset at the bottom (blue); dashed: intermediates not kept; click a dataset to open it')),
        el,
      ),
    );
  }
  const chainHolder = h('div', null);
  const drawChain = (limit: number | undefined): void =>
    chainHolder.replaceChildren(
      table(
        [
          { key: 'type', label: 'Dataset', render: (s: Step) => (s.dataset.id === id ? h('b', null, s.dataset.datasetType) : h('a', { href: link.dataset(s.dataset.id) }, s.dataset.datasetType)) },
          { key: 'dataId', label: 'Data ID', render: (s) => dataIdText(s.dataset.dataId) },
          { key: 'run', label: 'Run', render: (s) => h('a', { href: link.run(s.dataset.run) }, s.dataset.run) },
          { key: 'task', label: 'Made by', render: (s) => (s.quantum ? [s.quantum.taskLabel, ' ', pill(s.quantum.status, s.quantum.status)] : h('span', { class: 'muted' }, 'ingested')) },
          { key: 'inputs', label: 'Inputs', num: true, render: (s) => s.inputIds.length },
          { key: 'stored', label: 'Stored', render: (s) => (s.stored ? 'yes' : h('span', { class: 'muted' }, 'no (intermediate)')) },
        ],
        provenance,
        { limit, onShowAll: () => drawChain(undefined) },
      ),
    );
  drawChain(25);
  ctx.root.append(namedSection('chain', h('span', null, 'Chain ', h('span', { class: 'hint' }, 'breadth first from this dataset')), chainHolder));
}
