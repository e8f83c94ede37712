/**
 * Deterministic traces of the historical incident, 2025-10-26 09:00–11:00 UTC. The walkthrough trace:
 * checkout `POST /checkout` 10:15:32.000–10:15:37.000 (5 s); `payment` span ERROR "Connection refused:
 * payment-gateway:8080" with retry.count=3; `call-payment-gateway` 4,950 ms (the bottleneck); inventory never
 * reached; two parallel calls before payment (cart, user profile); an audit consumer (PRODUCER → CONSUMER)
 * that runs longer than the gateway call but never blocks the request.
 */

/** A span of the sandbox store, in milliseconds since the epoch. */
export interface StoredSpan {
  traceId: string;
  spanId: string;
  parentId?: string;
  service: string;
  name: string;
  kind: 'server' | 'client' | 'producer' | 'consumer' | 'internal';
  startMs: number;
  endMs: number;
  error?: string;
  attributes: Record<string, string | number | boolean>;
}

/** The walkthrough's trace id (also in its log lines). */
export const WALKTHROUGH_TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
/** The walkthrough's correlation id. */
export const WALKTHROUGH_CORRELATION_ID = 'req-7f3a9c21';
/** Start of the failing checkout. */
export const WALKTHROUGH_START = Date.parse('2025-10-26T10:15:32.000Z');

const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

/** The failing checkout of the walkthrough. */
export function walkthroughTrace(): StoredSpan[] {
  const t = WALKTHROUGH_TRACE_ID;
  const at = (ms: number): number => WALKTHROUGH_START + ms;
  const span = (id: number, parent: number | undefined, service: string, name: string, kind: StoredSpan['kind'], from: number, to: number, extra: Partial<StoredSpan> = {}): StoredSpan => ({
    traceId: t,
    spanId: hex(0xa000 + id, 16),
    ...(parent === undefined ? {} : { parentId: hex(0xa000 + parent, 16) }),
    service,
    name,
    kind,
    startMs: at(from),
    endMs: at(to),
    attributes: { correlation_id: WALKTHROUGH_CORRELATION_ID, ...(extra.attributes ?? {}) },
    ...(extra.error ? { error: extra.error } : {}),
  });
  return [
    span(1, undefined, 'checkout', 'POST /checkout', 'server', 0, 5000, { error: 'payment failed', attributes: { 'http.route': '/checkout', 'http.status_code': 502, 'user.id': 'u-1842' } }),
    span(2, 1, 'checkout', 'get-user-profile', 'client', 5, 30),
    span(3, 1, 'checkout', 'load-cart', 'client', 5, 38),
    span(4, 3, 'cart', 'GET /cart', 'server', 8, 35, { attributes: { 'cart.items': 3 } }),
    span(5, 1, 'checkout', 'publish order-attempted', 'producer', 40, 42, { attributes: { 'messaging.destination.name': 'orders' } }),
    span(6, 5, 'audit', 'consume order-attempted', 'consumer', 60, 6500, { attributes: { 'messaging.destination.name': 'orders' } }),
    span(7, 1, 'payment', 'payment', 'server', 44, 4998, {
      error: 'Connection refused: payment-gateway:8080',
      attributes: { 'retry.count': 3, 'peer.service': 'payment-gateway', 'error.type': 'ECONNREFUSED' },
    }),
    span(8, 7, 'payment', 'call-payment-gateway', 'client', 46, 4996, { attributes: { 'server.address': 'payment-gateway', 'server.port': 8080, 'retry.count': 3 } }),
  ];
}

/** Healthy and earlier failing checkouts, 09:00–11:00, deterministic. */
export function backgroundTraces(): StoredSpan[][] {
  const out: StoredSpan[][] = [];
  const base = Date.parse('2025-10-26T09:00:00.000Z');
  for (let i = 0; i < 60; i++) {
    const start = base + i * 120_000 + 7_000;
    if (Math.abs(start - WALKTHROUGH_START) < 60_000) continue;
    const traceId = hex(0x1000 + i, 32);
    // Failing checkouts (short ones: the gateway refuses at once) during the incident, 10:00–10:30.
    const failing = start >= Date.parse('2025-10-26T10:00:00Z') && start < Date.parse('2025-10-26T10:30:00Z') && i % 3 === 0;
    const payMs = failing ? 1200 : 80 + (i % 7) * 10;
    const total = payMs + 60;
    const id = (n: number): string => hex(i * 16 + n, 16);
    out.push([
      { traceId, spanId: id(1), service: 'checkout', name: 'POST /checkout', kind: 'server', startMs: start, endMs: start + total, attributes: {}, ...(failing ? { error: 'payment failed' } : {}) },
      { traceId, spanId: id(2), parentId: id(1), service: 'cart', name: 'GET /cart', kind: 'server', startMs: start + 5, endMs: start + 30, attributes: {} },
      { traceId, spanId: id(3), parentId: id(1), service: 'payment', name: 'payment', kind: 'server', startMs: start + 35, endMs: start + 35 + payMs, attributes: {}, ...(failing ? { error: 'Connection refused: payment-gateway:8080' } : {}) },
      { traceId, spanId: id(4), parentId: id(3), service: 'payment', name: 'call-payment-gateway', kind: 'client', startMs: start + 37, endMs: start + 33 + payMs, attributes: {} },
      ...(failing ? [] : [{ traceId, spanId: id(5), parentId: id(1), service: 'inventory', name: 'reserve-items', kind: 'server' as const, startMs: start + 36 + payMs, endMs: start + 55 + payMs, attributes: {} }]),
    ]);
  }
  return out;
}

/** Every historical trace, the walkthrough included. */
export function historicalTraces(): StoredSpan[][] {
  return [...backgroundTraces(), walkthroughTrace()];
}
