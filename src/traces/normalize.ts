/**
 * Normalising trace answers into {@link TraceSpan}s. Shapes accepted (from the projects' API docs):
 * - Tempo `GET /api/traces/<id>`: OTLP JSON under `batches` (ids base64, enum names like `SPAN_KIND_SERVER`);
 * - Tempo `GET /api/v2/traces/<id>`: `{ trace: { resourceSpans } }`;
 * - Jaeger v2 `GET /api/v3/traces/<id>`: `{ result: { resourceSpans } }`;
 * - an OTLP/HTTP JSON export body: `{ resourceSpans }` (ids hex, times as nanosecond strings);
 * - classic Jaeger `GET /api/traces/<id>`: `{ data: [{ traceID, spans: [{ references, startTime µs, … }], processes }] }`.
 * Ids may be hex or base64, enums names or numbers. Nothing here trusts the answer: every field is checked.
 */
import { TraceFormatError } from './errors.js';
import type { AttributeValue, NormalizedTrace, SpanKind, TraceSpan } from './model.js';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);
const asArray = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

const HEX = /^[0-9a-fA-F]+$/;

/**
 * An id as lower-case hex. In OTLP JSON (`auto`) hex ids are 16 or 32 characters and anything else is read
 * as base64 (Tempo's answers: protobuf's JSON mapping of bytes). Jaeger and people write hex, sometimes
 * without leading zeros (`hex`: any hex string up to 32 characters, padded).
 */
export function normalizeId(id: string, prefer: 'auto' | 'hex' = 'auto'): string | undefined {
  const t = id.trim();
  if (t === '') return undefined;
  const hexOk = HEX.test(t) && t.length <= 32;
  if (hexOk && (prefer === 'hex' || t.length === 16 || t.length === 32)) {
    const hex = t.toLowerCase().padStart(t.length <= 16 ? 16 : 32, '0');
    return /^0+$/.test(hex) ? undefined : hex;
  }
  if (/^[A-Za-z0-9+/_-]+={0,2}$/.test(t)) {
    const bytes = Buffer.from(t.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
    if (bytes.length === 8 || bytes.length === 16) {
      const hex = bytes.toString('hex');
      return /^0+$/.test(hex) ? undefined : hex;
    }
  }
  return undefined;
}

const KINDS: Record<string, SpanKind> = {
  '0': 'unspecified',
  '1': 'internal',
  '2': 'server',
  '3': 'client',
  '4': 'producer',
  '5': 'consumer',
  unspecified: 'unspecified',
  internal: 'internal',
  server: 'server',
  client: 'client',
  producer: 'producer',
  consumer: 'consumer',
};

/** `SPAN_KIND_PRODUCER`, `producer`, `4` → `producer`. */
export function normalizeKind(kind: unknown): SpanKind {
  if (typeof kind !== 'string' && typeof kind !== 'number') return 'unspecified';
  const key = String(kind).toLowerCase().replace(/^span_kind_/, '');
  return KINDS[key] ?? 'unspecified';
}

function otlpStatus(status: unknown): { status: TraceSpan['status']; message?: string } {
  if (!isObject(status)) return { status: 'unset' };
  const code = String(status.code ?? '').toUpperCase();
  const message = str(status.message) || undefined;
  const s = code === '2' || code === 'STATUS_CODE_ERROR' || code === 'ERROR' ? 'error' : code === '1' || code === 'STATUS_CODE_OK' || code === 'OK' ? 'ok' : 'unset';
  return message === undefined ? { status: s } : { status: s, message };
}

function anyValue(v: unknown): AttributeValue | undefined {
  if (!isObject(v)) return undefined;
  if (typeof v.stringValue === 'string') return v.stringValue;
  if (typeof v.boolValue === 'boolean') return v.boolValue;
  if (v.intValue !== undefined) {
    const n = Number(v.intValue);
    return Number.isFinite(n) ? n : String(v.intValue);
  }
  if (v.doubleValue !== undefined) {
    const n = Number(v.doubleValue);
    return Number.isFinite(n) ? n : String(v.doubleValue);
  }
  if (typeof v.bytesValue === 'string') return v.bytesValue;
  if (v.arrayValue !== undefined) return JSON.stringify(asArray((v.arrayValue as Json).values).map(anyValue));
  if (v.kvlistValue !== undefined) return JSON.stringify(otlpAttributes((v.kvlistValue as Json).values));
  return undefined;
}

function otlpAttributes(list: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const kv of asArray(list)) {
    if (!isObject(kv) || typeof kv.key !== 'string') continue;
    const value = anyValue(kv.value);
    if (value !== undefined) out[kv.key] = value;
  }
  return out;
}

