/**
 * A sandbox trace store serving the query APIs of Grafana Tempo and Jaeger over loopback (no Tempo or Jaeger
 * can be installed here). Shapes follow the projects' API docs:
 * - Tempo `GET /api/traces/<id>` → OTLP JSON under `batches`, ids base64, enum names (`SPAN_KIND_SERVER`);
 *   `GET /api/v2/traces/<id>` → `{ trace: { resourceSpans } }`;
 *   `GET /api/search?q=<TraceQL>&start=<s>&end=<s>&limit=` → `{ traces: [{ traceID, rootServiceName,
 *   rootTraceName, startTimeUnixNano, durationMs }] }` (a small TraceQL subset: `&&` of
 *   `resource.service.name = "…"`, `name = "…"`, `status = error|ok`, `duration > 1s`);
 * - Jaeger v2 `GET /api/v3/traces/<id>` → `{ result: { resourceSpans } }` (hex ids, enum numbers);
 *   classic `GET /api/traces/<id>` and `GET /api/traces?service=&operation=&tags=&minDuration=&start=&end=&limit=`
 *   → `{ data: [{ traceID, spans: [{ references, startTime µs, duration µs, tags, processID }], processes }] }`.
 * Every request is recorded so tests can prove what was asked.
 */
import { createServer } from 'node:http';
import type { Server } from 'node:http';
import { historicalTraces } from './trace-data.js';
import type { StoredSpan } from './trace-data.js';

