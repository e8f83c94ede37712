/**
 * Deterministic log lines of the historical incident (2025-10-26 09:00–11:00 UTC) for the Loki stub: checkout,
 * payment and payment-gateway, in logfmt, JSON and bracketed forms, carrying `trace_id` and `correlation_id`.
 * The walkthrough's failing checkout logs its error at 10:15:37 with the trace id of trace-data.ts.
 */
import { WALKTHROUGH_CORRELATION_ID, WALKTHROUGH_START, WALKTHROUGH_TRACE_ID } from './trace-data.js';

/** One stored line. */
export interface StoredLine {
  timeMs: number;
  labels: Record<string, string>;
  line: string;
}

const hex = (n: number, w: number): string => n.toString(16).padStart(w, '0');

/** Every historical line, time order. */
export function historicalLogs(): StoredLine[] {
  const out: StoredLine[] = [];
  const base = Date.parse('2025-10-26T09:00:00.000Z');
  const iso = (t: number): string => new Date(t).toISOString();
  for (let i = 0; i < 720; i++) {
    const t = base + i * 10_000 + 3_000;
    const trace = hex(0x5000 + i, 32);
    const corr = `req-${hex(0xa0000 + i, 8)}`;
    const incident = t >= Date.parse('2025-10-26T10:00:00Z') && t < Date.parse('2025-10-26T10:30:00Z');
    // No other failure in the minute of the walkthrough: the user's request is the one to find.
    const failing = incident && i % 4 === 0 && Math.abs(t - WALKTHROUGH_START) > 60_000;
    out.push({ timeMs: t, labels: { app: 'checkout', namespace: 'payments' }, line: `ts=${iso(t)} level=info msg="checkout started" trace_id=${trace} correlation_id=${corr}` });
    out.push({
      timeMs: t + 40,
      labels: { app: 'payment', namespace: 'payments' },
      line: JSON.stringify({ time: iso(t + 40), level: failing ? 'error' : 'info', message: failing ? 'Connection refused: payment-gateway:8080' : `charged order ${1000 + i}`, trace_id: trace, correlation_id: corr }),
    });
    if (failing) out.push({ timeMs: t + 60, labels: { app: 'checkout', namespace: 'payments' }, line: `ts=${iso(t + 60)} level=error msg="checkout failed: payment error" trace_id=${trace} correlation_id=${corr} status=502` });
    if (incident && i % 2 === 0) out.push({ timeMs: t + 20, labels: { app: 'payment-gateway', namespace: 'payments' }, line: `WARN [pool=upstream] connection pool exhausted active=${50} waiting=${10 + (i % 30)}` });
  }
  // The walkthrough request: checkout → payment → gateway, 10:15:32–10:15:37.
  const w = (ms: number): number => WALKTHROUGH_START + ms;
  const tc = `trace_id=${WALKTHROUGH_TRACE_ID} correlation_id=${WALKTHROUGH_CORRELATION_ID}`;
  out.push(
    { timeMs: w(0), labels: { app: 'checkout', namespace: 'payments' }, line: `ts=${iso(w(0))} level=info msg="checkout started" user=u-1842 ${tc}` },
    { timeMs: w(46), labels: { app: 'payment', namespace: 'payments' }, line: `INFO [trace_id=${WALKTHROUGH_TRACE_ID}] [correlation_id=${WALKTHROUGH_CORRELATION_ID}] calling payment-gateway:8080 attempt=1` },
    { timeMs: w(1700), labels: { app: 'payment', namespace: 'payments' }, line: `WARN [trace_id=${WALKTHROUGH_TRACE_ID}] [correlation_id=${WALKTHROUGH_CORRELATION_ID}] retrying payment-gateway:8080 attempt=2` },
    { timeMs: w(3300), labels: { app: 'payment', namespace: 'payments' }, line: `WARN [trace_id=${WALKTHROUGH_TRACE_ID}] [correlation_id=${WALKTHROUGH_CORRELATION_ID}] retrying payment-gateway:8080 attempt=3` },
    { timeMs: w(4997), labels: { app: 'payment', namespace: 'payments' }, line: JSON.stringify({ time: iso(w(4997)), level: 'error', message: 'Connection refused: payment-gateway:8080', 'retry.count': 3, trace_id: WALKTHROUGH_TRACE_ID, correlation_id: WALKTHROUGH_CORRELATION_ID }) },
    { timeMs: w(4999), labels: { app: 'checkout', namespace: 'payments' }, line: `ts=${iso(w(4999))} level=error msg="checkout failed: payment error" status=502 ${tc}` },
  );
  return out.sort((a, b) => a.timeMs - b.timeMs);
}
