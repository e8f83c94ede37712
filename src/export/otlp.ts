/**
 * A run's timeline → one OpenTelemetry trace in the OTLP/HTTP JSON encoding (the protobuf JSON mapping:
 * lowerCamelCase fields, enums as integers, 64-bit integers as decimal strings, and — OTLP's exception —
 * trace and span ids as hex, which the Collector requires). A span for the run, one per step, one per
 * mitigation action (child of its step); gate decisions and verification polls are span events.
 * Ids are derived from the run id, so exporting the same timeline twice sends the same trace.
 */
import { createHash } from 'node:crypto';
import type { TimelineEvent } from '../timeline/events.js';

/** OTLP `Status.code`. */
export const OTLP_STATUS = { unset: 0, ok: 1, error: 2 } as const;
/** OTLP `Span.kind`: every runbook span is internal work. */
const SPAN_KIND_INTERNAL = 1;

/** An OTLP `AnyValue` as JSON. */
export type OtlpAnyValue = { stringValue: string } | { boolValue: boolean } | { intValue: string } | { doubleValue: number };
/** An OTLP `KeyValue` as JSON. */
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
/** An OTLP `Span.Event` as JSON. */
export interface OtlpEvent {
  timeUnixNano: string;
  name: string;
  attributes: OtlpKeyValue[];
}
/** An OTLP `Span` as JSON. */
export interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: OtlpKeyValue[];
  events: OtlpEvent[];
  status: { code: number; message?: string };
}
/** An OTLP `ExportTraceServiceRequest` as JSON: the body of `POST /v1/traces`. */
export interface OtlpTraceRequest {
  resourceSpans: {
    resource: { attributes: OtlpKeyValue[] };
    scopeSpans: { scope: { name: string; version: string }; spans: OtlpSpan[] }[];
  }[];
}

type Attr = string | number | boolean | undefined;

function attributes(entries: Record<string, Attr>): OtlpKeyValue[] {
  const out: OtlpKeyValue[] = [];
  for (const [key, v] of Object.entries(entries)) {
    if (v === undefined) continue;
    if (typeof v === 'boolean') out.push({ key, value: { boolValue: v } });
    else if (typeof v === 'number') out.push({ key, value: Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v } });
    else out.push({ key, value: { stringValue: v } });
  }
  return out;
}

const hexId = (seed: string, bytes: number): string => createHash('sha256').update(seed).digest('hex').slice(0, bytes * 2);

/** ISO time (ms precision) → unix nanoseconds as a decimal string. */
export function unixNano(iso: string, offsetMs = 0): string {
  return String(BigInt(Date.parse(iso) + offsetMs) * 1_000_000n);
}

const stepStatus = (status: string, message: string | undefined): OtlpSpan['status'] =>
  status === 'failed' || status === 'error' ? { code: OTLP_STATUS.error, ...(message ? { message } : {}) } : status === 'ok' || status === 'passed' ? { code: OTLP_STATUS.ok } : { code: OTLP_STATUS.unset };

