/**
 * The `trace` step's planning and runner: which store, which trace (an id, or the latest/slowest match of a
 * search within the window), then the analysis of src/traces. Only GETs; every exchange has a deadline and a
 * size bound, and an answer is never trusted for order (a search's hits are sorted here).
 */
import type { Attributes, PlannedTrace } from '../../model/index.js';
import { parseDuration } from '../../steps/duration.js';
import { TRACE_CAPTURE_FIELDS } from '../../steps/trace.js';
import type { RecordedQueryResult, Targets } from '../../timeline/events.js';
import { analyzeTrace, formatMicros, normalizeId, normalizeTrace, renderWaterfall, TraceFormatError } from '../../traces/index.js';
import type { TraceAnalysis } from '../../traces/index.js';
import { safeText } from '../../format/safe-text.js';

/** A trace step, resolved (the type lives with the plan in src/model/). */
export type { PlannedTrace };

/** Default look-back of a trace search. */
export const DEFAULT_TRACE_WINDOW_MS = 3_600_000;
const DEFAULT_TIMEOUT_MS = 30_000;
/** Largest answer read (bytes): a trace of 100,000 spans is well under this. */
const MAX_ANSWER_BYTES = 64 * 1024 * 1024;

/** Plans a trace step from its rendered body. Throws Error with a message naming the fix. */
export function planTrace(body: string, attributes: Attributes, targets: Targets, at: Date | null): PlannedTrace {
  const backend = (attributes.backend as 'tempo' | 'jaeger' | undefined) ?? (targets.tempo !== undefined && targets.jaeger === undefined ? 'tempo' : targets.jaeger !== undefined && targets.tempo === undefined ? 'jaeger' : undefined);
  if (backend === undefined) {
    throw new Error(
      targets.tempo !== undefined
        ? 'both a Tempo and a Jaeger URL are set; say which with `backend=tempo` or `backend=jaeger`'
        : 'no trace store URL: pass `--tempo <url>` or `--jaeger <url>`, or set `tempo:` / `jaeger:` in the front matter',
    );
  }
  const url = targets[backend];
  if (url === undefined) throw new Error(`\`backend=${backend}\` but no ${backend === 'tempo' ? 'Tempo' : 'Jaeger'} URL: pass \`--${backend} <url>\` or set \`${backend}:\` in the front matter`);
  const text = body.trim();
  if (text === '') throw new Error('the body is empty; expected a trace id or a search');
  const id = /^\S+$/.test(text) && !text.includes('=') && !text.startsWith('{') ? normalizeId(text, 'hex') ?? normalizeId(text) : undefined;
  if (/^\S+$/.test(text) && !text.includes('=') && !text.startsWith('{') && id === undefined && !text.startsWith('<steps.')) {
    throw new Error(`\`${safeText(text, 80)}\` is not a trace id (hex or base64) nor a search`);
  }
  const captures: PlannedTrace['captures'] = [];
  if (attributes.capture !== undefined) {
    for (const part of attributes.capture.split(';')) {
      if (part.trim() === '') continue;
      const m = /^\s*([A-Za-z_][\w-]*)\s*=\s*(\S+)\s*$/.exec(part);
      const field = m?.[2] as (typeof TRACE_CAPTURE_FIELDS)[number] | undefined;
      if (!m || field === undefined || !TRACE_CAPTURE_FIELDS.includes(field)) {
        throw new Error(`capture \`${part.trim()}\`: expected \`name=<field>\` with a field among ${TRACE_CAPTURE_FIELDS.map((f) => `\`${f}\``).join(', ')}`);
      }
      captures.push({ name: m[1]!, field });
    }
  }
  const ms = (key: string): number | undefined => (attributes[key] === undefined ? undefined : parseDuration(attributes[key]!));
  return {
    backend,
    url: url.replace(/\/+$/, ''),
    ...(id !== undefined ? { traceId: id } : text.startsWith('<steps.') ? { traceId: text } : { search: text }),
    windowMs: ms('window') ?? DEFAULT_TRACE_WINDOW_MS,
    pick: attributes.pick === 'slowest' ? 'slowest' : 'latest',
    at,
    timeoutMs: ms('timeout') ?? DEFAULT_TIMEOUT_MS,
    captures,
  };
}

/** What a trace step produced. */
export type TraceRun =
  | {
      kind: 'ok';
      summary: string;
      captures: Record<string, string>;
      missing: string[];
      /** The bottleneck duration as a one-series result, so `check of=` compares it like a query's value. */
      result: RecordedQueryResult;
      /** Waterfall and findings, one line each, neutralised. */
      text: string;
      analysis: TraceAnalysis;
    }
  | { kind: 'error'; error: string; aborted: boolean };

/** I/O of the runner. */
export interface TraceRunDeps {
  fetch: typeof fetch;
  clock: () => Date;
  signal: AbortSignal;
}

class FetchError extends Error {
  constructor(message: string, readonly status?: number) {
    super(message);
  }
}

async function getJson(deps: TraceRunDeps, url: string, timeoutMs: number): Promise<unknown> {
  const signal = AbortSignal.any([deps.signal, AbortSignal.timeout(timeoutMs)]);
  let response: Response;
  try {
    response = await deps.fetch(url, { signal, headers: { accept: 'application/json' } });
  } catch (error) {
    if (deps.signal.aborted) throw error;
    throw new FetchError(signal.aborted ? `no answer within ${timeoutMs / 1000}s from ${url}` : `cannot reach ${url}: ${(error as Error).message}`);
  }
  const body = await readBounded(response);
  if (!response.ok) throw new FetchError(`${url} answered HTTP ${response.status}${body.trim() ? `: ${safeText(body.trim(), 200)}` : ''}`, response.status);
  try {
    return JSON.parse(body);
  } catch {
    throw new FetchError(`${url} answered something that is not JSON (${safeText(body.slice(0, 80), 80)})`);
  }
}

async function readBounded(response: Response): Promise<string> {
  if (!response.body) return '';
  const chunks: Uint8Array[] = [];
  let total = 0;
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.length;
    if (total > MAX_ANSWER_BYTES) throw new FetchError(`the answer is larger than ${MAX_ANSWER_BYTES / 1024 / 1024} MiB; not read`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Splits the Jaeger search form `service=checkout tags={"error":"true"} minDuration=1s` into pairs. */
export function parseJaegerSearch(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i]!)) i++;
    if (i >= text.length) break;
    const eq = text.indexOf('=', i);
    if (eq === -1) throw new Error(`cannot read \`${safeText(text.slice(i), 60)}\` in the Jaeger search; expected \`key=value\` pairs such as \`service=checkout\``);
    const key = text.slice(i, eq).trim();
    let j = eq + 1;
    let depth = 0;
    let quote = false;
    for (; j < text.length; j++) {
      const c = text[j]!;
      if (c === '"' && text[j - 1] !== '\\') quote = !quote;
      else if (!quote && (c === '{' || c === '[')) depth++;
      else if (!quote && (c === '}' || c === ']')) depth--;
      else if (!quote && depth === 0 && /\s/.test(c)) break;
    }
    let value = text.slice(eq + 1, j);
    if (/^".*"$/.test(value)) value = value.slice(1, -1);
    if (!/^[A-Za-z][\w]*$/.test(key)) throw new Error(`\`${safeText(key, 40)}\` is not a Jaeger search key (service, operation, tags, minDuration, maxDuration)`);
    out[key] = value;
    i = j;
  }
  if (out.service === undefined) throw new Error('a Jaeger search needs `service=<name>`');
  return out;
}

