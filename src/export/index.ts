/**
 * `exportTimeline`: a read timeline → a postmortem, an executed notebook or JSON, plus the chart files to
 * write beside it. Returns text and files instead of writing them; reading the runbook and fetching from
 * Prometheus go through injected functions, so the CLI owns all the I/O.
 */
import { createHash } from 'node:crypto';
import { basename, dirname, extname, join } from 'node:path';
import { parseRunbook } from '../parse/index.js';
import type { Runbook } from '../model/index.js';
import type { TimelineReadResult } from '../timeline/reader.js';
import { validateTimelineEvent } from '../timeline/schema.js';
import type { RecordedQueryResult, TimelineEvent } from '../timeline/events.js';
import { anonymizeEvents } from './anonymize.js';
import { renderChartSvg, seriesFromResult, type ChartSeries } from './charts.js';
import { analyseIncident, collectEvidence, type Evidence, type Incident } from './incident.js';
import { renderNotebook } from './notebook.js';
import { renderPostmortem, type ChartRef } from './postmortem.js';
import { fetchRange, RangeFetchError } from './prometheus.js';
import { appendAll } from '../format/extent.js';

export { analyseIncident, collectEvidence, formatDuration, seedActionItems, timelineRowEvents } from './incident.js';
export type { Evidence, Incident, KeyFigure, KeyFigures } from './incident.js';
export { renderPostmortem } from './postmortem.js';
export { renderNotebook } from './notebook.js';
export { chartSpec, renderChartSvg, seriesFromResult } from './charts.js';
export { lintPostmortem, isPostmortem, type PostmortemDiagnostic } from './postmortem-lint.js';

/** Export formats. */
export const EXPORT_FORMATS = ['postmortem', 'notebook', 'json'] as const;
/** An export format. */
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

/** Options of exportTimeline. */
export interface ExportTimelineOptions {
  format: ExportFormat;
  /** Replace user names (and the host) with roles. */
  anonymize?: boolean;
  /** Where the document will be written; charts go beside it. No charts without it. */
  outPath?: string;
  /** Prometheus for re-fetching instant evidence as ranges (default: the run's, when it answers). */
  prometheus?: string;
  fetch?: typeof fetch;
  /** Reads a text file, or resolves undefined when it does not exist (the runbook of the run). */
  readText?: (path: string) => Promise<string | undefined>;
  /** The clock (ms since epoch): charts end no later than now. */
  now?: () => number;
}

/** A file to write beside the document. */
export interface ExportFile {
  path: string;
  content: string;
}

/** The export: the document, the files to write beside it, and warnings for stderr. */
export interface ExportResult {
  document: string;
  files: ExportFile[];
  warnings: string[];
}

/** The run window drawn on charts starts this long before the first event… */
const WINDOW_BEFORE_MS = 30 * 60_000;
/** …and ends this long after the last one. */
const WINDOW_AFTER_MS = 5 * 60_000;

/** Exports a read timeline. Throws nothing for a bad runbook or an unreachable Prometheus: those become warnings. */
export async function exportTimeline(read: TimelineReadResult, options: ExportTimelineOptions): Promise<ExportResult> {
  const warnings: string[] = [];
  if (read.torn) warnings.push(`the timeline ends with a torn line (line ${read.torn.line}); it is left out of the export`);
  for (const bad of read.invalid) warnings.push(`line ${bad.line} of the timeline is not an event (${bad.message}); left out`);
  appendAll(warnings, schemaWarnings(read.events));

  let events = read.events;
  if (options.anonymize) events = anonymizeEvents(events, analyseIncident(events).people).events;
  const incident = analyseIncident(events);
  const runbook = await loadRunbook(incident, options, warnings);
  const invalidLines = read.invalid.map((i) => i.line);
  const common = { incident, ...(read.torn ? { torn: read.torn } : {}), invalidLines };

  if (options.format === 'json') {
    return { document: `${JSON.stringify(jsonExport(incident, read), null, 2)}\n`, files: [], warnings };
  }
  if (options.format === 'notebook') {
    return { document: renderNotebook({ ...common, ...(runbook ? { runbook } : {}) }), files: [], warnings };
  }

  const evidence = collectEvidence(incident);
  const { charts, files, note } = await drawCharts(incident, evidence, options, warnings);
  const document = renderPostmortem({
    ...common,
    ...(runbook ? { meta: runbook.model.meta } : {}),
    evidence,
    charts,
    ...(note ? { chartNote: note } : {}),
  });
  return { document, files, warnings };
}

function schemaWarnings(events: TimelineEvent[]): string[] {
  const warnings: string[] = [];
  for (const e of events) {
    const { valid, errors } = validateTimelineEvent(e);
    if (!valid) warnings.push(`event #${e.seq} (${e.type}) does not match the timeline schema: ${errors.slice(0, 3).join('; ')}`);
  }
  return warnings;
}

async function loadRunbook(
  incident: Incident,
  options: ExportTimelineOptions,
  warnings: string[],
): Promise<{ model: Runbook; source: string; changed: boolean } | undefined> {
  const started = incident.started;
  if (!started || !options.readText) return undefined;
  let source: string | undefined;
  try {
    source = await options.readText(started.runbook.path);
  } catch (error) {
    warnings.push(`cannot read the runbook ${started.runbook.path}: ${(error as Error).message}`);
    return undefined;
  }
  if (source === undefined) {
    warnings.push(`the runbook ${started.runbook.path} no longer exists; severity, service and alerts are left to fill in`);
    return undefined;
  }
  const changed = createHash('sha256').update(source).digest('hex') !== started.runbook.sha256;
  if (changed) warnings.push(`the runbook ${started.runbook.path} changed since the run (sha256 differs)`);
  const { runbook } = parseRunbook(source, { path: started.runbook.path });
  return { model: runbook, source, changed };
}

