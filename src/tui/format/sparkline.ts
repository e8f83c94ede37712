/**
 * Range PromQL results as sparklines: one line per series with min / max / last, all series on the same
 * time grid so a gap (no samples) shows as a blank at the same place in every line, under one line naming
 * the time span and step.
 */
import type { RecordedSeries } from '../../timeline/events.js';
import { formatValue, sampleValue } from './number.js';
import { labelColumns, moreLine, sortSeries, type TableOptions } from './table.js';
import { padEnd, padStart, textWidth, truncate } from './text.js';
import { formatSpan } from './time.js';
import { maxOf, minOf } from '../../format/extent.js';

/** The eight levels, lowest first. */
export const SPARK_BLOCKS = '▁▂▃▄▅▆▇█';

/**
 * Draws `values` in at most `width` columns. More values than columns are bucketed (each column shows its
 * bucket's maximum, so a short spike survives). `null` and NaN draw a blank. The scale runs from the
 * smallest to the largest finite value; a flat line sits on the lowest level.
 */
export function sparkline(values: ReadonlyArray<number | null>, width: number): string {
  if (width <= 0 || values.length === 0) return '';
  const columns: Array<number | null> = [];
  if (values.length <= width) {
    for (const v of values) columns.push(v === null || !Number.isFinite(v) ? null : v);
  } else {
    for (let c = 0; c < width; c++) {
      const from = Math.floor((c * values.length) / width);
      const to = Math.floor(((c + 1) * values.length) / width);
      let max: number | null = null;
      for (let i = from; i < to; i++) {
        const v = values[i];
        if (v !== null && v !== undefined && Number.isFinite(v) && (max === null || v > max)) max = v;
      }
      columns.push(max);
    }
  }
  const finite = columns.filter((v): v is number => v !== null);
  const lo = minOf(finite) ?? Infinity;
  const hi = maxOf(finite) ?? -Infinity;
  return columns
    .map((v) => {
      if (v === null) return ' ';
      const level = hi === lo ? 0 : Math.round(((v - lo) / (hi - lo)) * (SPARK_BLOCKS.length - 1));
      return SPARK_BLOCKS[level]!;
    })
    .join('');
}

/** Layout of a range result. */
export interface RangeOptions extends TableOptions {
  /** The query's step in seconds; inferred from the samples when absent. */
  stepSeconds?: number;
}

interface Grid {
  start: number;
  end: number;
  step: number;
  slots: number;
}

function gridOf(series: readonly RecordedSeries[], stepSeconds: number | undefined): Grid | undefined {
  let start = Infinity;
  let end = -Infinity;
  let step = Infinity;
  for (const s of series) {
    const values = s.values ?? [];
    for (let i = 0; i < values.length; i++) {
      const t = values[i]![0];
      start = Math.min(start, t);
      end = Math.max(end, t);
      if (i > 0) {
        const d = t - values[i - 1]![0];
        if (d > 0) step = Math.min(step, d);
      }
    }
  }
  if (!Number.isFinite(start)) return undefined;
  const useStep = stepSeconds && stepSeconds > 0 ? stepSeconds : Number.isFinite(step) ? step : 1;
  // A grid this long would only be bucketed down again; cap it so a tiny step cannot allocate millions.
  const slots = Math.min(Math.round((end - start) / useStep) + 1, 10_000);
  return { start, end, step: useStep, slots };
}

function onGrid(series: RecordedSeries, grid: Grid): Array<number | null> {
  const slots: Array<number | null> = new Array(grid.slots).fill(null);
  const scale = grid.slots > 1 ? (grid.slots - 1) / (grid.end - grid.start || 1) : 0;
  for (const [t, v] of series.values ?? []) slots[Math.round((t - grid.start) * scale)] = sampleValue(v);
  return slots;
}

/** `2025-10-26 10:14:00 → 11:14:00 UTC · 1h · step 1m`. */
export function formatTimeSpan(startSeconds: number, endSeconds: number, stepSeconds: number): string {
  const start = new Date(startSeconds * 1000).toISOString();
  const end = new Date(endSeconds * 1000).toISOString();
  const endText = start.slice(0, 10) === end.slice(0, 10) ? end.slice(11, 19) : `${end.slice(0, 10)} ${end.slice(11, 19)}`;
  return `${start.slice(0, 10)} ${start.slice(11, 19)} → ${endText} UTC · ${formatSpan(endSeconds - startSeconds)} · step ${formatSpan(stepSeconds)}`;
}

const GAP = '  ';
const MAX_LABEL = 28;
const MIN_SPARK = 8;

/** A range result as lines: the span, a header, one sparkline row per series, `… and N more series`. */
export function formatRangeTable(series: readonly RecordedSeries[], options: RangeOptions): string[] {
  const total = Math.max(options.total ?? series.length, series.length);
  const grid = gridOf(series, options.stepSeconds);
  if (total === 0 || !grid) return ['no series'];
  const rows = sortSeries(series).slice(0, options.limit ?? 10);
  const columns = labelColumns(series);
  const labelCells = rows.map((s) => columns.map((k) => s.labels[k] ?? ''));
  const labelWidths = columns.map((k, i) => Math.min(MAX_LABEL, Math.max(textWidth(k), maxOf(labelCells.map((r) => textWidth(r[i]!))) ?? 0)));
  const stats = rows.map((s) => {
    const values = (s.values ?? []).map(([, v]) => sampleValue(v)).filter((v) => !Number.isNaN(v));
    const last = s.values?.[s.values.length - 1];
    return [
      values.length ? formatValue(minOf(values)!) : '-',
      values.length ? formatValue(maxOf(values)!) : '-',
      last ? formatValue(last[1]) : '-',
    ];
  });
  const statHeader = ['min', 'max', 'last'];
  const statWidths = statHeader.map((h, i) => Math.max(h.length, maxOf(stats.map((r) => r[i]!.length)) ?? 0));
  const fixed = [...labelWidths, ...statWidths].reduce((a, b) => a + b, 0) + GAP.length * (labelWidths.length + statWidths.length);
  const sparkWidth = Math.min(grid.slots, Math.max(MIN_SPARK, options.width - fixed));
  const line = (labels: string[], spark: string, stat: string[]): string =>
    [
      ...labels.map((cell, i) => padEnd(truncate(cell, labelWidths[i]!), labelWidths[i]!)),
      padEnd(spark, sparkWidth),
      ...stat.map((cell, i) => padStart(cell, statWidths[i]!)),
    ]
      .join(GAP)
      .trimEnd();
  const lines = [formatTimeSpan(grid.start, grid.end, grid.step), line(columns, '', statHeader)];
  rows.forEach((s, i) => lines.push(line(labelCells[i]!, sparkline(onGrid(s, grid), sparkWidth), stats[i]!)));
  const more = moreLine(rows.length, total);
  if (more) lines.push(more);
  return lines;
}