async function findTraceId(plan: PlannedTrace, deps: TraceRunDeps): Promise<{ id: string; matches: number; prefetched?: unknown } | undefined> {
  const end = plan.at ?? deps.clock();
  const start = new Date(end.getTime() - plan.windowMs);
  if (plan.backend === 'tempo') {
    const q = new URLSearchParams({ q: plan.search!, start: String(Math.floor(start.getTime() / 1000)), end: String(Math.ceil(end.getTime() / 1000)), limit: '100' });
    const answer = await getJson(deps, `${plan.url}/api/search?${q}`, plan.timeoutMs);
    const traces = Array.isArray((answer as { traces?: unknown }).traces) ? ((answer as { traces: unknown[] }).traces) : [];
    const hits = traces
      .map((t) => t as { traceID?: unknown; startTimeUnixNano?: unknown; durationMs?: unknown })
      .filter((t) => typeof t.traceID === 'string')
      .map((t) => ({ id: String(t.traceID), start: Number(t.startTimeUnixNano ?? 0) / 1e6, duration: Number(t.durationMs ?? 0) }));
    const best = pickHit(hits, plan.pick);
    return best === undefined ? undefined : { id: best.id, matches: hits.length };
  }
  const form = parseJaegerSearch(plan.search!);
  const q = new URLSearchParams({ ...form, start: String(start.getTime() * 1000), end: String(end.getTime() * 1000), limit: form.limit ?? '100' });
  const answer = await getJson(deps, `${plan.url}/api/traces?${q}`, plan.timeoutMs);
  const data = Array.isArray((answer as { data?: unknown }).data) ? (answer as { data: unknown[] }).data : [];
  const hits = data.flatMap((t) => {
    try {
      const a = analyzeTrace(normalizeTrace({ data: [t] }).spans);
      return a.spanCount > 0 ? [{ id: a.traceId, start: a.startUs / 1000, duration: a.durationUs / 1000, trace: t }] : [];
    } catch {
      return [];
    }
  });
  const best = pickHit(hits, plan.pick);
  return best === undefined ? undefined : { id: best.id, matches: hits.length, prefetched: { data: [best.trace] } };
}