/** Builds the trace of one run from its (already redacted) timeline events. */
export function timelineToOtlp(events: readonly TimelineEvent[]): OtlpTraceRequest {
  const started = events.find((e) => e.type === 'run.started');
  const finished = events.find((e) => e.type === 'run.finished');
  const runId = started?.run ?? events[0]?.run ?? 'unknown';
  const traceId = hexId(`runbook-trace:${runId}`, 16);
  const runSpanId = hexId(`runbook-span:${runId}:run`, 8);
  const title = started?.type === 'run.started' ? started.runbook.title : runId;
  const first = events[0]!;
  const last = events[events.length - 1]!;

  const runSpan: OtlpSpan = {
    traceId,
    spanId: runSpanId,
    name: title,
    kind: SPAN_KIND_INTERNAL,
    startTimeUnixNano: unixNano((started ?? first).time),
    endTimeUnixNano: unixNano((finished ?? last).time),
    attributes: attributes({
      'cicd.pipeline.name': title,
      'cicd.pipeline.run.id': runId,
      'cicd.pipeline.result': finished?.type === 'run.finished' ? finished.status : undefined,
      'runbook.path': started?.type === 'run.started' ? started.runbook.path : undefined,
      'runbook.sha256': started?.type === 'run.started' ? started.runbook.sha256 : undefined,
      'runbook.mode': started?.type === 'run.started' ? started.mode : undefined,
      'runbook.user': started?.type === 'run.started' ? started.user : undefined,
      'runbook.at': started?.type === 'run.started' ? (started.at ?? undefined) : undefined,
      'runbook.target.prometheus': started?.type === 'run.started' ? started.targets.prometheus : undefined,
      'runbook.target.context': started?.type === 'run.started' ? started.targets.context : undefined,
      'runbook.target.namespace': started?.type === 'run.started' ? started.targets.namespace : undefined,
    }),
    events: [],
    status:
      finished?.type === 'run.finished'
        ? finished.status === 'ok'
          ? { code: OTLP_STATUS.ok }
          : { code: OTLP_STATUS.error, message: `run ${finished.status}` }
        : { code: OTLP_STATUS.unset },
  };
  const spans: OtlpSpan[] = [runSpan];
  const steps = new Map<string, OtlpSpan>();
  // A step may run more than once (a resumed run); each start opens a new span for that step.
  const attempts = new Map<string, number>();

  const openStep = (step: string, time: string, kind: string | undefined, extra: Record<string, Attr> = {}): OtlpSpan => {
    const n = (attempts.get(step) ?? 0) + 1;
    attempts.set(step, n);
    const span: OtlpSpan = {
      traceId,
      spanId: hexId(`runbook-span:${runId}:step:${step}:${n}`, 8),
      parentSpanId: runSpanId,
      name: step,
      kind: SPAN_KIND_INTERNAL,
      startTimeUnixNano: unixNano(time),
      endTimeUnixNano: unixNano(time),
      attributes: attributes({ 'cicd.pipeline.task.name': step, 'cicd.pipeline.task.run.id': `${runId}/${step}${n > 1 ? `#${n}` : ''}`, 'runbook.kind': kind, ...extra }),
      events: [],
      status: { code: OTLP_STATUS.unset },
    };
    spans.push(span);
    steps.set(step, span);
    return span;
  };
  // Spans opened by an event that came before the step's own start (a gate is decided before the step starts).
  const implicit = new Set<OtlpSpan>();
  const stepSpan = (step: string, time: string): OtlpSpan => {
    const open = steps.get(step);
    if (open) return open;
    const span = openStep(step, time, undefined);
    implicit.add(span);
    return span;
  };

  for (const e of events) {
    switch (e.type) {
      case 'step.started': {
        const extra = { 'runbook.title': e.title, 'runbook.gated': e.gated, 'runbook.query': e.command?.query, 'runbook.argv': e.command?.argv?.join(' ') };
        const early = steps.get(e.step);
        if (early && implicit.has(early)) {
          // The gate's span is the step's span: it starts at the gate, then gains what the start says.
          implicit.delete(early);
          early.attributes = early.attributes.filter((a) => a.key !== 'runbook.kind');
          early.attributes.push(...attributes({ 'runbook.kind': e.kind, ...extra }));
        } else {
          openStep(e.step, e.time, e.kind, extra);
        }
        break;
      }
      case 'step.finished': {
        const span = steps.get(e.step) ?? openStep(e.step, new Date(Date.parse(e.time) - e.durationMs).toISOString(), undefined);
        span.endTimeUnixNano = unixNano(e.time);
        span.status = stepStatus(e.status, e.error ?? e.summary);
        span.attributes.push(
          ...attributes({
            'cicd.pipeline.task.run.result': e.status,
            'runbook.verdict': e.status,
            'runbook.summary': e.summary,
            'runbook.error': e.error,
            'runbook.duration_ms': e.durationMs,
            'runbook.output.exit_code': e.output?.exitCode,
            'runbook.output.truncated': e.output?.truncated,
            'runbook.result.series': e.result?.seriesTotal,
            'runbook.violations': e.violations?.length,
          }),
        );
        steps.delete(e.step);
        break;
      }
      case 'gate.decided': {
        const span = stepSpan(e.step, e.time);
        span.attributes.push(...attributes({ 'runbook.gate.decision': e.decision, 'runbook.gate.by': e.by, 'runbook.gate.how': e.how }));
        span.events.push({ timeUnixNano: unixNano(e.time), name: 'gate.decided', attributes: attributes({ 'runbook.gate.decision': e.decision, 'runbook.gate.by': e.by, 'runbook.gate.how': e.how, 'runbook.gate': e.gate }) });
        break;
      }
      case 'action.finished': {
        const parent = stepSpan(e.step, e.time);
        spans.push({
          traceId,
          spanId: hexId(`runbook-span:${runId}:action:${e.step}:${attempts.get(e.step) ?? 1}:${e.role}:${e.index}`, 8),
          parentSpanId: parent.spanId,
          name: `${e.step} ${e.role} ${e.index + 1}`,
          kind: SPAN_KIND_INTERNAL,
          startTimeUnixNano: unixNano(e.time, -e.durationMs),
          endTimeUnixNano: unixNano(e.time),
          attributes: attributes({ 'cicd.pipeline.task.name': e.step, 'runbook.kind': e.role, 'runbook.verdict': e.status, 'runbook.argv': e.command.argv?.join(' '), 'runbook.error': e.error, 'runbook.output.exit_code': e.output?.exitCode }),
          events: [],
          status: stepStatus(e.status === 'aborted' ? 'error' : e.status, e.error),
        });
        break;
      }
      case 'verify.polled':
        stepSpan(e.step, e.time).events.push({ timeUnixNano: unixNano(e.time), name: 'verify.polled', attributes: attributes({ 'runbook.verify.attempt': e.attempt, 'runbook.verify.passed': e.passed, 'runbook.summary': e.summary }) });
        break;
      case 'note':
        runSpan.events.push({ timeUnixNano: unixNano(e.time), name: 'note', attributes: attributes({ 'runbook.note': e.text, 'runbook.user': e.by }) });
        break;
      default:
        break;
    }
  }
  const version = started?.type === 'run.started' ? started.tool.version : '0';
  return {
    resourceSpans: [
      {
        resource: { attributes: attributes({ 'service.name': 'runbook', 'service.version': version, 'host.name': started?.type === 'run.started' ? started.host : undefined }) },
        scopeSpans: [{ scope: { name: 'runbook', version }, spans }],
      },
    ],
  };
}

/** Raised when the collector is unreachable or refuses the trace. */
export class OtlpExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OtlpExportError';
  }
}