/** A running trace store. */
export interface TraceStore {
  url: string;
  /** Request paths with queries, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/** Options of {@link startTraceStore}. */
export interface TraceStoreOptions {
  traces?: StoredSpan[][];
  /** Which API `/api/traces/<id>` speaks: Tempo v1 (`batches`, default) or classic Jaeger (`data`). */
  flavour?: 'tempo' | 'jaeger';
  /** Answer 404 on the newer paths (`/api/v2/traces`, `/api/v3/traces`) like older servers. */
  legacyOnly?: boolean;
}

const b64 = (hex: string): string => Buffer.from(hex, 'hex').toString('base64');
const nanos = (ms: number): string => (BigInt(Math.round(ms * 1000)) * 1000n).toString();
const KIND_NUM = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const;

function anyValue(v: string | number | boolean): Record<string, unknown> {
  if (typeof v === 'string') return { stringValue: v };
  if (typeof v === 'boolean') return { boolValue: v };
  return Number.isInteger(v) ? { intValue: String(v) } : { doubleValue: v };
}

/** OTLP JSON resourceSpans of one trace; `tempo` = base64 ids and enum names, else hex ids and numbers. */
export function toResourceSpans(spans: readonly StoredSpan[], style: 'tempo' | 'jaeger'): unknown[] {
  const id = style === 'tempo' ? b64 : (h: string) => h;
  const byService = new Map<string, StoredSpan[]>();
  for (const s of spans) byService.set(s.service, [...(byService.get(s.service) ?? []), s]);
  return [...byService].map(([service, list]) => ({
    resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
    scopeSpans: [
      {
        scope: { name: 'sandbox' },
        spans: list.map((s) => ({
          traceId: id(s.traceId),
          spanId: id(s.spanId),
          ...(s.parentId ? { parentSpanId: id(s.parentId) } : {}),
          name: s.name,
          kind: style === 'tempo' ? `SPAN_KIND_${s.kind.toUpperCase()}` : KIND_NUM[s.kind],
          startTimeUnixNano: nanos(s.startMs),
          endTimeUnixNano: nanos(s.endMs),
          attributes: Object.entries(s.attributes).map(([key, v]) => ({ key, value: anyValue(v) })),
          status: s.error ? { code: style === 'tempo' ? 'STATUS_CODE_ERROR' : 2, message: s.error } : {},
        })),
      },
    ],
  }));
}

/** Classic Jaeger JSON of one trace (`data[]` element). */
export function toJaeger(spans: readonly StoredSpan[]): unknown {
  const services = [...new Set(spans.map((s) => s.service))];
  return {
    traceID: spans[0]!.traceId,
    spans: spans.map((s) => ({
      traceID: s.traceId,
      spanID: s.spanId,
      operationName: s.name,
      references: s.parentId ? [{ refType: s.kind === 'consumer' ? 'FOLLOWS_FROM' : 'CHILD_OF', traceID: s.traceId, spanID: s.parentId }] : [],
      startTime: Math.round(s.startMs * 1000),
      duration: Math.round((s.endMs - s.startMs) * 1000),
      tags: [
        { key: 'span.kind', type: 'string', value: s.kind },
        ...(s.error ? [{ key: 'error', type: 'bool', value: true }, { key: 'otel.status_description', type: 'string', value: s.error }] : []),
        ...Object.entries(s.attributes).map(([key, value]) => ({ key, type: typeof value === 'number' ? 'int64' : typeof value === 'boolean' ? 'bool' : 'string', value })),
      ],
      logs: [],
      processID: `p${services.indexOf(s.service) + 1}`,
      warnings: null,
    })),
    processes: Object.fromEntries(services.map((name, i) => [`p${i + 1}`, { serviceName: name, tags: [] }])),
    warnings: null,
  };
}

type Condition = (s: StoredSpan) => boolean;

/** The TraceQL subset; throws on anything else (Tempo answers 400). */
export function parseTraceQL(q: string): Condition[] {
  const m = /^\s*\{(.*)\}\s*$/s.exec(q);
  if (!m) throw new Error(`parse error: expected a spanset \`{ … }\`, found \`${q}\``);
  if (m[1]!.trim() === '') return [];
  return m[1]!.split('&&').map((part) => {
    const c = part.trim();
    let x: RegExpExecArray | null;
    if ((x = /^(?:resource\.)?service\.name\s*=\s*"([^"]*)"$/.exec(c))) return (s) => s.service === x![1];
    if ((x = /^name\s*=\s*"([^"]*)"$/.exec(c))) return (s) => s.name === x![1];
    if ((x = /^status\s*=\s*(error|ok|unset)$/.exec(c))) return x[1] === 'error' ? (s) => s.error !== undefined : (s) => s.error === undefined;
    if ((x = /^duration\s*>\s*(\d+)(ms|s)$/.exec(c))) {
      const ms = Number(x[1]) * (x[2] === 's' ? 1000 : 1);
      return (s) => s.endMs - s.startMs > ms;
    }
    throw new Error(`parse error: unsupported condition \`${c}\``);
  });
}

function durationMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(us|µs|ms|s|m|h)$/.exec(text);
  if (!m) return Number.NaN;
  return Number(m[1]) * { us: 0.001, µs: 0.001, ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms'];
}

/** Starts the store on 127.0.0.1 (a free port). */
export async function startTraceStore(options: TraceStoreOptions = {}): Promise<TraceStore> {
  const traces = options.traces ?? historicalTraces();
  const byId = new Map(traces.map((t) => [t[0]!.traceId, t]));
  const requests: string[] = [];
  const traceStart = (t: StoredSpan[]): number => Math.min(...t.map((s) => s.startMs));
  const traceEnd = (t: StoredSpan[]): number => Math.max(...t.map((s) => s.endMs));
  const root = (t: StoredSpan[]): StoredSpan => t.find((s) => s.parentId === undefined) ?? t[0]!;

  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://sandbox');
    requests.push(`${url.pathname}${url.search}`);
    const send = (status: number, body: unknown): void => {
      const text = typeof body === 'string' ? body : JSON.stringify(body);
      res.writeHead(status, { 'content-type': typeof body === 'string' ? 'text/plain' : 'application/json' });
      res.end(text);
    };
    if (req.method !== 'GET') return send(405, 'method not allowed');
    let m: RegExpExecArray | null;
    if ((m = /^\/api\/(v2\/|v3\/)?traces\/([0-9a-fA-F]+)$/.exec(url.pathname))) {
      const version = m[1];
      if (version && options.legacyOnly) return send(404, '404 page not found');
      const t = byId.get(m[2]!.toLowerCase().padStart(32, '0'));
      if (!t) return send(404, version === 'v3/' ? { error: { httpCode: 404, message: 'trace not found' } } : 'trace not found');
      // /api/traces/<id> is Tempo v1 and classic Jaeger alike: the store's flavour says which it speaks.
      if (version === 'v2/') return send(200, { trace: { resourceSpans: toResourceSpans(t, 'tempo') } });
      if (version === 'v3/') return send(200, { result: { resourceSpans: toResourceSpans(t, 'jaeger') } });
      return options.flavour === 'jaeger'
        ? send(200, { data: [toJaeger(t)], total: 0, limit: 0, offset: 0, errors: null })
        : send(200, { batches: toResourceSpans(t, 'tempo') });
    }
    if (url.pathname === '/api/search') {
      let conditions: Condition[];
      try {
        conditions = parseTraceQL(url.searchParams.get('q') ?? '{}');
      } catch (error) {
        return send(400, (error as Error).message);
      }
      const start = Number(url.searchParams.get('start') ?? 0) * 1000;
      const end = Number(url.searchParams.get('end') ?? Date.now() / 1000) * 1000;
      const limit = Number(url.searchParams.get('limit') ?? 20);
      const hits = traces
        .filter((t) => traceStart(t) >= start && traceStart(t) <= end && t.some((s) => conditions.every((c) => c(s))))
        // Tempo does not promise an order: answer oldest first so a client that trusts order picks wrongly.
        .sort((a, b) => traceStart(a) - traceStart(b))
        .slice(0, limit)
        .map((t) => ({ traceID: t[0]!.traceId, rootServiceName: root(t).service, rootTraceName: root(t).name, startTimeUnixNano: nanos(traceStart(t)), durationMs: Math.round(traceEnd(t) - traceStart(t)) }));
      return send(200, { traces: hits, metrics: { inspectedTraces: traces.length } });
    }
    if (url.pathname === '/api/traces') {
      const p = url.searchParams;
      const service = p.get('service');
      if (!service) return send(400, { data: null, errors: [{ code: 400, msg: 'parameter service is required' }] });
      let tags: Record<string, string> = {};
      try {
        tags = p.get('tags') ? (JSON.parse(p.get('tags')!) as Record<string, string>) : {};
      } catch {
        return send(400, { data: null, errors: [{ code: 400, msg: 'malformed tags' }] });
      }
      const start = Number(p.get('start') ?? 0) / 1000;
      const end = Number(p.get('end') ?? Date.now() * 1000) / 1000;
      const min = p.get('minDuration') ? durationMs(p.get('minDuration')!) : 0;
      const operation = p.get('operation');
      const spanMatches = (s: StoredSpan): boolean =>
        s.service === service &&
        (operation === null || s.name === operation) &&
        s.endMs - s.startMs >= min &&
        Object.entries(tags).every(([k, v]) => (k === 'error' ? String(s.error !== undefined) === String(v) : String(s.attributes[k]) === String(v)));
      const hits = traces
        .filter((t) => traceStart(t) >= start && traceStart(t) <= end && t.some(spanMatches))
        .sort((a, b) => traceStart(a) - traceStart(b))
        .slice(0, Number(p.get('limit') ?? 20));
      return send(200, { data: hits.map(toJaeger), total: 0, limit: 0, offset: 0, errors: null });
    }
    return send(404, '404 page not found');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
