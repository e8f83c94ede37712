/**
 * Instant PromQL results as a table: one column per label whose value differs between series (labels every
 * series shares say nothing), then the value; sorted by value, largest first, so the worst offender is on
 * top; the first `limit` rows, then how many more there are.
 */
import type { RecordedSeries } from '../../timeline/events.js';
import { formatValue, sampleValue } from './number.js';
import { padEnd, padStart, textWidth, truncate } from './text.js';
import { maxOf } from '../../format/extent.js';

/** Layout of a series table. */
export interface TableOptions {
  /** Columns available. */
  width: number;
  /** Rows shown before `… and N more series` (default 10). */
  limit?: number;
  /** How many series there were in all (a recorded result may be capped below this). */
  total?: number;
}

const GAP = '  ';
const MIN_COLUMN = 4;

/** The value that ranks a series: its instant value, or its last sample for a range. */
export function seriesValue(series: RecordedSeries): number {
  if (series.value) return sampleValue(series.value[1]);
  const last = series.values?.[series.values.length - 1];
  return last ? sampleValue(last[1]) : NaN;
}

/**
 * The labels worth a column: those whose value differs between the series. A single series keeps all its
 * labels, since otherwise nothing would say which series it is. `__name__` sorts first, the rest by name.
 */
export function labelColumns(series: readonly RecordedSeries[]): string[] {
  const keys = new Set<string>();
  for (const s of series) for (const k of Object.keys(s.labels)) keys.add(k);
  const all = [...keys].sort((a, b) => (a === '__name__' ? -1 : b === '__name__' ? 1 : a < b ? -1 : a > b ? 1 : 0));
  if (series.length <= 1) return all;
  return all.filter((k) => new Set(series.map((s) => s.labels[k] ?? '')).size > 1);
}

/** Series sorted for display: by value, largest first (NaN last), then by labels for a stable order. */
export function sortSeries(series: readonly RecordedSeries[]): RecordedSeries[] {
  return [...series].sort((a, b) => {
    const va = seriesValue(a);
    const vb = seriesValue(b);
    const na = Number.isNaN(va);
    const nb = Number.isNaN(vb);
    if (na !== nb) return na ? 1 : -1;
    if (!na && va !== vb) return vb - va;
    const la = JSON.stringify(Object.entries(a.labels).sort());
    const lb = JSON.stringify(Object.entries(b.labels).sort());
    return la < lb ? -1 : la > lb ? 1 : 0;
  });
}

/** `… and 7 more series`, or nothing when every series was shown. */
export function moreLine(shown: number, total: number): string | undefined {
  const rest = total - shown;
  return rest > 0 ? `… and ${rest} more series` : undefined;
}

/** The table as lines (header first), fitted into `width` by truncating label values. */
export function formatSeriesTable(series: readonly RecordedSeries[], options: TableOptions): string[] {
  const total = Math.max(options.total ?? series.length, series.length);
  if (total === 0) return ['no series'];
  const limit = options.limit ?? 10;
  const columns = labelColumns(series);
  const rows = sortSeries(series).slice(0, limit);
  const cells = rows.map((s) => [...columns.map((k) => s.labels[k] ?? ''), formatValue(seriesValue(s))]);
  const header = [...columns, 'value'];
  const widths = header.map((h, i) => Math.max(textWidth(h), maxOf(cells.map((row) => textWidth(row[i]!))) ?? 0));
  fitWidths(widths, columns.length, options.width);
  const line = (row: string[]): string =>
    row
      .map((cell, i) => (i === row.length - 1 ? padStart(cell, widths[i]!) : padEnd(truncate(cell, widths[i]!), widths[i]!)))
      .join(GAP)
      .trimEnd();
  const lines = [line(header), ...cells.map(line)];
  const more = moreLine(rows.length, total);
  if (more) lines.push(more);
  return lines;
}

/** Shrinks the widest label columns (never the value column) until the row fits. */
function fitWidths(widths: number[], labelCount: number, width: number): void {
  const rowWidth = (): number => widths.reduce((a, b) => a + b, 0) + GAP.length * (widths.length - 1);
  while (rowWidth() > width) {
    let widest = -1;
    for (let i = 0; i < labelCount; i++) {
      if (widths[i]! > MIN_COLUMN && (widest < 0 || widths[i]! > widths[widest]!)) widest = i;
    }
    if (widest < 0) return;
    widths[widest]!--;
  }
}
