import { STATUS_COLORS, type ChartOption } from '../charts.ts';
import { frameNodes, layeredGraphSeries, layeredLayout, spacingFor } from '../dag.ts';
import { graphql } from '../generated/gql.ts';
import type { ProgressCountsFragment, TaskGraphViewFragment } from '../generated/graphql.ts';

/**
 * The provenance graph of a run's tasks (Run.taskGraph, built on the server from the quanta's
 * plans): which task's outputs feed which task, where the run's inputs come from, and its
 * products. Tasks are colored by their quanta, so polling redraws the run live.
 */
/** A run's (or a task's) quanta by status, as every progress bar draws them. */
export const PROGRESS_COUNTS = graphql(`
  fragment ProgressCounts on RunProgress { total pending running succeeded failed blocked }
`);

/**
 * What the graph draws of a run; queries spread it as `...TaskGraphView`. Its progress fields are
 * written out: the query depth limit counts each fragment spread as a level.
 */
export const TASK_GRAPH = graphql(`
  fragment TaskGraphView on Run {
    taskGraph { nodes { id kind label collections progress { total pending running succeeded failed blocked } } edges { source target datasetTypes } }
  }
`);

export type Progress = ProgressCountsFragment;
export type TaskGraph = TaskGraphViewFragment['taskGraph'];

/** The worst status among a task's quanta decides its color. */
function taskStatus(p: Progress): string {
  for (const s of ['failed', 'blocked', 'running', 'pending'] as const) if (p[s]) return s;
  return 'succeeded';
}

function runGraph(g: TaskGraph) {
  return {
    nodes: g.nodes.map((n) => ({
      id: n.id,
      kind: n.kind,
      label: n.label,
      detail: n.progress ? `${n.progress.succeeded}/${n.progress.total} quanta` : n.kind === 'input' ? n.collections.join(', ') : 'product',
      status: n.progress ? taskStatus(n.progress) : 'none',
    })),
    edges: g.edges.map((e) => ({ source: e.source, target: e.target, types: e.datasetTypes.join(', ') })),
  };
}

const DY = 74;

/** The longest prefix, ending at an underscore or dot, that all labels share. */
function commonPrefix(labels: string[]): string {
  if (labels.length < 2) return '';
  let p = labels[0]!;
  for (const l of labels) while (!l.startsWith(p)) p = p.slice(0, -1);
  return p.slice(0, Math.max(p.lastIndexOf('_'), p.lastIndexOf('.')) + 1);
}
const MARGIN_Y = 34;

function layoutOf(g: TaskGraph) {
  const graph = runGraph(g);
  return { graph, layout: layeredLayout(graph.nodes.map((n) => n.id), graph.edges.map((e) => [e.source, e.target]), { dy: DY }) };
}

/** Chart height for a task graph: its layers stacked top to bottom. */
export function runGraphHeightPx(g: TaskGraph): number {
  return (layoutOf(g).layout.layers - 1) * DY + 2 * MARGIN_Y;
}

/** Layers of each task (pipeline order), for sorting quanta. */
export function taskLayers(g: TaskGraph): Map<string, number> {
  const { graph, layout } = layoutOf(g);
  return new Map(graph.nodes.filter((n) => n.kind === 'task').map((n) => [n.label, layout.pos.get(n.id)!.layer]));
}

/** The graph drawn into a chart `widthPx` wide: inputs on top, tasks below in pipeline order. */
export function runGraphOption(g: TaskGraph, widthPx: number): ChartOption {
  const { graph, layout } = layoutOf(g);
  const dx = spacingFor(layout.widest, widthPx, 210);
  const nodeW = Math.max(110, Math.min(196, dx - 12));
  // Products often share a long prefix (metricvalue_simcam_drp_...): show what tells them apart.
  const products = graph.nodes.filter((n) => n.kind === 'output').map((n) => n.label);
  const prefix = commonPrefix(products);
  const short = (label: string) => (products.length > 1 && prefix.length > 6 ? `…${label.slice(prefix.length)}` : label);
  const x = (id: string) => (layout.pos.get(id)!.x / 200) * dx;
  return {
    animation: false,
    tooltip: {
      formatter: (p: unknown) => {
        const d = (p as { dataType: string; data: { detail?: string; name?: string; types?: string } }).data;
        return (p as { dataType: string }).dataType === 'edge' ? `dataset types: ${d.types}` : `<b>${d.name}</b><br/>${d.detail}`;
      },
    },
    series: [
      {
        ...layeredGraphSeries(1.3),
        label: { show: true, color: '#fff', fontSize: 12, lineHeight: 15 },
        data: [
          ...frameNodes(widthPx, -MARGIN_Y, (layout.layers - 1) * DY + MARGIN_Y),
          ...graph.nodes.map((n) => {
            const p = layout.pos.get(n.id)!;
            const isTask = n.kind === 'task';
            return {
              id: n.id,
              name: n.label,
              x: x(n.id),
              y: p.y,
              detail: n.detail,
              symbol: 'roundRect',
              symbolSize: [nodeW, isTask ? 40 : 34],
              itemStyle: isTask ? { color: STATUS_COLORS[n.status] ?? '#8c959f' } : { color: n.kind === 'input' ? '#fff8c5' : '#f6f8fa', borderColor: n.kind === 'input' ? '#bf8700' : '#8c959f', borderWidth: 1 },
              label: {
                color: isTask ? '#fff' : '#24292f',
                width: nodeW - 10,
                overflow: 'truncate' as const,
                formatter: isTask ? `{b|${n.label}}\n${n.detail}` : n.kind === 'input' ? `${n.label}\n{s|${n.detail}}` : short(n.label),
                rich: { b: { fontWeight: 'bold' as const, color: '#fff', fontSize: 12.5 }, s: { color: '#57606a', fontSize: 11 } },
              },
            };
          }),
        ],
        links: graph.edges.map((e) => ({ source: e.source, target: e.target, types: e.types })),
      },
    ],
  };
}