/**
 * Parses `OTEL_EXPORTER_OTLP_HEADERS` (`k=v,k2=v2`, values URL-encoded, per the OpenTelemetry spec) or one
 * `--header k=v`. Returns undefined for an entry without `=`.
 */
export function parseHeaderList(list: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  for (const part of list.split(',')) {
    if (!part.trim()) continue;
    const eq = part.indexOf('=');
    if (eq <= 0) return undefined;
    out[part.slice(0, eq).trim()] = decodeURIComponent(part.slice(eq + 1).trim());
  }
  return out;
}

/** Where to send a trace: `<endpoint>/v1/traces`, unless the endpoint already names that path. */
export function tracesUrl(endpoint: string): string {
  const base = endpoint.replace(/\/+$/, '');
  return base.endsWith('/v1/traces') ? base : `${base}/v1/traces`;
}

/** Options of {@link postOtlp}. */
export interface PostOtlpOptions {
  endpoint: string;
  headers?: Record<string, string>;
  fetch?: typeof fetch;
  /** Give up after this many ms (default 10 000, the OTLP exporter default). */
  timeoutMs?: number;
}

/** POSTs the trace as OTLP/HTTP JSON; resolves with the URL it went to, throws {@link OtlpExportError}. */
export async function postOtlp(request: OtlpTraceRequest, options: PostOtlpOptions): Promise<string> {
  const url = tracesUrl(options.endpoint);
  let res: Response;
  try {
    res = await (options.fetch ?? fetch)(url, {
      method: 'POST',
      headers: { ...options.headers, 'content-type': 'application/json' },
      body: JSON.stringify(request),
      signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
    });
  } catch (error) {
    throw new OtlpExportError(`cannot reach the OTLP endpoint ${url}: ${(error as Error).message}`);
  }
  const text = await res.text().catch(() => '');
  if (!res.ok) throw new OtlpExportError(`the OTLP endpoint ${url} answered HTTP ${res.status}: ${text.slice(0, 200)}`);
  // A 200 can still carry a partial success: spans the collector rejected.
  try {
    const body = JSON.parse(text) as { partialSuccess?: { rejectedSpans?: string | number; errorMessage?: string } };
    if (Number(body.partialSuccess?.rejectedSpans ?? 0) > 0) {
      throw new OtlpExportError(`the OTLP endpoint ${url} rejected ${body.partialSuccess!.rejectedSpans} span(s): ${body.partialSuccess!.errorMessage ?? ''}`);
    }
  } catch (error) {
    if (error instanceof OtlpExportError) throw error;
  }
  return url;
}