/** Nanoseconds (number or decimal string) → microseconds, without losing the µs precision to doubles. */
function nanosToMicros(v: unknown): number | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? v / 1000 : undefined;
  if (typeof v !== 'string' || !/^\d{1,22}$/.test(v)) return undefined;
  const n = BigInt(v);
  return Number(n / 1000n) + Number(n % 1000n) / 1000;
}

function normalizeOtlp(resourceSpans: unknown[], warnings: string[]): TraceSpan[] {
  const spans: TraceSpan[] = [];
  for (const rs of resourceSpans) {
    if (!isObject(rs)) continue;
    const resource = otlpAttributes(isObject(rs.resource) ? rs.resource.attributes : undefined);
    const service = typeof resource['service.name'] === 'string' ? resource['service.name'] : 'unknown_service';
    // `scopeSpans` since OTLP 0.19; Tempo before 2.0 answered `instrumentationLibrarySpans`.
    for (const ss of [...asArray(rs.scopeSpans), ...asArray(rs.instrumentationLibrarySpans)]) {
      if (!isObject(ss)) continue;
      for (const raw of asArray(ss.spans)) {
        if (!isObject(raw)) continue;
        const traceId = normalizeId(str(raw.traceId) ?? '');
        const spanId = normalizeId(str(raw.spanId) ?? '');
        if (traceId === undefined || spanId === undefined) {
          warnings.push(`a span without a readable trace or span id was skipped`);
          continue;
        }
        const start = nanosToMicros(raw.startTimeUnixNano);
        const end = nanosToMicros(raw.endTimeUnixNano);
        if (start === undefined || end === undefined) {
          warnings.push(`span ${spanId} has no readable start or end time; it was skipped`);
          continue;
        }
        const parentId = normalizeId(str(raw.parentSpanId) ?? '');
        const { status, message } = otlpStatus(raw.status);
        const attributes = otlpAttributes(raw.attributes);
        let statusMessage = message;
        if (statusMessage === undefined) {
          for (const ev of asArray(raw.events)) {
            if (!isObject(ev) || ev.name !== 'exception') continue;
            const m = otlpAttributes(ev.attributes)['exception.message'];
            if (typeof m === 'string') statusMessage = m;
          }
        }
        spans.push({
          traceId,
          spanId,
          ...(parentId === undefined ? {} : { parentId }),
          link: 'child_of',
          service,
          operation: str(raw.name) ?? '',
          kind: normalizeKind(raw.kind),
          startUs: start,
          durationUs: Math.max(0, end - start),
          status,
          ...(statusMessage === undefined ? {} : { statusMessage }),
          attributes,
        });
      }
    }
  }
  return spans;
}

function jaegerTags(list: unknown): Record<string, AttributeValue> {
  const out: Record<string, AttributeValue> = {};
  for (const t of asArray(list)) {
    if (!isObject(t) || typeof t.key !== 'string') continue;
    const v = t.value;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') out[t.key] = v;
  }
  return out;
}

