/**
 * The result of a finished step, for people: a table for an instant query, sparklines for a range,
 * PASS / FAIL with the offending series for a check, the output and exit code for kubectl and sh.
 */
import { stepRole } from '../../steps/index.js';
import type { StepCommand, StepFinishedEvent } from '../../timeline/events.js';
import { plain, type Line } from './lines.js';
import { formatValue } from './number.js';
import { formatOutput } from './output.js';
import { formatRangeTable } from './sparkline.js';
import { formatSeriesTable } from './table.js';

/** Layout of a step result. */
export interface ResultOptions {
  width: number;
  /** Series rows shown (default 10). */
  limit?: number;
  /** Output lines shown; the rest are counted (default: all). */
  maxOutputLines?: number;
  /** The command the step ran (for a range query's step). */
  command?: StepCommand;
}

/** Seconds in a Prometheus step (`60`, `1m`, `1m30s`); undefined when unreadable. */
export function stepSeconds(step: string | undefined): number | undefined {
  if (!step) return undefined;
  if (/^\d+(?:\.\d+)?$/.test(step)) return Number(step);
  const units: Record<string, number> = { ms: 0.001, s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31536000 };
  let total = 0;
  const re = /(\d+)(ms|s|m|h|d|w|y)/gy;
  let match: RegExpExecArray | null;
  let consumed = 0;
  while ((match = re.exec(step)) !== null) {
    total += Number(match[1]) * units[match[2]!]!;
    consumed = re.lastIndex;
  }
  return consumed === step.length && total > 0 ? total : undefined;
}

/** The body lines of a finished step (the caller prints the step's own title line). */
export function formatStepResult(event: StepFinishedEvent, kind: string, options: ResultOptions): Line[] {
  const lines: Line[] = [];
  const width = options.width;
  if (event.status === 'error') {
    lines.push({ text: `ERROR  ${event.error ?? event.summary ?? 'the step failed'}`, tone: 'fail' });
  } else if (event.status === 'skipped' || event.status === 'declined' || event.status === 'aborted') {
    lines.push({ text: `${event.status}${event.summary ? `: ${event.summary}` : ''}`, tone: event.status === 'aborted' ? 'fail' : 'warn' });
    return lines;
  }
  const role = stepRole(kind);
  if (role === 'check' || (role === 'mitigation' && event.result)) {
    // The executor's summary may already say PASS / FAIL; never print the verdict twice.
    const verdict = (word: string): string =>
      event.summary && new RegExp(`^${word}\\b`).test(event.summary) ? event.summary : `${word}  ${event.summary ?? ''}`.trimEnd();
    if (event.status === 'passed') lines.push({ text: verdict('PASS'), tone: 'ok' });
    else if (event.status === 'failed') lines.push({ text: verdict('FAIL'), tone: 'fail' });
    if (event.status === 'failed' && event.violations && event.violations.length > 0) {
      lines.push(...plain(formatSeriesTable(event.violations, { width: width - 2, limit: options.limit ?? 10 }).map((t) => `  ${t}`)));
    }
    return lines;
  }
  if (event.result) {
    const result = event.result;
    if (result.resultType === 'matrix') {
      const step = stepSeconds(options.command?.range?.step);
      lines.push(
        ...plain(
          formatRangeTable(result.series, {
            width,
            total: result.seriesTotal,
            limit: options.limit ?? 10,
            ...(step !== undefined ? { stepSeconds: step } : {}),
          }),
        ),
      );
    } else if (result.resultType === 'vector') {
      lines.push(...plain(formatSeriesTable(result.series, { width, total: result.seriesTotal, limit: options.limit ?? 10 })));
    } else {
      const value = result.series[0]?.value?.[1];
      lines.push({ text: `${result.resultType} ${value === undefined ? '' : result.resultType === 'scalar' ? formatValue(value) : value}` });
    }
  }
  if (event.output) {
    const formatted = formatOutput(event.output, width);
    const max = options.maxOutputLines ?? formatted.lines.length;
    lines.push(...plain(formatted.lines.slice(0, max)));
    const hidden = formatted.lines.length - max;
    if (hidden > 0) lines.push({ text: `… ${hidden} more lines (press o to scroll)`, tone: 'dim' });
    lines.push({ text: formatted.footer, tone: event.output.exitCode === 0 ? 'dim' : 'fail' });
  }
  if (lines.length === 0 && event.summary) lines.push({ text: event.summary, tone: 'dim' });
  return lines;
}