function pickHit<T extends { id: string; start: number; duration: number }>(hits: T[], pick: 'latest' | 'slowest'): T | undefined {
  const sorted = [...hits].sort((a, b) => (pick === 'slowest' ? b.duration - a.duration || b.start - a.start : b.start - a.start || b.duration - a.duration) || (a.id < b.id ? -1 : 1));
  return sorted[0];
}

/** Paths tried for a trace by id, newest API first (an older server answers 404 to the newer path). */
function tracePaths(backend: 'tempo' | 'jaeger', id: string): string[] {
  return backend === 'tempo' ? [`/api/v2/traces/${id}`, `/api/traces/${id}`] : [`/api/v3/traces/${id}`, `/api/traces/${id}`];
}

/** Runs a planned trace step. Never throws for a bad answer: a step error with the cause. */
export async function runTrace(plan: PlannedTrace, deps: TraceRunDeps): Promise<TraceRun> {
  const store = plan.backend === 'tempo' ? 'Tempo' : 'Jaeger';
  try {
    let id = plan.traceId;
    let answer: unknown;
    let searchNote = '';
    if (id !== undefined && normalizeId(id, 'hex') === undefined) return { kind: 'error', aborted: false, error: `\`${safeText(id, 80)}\` is not a trace id (hex or base64)` };
    if (id === undefined) {
      const found = await findTraceId(plan, deps);
      if (found === undefined) return { kind: 'error', aborted: false, error: `no trace in ${store} matches \`${safeText(plan.search!, 200)}\` within ${plan.windowMs / 60_000} min before ${(plan.at ?? deps.clock()).toISOString()}` };
      id = normalizeId(found.id, plan.backend === 'jaeger' ? 'hex' : 'auto') ?? found.id;
      answer = found.prefetched;
      searchNote = ` (${plan.pick} of ${found.matches} match${found.matches === 1 ? '' : 'es'})`;
    }
    if (answer === undefined) {
      for (const [i, path] of tracePaths(plan.backend, id).entries()) {
        try {
          answer = await getJson(deps, `${plan.url}${path}`, plan.timeoutMs);
          break;
        } catch (error) {
          if (error instanceof FetchError && error.status === 404 && i === 0) continue;
          if (error instanceof FetchError && error.status === 404) return { kind: 'error', aborted: false, error: `trace ${id} not found in ${store} at ${plan.url}` };
          throw error;
        }
      }
    }
    const normalized = normalizeTrace(answer);
    const spans = normalized.spans.filter((s) => s.traceId === id || normalized.spans.every((t) => t.traceId !== id));
    if (spans.length === 0) return { kind: 'error', aborted: false, error: `trace ${id}: ${store} answered no spans` };
    const analysis = analyzeTrace(spans);
    return finishRun(plan, analysis, [...normalized.warnings], searchNote);
  } catch (error) {
    if (deps.signal.aborted) return { kind: 'error', aborted: true, error: 'interrupted' };
    if (error instanceof FetchError || error instanceof TraceFormatError) return { kind: 'error', aborted: false, error: `${store}: ${error.message}` };
    return { kind: 'error', aborted: false, error: `${store}: ${(error as Error).message}` };
  }
}