function normalizeJaeger(data: unknown[], warnings: string[]): TraceSpan[] {
  const spans: TraceSpan[] = [];
  for (const trace of data) {
    if (!isObject(trace)) continue;
    const processes = isObject(trace.processes) ? trace.processes : {};
    for (const raw of asArray(trace.spans)) {
      if (!isObject(raw)) continue;
      const traceId = normalizeId(str(raw.traceID) ?? str(trace.traceID) ?? '', 'hex');
      const spanId = normalizeId(str(raw.spanID) ?? '', 'hex');
      if (traceId === undefined || spanId === undefined) {
        warnings.push(`a span without a readable trace or span id was skipped`);
        continue;
      }
      const start = typeof raw.startTime === 'number' ? raw.startTime : Number.NaN;
      const duration = typeof raw.duration === 'number' ? raw.duration : Number.NaN;
      if (!Number.isFinite(start) || !Number.isFinite(duration)) {
        warnings.push(`span ${spanId} has no readable start time or duration; it was skipped`);
        continue;
      }
      // The first CHILD_OF reference is the parent; a span with only FOLLOWS_FROM hangs off that span
      // without blocking it. `parentSpanID` is the deprecated single-parent field.
      const refs = asArray(raw.references).filter(isObject);
      const childOf = refs.find((r) => String(r.refType).toUpperCase() === 'CHILD_OF');
      const follows = refs.find((r) => String(r.refType).toUpperCase() === 'FOLLOWS_FROM');
      const ref = childOf ?? follows;
      const parentId = normalizeId(str(ref?.spanID) ?? str(raw.parentSpanID) ?? '', 'hex');
      const process = isObject(raw.process) ? raw.process : isObject(processes[String(raw.processID)]) ? (processes[String(raw.processID)] as Json) : {};
      const attributes = jaegerTags(raw.tags);
      const errorTag = attributes.error;
      const statusCode = String(attributes['otel.status_code'] ?? '').toUpperCase();
      const status: TraceSpan['status'] = errorTag === true || errorTag === 'true' || statusCode === 'ERROR' ? 'error' : statusCode === 'OK' ? 'ok' : 'unset';
      let statusMessage = str(attributes['otel.status_description']) ?? str(attributes['error.message']);
      if (statusMessage === undefined && status === 'error') {
        for (const log of asArray(raw.logs)) {
          const fields = jaegerTags(isObject(log) ? log.fields : undefined);
          const m = fields.message ?? fields['exception.message'] ?? fields['error.object'];
          if (typeof m === 'string') statusMessage = m;
        }
      }
      spans.push({
        traceId,
        spanId,
        ...(parentId === undefined ? {} : { parentId }),
        link: childOf === undefined && follows !== undefined ? 'follows_from' : 'child_of',
        service: str(process.serviceName) ?? 'unknown_service',
        operation: str(raw.operationName) ?? '',
        kind: normalizeKind(attributes['span.kind']),
        startUs: start,
        durationUs: Math.max(0, duration),
        status,
        ...(statusMessage === undefined ? {} : { statusMessage }),
        attributes,
      });
    }
  }
  return spans;
}

/**
 * Normalises one trace answer of any accepted shape.
 * @throws TraceFormatError when the answer has none of the shapes (the message names them).
 */
export function normalizeTrace(answer: unknown): NormalizedTrace {
  const warnings: string[] = [];
  if (isObject(answer)) {
    if (Array.isArray(answer.batches)) return { format: 'otlp', spans: normalizeOtlp(answer.batches, warnings), warnings };
    if (Array.isArray(answer.resourceSpans)) return { format: 'otlp', spans: normalizeOtlp(answer.resourceSpans, warnings), warnings };
    for (const key of ['trace', 'result'] as const) {
      const inner = answer[key];
      if (isObject(inner) && (Array.isArray(inner.resourceSpans) || Array.isArray(inner.batches))) {
        return { format: 'otlp', spans: normalizeOtlp(asArray(inner.resourceSpans ?? inner.batches), warnings), warnings };
      }
    }
    if (Array.isArray(answer.data)) return { format: 'jaeger', spans: normalizeJaeger(answer.data, warnings), warnings };
  }
  throw new TraceFormatError(
    'the answer is not a trace: expected OTLP JSON (`batches` or `resourceSpans`, also under `trace` or `result`) or Jaeger JSON (`data[].spans`)',
  );
}
