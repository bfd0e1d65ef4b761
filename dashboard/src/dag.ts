/**
 * Layered layout of a directed acyclic graph (Sugiyama-style, kept small): each node's layer is
 * its longest path from a source, so edges point down; nodes within a layer are ordered by the
 * mean position of their predecessors (one barycenter sweep) to limit crossings. Pipelines are
 * deeper than wide, so layers stack top to bottom and fit a page's width.
 */
export interface LaidOut {
  x: number;
  y: number;
  layer: number;
}

export interface Layout {
  pos: Map<string, LaidOut>;
  layers: number;
  /** Nodes in the fullest layer. */
  widest: number;
}

export function layeredLayout(ids: readonly string[], edges: readonly [string, string][], opts: { dx?: number; dy?: number } = {}): Layout {
  const dx = opts.dx ?? 200;
  const dy = opts.dy ?? 70;
  const preds = new Map<string, string[]>(ids.map((id) => [id, []]));
  for (const [a, b] of edges) if (preds.has(a) && preds.has(b) && a !== b) preds.get(b)!.push(a);
  const layer = new Map<string, number>();
  const visiting = new Set<string>();
  const layerOf = (id: string): number => {
    const known = layer.get(id);
    if (known !== undefined) return known;
    if (visiting.has(id)) return 0; // a cycle would be a bug upstream; do not recurse forever
    visiting.add(id);
    const l = Math.max(-1, ...preds.get(id)!.map(layerOf)) + 1;
    visiting.delete(id);
    layer.set(id, l);
    return l;
  };
  ids.forEach(layerOf);
  const layers: string[][] = [];
  for (const id of ids) (layers[layer.get(id)!] ??= []).push(id);
  const order = new Map<string, number>();
  layers.forEach((ls, li) => {
    if (li > 0) {
      const bary = (id: string) => {
        const ps = preds.get(id)!.filter((p) => order.has(p));
        return ps.length ? ps.reduce((s, p) => s + order.get(p)! - ((layers[layer.get(p)!]?.length ?? 1) - 1) / 2, 0) / ps.length : Infinity;
      };
      ls.sort((a, b) => bary(a) - bary(b));
    }
    ls.forEach((id, i) => order.set(id, i));
  });
  const pos = new Map<string, LaidOut>();
  layers.forEach((ls, li) =>
    ls.forEach((id, i) => {
      // Each layer centered on x = 0.
      pos.set(id, { x: (i - (ls.length - 1) / 2) * dx, y: li * dy, layer: li });
    }),
  );
  return { pos, layers: layers.length, widest: Math.max(1, ...layers.map((l) => l?.length ?? 0)) };
}

/** Horizontal spacing so the widest layer's nodes (each `dx - 12` wide) fit `widthPx`; at most `maxDx`. */
export function spacingFor(widest: number, widthPx: number, maxDx: number): number {
  return Math.min(maxDx, (widthPx - 8) / widest);
}

/**
 * Two invisible nodes at the corners of the chart box. echarts fits a graph's bounding box to
 * its view; pinning the box to the chart's own size maps layout units 1:1 to pixels, so nodes
 * never overlap by scaling, whatever the graph's shape (even one node).
 */
export function frameNodes(widthPx: number, top: number, bottom: number) {
  const corner = (id: string, x: number, y: number) => ({ id, name: '', x, y, symbolSize: 1, itemStyle: { opacity: 0 }, label: { show: false }, tooltip: { show: false }, emphasis: { disabled: true } });
  return [corner('_frame0', -widthPx / 2, top), corner('_frame1', widthPx / 2, bottom)];
}

/**
 * The echarts `graph` series settings every layered graph shares: fixed positions at 1:1 pixel
 * scale. No arrowheads: echarts shortens an edge with a symbol by the average of the node's width
 * and height, which hides short vertical edges; the layers already read top to bottom.
 */
export function layeredGraphSeries(lineWidth: number) {
  return {
    type: 'graph' as const,
    layout: 'none' as const,
    roam: true,
    nodeScaleRatio: 0,
    left: 0,
    right: 0,
    top: 0,
    bottom: 0,
    edgeSymbol: ['none', 'none'],
    lineStyle: { color: '#8c959f', width: lineWidth, curveness: 0 },
  };
}
