/** Plain-text waterfall of an analysed trace (plain output, TUI, postmortem). */
import { safeText } from '../format/safe-text.js';
import type { TraceAnalysis } from './analyze.js';

/** `4950000` µs → `4.95 s`, `12300` → `12.3 ms`, `850` → `850 µs`. */
export function formatMicros(us: number): string {
  if (us >= 1_000_000) return `${Number((us / 1_000_000).toPrecision(3))} s`;
  if (us >= 1000) return `${Number((us / 1000).toPrecision(3))} ms`;
  return `${Math.round(us)} µs`;
}

/** Options of {@link renderWaterfall}. */
export interface WaterfallOptions {
  /** Characters of the duration bar (default 30). */
  readonly barWidth?: number;
  /** Rows shown; the rest are counted in a last line (default 40). */
  readonly maxRows?: number;
}

/**
 * One line per span: critical-path mark (`*`), error mark (`!`), service, indented operation, offset,
 * duration and a bar placed on the trace's time axis (`█` on the critical path, `▒` blocking, `░` async).
 */
export function renderWaterfall(a: TraceAnalysis, options: WaterfallOptions = {}): string[] {
  const barWidth = options.barWidth ?? 30;
  const maxRows = options.maxRows ?? 40;
  const shown = a.rows.slice(0, maxRows);
  const svcWidth = Math.min(20, Math.max(7, ...shown.map((r) => safeText(r.span.service, 20).length)));
  const opWidth = Math.min(40, Math.max(9, ...shown.map((r) => Math.min(10, r.depth) * 2 + safeText(r.span.operation, 40).length)));
  const total = Math.max(1, a.durationUs);
  const lines = [`   ${'service'.padEnd(svcWidth)}  ${'operation'.padEnd(opWidth)}  ${'offset'.padStart(8)}  ${'duration'.padStart(8)}  timeline`];
  for (const r of shown) {
    const from = Math.min(barWidth - 1, Math.floor((r.offsetUs / total) * barWidth));
    const len = Math.max(1, Math.min(barWidth - from, Math.round((r.span.durationUs / total) * barWidth)));
    const fill = r.criticalSelfUs > 0 ? '█' : r.blocking ? '▒' : '░';
    const bar = `${' '.repeat(from)}${fill.repeat(len)}`.padEnd(barWidth);
    const op = `${'  '.repeat(Math.min(10, r.depth))}${safeText(r.span.operation, 40)}`;
    const cut = (s: string, w: number): string => (s.length > w ? `${s.slice(0, w - 1)}…` : s.padEnd(w));
    lines.push(
      `${r.criticalSelfUs > 0 ? '*' : ' '}${r.span.status === 'error' ? '!' : ' '} ${cut(safeText(r.span.service, 20), svcWidth)}  ${cut(op, opWidth)}  ${formatMicros(r.offsetUs).padStart(8)}  ${formatMicros(r.span.durationUs).padStart(8)}  |${bar}|`,
    );
  }
  if (a.rows.length > shown.length) lines.push(`   … ${a.rows.length - shown.length} more span(s)`);
  return lines;
}
