/**
 * Evidence charts: a PromQL range result drawn as an SVG line chart with the mitigation times marked,
 * rendered in Node by vega-lite + vega (no browser, no canvas). vega is imported lazily so exports without
 * charts (notebook, json, stdout) do not pay for loading it.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { RecordedQueryResult, RecordedSeries } from '../timeline/events.js';
import { maxOf, minOf } from '../format/extent.js';

/** One line on a chart: points are [ms since epoch, value]. */
export interface ChartSeries {
  name: string;
  points: Array<[number, number]>;
}

/** What to draw. */
export interface ChartInput {
  title: string;
  series: ChartSeries[];
  /** Vertical rules, e.g. approved mitigations. */
  marks: Array<{ timeMs: number; label: string }>;
  /** x-axis span in ms; the data's own span when absent. */
  domain?: [number, number];
}

/** At most this many series are drawn (the rest are named in the evidence table). */
export const MAX_CHART_SERIES = 10;

/** `{service="checkout", status="504"}`, or the metric name, or `value` for a label-less series. */
export function seriesName(labels: Record<string, string>): string {
  const { __name__: name, ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}="${v}"`)
    .join(', ');
  if (!inner) return name ?? 'value';
  return `${name ?? ''}{${inner}}`;
}

/** Chart series from a recorded (range or instant) result; non-finite values (NaN, ±Inf) are left out. */
export function seriesFromResult(result: RecordedQueryResult): ChartSeries[] {
  return result.series.slice(0, MAX_CHART_SERIES).map((s: RecordedSeries) => {
    const samples = s.values ?? (s.value ? [s.value] : []);
    const points: Array<[number, number]> = [];
    for (const [t, v] of samples) {
      const n = Number(v);
      if (Number.isFinite(n)) points.push([t * 1000, n]);
    }
    return { name: seriesName(s.labels), points };
  });
}

/** The vega-lite spec of a chart (exported for tests and for people who want to restyle it). */
export function chartSpec(input: ChartInput): TopLevelSpec {
  const values = input.series.flatMap((s) => s.points.map(([t, v]) => ({ t, v, series: s.name })));
  const times = values.map((p) => p.t);
  const [from, to] = input.domain ?? [minOf(times) ?? Infinity, maxOf(times) ?? -Infinity];
  // Minutes alone repeat on every tick of a short chart; seconds tell them apart.
  const short = to - from < 10 * 60_000;
  const x = {
    field: 't',
    type: 'temporal' as const,
    title: 'UTC',
    scale: { type: 'utc' as const, ...(input.domain ? { domain: input.domain } : {}) },
    axis: { format: short ? '%H:%M:%S' : '%H:%M' },
  };
  // Bytes and counters read better as 2G than as 2,000,000,000.
  const large = values.some((p) => Math.abs(p.v) >= 100_000);
  // A mark in the right part of the chart is labelled to its left, so the label stays inside.
  const rightSide = (t: number): boolean => to > from && (t - from) / (to - from) > 0.7;
  const label = (marks: ChartInput['marks'], align: 'left' | 'right') => ({
    data: { values: marks.map((m) => ({ t: m.timeMs, label: m.label })) },
    mark: { type: 'text', color: '#c0392b', align, baseline: 'top', dx: align === 'left' ? 4 : -4, dy: 2, fontSize: 10 },
    encoding: { x, y: { value: 0 }, text: { field: 'label' } },
  });
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: input.title,
    width: 640,
    height: 220,
    background: 'white',
    layer: [
      {
        data: { values },
        mark: { type: 'line', interpolate: 'linear', point: values.length < 40 },
        encoding: {
          x,
          y: { field: 'v', type: 'quantitative', title: null, ...(large ? { axis: { format: '~s' } } : {}) },
          color: { field: 'series', type: 'nominal', title: null, legend: { orient: 'bottom', labelLimit: 400, columns: 1 } },
        },
      },
      {
        data: { values: input.marks.map((m) => ({ t: m.timeMs, label: m.label })) },
        mark: { type: 'rule', color: '#c0392b', strokeDash: [6, 4], strokeWidth: 1.5 },
        encoding: { x },
      },
      label(input.marks.filter((m) => !rightSide(m.timeMs)), 'left'),
      label(input.marks.filter((m) => rightSide(m.timeMs)), 'right'),
    ],
  } as TopLevelSpec;
}

/** Renders the chart to an SVG document. */
export async function renderChartSvg(input: ChartInput): Promise<string> {
  const [vega, vegaLite] = await Promise.all([import('vega'), import('vega-lite')]);
  const view = new vega.View(vega.parse(vegaLite.compile(chartSpec(input)).spec), { renderer: 'none' });
  try {
    const svg = await view.toSVG();
    return svg.endsWith('\n') ? svg : `${svg}\n`;
  } finally {
    view.finalize();
  }
}
