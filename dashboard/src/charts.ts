import { BarChart, GraphChart, HeatmapChart, LineChart, ScatterChart } from 'echarts/charts';
import type { BarSeriesOption, GraphSeriesOption, HeatmapSeriesOption, LineSeriesOption, ScatterSeriesOption } from 'echarts/charts';
import {
  DataZoomComponent,
  GridComponent,
  LegendComponent,
  MarkAreaComponent,
  MarkLineComponent,
  MarkPointComponent,
  TooltipComponent,
  VisualMapComponent,
} from 'echarts/components';
import type {
  DataZoomComponentOption,
  GridComponentOption,
  LegendComponentOption,
  TooltipComponentOption,
  VisualMapComponentOption,
} from 'echarts/components';
import { init, use, type ComposeOption, type ECharts } from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import type { PageContext } from './router.ts';

/** Only the chart types and components the pages use, so the bundle stays small. */
use([LineChart, BarChart, HeatmapChart, GraphChart, ScatterChart, GridComponent, TooltipComponent, LegendComponent, DataZoomComponent, MarkLineComponent, MarkPointComponent, MarkAreaComponent, VisualMapComponent, CanvasRenderer]);

export type ChartOption = ComposeOption<
  | LineSeriesOption
  | BarSeriesOption
  | HeatmapSeriesOption
  | GraphSeriesOption
  | ScatterSeriesOption
  | GridComponentOption
  | TooltipComponentOption
  | LegendComponentOption
  | DataZoomComponentOption
  | VisualMapComponentOption
>;

export type ChartElement = HTMLElement & { chart?: ECharts };

/** Series colors: distinguishable, colorblind-safe (Okabe–Ito order, blue first). */
export const PALETTE = ['#2f6fdf', '#e69f00', '#009e73', '#cc79a7', '#56b4e9', '#d55e00', '#7a5195', '#8c8c8c'];
export const STATUS_COLORS: Record<string, string> = {
  pass: '#1a7f37',
  succeeded: '#1a7f37',
  partial: '#bf8700',
  blocked: '#bf8700',
  fail: '#cf222e',
  failed: '#cf222e',
  running: '#2f6fdf',
  pending: '#8c959f',
  none: '#8c959f',
};

const TEXT = { fontFamily: 'system-ui, -apple-system, "Segoe UI", "DejaVu Sans", sans-serif', color: '#24292f', fontSize: 12 };

/** Axis styling shared by every cartesian chart: named axes with units, quiet grid lines. */
export function axisName(name: string, extra: Record<string, unknown> = {}) {
  return { name, nameLocation: 'middle' as const, nameTextStyle: { color: '#57606a', fontSize: 12 }, axisLabel: { color: '#57606a', hideOverlap: true }, splitLine: { lineStyle: { color: '#eaeef2' } }, ...extra };
}

/**
 * Draws a chart into `el` once the page is attached (an option given as a function gets the
 * element, to fit its size), resizes it with its box, and disposes of it
 * when the page is left. Each finished render leaves a performance mark `vera:chart:<id>` (the
 * benchmark reads it).
 */
export function mountChart(ctx: PageContext, el: HTMLElement, option: ChartOption | ((el: HTMLElement) => ChartOption), opts: { id?: string; onReady?: (chart: ECharts) => void } = {}): void {
  ctx.whenMounted(() => {
    if (ctx.signal.aborted) return;
    const chart = init(el, null, { renderer: 'canvas' });
    // The instance on its element, for the browser tests (pixel positions of points) and the console.
    (el as ChartElement).chart = chart;
    const observer = new ResizeObserver(() => chart.resize());
    observer.observe(el);
    ctx.onLeave(() => {
      observer.disconnect();
      chart.dispose();
    });
    chart.on('finished', () => {
      if (!el.dataset.rendered && opts.id) performance.mark(`vera:chart:${opts.id}`);
      el.dataset.rendered = 'true';
    });
    chart.setOption({ textStyle: TEXT, color: PALETTE, animationDuration: 300, ...(typeof option === 'function' ? option(el) : option) });
    opts.onReady?.(chart);
  });
}