async function drawCharts(
  incident: Incident,
  evidence: Evidence[],
  options: ExportTimelineOptions,
  warnings: string[],
): Promise<{ charts: Map<Evidence, ChartRef>; files: ExportFile[]; note?: string }> {
  const charts = new Map<Evidence, ChartRef>();
  const files: ExportFile[] = [];
  if (!options.outPath) {
    // Charts are files linked from the document; an export to stdout has no place to put them.
    return { charts, files, ...(evidence.length ? { note: 'No charts: they are written beside the document when it is exported with --out.' } : {}) };
  }
  // With --at, PromQL was evaluated at that instant rather than at the wall clock: map event times onto it.
  const at = incident.started?.at ? Date.parse(incident.started.at) : Number.NaN;
  const offset = Number.isFinite(at) ? at - incident.startMs : 0;
  const window: [number, number] = [incident.startMs + offset - WINDOW_BEFORE_MS, incident.endMs + offset + WINDOW_AFTER_MS];
  // Prometheus evaluates a range that reaches into the future from the last samples (a 5m rate goes on for
  // 5 minutes after them): an export made right after the run would chart that invented tail.
  window[1] = Math.max(window[0] + 60_000, Math.min(window[1], (options.now ?? Date.now)()));
  const marks = incident.mitigations.map((e) => ({ timeMs: Date.parse(e.time) + offset, label: `${e.step} approved` }));
  let prometheus = options.prometheus ?? incident.started?.targets.prometheus;
  const stepSeconds = Math.max(15, Math.ceil((window[1] - window[0]) / 1000 / 240));
  const base = basename(options.outPath, extname(options.outPath));
  const used = new Set<string>();

  for (const item of evidence) {
    let result = item.result?.resultType === 'matrix' ? item.result : undefined;
    let source: ChartRef['source'] = 'recorded';
    if (!result && prometheus && item.query) {
      try {
        result = await fetchRange(prometheus, item.query, { startMs: window[0], endMs: window[1], stepSeconds }, options.fetch);
        source = 'prometheus';
        // Data that begins late in the window (a new service, a short retention) gets a handful of points at
        // the window's step: fetch its own span again, finer.
        const first = firstSampleMs(result);
        if (first !== undefined && first - window[0] > (window[1] - window[0]) / 2) {
          const span = { startMs: first, endMs: window[1], stepSeconds: Math.max(1, Math.ceil((window[1] - first) / 1000 / 240)) };
          if (span.stepSeconds < stepSeconds) result = await fetchRange(prometheus, item.query, span, options.fetch);
        }
      } catch (error) {
        warnings.push(`no chart for \`${item.step.id}\`: ${(error as Error).message}`);
        if (error instanceof RangeFetchError && error.unreachable) prometheus = undefined;
      }
    }
    if (!result) continue;
    const series = seriesFromResult(result);
    if (!series.some((s) => s.points.length)) continue;
    const domain = chartDomain(series, [incident.startMs + offset, incident.endMs + offset]);
    let name = `${base}-${item.step.id}.svg`;
    for (let n = 2; used.has(name); n++) name = `${base}-${item.step.id}-${n}.svg`;
    used.add(name);
    const svg = await renderChartSvg({ title: item.step.title ?? item.step.id, series, marks, domain });
    files.push({ path: join(dirname(options.outPath), name), content: svg });
    charts.set(item, { href: encodeURI(name), source });
  }
  return { charts, files };
}

/**
 * The x span of a chart: the data's span, widened to the run's so the mitigation marks show. Not the whole
 * window: when Prometheus only has the last minutes, thirty empty minutes would squeeze the data to a sliver.
 */
function chartDomain(series: ChartSeries[], run: [number, number]): [number, number] {
  let [start, end] = run;
  for (const s of series) {
    for (const [t] of s.points) {
      if (t < start) start = t;
      if (t > end) end = t;
    }
  }
  // A little room either side keeps the first and last points and the marks off the axes.
  const pad = Math.max(5_000, (end - start) * 0.02);
  return [start - pad, end + pad];
}

function firstSampleMs(result: RecordedQueryResult): number | undefined {
  let first: number | undefined;
  for (const s of result.series) {
    const t = s.values?.[0]?.[0];
    if (t !== undefined && (first === undefined || t * 1000 < first)) first = t * 1000;
  }
  return first;
}

function jsonExport(incident: Incident, read: TimelineReadResult): Record<string, unknown> {
  const figure = (f: Incident['figures']['detection']) => (f ? { seq: f.event.seq, time: f.event.time, afterMs: f.afterMs } : null);
  return {
    format: 'runbook-timeline-export',
    version: 1,
    run: incident.started?.run ?? null,
    runbook: incident.started?.runbook ?? null,
    start: incident.events.length ? new Date(incident.startMs).toISOString() : null,
    end: incident.events.length ? new Date(incident.endMs).toISOString() : null,
    durationMs: incident.endMs - incident.startMs,
    responders: incident.people,
    keyFigures: {
      detection: figure(incident.figures.detection),
      mitigation: figure(incident.figures.mitigation),
      resolution: figure(incident.figures.resolution),
    },
    torn: read.torn ?? null,
    invalid: read.invalid,
    events: incident.events,
  };
}