const seconds = (us: number): string => String(Math.round(us) / 1_000_000);

function finishRun(plan: PlannedTrace, a: TraceAnalysis, warnings: string[], searchNote: string): TraceRun {
  const b = a.bottleneck;
  const e = a.errors[0];
  const fields: Record<(typeof TRACE_CAPTURE_FIELDS)[number], string | undefined> = {
    'bottleneck.duration': b ? seconds(b.span.durationUs) : undefined,
    'bottleneck.operation': b?.span.operation,
    'bottleneck.self': b ? seconds(b.selfUs) : undefined,
    'bottleneck.service': b?.span.service,
    duration: seconds(a.durationUs),
    'error.message': e?.message || undefined,
    'error.operation': e?.span.operation,
    'error.service': e?.span.service,
    'root.operation': a.root?.operation,
    'root.service': a.root?.service,
    spans: String(a.spanCount),
    trace_id: a.traceId,
  };
  const captures: Record<string, string> = {};
  const missing: string[] = [];
  for (const c of plan.captures) {
    const v = fields[c.field];
    if (v === undefined) missing.push(c.name);
    else captures[c.name] = safeText(v, 500);
  }
  const parts = [
    `trace ${a.traceId}${searchNote}: ${a.spanCount} span${a.spanCount === 1 ? '' : 's'}, ${a.services.length} service${a.services.length === 1 ? '' : 's'}, ${formatMicros(a.durationUs)}`,
    b ? `bottleneck ${safeText(b.span.operation, 80)} (${safeText(b.span.service, 40)}) ${formatMicros(b.span.durationUs)}` : 'no critical path',
    ...(e ? [`error in ${safeText(e.span.service, 40)}${e.message ? `: ${safeText(e.message, 120)}` : ''}`] : []),
    ...(a.degraded.length ? [`degraded: ${a.degraded.length} problem${a.degraded.length === 1 ? '' : 's'}`] : []),
  ];
  const lines = renderWaterfall(a);
  const findings: string[] = [];
  if (b) findings.push(`bottleneck: ${safeText(b.span.operation)} (${safeText(b.span.service)}), ${formatMicros(b.span.durationUs)}, ${formatMicros(b.selfUs)} of it on the critical path`);
  for (const err of a.errors.slice(0, 5)) {
    const attrs = Object.entries(err.attributes).slice(0, 8).map(([k, v]) => `${safeText(k, 60)}=${safeText(String(v), 120)}`).join(' ');
    findings.push(`error: ${safeText(err.span.service)} ${safeText(err.span.operation)}${err.message ? `: ${safeText(err.message, 300)}` : ''}${attrs ? ` [${attrs}]` : ''}`);
  }
  for (const d of [...a.degraded, ...warnings]) findings.push(`degraded: ${safeText(d, 300)}`);
  const end = (plan.at?.getTime() ?? a.startUs / 1000 + a.durationUs / 1000) / 1000;
  return {
    kind: 'ok',
    summary: parts.join('; ') + (missing.length ? `; nothing captured for ${missing.join(', ')}` : ''),
    captures,
    missing,
    result: {
      resultType: 'vector',
      series: b
        ? [{ labels: { __name__: 'trace_bottleneck_duration_seconds', trace_id: a.traceId, service: safeText(b.span.service, 200), operation: safeText(b.span.operation, 200) }, value: [end, seconds(b.span.durationUs)] }]
        : [],
      seriesTotal: b ? 1 : 0,
    },
    // Findings first: a plain terminal shows the first lines of the output.
    text: [...findings, ...lines].join('\n'),
    analysis: a,
  };
}
