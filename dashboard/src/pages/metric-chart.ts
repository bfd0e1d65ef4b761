import type { Release, SeriesPoint } from '../api.ts';
import { axisName, PALETTE, type ChartOption } from '../charts.ts';
import { num, operatorText, shortSha, unitLabel } from '../format.ts';

/** The metric explorer's chart: branches overlaid, ±1σ band, spec lines, change points, releases. */

export interface BranchSeries {
  branch: string;
  order: string;
  points: SeriesPoint[];
  /** Commits whose measurements could not be made (NaN): drawn as failed, not left out. */
  unmeasured?: { commit: string; position: number; values: string[] }[];
}

export interface Spec {
  name: string;
  operator: string;
  metricUnitValue: number | null;
}

/** A change point or recorded regression drawn as a pin; clicking it opens `href`. */
export interface Mark {
  commit: string;
  label: string;
  title: string;
  href: string;
}

export interface PointData {
  value: [number, number];
  commit: string;
  runs: string[];
  n: number;
  std: number | null;
  branch: string;
}

const LARGE = 2000;

export function metricChartOption(p: { metric: string; unit: string; series: BranchSeries[]; specs: Spec[]; marks: Mark[]; releases: Release[] }): { option: ChartOption; offScale: Spec[] } {
  const unit = unitLabel(p.unit);
  const first = p.series[0];
  const all = p.series.flatMap((s) => s.points.map((x) => x.mean));
  const [lo, hi] = [Math.min(...all), Math.max(...all)];
  const span = hi - lo || Math.abs(hi) || 1;
  const onScale = (v: number) => v >= lo - 3 * span && v <= hi + 3 * span;
  const specs = p.specs.filter((s) => s.metricUnitValue !== null);
  const offScale = specs.filter((s) => !onScale(s.metricUnitValue!));
  const large = p.series.some((s) => s.points.length > LARGE);

  const lines = p.series.map((s, i) => {
    const data: PointData[] = s.points.map((x) => ({ value: [x.position, x.mean], commit: x.commit, runs: x.runs, n: x.n, std: x.std, branch: s.branch }));
    const byCommit = new Map(s.points.map((x) => [x.commit, x]));
    return {
      type: 'line' as const,
      name: s.branch,
      data,
      color: PALETTE[i % PALETTE.length],
      showSymbol: !large,
      symbolSize: 6,
      sampling: large ? ('lttb' as const) : undefined,
      lineStyle: { width: 1.8 },
      emphasis: { focus: 'series' as const },
      z: 3,
      ...(i === 0
        ? {
            markLine: {
              symbol: 'none',
              silent: true,
              data: [
                ...specs
                  .filter((s2) => onScale(s2.metricUnitValue!))
                  .map((s2) => ({
                    yAxis: s2.metricUnitValue!,
                    lineStyle: { color: '#cf222e', type: 'dashed' as const, width: 1.2 },
                    label: { formatter: `${s2.name.split('.').at(-1)} ${operatorText(s2.operator)} ${num(s2.metricUnitValue)}${unit ? ` ${unit}` : ''}`, position: 'insideEndTop' as const, color: '#cf222e' },
                  })),
                ...(s.unmeasured ?? []).map((u) => ({
                  xAxis: u.position,
                  lineStyle: { color: '#cf222e', type: 'solid' as const, width: 2 },
                  label: { formatter: `failed: ${u.values.join(', ')} at ${shortSha(u.commit)}`, position: 'end' as const, color: '#cf222e' },
                })),
                ...p.releases
                  .filter((r) => r.position !== null)
                  .map((r) => ({
                    xAxis: r.position!,
                    lineStyle: { color: '#6e7781', type: 'dotted' as const, width: 1.2 },
                    label: { formatter: r.tag, position: 'end' as const, color: '#57606a' },
                  })),
              ],
            },
            markPoint: {
              symbol: 'pin',
              symbolSize: 38,
              itemStyle: { color: '#cf222e' },
              label: { color: '#fff', fontSize: 10, fontWeight: 'bold' as const },
              data: p.marks
                .filter((m) => byCommit.has(m.commit))
                .map((m) => ({ coord: [byCommit.get(m.commit)!.position, byCommit.get(m.commit)!.mean], value: m.label, name: m.title, href: m.href, commit: m.commit })),
            },
          }
        : {}),
    };
  });

  // ±1σ around the first branch: an invisible lower line and the 2σ width stacked on it.
  const band =
    first && !large && first.points.some((x) => x.std !== null && x.std > 0)
      ? [
          { type: 'line' as const, name: '_lower', stack: 'band', data: first.points.map((x) => [x.position, x.mean - (x.std ?? 0)]), lineStyle: { opacity: 0 }, symbol: 'none', silent: true, tooltip: { show: false } },
          {
            type: 'line' as const,
            name: `±1σ (${first.branch})`,
            stack: 'band',
            data: first.points.map((x) => [x.position, 2 * (x.std ?? 0)]),
            lineStyle: { opacity: 0 },
            symbol: 'none',
            color: PALETTE[0],
            itemStyle: { color: PALETTE[0], opacity: 0.35 },
            areaStyle: { color: PALETTE[0], opacity: 0.12 },
            silent: true,
            tooltip: { show: false },
          },
        ]
      : [];

  // echarts leaves mark lines out of an axis' extent: widen it so on-scale thresholds show.
  const thresholds = specs.filter((s2) => onScale(s2.metricUnitValue!)).map((s2) => s2.metricUnitValue!);
  const bandEdges = band.length && first ? first.points.flatMap((x) => (x.std ? [x.mean - x.std, x.mean + x.std] : [])) : [];
  const [yLo, yHi] = [Math.min(lo, ...thresholds, ...bandEdges), Math.max(hi, ...thresholds, ...bandEdges)];
  const pad = (yHi - yLo || Math.abs(yHi) || 1) * 0.08;
  const yRange = thresholds.length ? { min: yLo - pad, max: yHi + pad } : {};
  const positions = p.series.flatMap((s) => s.points.map((x) => x.position));
  // Failed commits are mark lines, which echarts hides outside the axis: the axis spans them too.
  const failedAt = p.series.flatMap((s) => (s.unmeasured ?? []).map((u) => u.position));
  const single = positions.every((x) => x === positions[0]) && failedAt.every((x) => x === positions[0]);
  const xRange =
    single && positions.length
      ? { min: positions[0]! - 1, max: positions[0]! + 1 }
      : failedAt.length
        ? { min: Math.min(...positions, ...failedAt), max: Math.max(...positions, ...failedAt) }
        : { min: 'dataMin' as const, max: 'dataMax' as const };
  const xName = first?.order === 'git' ? `commit number along ${first.branch} (first-parent history)` : 'measurement order';
  const option: ChartOption = {
    animation: !large,
    grid: { left: 72, right: 40, top: 48, bottom: 78 },
    legend: { top: 4, data: [...p.series.map((s) => s.branch), ...band.slice(1).map((b) => b.name)] },
    tooltip: {
      trigger: 'axis',
      axisPointer: { type: 'line' },
      formatter: (params: unknown) => {
        const items = (Array.isArray(params) ? params : [params]) as { data: PointData | unknown; seriesName: string; color: string }[];
        const rows = items.filter((it) => it.data && typeof it.data === 'object' && 'commit' in (it.data as object));
        if (!rows.length) return '';
        const d0 = rows[0]!.data as PointData;
        return [
          `<b>commit ${shortSha(d0.commit)}</b> <span style="color:#57606a">#${d0.value[0]}</span>`,
          ...rows.map((it) => {
            const d = it.data as PointData;
            return `<span style="color:${it.color}">●</span> ${it.seriesName}: <b>${num(d.value[1])}${unit ? ` ${unit}` : ''}</b>${d.std !== null ? ` ± ${num(d.std)}` : ''} (n=${d.n})`;
          }),
          `<span style="color:#57606a">click the point to open run ${d0.runs.at(-1) ?? '–'}</span>`,
        ].join('<br/>');
      },
    },
    xAxis: { type: 'value', ...axisName(xName, { nameGap: 28, minInterval: 1, ...xRange }) },
    yAxis: { type: 'value', scale: true, ...axisName(unit ? `${p.metric} (${unit})` : p.metric, { nameGap: 54, ...yRange, axisLabel: { color: '#57606a', hideOverlap: true, formatter: (v: number) => num(v, 3), ...(thresholds.length ? { showMinLabel: false, showMaxLabel: false } : {}) } }) },
    dataZoom: [
      { type: 'inside', xAxisIndex: 0, filterMode: 'none' },
      { type: 'slider', xAxisIndex: 0, height: 18, bottom: 8, filterMode: 'none', showDetail: false },
    ],
    series: [...band, ...lines],
  };
  return { option, offScale };
}
